package redisadapter

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The messages between nodes are JavaScript values. They are held here as a
// small tree that keeps the order of object keys, so that what a Node node
// sent is what our clients receive, key for key:
//
//	nil, bool, int64, uint64, float64, string, []byte (a Node Buffer),
//	[]any, *object.

// object is a JSON object or msgpack map with its keys in order.
type object struct {
	keys []string
	vals []any
}

// obj builds an object from key, value pairs.
func obj(kv ...any) *object {
	o := &object{keys: make([]string, 0, len(kv)/2), vals: make([]any, 0, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// set adds or replaces key.
func (o *object) set(key string, v any) {
	for i, k := range o.keys {
		if k == key {
			o.vals[i] = v
			return
		}
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

// get returns the value of key and whether it is present.
func (o *object) get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	for i, k := range o.keys {
		if k == key {
			return o.vals[i], true
		}
	}
	return nil, false
}

func (o *object) str(key string) string {
	v, _ := o.get(key)
	s, _ := v.(string)
	return s
}

func (o *object) obj(key string) *object {
	v, _ := o.get(key)
	m, _ := v.(*object)
	return m
}

func (o *object) arr(key string) []any {
	v, _ := o.get(key)
	a, _ := v.([]any)
	return a
}

// num returns key as an integer, false when it is absent or not a number.
func (o *object) num(key string) (int64, bool) {
	v, _ := o.get(key)
	return toInt(v)
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), true
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), true
		}
	}
	return 0, false
}

// strings returns the elements of a list of rooms: strings, or numbers
// written in decimal as JavaScript does when it uses them as Map keys.
func strs(v []any) []string {
	out := make([]string, 0, len(v))
	for _, e := range v {
		switch s := e.(type) {
		case string:
			out = append(out, s)
		case nil:
		default:
			out = append(out, string(appendJSON(nil, s, nil)))
		}
	}
	return out
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// errBadJSON is returned for JSON this package cannot convert.
var errBadJSON = errors.New("redisadapter: invalid JSON payload")

// fromJSON parses JSON text into a value, replacing the Socket.IO
// placeholders {"_placeholder":true,"num":i} by att[i].
func fromJSON(data []byte, att [][]byte) (any, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	v, err := readJSON(dec, att, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadJSON, err)
	}
	return v, nil
}

const maxDepth = 200

func readJSON(dec *jsontext.Decoder, att [][]byte, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("too deep")
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't', 'f':
		return tok.Bool(), nil
	case '"':
		return tok.String(), nil
	case '0':
		return parseNumber(tok.String()), nil
	case '[':
		out := []any{}
		for dec.PeekKind() != ']' {
			v, err := readJSON(dec, att, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		_, err := dec.ReadToken()
		return out, err
	case '{':
		o := &object{}
		for dec.PeekKind() != '}' {
			k, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			key := k.String()
			v, err := readJSON(dec, att, depth+1)
			if err != nil {
				return nil, err
			}
			o.set(key, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		if b, ok := placeholder(o, att); ok {
			return b, nil
		}
		return o, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func placeholder(o *object, att [][]byte) ([]byte, bool) {
	if len(o.keys) != 2 {
		return nil, false
	}
	if p, _ := o.get("_placeholder"); p != true {
		return nil, false
	}
	n, ok := o.num("num")
	if !ok || n < 0 || n >= int64(len(att)) {
		return nil, false
	}
	return att[n], true
}

// parseNumber keeps integers exact and everything else as float64.
func parseNumber(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// toJSON writes v as JSON text. Each []byte becomes a placeholder whose
// bytes are appended to *att; with att nil it becomes what JSON.stringify
// makes of a Node Buffer, {"type":"Buffer","data":[...]}.
func toJSON(v any, att *[][]byte) []byte { return appendJSON(nil, v, att) }

func appendJSON(dst []byte, v any, att *[][]byte) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case uint64:
		return strconv.AppendUint(dst, x, 10)
	case float64:
		return appendFloat(dst, x)
	case string:
		return appendString(dst, x)
	case []byte:
		if att == nil {
			dst = append(dst, `{"type":"Buffer","data":[`...)
			for i, c := range x {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = strconv.AppendUint(dst, uint64(c), 10)
			}
			return append(dst, "]}"...)
		}
		*att = append(*att, x)
		dst = append(dst, `{"_placeholder":true,"num":`...)
		dst = strconv.AppendInt(dst, int64(len(*att)-1), 10)
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e, att)
		}
		return append(dst, ']')
	case *object:
		dst = append(dst, '{')
		for i, k := range x.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			dst = appendJSON(dst, x.vals[i], att)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// appendFloat formats f as JavaScript's Number#toString does (null for
// NaN and infinities, as JSON.stringify writes them).
func appendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
		// Go writes e-07 and e+21; JavaScript writes e-7 and e+21.
		if n := len(dst); n >= 4 && dst[n-2] == '0' && (dst[n-3] == '-' || dst[n-3] == '+') {
			dst = append(dst[:n-2], dst[n-1])
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as JSON.stringify does (no HTML escaping).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
