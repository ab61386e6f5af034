package schema

import "fmt"

// expr is a parsed type expression:
//
//	type := name | "list" "<" type ">" | "map" "<" type "," type ">"
//	name := ident | ident "." ident
//	ident := [A-Za-z_][A-Za-z0-9_]*
//
// Blanks may surround every token.
type expr struct {
	name string  // "string", "Message", "common.User", "list", "map"
	args []*expr // list: [elem]; map: [key, value]
}

type exprError struct {
	off int // byte offset in the expression
	msg string
}

// Error returns the message without position.
func (e *exprError) Error() string { return e.msg }

type exprParser struct {
	s string
	i int
}

func (ep *exprParser) skipBlanks() {
	for ep.i < len(ep.s) && (ep.s[ep.i] == ' ' || ep.s[ep.i] == '\t') {
		ep.i++
	}
}

func (ep *exprParser) errf(format string, args ...any) *exprError {
	return &exprError{off: ep.i, msg: fmt.Sprintf(format, args...)}
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

func (ep *exprParser) ident() (string, *exprError) {
	ep.skipBlanks()
	start := ep.i
	if ep.i >= len(ep.s) {
		return "", ep.errf("expected a type name")
	}
	if !isIdentByte(ep.s[ep.i], true) {
		return "", ep.errf("expected a type name, found %q", ep.s[ep.i])
	}
	for ep.i < len(ep.s) && isIdentByte(ep.s[ep.i], false) {
		ep.i++
	}
	return ep.s[start:ep.i], nil
}

func (ep *exprParser) expect(c byte) *exprError {
	ep.skipBlanks()
	if ep.i >= len(ep.s) {
		return ep.errf("expected %q, found the end", c)
	}
	if ep.s[ep.i] != c {
		return ep.errf("expected %q, found %q", c, ep.s[ep.i])
	}
	ep.i++
	return nil
}

func (ep *exprParser) peek() byte {
	ep.skipBlanks()
	if ep.i < len(ep.s) {
		return ep.s[ep.i]
	}
	return 0
}

func (ep *exprParser) parse(depth int) (*expr, *exprError) {
	if depth > maxTypeExprDepth {
		return nil, ep.errf("nested deeper than %d levels", maxTypeExprDepth)
	}
	name, err := ep.ident()
	if err != nil {
		return nil, err
	}
	if ep.peek() == '.' {
		ep.i++
		local, err := ep.ident()
		if err != nil {
			return nil, err
		}
		if ep.peek() == '.' {
			return nil, ep.errf("a reference has at most one dot: alias.Type")
		}
		name += "." + local
	}
	switch name {
	case "list", "map":
		if ep.peek() != '<' {
			if name == "list" {
				return nil, ep.errf("list needs an element type: list<T>")
			}
			return nil, ep.errf("map needs key and value types: map<string, T>")
		}
		ep.i++
		e := &expr{name: name}
		if name == "map" {
			keyOff := ep.i
			key, err := ep.parse(depth + 1)
			if err != nil {
				return nil, err
			}
			if key.name != "string" {
				return nil, &exprError{off: keyOff, msg: "map keys must be string: map<string, T>"}
			}
			if err := ep.expect(','); err != nil {
				return nil, err
			}
			e.args = append(e.args, key)
		}
		elem, err := ep.parse(depth + 1)
		if err != nil {
			return nil, err
		}
		e.args = append(e.args, elem)
		if err := ep.expect('>'); err != nil {
			return nil, err
		}
		return e, nil
	}
	if ep.peek() == '<' {
		return nil, ep.errf("%s takes no type arguments; only list and map do", name)
	}
	return &expr{name: name}, nil
}
