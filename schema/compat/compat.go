package compat

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/siogen/siogen/schema"
)

// Order is a set of deploy orders: which side of a contract change is
// rolled out first. The zero Order means both.
type Order uint8

const (
	// ServerFirst is the new server talking to clients deployed before the
	// change (old browsers, old mobile apps).
	ServerFirst Order = 1 << iota
	// ClientFirst is new clients talking to a server deployed before the
	// change.
	ClientFirst
	// BothOrders is ServerFirst and ClientFirst.
	BothOrders = ServerFirst | ClientFirst
)

// String returns "server-first", "client-first", "both", or "none".
func (o Order) String() string {
	switch o {
	case ServerFirst:
		return "server-first"
	case ClientFirst:
		return "client-first"
	case BothOrders:
		return "both"
	}
	return "none"
}

// ParseOrder parses the names [Order.String] returns ("both",
// "server-first", "client-first").
func ParseOrder(s string) (Order, error) {
	switch s {
	case "both":
		return BothOrders, nil
	case "server-first":
		return ServerFirst, nil
	case "client-first":
		return ClientFirst, nil
	}
	return 0, fmt.Errorf("unknown deploy order %q: want both, server-first or client-first", s)
}

// explain returns the words used in messages for the orders o breaks.
func (o Order) explain() string {
	switch o {
	case ServerFirst:
		return "breaks old clients talking to the new server"
	case ClientFirst:
		return "breaks new clients talking to the old server"
	}
	return "breaks both deploy orders"
}

// Options configure [Compare]. A nil *Options means the defaults.
type Options struct {
	// Orders are the deploy orders to check. Zero means [BothOrders]. A
	// change that breaks only orders outside this set is not reported.
	Orders Order
}

// Change is one difference between two versions of a contract that
// matters to deployed peers: a breaking change (an error) or a
// deprecation (a warning).
type Change struct {
	// Pos points into the new contract, or into the old one when InOld is
	// set (for something that was removed).
	Pos   schema.Pos
	InOld bool
	// Severity is [schema.SeverityError] for a breaking change and
	// [schema.SeverityWarning] for deprecations and default changes.
	Severity schema.Severity
	Rule     Rule
	Message  string
	// Breaks is the set of deploy orders the change breaks, restricted to
	// [Options.Orders]; zero for warnings.
	Breaks Order
}

// String formats c as "file:line:col: error[rule]: message", the format
// of schema diagnostics.
func (c Change) String() string {
	return fmt.Sprintf("%s: %s[%s]: %s", c.Pos, c.Severity, c.Rule, c.Message)
}

// Breaking reports whether any change is an error.
func Breaking(changes []Change) bool {
	return slices.ContainsFunc(changes, func(c Change) bool { return c.Severity == schema.SeverityError })
}

