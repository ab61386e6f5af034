package naming

import (
	"go/token"
	"unicode"
	"unicode/utf8"
)

// goPredeclared holds Go's predeclared identifiers: types, constants, zero
// value and builtin functions (Go 1.26 universe scope).
var goPredeclared = setOf(
	"any", "bool", "byte", "comparable", "complex64", "complex128", "error",
	"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune",
	"string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
	"true", "false", "iota", "nil",
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag",
	"len", "make", "max", "min", "new", "panic", "print", "println", "real",
	"recover",
)

// tsReserved holds TypeScript and JavaScript reserved words (ECMAScript
// keywords, strict-mode future reserved words, and TypeScript's contextual
// type keywords that cannot name a type).
var tsReserved = setOf(
	// ECMAScript reserved words.
	"break", "case", "catch", "class", "const", "continue", "debugger",
	"default", "delete", "do", "else", "enum", "export", "extends", "false",
	"finally", "for", "function", "if", "import", "in", "instanceof", "new",
	"null", "return", "super", "switch", "this", "throw", "true", "try",
	"typeof", "var", "void", "while", "with",
	// Strict mode and module code.
	"await", "implements", "interface", "let", "package", "private",
	"protected", "public", "static", "yield", "arguments", "eval",
	// TypeScript type names and keywords that cannot be used as type names.
	"any", "bigint", "boolean", "never", "number", "object", "string",
	"symbol", "undefined", "unknown", "type", "namespace", "module",
	"declare", "readonly", "keyof", "infer", "is", "asserts", "satisfies",
	"abstract", "as", "async", "constructor", "get", "set", "from", "of",
	"global", "require", "unique", "out", "accessor", "override",
)

func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}

// IsGoKeyword reports whether s is one of Go's 25 keywords.
func IsGoKeyword(s string) bool {
	return token.IsKeyword(s)
}

// IsGoPredeclared reports whether s is a predeclared Go identifier ("int",
// "error", "any", "nil", "len", ...). Such names are legal identifiers but
// shadow the universe scope when used for locals or package-level names.
func IsGoPredeclared(s string) bool {
	_, ok := goPredeclared[s]
	return ok
}

// IsTSReserved reports whether s is reserved in TypeScript or JavaScript
// (keywords, strict-mode reserved words, and TypeScript's built-in type
// keywords such as "string" or "unknown"). The comparison is case-sensitive,
// as in TypeScript: "Class" is not reserved.
func IsTSReserved(s string) bool {
	_, ok := tsReserved[s]
	return ok
}

// ValidGo reports whether s can be emitted as a Go identifier without
// surprises: a valid identifier ([go/token.IsIdentifier]), made of ASCII
// letters, digits and underscores, and neither a keyword nor a predeclared
// identifier.
func ValidGo(s string) bool {
	return token.IsIdentifier(s) && isASCIIIdent(s) && !IsGoPredeclared(s)
}

// ValidTS reports whether s can be emitted as a TypeScript identifier: it
// starts with an ASCII letter, "_" or "$", goes on with ASCII letters,
// digits, "_" or "$", and is not reserved ([IsTSReserved]).
func ValidTS(s string) bool {
	if s == "" || IsTSReserved(s) {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || isASCIILetter(r):
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// IsExported reports whether s starts with an upper-case letter, as an
// exported Go name must.
func IsExported(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func isASCIIIdent(s string) bool {
	for _, r := range s {
		if !(r == '_' || isASCIILetter(r) || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isASCIILetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// tsGlobals holds global TypeScript and JavaScript names that generated
// TypeScript may refer to; a generated type with one of these names would
// shadow the global inside its module.
var tsGlobals = setOf(
	"Array", "ArrayBuffer", "BigInt", "Blob", "Boolean", "Buffer", "Date",
	"Error", "Exclude", "Extract", "Function", "Iterable", "JSON", "Map",
	"Math", "NonNullable", "Number", "Object", "Omit", "Partial", "Pick",
	"Promise", "Readonly", "ReadonlyArray", "Record", "RegExp", "Required",
	"ReturnType", "Set", "Socket", "String", "Symbol", "Uint8Array",
	"WeakMap", "WeakSet",
)

// IsTSGlobal reports whether s is a global TypeScript or JavaScript name
// that generated TypeScript uses or commonly needs ("Date", "Record",
// "Promise", "Uint8Array", ...), plus "Socket", which generated clients
// import from socket.io-client. A generated type named s would shadow it.
func IsTSGlobal(s string) bool {
	_, ok := tsGlobals[s]
	return ok
}
