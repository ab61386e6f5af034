package sio

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/siogen/siogen/runtime/internal/parser"

	"github.com/siogen/siogen/runtime/siojson"
)

// Arguments travel as a JSON array whose byte slices are replaced by
// placeholders {"_placeholder":true,"num":i}, numbered depth first, with the
// bytes sent as separate binary attachments. Values are marshaled with the
// semantics of encoding/json (struct tags, omitempty, Marshaler methods),
// except that HTML characters are not escaped, so that echoed JSON stays
// byte-identical to JavaScript's JSON.stringify, that nil slices and maps
// encode as [] and {}, and that every []byte becomes an attachment instead
// of a base64 string (a nil []byte is null).

// Raw is one event or ack argument exactly as it was received: its JSON text
// and the binary attachments it refers to. Emitting a Raw sends the same JSON
// and the same bytes back (placeholders renumbered as needed), so a relay
// never changes what it passes on. The zero Raw is JSON null.
type Raw struct {
	json []byte
	att  [][]byte // the attachments of the packet the value came from
}

// NewRaw returns a Raw holding the JSON text data, which must be valid JSON
// with no placeholders.
func NewRaw(data []byte) Raw { return Raw{json: data} }

// JSON returns the argument's JSON text, with any placeholders as received.
func (r Raw) JSON() []byte {
	if r.json == nil {
		return []byte("null")
	}
	return r.json
}

// Decode unmarshals the argument into v (a pointer), putting attachments
// back into []byte values.
func (r Raw) Decode(v any) error { return decodeValue(r.JSON(), r.att, v) }

// MarshalJSON returns the argument's JSON text; placeholders, if any, are
// left as received. Emitting the Raw through this package keeps its binary.
func (r Raw) MarshalJSON() ([]byte, error) { return r.JSON(), nil }

// v1opts are encoding/json's semantics, except that HTML characters are not
// escaped and that nil slices and maps encode as [] and {}: a JavaScript
// peer reading a contract's list or map never finds null there.
var v1opts = json.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
	json.FormatNilSliceAsNull(false), json.FormatNilMapAsNull(false))

// encodeState is a pooled encoder whose marshal functions are bound to its
// own attachment list, so that encoding allocates no closures.
type encodeState struct {
	buf  bytes.Buffer
	enc  *jsontext.Encoder
	att  [][]byte
	opts json.Options
}

var encodePool = sync.Pool{New: func() any {
	st := &encodeState{}
	m := json.JoinMarshalers(
		json.MarshalToFunc(func(enc *jsontext.Encoder, b []byte) error {
			if b == nil {
				return enc.WriteToken(jsontext.Null)
			}
			return st.placeholder(enc, b)
		}),
		json.MarshalToFunc(func(enc *jsontext.Encoder, r Raw) error { return st.writeRaw(enc, r) }),
	)
	st.opts = json.JoinOptions(v1opts, json.WithMarshalers(m))
	st.enc = jsontext.NewEncoder(&st.buf, st.opts)
	return st
}}

func (st *encodeState) placeholder(enc *jsontext.Encoder, b []byte) error {
	var tmp [48]byte
	st.att = append(st.att, b)
	return enc.WriteValue(parser.AppendPlaceholder(tmp[:0], len(st.att)-1))
}

// writeRaw writes a received argument, renumbering its placeholders into
// this packet's attachments.
func (st *encodeState) writeRaw(enc *jsontext.Encoder, r Raw) error {
	if len(r.att) == 0 {
		return enc.WriteValue(r.JSON())
	}
	dec := jsontext.NewDecoder(bytes.NewReader(r.json))
	return copyRenumbered(enc, dec, func(num int) (int, bool) {
		if num < 0 || num >= len(r.att) {
			return 0, false
		}
		st.att = append(st.att, r.att[num])
		return len(st.att) - 1, true
	})
}

