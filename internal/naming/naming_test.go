package naming_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/siogen/siogen/internal/naming"
)

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"message:send", []string{"message", "send"}},
		{"user_id", []string{"user", "id"}},
		{"userId", []string{"user", "Id"}},
		{"UserID", []string{"User", "ID"}},
		{"HTTPServer", []string{"HTTP", "Server"}},
		{"room-ids", []string{"room", "ids"}},
		{"ipv4_addr", []string{"ipv4", "addr"}},
		{"utf8Encoder", []string{"utf8", "Encoder"}},
		{"/admin/metrics", []string{"admin", "metrics"}},
		{"a.b c", []string{"a", "b", "c"}},
		{"ID", []string{"ID"}},
		{"__x__", []string{"x"}},
		{"", nil},
		{":::", nil},
		{"épée:ñu", []string{"épée", "ñu"}},
	}
	for _, tt := range tests {
		if got := naming.Words(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGoExported(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"message:send", "MessageSend"},
		{"message_send", "MessageSend"},
		{"user_id", "UserID"},
		{"userId", "UserID"},
		{"UserID", "UserID"},
		{"room-ids", "RoomIDs"},
		{"HttpServer", "HTTPServer"},
		{"api_url", "APIURL"},
		{"json", "JSON"},
		{"uuid", "UUID"},
		{"ip_address", "IPAddress"},
		{"ipv4", "IPv4"},
		{"USER_NAME", "UserName"},
		{"OAuth", "OAuth"},
		{"typing", "Typing"},
		{"user:joined", "UserJoined"},
		{"2fa", "X2fa"},
		{"", "X"},
		{"---", "X"},
		{"type", "Type"},
		{"/chat", "Chat"},
	}
	for _, tt := range tests {
		if got := naming.GoExported(tt.in); got != tt.want {
			t.Errorf("GoExported(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGoUnexported(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"message:send", "messageSend"},
		{"user_id", "userID"},
		{"URL", "url"},
		{"ID", "id"},
		{"HTTPServer", "httpServer"},
		{"type", "type_"},
		{"string", "string_"},
		{"len", "len_"},
		{"Func", "func_"},
		{"2fa", "x2fa"},
		{"", "x"},
	}
	for _, tt := range tests {
		if got := naming.GoUnexported(tt.in); got != tt.want {
			t.Errorf("GoUnexported(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTSType(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"message:send", "MessageSend"},
		{"user_id", "UserId"},
		{"UserID", "UserID"},
		{"HTTPServer", "HTTPServer"},
		{"chat", "Chat"},
		{"3d", "X3d"},
		{"", "X"},
	}
	for _, tt := range tests {
		if got := naming.TSType(tt.in); got != tt.want {
			t.Errorf("TSType(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTSProperty(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"user_id", "userId"},
		{"MessageSend", "messageSend"},
		{"ID", "id"},
		{"reply_to", "replyTo"},
		{"class", "class_"},
		{"Default", "default_"},
		{"9lives", "x9lives"},
		{"", "x"},
	}
	for _, tt := range tests {
		if got := naming.TSProperty(tt.in); got != tt.want {
			t.Errorf("TSProperty(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReserved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                     string
		goKW, goPre, tsR, goOK bool
		tsOK                   bool
	}{
		{in: "func", goKW: true, goOK: false, tsOK: true},
		{in: "string", goPre: true, tsR: true},
		{in: "error", goPre: true, tsOK: true},
		{in: "class", tsR: true, goOK: true},
		{in: "Message", goOK: true, tsOK: true},
		{in: "unknown", tsR: true, goOK: true},
		{in: "$x", tsOK: true},
		{in: "a-b"},
		{in: "1a"},
		{in: "ünï", goOK: false, tsOK: false},
		{in: ""},
	}
	for _, tt := range tests {
		if got := naming.IsGoKeyword(tt.in); got != tt.goKW {
			t.Errorf("IsGoKeyword(%q) = %v", tt.in, got)
		}
		if got := naming.IsGoPredeclared(tt.in); got != tt.goPre {
			t.Errorf("IsGoPredeclared(%q) = %v", tt.in, got)
		}
		if got := naming.IsTSReserved(tt.in); got != tt.tsR {
			t.Errorf("IsTSReserved(%q) = %v", tt.in, got)
		}
		if got := naming.ValidGo(tt.in); got != tt.goOK {
			t.Errorf("ValidGo(%q) = %v, want %v", tt.in, got, tt.goOK)
		}
		if got := naming.ValidTS(tt.in); got != tt.tsOK {
			t.Errorf("ValidTS(%q) = %v, want %v", tt.in, got, tt.tsOK)
		}
	}
}

func TestInitialism(t *testing.T) {
	t.Parallel()
	if s, ok := naming.Initialism("Url"); !ok || s != "URL" {
		t.Errorf("Initialism(Url) = %q, %v", s, ok)
	}
	if _, ok := naming.Initialism("user"); ok {
		t.Error("Initialism(user) reported an initialism")
	}
	if !naming.IsExported("Message") || naming.IsExported("message") || naming.IsExported("") {
		t.Error("IsExported is wrong")
	}
}

// Conversions must produce valid identifiers for any input.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"message:send", "user_id", "HTTPServer", "", "9", "ǅx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range []func(string) string{naming.GoExported, naming.GoUnexported, naming.TSType, naming.TSProperty} {
			out := fn(s)
			if out == "" || naming.IsGoKeyword(out) {
				t.Fatalf("bad conversion of %q: %q", s, out)
			}
		}
	})
}

func ExampleGoExported() {
	fmt.Println(naming.GoExported("message:send"))
	fmt.Println(naming.GoExported("user_id"))
	fmt.Println(naming.GoExported("room-ids"))
	// Output:
	// MessageSend
	// UserID
	// RoomIDs
}

func ExampleTSType() {
	fmt.Println(naming.TSType("user_id"), naming.TSProperty("reply_to"))
	// Output: UserId replyTo
}
