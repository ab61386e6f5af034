package naming

import (
	"unicode"
	"unicode/utf8"
)

// Words splits s into words. Any rune that is neither a letter nor a digit
// separates words (":", "_", "-", ".", "/", spaces...). Inside a run of
// letters and digits a new word starts at a lower-case letter or digit
// followed by an upper-case letter ("userId" → user|Id, "utf8Encoder" →
// utf8|Encoder) and before the last upper-case letter of an upper-case run
// that is followed by a lower-case letter ("HTTPServer" → HTTP|Server).
// Digits stay with the word before them ("ipv4", "sha256"). Words keep the
// case they were written with; Words returns nil when s holds no letter or
// digit.
func Words(s string) []string {
	var words []string
	runes := []rune(s)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, string(runes[start:end]))
		}
		start = -1
	}
	for i, r := range runes {
		if !isAlnum(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := runes[i-1]
		if unicode.IsUpper(r) {
			if unicode.IsLower(prev) || unicode.IsDigit(prev) {
				flush(i)
				start = i
				continue
			}
			// An upper-case run followed by a lower-case letter: the last
			// upper-case letter starts the next word (HTTPServer).
			if unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1]) {
				flush(i)
				start = i
			}
		}
	}
	flush(len(runes))
	return words
}

func isAlnum(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// upperFirst returns w with its first rune in upper case and the rest as is.
func upperFirst(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError && n <= 1 {
		return w
	}
	return string(unicode.ToUpper(r)) + w[n:]
}

// lowerFirst returns w with its first rune in lower case and the rest as is.
func lowerFirst(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError && n <= 1 {
		return w
	}
	return string(unicode.ToLower(r)) + w[n:]
}

// lower returns w in lower case.
func lower(w string) string {
	out := []rune(w)
	for i, r := range out {
		out[i] = unicode.ToLower(r)
	}
	return string(out)
}

// startsWithDigit reports whether s begins with a decimal digit.
func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}