// Compare compares the contract old with its new version and returns
// every breaking change, deprecation and default change, sorted: first
// those in the new contract by position, then those in the old one.
//
// Files are matched by package name, namespaces by path, events by name
// within their namespace, fields by wire name and enum values and union
// variants by their wire value; named types are compared through the
// places that use them, so renaming a type is not a change, while a
// change to a type is reported once, where the type is declared. Both sets
// must have been loaded without error diagnostics; unresolved references
// are skipped.
func Compare(old, new *schema.Set, opts *Options) []Change {
	orders := BothOrders
	if opts != nil && opts.Orders != 0 {
		orders = opts.Orders
	}
	c := &comparer{orders: orders, seen: map[changeKey]int{}, visited: map[visitKey]bool{}}
	c.sets(old, new)
	out := make([]Change, 0, len(c.changes))
	for _, ch := range c.changes {
		if ch.Severity == schema.SeverityError {
			ch.Breaks &= orders
			if ch.Breaks == 0 {
				continue
			}
			ch.Message = ch.message() + "; " + ch.Breaks.explain()
		}
		out = append(out, ch.Change)
	}
	out = append(out, c.versions(old, new, out)...)
	slices.SortStableFunc(out, func(a, b Change) int {
		return cmp.Or(
			compareBool(a.InOld, b.InOld),
			strings.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			strings.Compare(string(a.Rule), string(b.Rule)),
			strings.Compare(a.Message, b.Message),
		)
	})
	return out
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// side is a peer: the server or a client.
type side int

const (
	server side = iota
	client
)

func (s side) String() string {
	if s == server {
		return "server"
	}
	return "client"
}

// flow is where a value travels: who writes it, and the contract place
// that carries it, for messages ("payload of /chat message:send").
type flow struct {
	writer side
	where  string
	file   string // package of the file that owns the namespace
}

// effect tells how a change alters the set of values a contract allows.
type effect uint8

const (
	// narrows: the new version accepts less; new readers reject values of
	// old writers.
	narrows effect = 1 << iota
	// widens: the new version allows more; old readers reject values of
	// new writers.
	widens
)

// orders returns the deploy orders a change with effect e to values
// written by f.writer breaks. Old writers meet new readers when the
// reader's side is deployed first.
func (f flow) orders(e effect) Order {
	var o Order
	if e&narrows != 0 {
		if f.writer == client {
			o |= ServerFirst // new server reads what old clients write
		} else {
			o |= ClientFirst // new clients read what the old server writes
		}
	}
	if e&widens != 0 {
		if f.writer == client {
			o |= ClientFirst // old server reads what new clients write
		} else {
			o |= ServerFirst // old clients read what the new server writes
		}
	}
	return o
}

// reverse returns the flow of the answer to a value of f: an ack.
func (f flow) reverse(where string) flow {
	r := flow{writer: client, where: where, file: f.file}
	if f.writer == client {
		r.writer = server
	}
	return r
}

// changeKey identifies a change: the same change reached through several
// places that use a type is reported once.
type changeKey struct {
	pos   schema.Pos
	inOld bool
	rule  Rule
	what  string // the message without the place
}

// visitKey marks a pair of declarations compared for values of one
// writer in one contract file (whose version check needs its changes).
type visitKey struct {
	old, new *schema.Type
	writer   side
	file     string
}

// change is a Change while it is collected, with the files it affects.
type change struct {
	Change
	files  map[string]bool
	places []string // where the changed values travel, in the order met
}

// message returns the change's message with the places that carry it.
func (ch *change) message() string {
	msg := ch.Message
	switch n := len(ch.places); {
	case n == 1:
		msg += " (" + ch.places[0] + ")"
	case n == 2:
		msg += " (" + ch.places[0] + "; " + ch.places[1] + ")"
	case n > 2:
		msg += fmt.Sprintf(" (%s; %s; %d more)", ch.places[0], ch.places[1], n-2)
	}
	return msg
}

type comparer struct {
	orders  Order
	changes []*change
	seen    map[changeKey]int
	visited map[visitKey]bool
}

// report records a breaking change to the contract's structure, which
// breaks the orders o.
func (c *comparer) report(pos schema.Pos, inOld bool, rule Rule, o Order, file, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.add(pos, inOld, schema.SeverityError, rule, o, file, msg, msg)
}

func (c *comparer) warn(pos schema.Pos, rule Rule, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.add(pos, false, schema.SeverityWarning, rule, 0, "", msg, msg)
}

func (c *comparer) add(pos schema.Pos, inOld bool, sev schema.Severity, rule Rule, o Order, file, what, msg string) {
	k := changeKey{pos, inOld, rule, what}
	if i, ok := c.seen[k]; ok {
		ch := c.changes[i]
		ch.Breaks |= o
		if file != "" {
			ch.files[file] = true
		}
		return
	}
	c.seen[k] = len(c.changes)
	ch := &change{Change: Change{Pos: pos, InOld: inOld, Severity: sev, Rule: rule, Message: msg, Breaks: o}, files: map[string]bool{}}
	if file != "" {
		ch.files[file] = true
	}
	c.changes = append(c.changes, ch)
}

// value records a change to values flowing along f, with effect e.
func (c *comparer) value(f flow, pos schema.Pos, inOld bool, rule Rule, e effect, format string, args ...any) {
	if e == 0 {
		return
	}
	what := fmt.Sprintf(format, args...)
	c.add(pos, inOld, schema.SeverityError, rule, f.orders(e), f.file, what, what)
	if f.where != "" {
		ch := c.changes[c.seen[changeKey{pos, inOld, rule, what}]]
		if !slices.Contains(ch.places, f.where) {
			ch.places = append(ch.places, f.where)
		}
	}
}
