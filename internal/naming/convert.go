package naming

import "strings"

// initialisms maps the lower-case form of a word to the way Go writes it.
// The list follows the Go community's (golint, staticcheck ST1003) and adds
// a few that are common in Socket.IO APIs.
var initialisms = map[string]string{
	"acl": "ACL", "api": "API", "ascii": "ASCII", "cpu": "CPU", "css": "CSS",
	"dns": "DNS", "eof": "EOF", "gid": "GID", "guid": "GUID", "html": "HTML",
	"http": "HTTP", "https": "HTTPS", "id": "ID", "ids": "IDs", "ip": "IP",
	"ipv4": "IPv4", "ipv6": "IPv6", "json": "JSON", "jwt": "JWT", "lhs": "LHS",
	"qps": "QPS", "ram": "RAM", "rhs": "RHS", "rpc": "RPC", "sla": "SLA",
	"smtp": "SMTP", "sql": "SQL", "ssh": "SSH", "tcp": "TCP", "tls": "TLS",
	"ttl": "TTL", "udp": "UDP", "ui": "UI", "uid": "UID", "uri": "URI",
	"url": "URL", "urls": "URLs", "utf8": "UTF8", "uuid": "UUID", "vm": "VM",
	"xml": "XML", "xmpp": "XMPP", "xsrf": "XSRF", "xss": "XSS",
}

// Initialism returns the Go spelling of word when it is a known initialism
// ("id" → "ID", "ipv4" → "IPv4"), matched case-insensitively, and false
// otherwise.
func Initialism(word string) (string, bool) {
	s, ok := initialisms[lower(word)]
	return s, ok
}

// goWord returns a word as Go writes it inside a mixed-caps name: known
// initialisms in their canonical form, other words with the first letter in
// upper case and the rest in lower case unless the word was written in
// mixed case ("OAuth" stays "OAuth", "USER" becomes "User").
func goWord(w string) string {
	if s, ok := Initialism(w); ok {
		return s
	}
	if strings.ToUpper(w) == w {
		return upperFirst(lower(w))
	}
	return upperFirst(w)
}

// GoExported returns the exported Go name for s: its [Words] joined in
// MixedCaps with Go initialisms applied. Examples: "message:send" →
// "MessageSend", "user_id" → "UserID", "HttpServer" → "HTTPServer",
// "room-ids" → "RoomIDs". A result that would start with a digit is
// prefixed with "X" ("2fa" → "X2fa"); an input with no letter or digit
// gives "X".
func GoExported(s string) string { return join(s, goWord, goWord, "X") }

// GoUnexported returns the unexported Go name for s: like [GoExported]
// but with the first word in lower case, initialisms included ("user_id" →
// "userID", "URL" → "url", "ID" → "id"). When the result is a Go keyword or
// predeclared identifier ("type", "string", "len") an underscore is
// appended ("type_") so the name can be used for parameters and locals
// without shadowing. A result that would start with a digit is prefixed
// with "x"; an input with no letter or digit gives "x".
func GoUnexported(s string) string {
	out := join(s, lower, goWord, "x")
	if IsGoKeyword(out) || IsGoPredeclared(out) {
		out += "_"
	}
	return out
}

// TSType returns the TypeScript type name for s: its [Words] in PascalCase,
// each word keeping the case it was written with after its first letter
// ("user_id" → "UserId", "UserID" → "UserID", "message:send" →
// "MessageSend"). TypeScript has no initialism convention, so the name a
// schema author wrote in PascalCase comes out unchanged. A result that
// would start with a digit is prefixed with "X"; an input with no letter or
// digit gives "X".
func TSType(s string) string { return join(s, upperFirst, upperFirst, "X") }

// TSProperty returns the camelCase TypeScript name for s ("user_id" →
// "userId", "MessageSend" → "messageSend", "ID" → "id"). The first word is
// written in lower case, the others as in [TSType]. When the result is a
// TypeScript reserved word an underscore is appended ("class" → "class_"),
// so the name is also usable as a variable. A result that would start with
// a digit is prefixed with "x"; an input with no letter or digit gives "x".
//
// Generated TypeScript uses the wire (JSON) names for object properties;
// TSProperty is for parameters, locals and members that siogen names itself.
func TSProperty(s string) string {
	out := join(s, lower, upperFirst, "x")
	if IsTSReserved(out) {
		out += "_"
	}
	return out
}

// GoPrefixed returns prefix followed by the words of s as [GoExported]
// writes them, without the "X" placeholder: GoPrefixed("Presence",
// "away") is "PresenceAway" and GoPrefixed("Level", "1") is "Level1". It is
// how enum constants get their names. The prefix is used as given.
func GoPrefixed(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, w := range Words(s) {
		b.WriteString(goWord(w))
	}
	return b.String()
}

// SnakeCase returns the words of s in lower case joined by "_"
// ("RoomNotFound" → "room_not_found", "HTTPError" → "http_error").
func SnakeCase(s string) string {
	words := Words(s)
	for i, w := range words {
		words[i] = lower(w)
	}
	return strings.Join(words, "_")
}

// join writes the [Words] of s, the first through first and the others
// through rest, and prefixes the result with prefix when it is empty or
// starts with a digit.
func join(s string, first, rest func(string) string, prefix string) string {
	var b strings.Builder
	for i, w := range Words(s) {
		if i == 0 {
			b.WriteString(first(w))
		} else {
			b.WriteString(rest(w))
		}
	}
	out := b.String()
	if out == "" || startsWithDigit(out) {
		out = prefix + out
	}
	return out
}
