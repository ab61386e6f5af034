package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a schema or config file. Line and Col count from 1;
// Col counts bytes, as yaml.v3 does. The zero Line means "the whole file".
type Pos struct {
	File string // path as given to [Load] or found through imports, slash-separated
	Line int
	Col  int
}

// String formats p as "file:line:col", or "file" when p has no line.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// IsValid reports whether p names a file.
func (p Pos) IsValid() bool { return p.File != "" }

// Severity tells whether a [Diagnostic] stops generation.
type Severity int

const (
	// SeverityError marks a problem that makes the schema unusable;
	// generators must not run while one is present.
	SeverityError Severity = iota
	// SeverityWarning marks something legal but risky.
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a schema or config file.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Code     Code
	Message  string
}

// String formats d as "file:line:col: error[code]: message" (or
// "warning[code]"), the format every siogen tool prints.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s: %s[%s]: %s", d.Pos, d.Severity, d.Code, d.Message)
}

// Diagnostics is a list of problems, sorted by file, line and column once
// returned by [Load], [Check] or [LoadConfig].
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic has [SeverityError].
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// Errors returns the diagnostics with [SeverityError], in order.
func (ds Diagnostics) Errors() Diagnostics {
	return ds.filter(SeverityError)
}

// Warnings returns the diagnostics with [SeverityWarning], in order.
func (ds Diagnostics) Warnings() Diagnostics {
	return ds.filter(SeverityWarning)
}

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// String formats one diagnostic per line, each line ending in "\n".
func (ds Diagnostics) String() string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Err returns nil when ds holds no error (warnings alone do not count) and
// an [*Error] holding all of ds otherwise.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return &Error{Diagnostics: ds}
}

// sorted returns ds sorted by position, then code and message, without
// exact duplicates.
func (ds Diagnostics) sorted() Diagnostics {
	out := slices.Clone(ds)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(out)
}

// Error is the error returned by [Diagnostics.Err]: a schema or config that
// failed to load or check. Match it with errors.As to reach every
// diagnostic.
type Error struct {
	Diagnostics Diagnostics
}

// Error returns the diagnostics, one per line, without a trailing newline.
func (e *Error) Error() string {
	return strings.TrimSuffix(e.Diagnostics.String(), "\n")
}

// diags collects diagnostics while loading.
type diags struct {
	list Diagnostics
}

func (d *diags) add(pos Pos, sev Severity, code Code, format string, args ...any) {
	d.list = append(d.list, Diagnostic{Pos: pos, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (d *diags) errorf(pos Pos, code Code, format string, args ...any) {
	d.add(pos, SeverityError, code, format, args...)
}

func (d *diags) warnf(pos Pos, code Code, format string, args ...any) {
	d.add(pos, SeverityWarning, code, format, args...)
}
