package redisadapter

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// The MessagePack subset notepack.io (the encoder of the Node adapters)
// writes and reads: nil, booleans, integers in their smallest form, float64
// for the other numbers, str, bin for Buffers, arrays and maps with string
// keys. Decoding also accepts float32, the ext timestamps notepack writes for
// Dates (they become ISO strings, as JSON.stringify makes them) and skips
// other ext values (null).

// packValue appends the MessagePack encoding of v to dst.
func packValue(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, 0xc0)
	case bool:
		if x {
			return append(dst, 0xc3)
		}
		return append(dst, 0xc2)
	case int:
		return packInt(dst, int64(x))
	case int64:
		return packInt(dst, x)
	case uint64:
		if x <= math.MaxInt64 {
			return packInt(dst, int64(x))
		}
		return binary.BigEndian.AppendUint64(append(dst, 0xcf), x)
	case float64:
		// notepack writes every integral finite number as an integer.
		if x == math.Trunc(x) && !math.IsInf(x, 0) && math.Abs(x) < 1<<63 {
			return packInt(dst, int64(x))
		}
		return binary.BigEndian.AppendUint64(append(dst, 0xcb), math.Float64bits(x))
	case string:
		return append(packHeader(dst, len(x), 0xa0, 0x20, 0xd9, 0xda, 0xdb), x...)
	case []byte:
		n := len(x)
		switch {
		case n < 0x100:
			dst = append(dst, 0xc4, byte(n))
		case n < 0x10000:
			dst = binary.BigEndian.AppendUint16(append(dst, 0xc5), uint16(n))
		default:
			dst = binary.BigEndian.AppendUint32(append(dst, 0xc6), uint32(n))
		}
		return append(dst, x...)
	case []any:
		dst = packHeader(dst, len(x), 0x90, 0x10, 0, 0xdc, 0xdd)
		for _, e := range x {
			dst = packValue(dst, e)
		}
		return dst
	case *object:
		dst = packHeader(dst, len(x.keys), 0x80, 0x10, 0, 0xde, 0xdf)
		for i, k := range x.keys {
			dst = packValue(dst, k)
			dst = packValue(dst, x.vals[i])
		}
		return dst
	}
	return append(dst, 0xc0)
}

// packHeader writes a length header: fix form below fixMax, then the 8-bit
// form (if any), 16-bit and 32-bit forms.
func packHeader(dst []byte, n int, fix byte, fixMax int, b8, b16, b32 byte) []byte {
	switch {
	case n < fixMax:
		return append(dst, fix|byte(n))
	case b8 != 0 && n < 0x100:
		return append(dst, b8, byte(n))
	case n < 0x10000:
		return binary.BigEndian.AppendUint16(append(dst, b16), uint16(n))
	default:
		return binary.BigEndian.AppendUint32(append(dst, b32), uint32(n))
	}
}

func packInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0 && v < 0x80:
		return append(dst, byte(v))
	case v >= 0 && v < 0x100:
		return append(dst, 0xcc, byte(v))
	case v >= 0 && v < 0x10000:
		return binary.BigEndian.AppendUint16(append(dst, 0xcd), uint16(v))
	case v >= 0 && v < 0x100000000:
		return binary.BigEndian.AppendUint32(append(dst, 0xce), uint32(v))
	case v >= 0:
		return binary.BigEndian.AppendUint64(append(dst, 0xcf), uint64(v))
	case v >= -0x20:
		return append(dst, byte(v))
	case v >= -0x80:
		return append(dst, 0xd0, byte(v))
	case v >= -0x8000:
		return binary.BigEndian.AppendUint16(append(dst, 0xd1), uint16(v))
	case v >= -0x80000000:
		return binary.BigEndian.AppendUint32(append(dst, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(dst, 0xd3), uint64(v))
}

var errBadMsgpack = errors.New("redisadapter: invalid MessagePack")

// unpack decodes one MessagePack value that must fill b.
func unpack(b []byte) (any, error) {
	u := unpacker{b: b}
	v := u.value(0)
	if u.err != nil || u.i != len(b) {
		return nil, errBadMsgpack
	}
	return v, nil
}

