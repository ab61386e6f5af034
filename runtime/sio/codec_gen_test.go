package sio_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/examples/generated/go/dashboard"
	"github.com/siogen/siogen/examples/generated/go/notifications"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
)

// The generated codecs (AppendJSON, ReadJSON) must agree with the
// reflective codec: the same bytes out, and the same value in for
// everything both accept. (What the generated decoder accepts is held to
// the JSON Schema documents in examples/generated.)

// codec is what gogen generates for an object type T.
type codec[T any] interface {
	*T
	siojson.Appender
	siojson.ReaderFrom
}

// decodeGen decodes in with the generated decoder of T; ok reports no
// violations.
func decodeGen[T any, PT codec[T]](in []byte) (*T, bool) {
	v, vs := siojson.Decode(in, nil, siojson.ReadPointer[T, PT])
	return v, vs == nil
}

// codecTests holds one check per generated type with a codec; every such
// type of the example schemas must be listed (see TestCodecCoverage).
var codecTests = map[string]func(*testing.T){
	"bench.Sample":                              checkCodec[bench.Sample],
	"chat.AttachmentLink":                       checkCodec[chat.AttachmentLink],
	"chat.Answer":                               checkCodec[chat.Answer],
	"chat.ChatAuth":                             checkCodec[chat.ChatAuth],
	"chat.ChatPresencePayload":                  checkCodec[chat.ChatPresencePayload],
	"chat.ChatRoomJoinPayload":                  checkCodec[chat.ChatRoomJoinPayload],
	"chat.ChatRoomLeavePayload":                 checkCodec[chat.ChatRoomLeavePayload],
	"chat.ChatTypingPayload":                    checkCodec[chat.ChatTypingPayload],
	"chat.ChatUserJoinedPayload":                checkCodec[chat.ChatUserJoinedPayload],
	"chat.ChatUserLeftPayload":                  checkCodec[chat.ChatUserLeftPayload],
	"chat.FileRef":                              checkCodec[chat.FileRef],
	"chat.ImageRef":                             checkCodec[chat.ImageRef],
	"chat.Question":                             checkCodec[chat.Question],
	"chat.RoomNotFoundDetails":                  checkCodec[chat.RoomNotFoundDetails],
	"common.Page":                               checkCodec[common.Page],
	"contract.ContractAuth":                     checkCodec[contract.ContractAuth],
	"contract.Settings":                         checkCodec[contract.Settings],
	"contract.Moved":                            checkCodec[contract.Moved],
	"contract.MovedEntity":                      checkCodec[contract.MovedEntity],
	"contract.ShapeCircle":                      checkCodec[contract.ShapeCircle],
	"common.RateLimitedDetails":                 checkCodec[common.RateLimitedDetails],
	"common.User":                               checkCodec[common.User],
	"dashboard.UnknownMetricDetails":            checkCodec[dashboard.UnknownMetricDetails],
	"notifications.NotificationsAuth":           checkCodec[notifications.NotificationsAuth],
	"notifications.NotificationsDismissPayload": checkCodec[notifications.NotificationsDismissPayload],
	"notifications.NotificationsUnreadPayload":  checkCodec[notifications.NotificationsUnreadPayload],
	"notifications.UnknownNotificationDetails":  checkCodec[notifications.UnknownNotificationDetails],
	"dashboard.Sample":                          checkCodec[dashboard.Sample],
	"dashboard.Snapshot":                        checkCodec[dashboard.Snapshot],
	"notifications.Notification":                checkCodec[notifications.Notification],
	"notifications.Receipt":                     checkCodec[notifications.Receipt],
}

func TestGeneratedCodecs(t *testing.T) {
	t.Parallel()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range codecTests {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		t.Run(name, codecTests[name])
	}
}