// copyRenumbered copies one JSON value from dec to enc, replacing each
// placeholder's number by what renumber returns.
func copyRenumbered(enc *jsontext.Encoder, dec *jsontext.Decoder, renumber func(int) (int, bool)) error {
	switch dec.PeekKind() {
	case '{':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if num, ok := parser.ParsePlaceholder(v); ok {
			if n, ok := renumber(num); ok {
				var tmp [48]byte
				return enc.WriteValue(parser.AppendPlaceholder(tmp[:0], n))
			}
		}
		// An ordinary object: copy it member by member.
		inner := jsontext.NewDecoder(bytes.NewReader(v))
		if _, err := inner.ReadToken(); err != nil {
			return err
		}
		if err := enc.WriteToken(jsontext.BeginObject); err != nil {
			return err
		}
		for inner.PeekKind() != '}' {
			name, err := inner.ReadToken()
			if err != nil {
				return err
			}
			if err := enc.WriteToken(name); err != nil {
				return err
			}
			if err := copyRenumbered(enc, inner, renumber); err != nil {
				return err
			}
		}
		return enc.WriteToken(jsontext.EndObject)
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		if err := enc.WriteToken(jsontext.BeginArray); err != nil {
			return err
		}
		for dec.PeekKind() != ']' {
			if err := copyRenumbered(enc, dec, renumber); err != nil {
				return err
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		return enc.WriteToken(jsontext.EndArray)
	default:
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		return enc.WriteValue(v)
	}
}

// encodeArgs encodes [name, args...] (without name when it is empty) as a
// JSON array and returns it with the attachments it refers to. The returned
// slices are freshly allocated.
func encodeArgs(name string, args []any) ([]byte, [][]byte, error) {
	return appendArgs(nil, name, args)
}

// appendArgs is encodeArgs that appends the array to dst[:0] when it can
// do without reflection; with a nil dst, the array gets a slice of its own.
func appendArgs(dst []byte, name string, args []any) ([]byte, [][]byte, error) {
	if data, ok := appendRawArgs(dst, name, args); ok {
		return data, nil, nil
	}
	if data, ok := appendFastArgs(dst, name, args); ok {
		return data, nil, nil
	}
	return encodeArgsReflect(name, args)
}

// encodeArgsReflect is encodeArgs with the reflective encoder.
func encodeArgsReflect(name string, args []any) ([]byte, [][]byte, error) {
	st := encodePool.Get().(*encodeState)
	defer func() {
		st.buf.Reset()
		clear(st.att)
		st.att = st.att[:0]
		encodePool.Put(st)
	}()
	st.enc.Reset(&st.buf, st.opts)
	if err := st.enc.WriteToken(jsontext.BeginArray); err != nil {
		return nil, nil, err
	}
	if name != "" {
		if err := st.enc.WriteToken(jsontext.String(name)); err != nil {
			return nil, nil, err
		}
	}
	for i, a := range args {
		if err := json.MarshalEncode(st.enc, a, st.opts); err != nil {
			return nil, nil, fmt.Errorf("failed to encode argument %d: %w", i, err)
		}
	}
	if err := st.enc.WriteToken(jsontext.EndArray); err != nil {
		return nil, nil, err
	}
	data := bytes.Clone(bytes.TrimSuffix(st.buf.Bytes(), []byte("\n")))
	var att [][]byte
	if len(st.att) > 0 {
		att = append([][]byte(nil), st.att...)
	}
	return data, att, nil
}

// appendRawArgs is the fast path of encodeArgs for relays and echoes:
// when the name needs no escaping and every argument is a [Raw] without
// attachments, the array is the arguments' JSON side by side, copied as
// received without being parsed again. It reports false otherwise.
func appendRawArgs(dst []byte, name string, args []any) ([]byte, bool) {
	n := len(name) + 4
	for _, a := range args {
		r, ok := a.(Raw)
		if !ok || len(r.att) > 0 {
			return nil, false
		}
		n += len(r.JSON()) + 1
	}
	if !plainName(name) {
		return nil, false
	}
	data := dst[:0]
	if dst == nil {
		data = make([]byte, 0, n)
	}
	data = append(data, '[')
	if name != "" {
		data = append(data, '"')
		data = append(data, name...)
		data = append(data, '"')
	}
	for i, a := range args {
		if i > 0 || name != "" {
			data = append(data, ',')
		}
		data = append(data, a.(Raw).JSON()...)
	}
	return append(data, ']'), true
}

// plainName reports whether an event name is its own JSON string content.
func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

var fastPool = sync.Pool{New: func() any { return new([]byte) }}

// appendFastArgs is the reflection-free path of encodeArgs, for arguments
// that are [siojson.Appender]s or [Raw] values without attachments. It
// reports false when it cannot encode them.
func appendFastArgs(dst []byte, name string, args []any) ([]byte, bool) {
	for _, a := range args {
		switch a := a.(type) {
		case Raw:
			if len(a.att) > 0 {
				return nil, false
			}
		case siojson.Appender:
		default:
			return nil, false
		}
	}
	if !plainName(name) {
		return nil, false
	}
	if dst != nil {
		return appendFastInto(dst[:0], name, args)
	}
	bp := fastPool.Get().(*[]byte)
	b, ok := appendFastInto((*bp)[:0], name, args)
	var data []byte
	if ok {
		data = bytes.Clone(b)
	}
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		fastPool.Put(bp)
	}
	return data, ok
}

// appendFastInto appends the array of appendFastArgs to b.
func appendFastInto(b []byte, name string, args []any) ([]byte, bool) {
	b = append(b, '[')
	if name != "" {
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"')
	}
	for i, a := range args {
		if i > 0 || name != "" {
			b = append(b, ',')
		}
		if r, isRaw := a.(Raw); isRaw {
			b = append(b, r.JSON()...)
			continue
		}
		var err error
		if b, err = a.(siojson.Appender).AppendJSON(b); err != nil {
			return b, false
		}
	}
	return append(b, ']'), true
}

// decodeState is a pooled decoder whose unmarshal functions read the
// attachments of the packet being decoded.
type decodeState struct {
	att  [][]byte
	opts json.Options
}

var decodePool = sync.Pool{New: func() any {
	st := &decodeState{}
	u := json.JoinUnmarshalers(
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, b *[]byte) error { return st.bytes(dec, b) }),
		json.UnmarshalFromFunc(func(dec *jsontext.Decoder, r *Raw) error {
			v, err := dec.ReadValue()
			if err != nil {
				return err
			}
			*r = Raw{json: bytes.Clone(v), att: st.att}
			return nil
		}),
	)
	st.opts = json.JoinOptions(v1opts, json.WithUnmarshalers(u))
	return st
}}

var errBadPlaceholder = errors.New("placeholder refers to a missing attachment")

// bytes reads a []byte: an attachment placeholder, a base64 string, or null.
func (st *decodeState) bytes(dec *jsontext.Decoder, b *[]byte) error {
	switch dec.PeekKind() {
	case '{':
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		num, ok := parser.ParsePlaceholder(v)
		if !ok || num >= len(st.att) {
			return errBadPlaceholder
		}
		*b = st.att[num]
		return nil
	case 'n':
		_, err := dec.ReadToken()
		*b = nil
		return err
	case '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		out, err := base64.StdEncoding.DecodeString(tok.String())
		*b = out
		return err
	}
	return errors.ErrUnsupported
}

// decodeValue unmarshals one argument into v.
func decodeValue(data []byte, att [][]byte, v any) error {
	st := decodePool.Get().(*decodeState)
	st.att = att
	err := json.Unmarshal(data, v, st.opts)
	st.att = nil
	decodePool.Put(st)
	return err
}