type unpacker struct {
	b   []byte
	i   int
	err error
}

func (u *unpacker) take(n int) []byte {
	if u.err != nil || n < 0 || n > len(u.b)-u.i {
		u.err = errBadMsgpack
		return nil
	}
	s := u.b[u.i : u.i+n]
	u.i += n
	return s
}

func (u *unpacker) uint(n int) uint64 {
	s := u.take(n)
	var v uint64
	for _, c := range s {
		v = v<<8 | uint64(c)
	}
	return v
}

func (u *unpacker) value(depth int) any {
	if depth > maxDepth {
		u.err = errBadMsgpack
		return nil
	}
	t := u.take(1)
	if t == nil {
		return nil
	}
	c := t[0]
	switch {
	case c < 0x80:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	case c&0xf0 == 0x80:
		return u.mapOf(int(c&0x0f), depth)
	case c&0xf0 == 0x90:
		return u.arrayOf(int(c&0x0f), depth)
	case c&0xe0 == 0xa0:
		return string(u.take(int(c & 0x1f)))
	}
	switch c {
	case 0xc0:
		return nil
	case 0xc2:
		return false
	case 0xc3:
		return true
	case 0xc4, 0xc5, 0xc6:
		n := u.uint(1 << (c - 0xc4))
		return append([]byte{}, u.take(int(n))...)
	case 0xc7, 0xc8, 0xc9:
		n := u.uint(1 << (c - 0xc7))
		return u.ext(int(n))
	case 0xca:
		return float64(math.Float32frombits(uint32(u.uint(4))))
	case 0xcb:
		return math.Float64frombits(u.uint(8))
	case 0xcc, 0xcd, 0xce, 0xcf:
		return u.uint(1 << (c - 0xcc))
	case 0xd0:
		return int64(int8(u.uint(1)))
	case 0xd1:
		return int64(int16(u.uint(2)))
	case 0xd2:
		return int64(int32(u.uint(4)))
	case 0xd3:
		return int64(u.uint(8))
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		return u.ext(1 << (c - 0xd4))
	case 0xd9, 0xda, 0xdb:
		n := u.uint(1 << (c - 0xd9))
		return string(u.take(int(n)))
	case 0xdc, 0xdd:
		return u.arrayOf(int(u.uint(2<<(c-0xdc))), depth)
	case 0xde, 0xdf:
		return u.mapOf(int(u.uint(2<<(c-0xde))), depth)
	}
	u.err = errBadMsgpack
	return nil
}

// ext reads an ext value of n data bytes: timestamps (type -1) become ISO
// strings, anything else null.
func (u *unpacker) ext(n int) any {
	typ := u.take(1)
	data := u.take(n)
	if u.err != nil || int8(typ[0]) != -1 {
		return nil
	}
	var sec int64
	var nsec int64
	switch n {
	case 4:
		sec = int64(binary.BigEndian.Uint32(data))
	case 8:
		v := binary.BigEndian.Uint64(data)
		nsec, sec = int64(v>>34), int64(v&(1<<34-1))
	case 12:
		nsec = int64(binary.BigEndian.Uint32(data))
		sec = int64(binary.BigEndian.Uint64(data[4:]))
	default:
		return nil
	}
	return time.Unix(sec, nsec).UTC().Format("2006-01-02T15:04:05.000Z")
}

func (u *unpacker) arrayOf(n int, depth int) any {
	if n > len(u.b)-u.i {
		u.err = errBadMsgpack
		return nil
	}
	out := make([]any, 0, n)
	for range n {
		out = append(out, u.value(depth+1))
		if u.err != nil {
			return nil
		}
	}
	return out
}

func (u *unpacker) mapOf(n int, depth int) any {
	if n > (len(u.b)-u.i)/2 {
		u.err = errBadMsgpack
		return nil
	}
	o := &object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
	for range n {
		k := u.value(depth + 1)
		v := u.value(depth + 1)
		if u.err != nil {
			return nil
		}
		ks, ok := k.(string)
		if !ok {
			ks = string(appendJSON(nil, k, nil))
		}
		o.keys = append(o.keys, ks)
		o.vals = append(o.vals, v)
	}
	return o
}
