package siojson

import (
	"encoding/base64"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The string formats of the schema language, with the meaning of the
// JSON Schema formats of the same names as the reference validator
// (santhosh-tekuri/jsonschema) asserts them; the agreement tests of
// gen/gogen hold these checks to it. "uri" is restricted to ASCII without
// spaces, as RFC 3986 has it: the JSON Schema documents siogen writes
// say so with a pattern beside the format.

// checkFormat reports whether s is of the named format; an unknown format
// accepts anything.
func checkFormat(format, s string) bool {
	switch format {
	case "uuid":
		return isUUID(s)
	case "email":
		return isEmail(s)
	case "uri":
		return isURI(s)
	case "hostname":
		return isHostname(s)
	case "ipv4":
		return isIPv4(s)
	case "ipv6":
		return isIPv6(s)
	case "date":
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case "date-time":
		_, ok := parseDateTime(s)
		return ok
	}
	return true
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isHostname follows RFC 1123: dot-separated labels of 1 to 63 letters,
// digits and inner hyphens, 253 characters at most (one trailing dot
// aside).
func isHostname(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if len(label) < 1 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// isIPv4 accepts four decimal numbers 0-255 without leading zeros.
func isIPv4(s string) bool {
	n := 0
	for part := range strings.SplitSeq(s, ".") {
		n++
		if part == "" || len(part) > 3 || len(part) > 1 && part[0] == '0' {
			return false
		}
		v, err := strconv.Atoi(part)
		if err != nil || v > 255 || part[0] == '+' || part[0] == '-' {
			return false
		}
	}
	return n == 4
}

// isIPv6 accepts an IPv6 address in any RFC 4291 form, without a zone.
func isIPv6(s string) bool {
	if !strings.Contains(s, ":") {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == ""
}

// isEmail accepts an RFC 5321 mailbox: a dot-atom or quoted local part of
// at most 64 characters, and a hostname or bracketed IP address.
func isEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 {
		return false
	}
	if len(local) > 1 && local[0] == '"' && local[len(local)-1] == '"' {
		if strings.ContainsAny(local[1:len(local)-1], `\"`) {
			return false
		}
	} else {
		if local == "" || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
			if local != "" {
				return false
			}
		}
		for _, c := range local {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", c)
			if !ok {
				return false
			}
		}
	}
	if len(domain) >= 2 && domain[0] == '[' && domain[len(domain)-1] == ']' {
		ip := domain[1 : len(domain)-1]
		if v6, ok := strings.CutPrefix(ip, "IPv6:"); ok {
			return isIPv6(v6)
		}
		return isIPv4(ip)
	}
	return isHostname(domain)
}

// isURI accepts an absolute URI: printable ASCII without spaces, parsed by
// net/url with a scheme, and an IPv6 host only in brackets.
func isURI(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return false
	}
	if host := u.Hostname(); strings.Contains(host, ":") {
		if !strings.Contains(u.Host, "[") || !strings.Contains(u.Host, "]") || !isIPv6(host) {
			return false
		}
	}
	return true
}

// parseDateTime parses an RFC 3339 date-time (section 5.6): "T" and "Z"
// in either case, any number of fraction digits (nanoseconds kept), and a
// leap second where the time is 23:59:60 in UTC, read as the next minute.
func parseDateTime(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || s[10] != 'T' && s[10] != 't' {
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return time.Time{}, false
	}
	rest := s[11:]
	if rest[2] != ':' || rest[5] != ':' {
		return time.Time{}, false
	}
	h, ok1 := digits2(rest[0:2])
	m, ok2 := digits2(rest[3:5])
	sec, ok3 := digits2(rest[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
		return time.Time{}, false
	}
	rest = rest[8:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			if i <= 9 {
				nsec = nsec*10 + int(rest[i]-'0')
			}
			i++
		}
		if i == 1 {
			return time.Time{}, false
		}
		for k := i; k <= 9; k++ {
			nsec *= 10
		}
		rest = rest[i:]
	}
	loc := time.UTC
	offset := 0
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits2(rest[1:3])
		om, ok2 := digits2(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
		loc = time.FixedZone("", offset)
	default:
		return time.Time{}, false
	}
	if sec == 60 {
		// A leap second only at 23:59 UTC.
		utc := (h*60+m)*60 - offset
		utc = ((utc % 86400) + 86400) % 86400
		if utc/60 != 23*60+59 {
			return time.Time{}, false
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, sec, nsec, loc), true
}

func digits2(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// decodeBase64 decodes standard, padded base64 (RFC 4648 section 4), the
// form the JSON Schema documents' pattern allows: no line breaks.
func decodeBase64(s string) ([]byte, bool) {
	if len(s)%4 != 0 {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c == '\n' {
			return nil, false
		}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}