// TestCodecCoverage checks that codecTests lists every type of the
// generated example packages that has an AppendJSON method.
func TestCodecCoverage(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../examples/generated/go/*/*.siogen.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no generated files", err)
	}
	re := regexp.MustCompile(`(?m)^func \(v \*(\w+)\) AppendJSON\(`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pkg := filepath.Base(filepath.Dir(f))
		for _, m := range re.FindAllSubmatch(src, -1) {
			if name := pkg + "." + string(m[1]); codecTests[name] == nil {
				t.Errorf("%s has a generated codec but no test in codecTests", name)
			}
		}
	}
}

// checkCodec compares the generated codec of T with the reflective one on
// random values and on variations of their JSON.
func checkCodec[T any, PT codec[T]](t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, uint64(len(reflect.TypeFor[T]().Name()))))
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n {
		v := new(T)
		fill(rng, reflect.ValueOf(v).Elem(), 0)
		got, gotErr := PT(v).AppendJSON(nil)
		want, wantErr := sio.EncodeReflect(v)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("value %d %#v: AppendJSON error %v, reflective error %v", i, v, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("value %d %#v:\nAppendJSON %s\nreflective %s", i, v, got, want)
		}
		// The runtime's encoder takes the generated path.
		if arg, err := sio.EncodeArg(v); err != nil || !bytes.Equal(arg, want) {
			t.Fatalf("value %d: EncodeArg %s, %v; want %s", i, arg, err, want)
		}
		// Random values may break the contract's constraints; what the
		// generated decoder accepts, it reads as the reflective one.
		dec, ok := decodeGen[T, PT](want)
		checkDecode[T](t, want, dec, ok)
		for range 4 {
			in := mutate(rng, want)
			dec, ok := decodeGen[T, PT](in)
			checkDecode[T](t, in, dec, ok)
		}
	}
	// An absent value is null, and a nil pointer encodes as null.
	if got, err := PT(nil).AppendJSON([]byte("x")); err != nil || string(got) != "xnull" {
		t.Errorf("nil AppendJSON = %q, %v", got, err)
	}
	for _, in := range edgeInputs {
		dec, ok := decodeGen[T, PT]([]byte(in))
		checkDecode[T](t, []byte(in), dec, ok)
	}
}

// checkDecode checks a generated decoding of in against the reflective
// decoder: when both accept in, the values are equal. (The reflective
// decoder refuses some payloads the contract allows, such as 1.0 for an
// integer or a leap second.)
func checkDecode[T any](t *testing.T, in []byte, got *T, ok bool) {
	t.Helper()
	if !ok {
		return
	}
	want := new(T)
	if err := sio.NewRaw(in).Decode(want); err != nil {
		return
	}
	applyDefaults(got, want)
	// The reflective decoder matches member names case-insensitively
	// (encoding/json's rule); the contract does not, which shows where
	// unknown members are ignored.
	if !reflect.DeepEqual(got, want) {
		exact := new(T)
		if json.Unmarshal(in, exact, jsonv1.DefaultOptionsV1(), json.MatchCaseInsensitiveNames(false)) == nil {
			want = exact
			applyDefaults(got, want)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoding %s:\nDecodeJSON %#v\nreflective %#v", in, got, want)
	}
}

// edgeInputs are decoded into every type: the generated decoder must
// refuse them or agree with the reflective one.
var edgeInputs = []string{
	``, `null`, `{}`, ` { } `, `{`, `}`, `[]`, `{}x`, `{} {}`, `{,}`, `{"a":1,}`, `"x"`, `1`, `true`,
	`{"id":"a","id":"b"}`, `{"ID":"a"}`, `{"nickname":"a" "id":"b"}`, `{"nickname":"a",,"id":"b"}`,
	`{"id":"\ud83d\ude00"}`, `{"id":"\ud83d"}`, `{"id":"\udc00\ud83d"}`, `{"id":"\u0000\u001f\"\\\/\b\f\n\r\t"}`,
	`{"id":"` + "\xff" + `"}`, `{"id":"` + "\x01" + `"}`, `{"id":"\x"}`, `{"id":"\u12"}`, `{"id":"\u12g4"}`,
	`{"client":-0,"seq":9223372036854775807,"ts":-9223372036854775808}`, `{"seq":9223372036854775808}`,
	`{"client":2147483647}`, `{"client":2147483648}`, `{"client":-2147483648}`, `{"client":-2147483649}`,
	`{"client":1.0}`, `{"client":1e2}`, `{"client":01}`, `{"client":-}`, `{"client":"1"}`, `{"client":+1}`,
	`{"count":00}`, `{"choice":12345678901234567890}`, `{"retry_after_ms":0}`,
	`{"at":"2024-05-01T12:00:00Z"}`, `{"at":"2024-05-01T12:00:00.123456789+01:00"}`, `{"at":"2024-05-01 12:00:00Z"}`,
	`{"at":"2024-05-01T12:00:00,5Z"}`, `{"at":"2024-05-01T1:00:00Z"}`, `{"at":"2024-05-01T12:00:00+24:00"}`, `{"at":"\u0032024-05-01T12:00:00Z"}`,
	`{"at":null}`, `{"seen_at":null,"shown":true}`, `{"value":1e400}`, `{"value":-1e-400}`, `{"value":-0}`, `{"value":0.1e-22}`,
	`{"value":123456789012345678901234567890}`, `{"value":1.5E+3}`, `{"value":1e22}`, `{"value":1e23}`, `{"value":.5}`, `{"value":5.}`,
	`{"labels":{"a":"x","a":"y"}}`, `{"labels":{"\u0061":"x","a":"y"}}`, `{"labels":{}}`, `{"labels":{"":""}}`, `{"labels":{"k":null}}`,
	`{"samples":[{"metric":"m","at":"2024-05-01T12:00:00Z","value":1}],"window":"1m","sequence":3}`,
	`{"typing":true,"room":"r"}`, `{"typing":tru}`, `{"typing":null}`, `{"typing":nul}`, `{"typing":falsey}`,
	`{"choices":["a","b",null]}`, `{"choices":[]}`, `{"choices":null}`, `{"choices":["a",]}`, `{"choices":[,"a"]}`,
	`{"choices":["a" "b"]}`, `{"choices":{"a":"b"}}`, `{"history":1}`, `{"history":null}`, `{"limit":null,"cursor":null}`,
	`{"alt":null,"url":"u","width":1,"height":2}`, `{"presence":"away","user":"u"}`, `{"presence":"nope","user":"u"}`,
	`{"user":{"id":"a","nickname":"b"},"room":"r"}`, `{"user":{"id":"a","id":"b"},"room":"r"}`, `{"user":null,"room":"r"}`,
	`{"user":{"id":"a"},"user":{"nickname":"b"}}`, `{"size_bytes":1073741824,"url":"x","name":"n"}`,
	"\t{\n\"id\" :\r\"a\" , \"nickname\":\"b\"}\n", `{"id":"a"}` + "\x00",
}

// mutate returns a variation of the JSON text of a value: whitespace,
// escapes, duplicated, unknown or re-cased members, nulls, other number
// spellings.
func mutate(rng *rand.Rand, in []byte) []byte {
	s := string(in)
	switch rng.IntN(10) {
	case 0: // whitespace after a structural character
		var b strings.Builder
		inString := false
		for i := 0; i < len(s); i++ {
			b.WriteByte(s[i])
			switch {
			case s[i] == '\\':
				i++
				b.WriteByte(s[i])
			case s[i] == '"':
				inString = !inString
			case !inString && strings.IndexByte("{[,:", s[i]) >= 0 && rng.IntN(2) == 0:
				b.WriteString([]string{" ", "\n", "\t", "\r\n  "}[rng.IntN(4)])
			}
		}
		return []byte(b.String())
	case 1: // a letter of a string value escaped as \u00XX
		if i := strings.Index(s, `":"`); i >= 0 {
			if j := strings.IndexAny(s[i+3:], "abcdefghijklmnopqrstuvwxyz"); j >= 0 {
				j += i + 3
				return []byte(s[:j] + fmt.Sprintf(`\u%04X`, s[j]) + s[j+1:])
			}
		}
	case 2: // an unknown member
		if strings.HasPrefix(s, "{") && len(s) > 2 {
			return []byte(`{"zz_unknown":1,` + s[1:])
		}
	case 3: // a member name in upper case
		return []byte(regexp.MustCompile(`"[a-z_]+":`).ReplaceAllStringFunc(s, strings.ToUpper))
	case 4: // a member repeated
		if m := regexp.MustCompile(`"[a-z_]+":("[^"]*"|-?[0-9.eE+-]+|true|false|null)`).FindString(s); m != "" {
			return []byte(strings.Replace(s, "{", "{"+m+",", 1))
		}
	case 5: // a value replaced by null
		return []byte(regexp.MustCompile(`:("[^"\\]*"|-?[0-9]+)`).ReplaceAllLiteralString(s, ":null"))
	case 6: // an integer respelled
		return []byte(regexp.MustCompile(`:(-?[0-9]+)([,}\]])`).ReplaceAllString(s, []string{":${1}.0$2", ":${1}e0$2", ":${1}E+00$2", ":-0$2", ":0${1}$2"}[rng.IntN(5)]))
	case 7: // truncated
		if len(s) > 1 {
			return []byte(s[:rng.IntN(len(s))])
		}
	case 8: // a list element or map value that is null
		s = strings.Replace(s, "[", "[null,", 1)
		return []byte(strings.Replace(s, `":{"`, `":{"k":null,"`, 1))
	case 9: // a byte flipped
		if len(s) > 0 {
			b := []byte(s)
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
			return b
		}
	}
	return in
}

// strs are string ingredients: escapes, HTML, U+2028/9, invalid UTF-8,
// the replacement character, astral runes.
var strs = []string{"", "a", "hello world", `"`, `\`, "/", "<>&", "\x00", "\x1f", "\b\f\n\r\t", "\x7f",
	"é", "\u2028", "\u2029", "\ufffd", "\xff", "\xc3", "\xed\xa0\x80", "😀", "日本", "\u0600", "'", "`", "%s", "\u00a0"}

// fill sets v to a random value: nil and empty collections, extreme
// integers, floats of every magnitude and negative zero.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(randTime(rng)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(strs[rng.IntN(len(strs))])
		}
		v.SetString(b.String())
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int32, reflect.Int64:
		bits := v.Type().Bits()
		switch rng.IntN(4) {
		case 0:
			v.SetInt(int64(rng.IntN(100)) - 50)
		case 1:
			v.SetInt(-1 << (bits - 1))
		case 2:
			v.SetInt(1<<(bits-1) - 1)
		default:
			v.SetInt(int64(rng.Uint64()) >> (64 - bits))
		}
	case reflect.Float64:
		v.SetFloat(randFloat(rng))
	case reflect.Pointer:
		if rng.IntN(3) == 0 || depth > 4 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := rng.IntN(5); {
		case n == 0 || depth > 4:
			v.SetZero()
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fill(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		switch n := rng.IntN(5); {
		case n == 0 || depth > 4:
			v.SetZero()
		default:
			m := reflect.MakeMap(v.Type())
			for range n - 1 {
				k := reflect.New(v.Type().Key()).Elem()
				fill(rng, k, depth+1)
				e := reflect.New(v.Type().Elem()).Elem()
				fill(rng, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(rng, v.Field(i), depth+1)
		}
	default:
		panic("fill: unexpected kind " + v.Kind().String())
	}
}

// randTime returns times of every zone and precision, and some that
// RFC 3339 cannot hold (both encoders refuse those).
func randTime(rng *rand.Rand) time.Time {
	t := time.Unix(rng.Int64N(1<<35)-1<<34, 0)
	switch rng.IntN(4) {
	case 0:
		t = t.Add(time.Duration(rng.IntN(1e9)))
	case 1:
		t = t.Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
	}
	switch rng.IntN(8) {
	case 0:
		return time.Time{}
	case 1:
		return t.In(time.FixedZone("", (rng.IntN(48)-24)*1800))
	case 2:
		return t.In(time.FixedZone("X", rng.IntN(200)*3600)) // offsets of 24h and more
	case 3:
		return t.AddDate(rng.IntN(20000)-10000, 0, 0).UTC() // years beyond 9999 and before 0
	case 4:
		return t.Local()
	}
	return t.UTC()
}

func randFloat(rng *rand.Rand) float64 {
	switch rng.IntN(12) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return float64(rng.IntN(2000) - 1000)
	case 3:
		return rng.Float64() * 1e-6 // around the switch to exponents
	case 4:
		return 1e21 * (1 - rng.Float64()/1e6)
	case 5:
		return []float64{1e21, 1e-6, 1e-7, 9.999999999999999e20, math.MaxFloat64, math.SmallestNonzeroFloat64,
			-math.MaxFloat64, 0.1, 1.5e300, 123456789012345678, 1 << 53, 1<<53 + 2}[rng.IntN(12)]
	case 6:
		return math.Float64frombits(rng.Uint64()) // may be NaN or infinite: both encoders refuse those
	case 7:
		f, _ := strconv.ParseFloat(fmt.Sprintf("%de%d", rng.IntN(1e6), rng.IntN(80)-40), 64)
		return f
	default:
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
	}
}

// applyDefaults sets the nil pointer fields of want to got's where got
// holds the field's declared default: the generated decoder applies
// defaults to absent fields, the reflective one leaves them nil.
func applyDefaults[T any](got, want *T) {
	var defaults T
	if r, ok := any(&defaults).(siojson.ReaderFrom); ok {
		siojson.Decode([]byte("{}"), nil, func(rd *siojson.Reader) struct{} { r.ReadJSON(rd); return struct{}{} })
	}
	gv, wv, dv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem(), reflect.ValueOf(defaults)
	for i := range wv.NumField() {
		if f := wv.Field(i); f.Kind() == reflect.Pointer && f.IsNil() && !dv.Field(i).IsNil() &&
			reflect.DeepEqual(gv.Field(i).Interface(), dv.Field(i).Interface()) {
			f.Set(gv.Field(i))
		}
	}
}

// FuzzDecodeUser compares the generated and the reflective decoder of a
// nested type on arbitrary input.
func FuzzDecodeUser(f *testing.F) {
	for _, s := range edgeInputs {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"room":"r","user":{"id":"a","nickname":"b","avatar_url":"http://x"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, ok := decodeGen[chat.ChatUserJoinedPayload](in)
		checkDecode[chat.ChatUserJoinedPayload](t, in, got, ok)
		q, ok := decodeGen[chat.Question](in)
		checkDecode[chat.Question](t, in, q, ok)
	})
}
