package schema

import (
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Keys of the edge policies, in the order the documentation lists them.
var (
	limitKeys        = []string{"rate", "burst", "max_payload", "max_pending_acks", "disconnect_after"}
	backpressureKeys = []string{"mode", "key", "max"}
	backpressureMode = []string{"queue", "volatile", "latest"}
)

// Bounds of the edge policies' values.
const (
	maxRateCount       = 1_000_000_000
	minRatePeriod      = time.Millisecond
	maxRatePeriod      = 24 * time.Hour
	maxBurst           = 1_000_000_000
	maxPayloadLimit    = 1 << 30 // 1 GiB
	maxPendingAcks     = 1_000_000
	maxBackpressureMax = 1_000_000
	maxKeySegments     = 16
)

// noneValue turns off a limit an event would inherit from its namespace.
const noneValue = "none"

// rateForm and sizeForm name the expected forms in messages.
const (
	rateForm = `COUNT/PERIOD such as "20/s", "5/2s" or "100/1m"`
	sizeForm = `a byte count such as 65536 or "64KiB" (units B, KB, KiB, MB, MiB, GB, GiB)`
)

// limitsDecl is one "limits" mapping as written: the values, which keys
// said none, and the nodes later checks report at.
type limitsDecl struct {
	lim  Limits
	none map[string]bool
	keys map[string]*yaml.Node // key nodes of the keys present
}

// has reports whether key was written, with a value or none.
func (d *limitsDecl) has(key string) bool { return d != nil && d.keys[key] != nil }

// limits reads the "limits" mapping n of a namespace (onEvent false) or an
// event, written after key. It returns nil when n is not a mapping.
func (p *parser) limits(key, n *yaml.Node, what string, onEvent bool) *limitsDecl {
	o, ok := p.object(n, "limits of "+what, limitKeys...)
	if !ok {
		return nil
	}
	d := &limitsDecl{lim: Limits{Pos: p.pos(key)}, none: make(map[string]bool), keys: make(map[string]*yaml.Node)}
	for _, k := range limitKeys {
		if o.has(k) {
			d.keys[k] = o.keyNode(k)
		}
	}
	if v := o.get("rate"); v != nil && !p.limitNone(d, v, "rate", onEvent) {
		d.lim.Rate = p.rate(v, "rate")
	}
	if v := o.get("burst"); v != nil {
		if n, ok := p.limitInt(v, "burst", maxBurst); ok {
			d.lim.Burst = int(n)
		}
	}
	if v := o.get("max_payload"); v != nil && !p.limitNone(d, v, "max_payload", onEvent) {
		d.lim.MaxPayload = p.size(v, "max_payload")
	}
	if v := o.get("max_pending_acks"); v != nil && !p.limitNone(d, v, "max_pending_acks", onEvent) {
		if n, ok := p.limitInt(v, "max_pending_acks", maxPendingAcks); ok {
			d.lim.MaxPendingAcks = int(n)
		}
	}
	if v := o.get("disconnect_after"); v != nil {
		if onEvent {
			p.errorf(o.keyNode("disconnect_after"), CodeLimitScope, "disconnect_after is a namespace setting (sockets refused too often are disconnected from the namespace); move it to the namespace's limits")
		} else {
			d.lim.DisconnectAfter = p.rate(v, "disconnect_after")
		}
	}
	if !onEvent && d.keys["burst"] != nil && d.keys["rate"] == nil {
		p.errorf(d.keys["burst"], CodeLimitScope, "burst is the size of a rate's bucket; the limits of %s have no rate", what)
	}
	return d
}

// limitNone reports whether v is "none", recording it on an event and
// reporting it on a namespace, which has nothing to turn off.
func (p *parser) limitNone(d *limitsDecl, v *yaml.Node, key string, onEvent bool) bool {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || strings.TrimSpace(v.Value) != noneValue {
		return false
	}
	if !onEvent {
		p.errorf(v, CodeBadLimit, "%s: none turns off a limit an event inherits; a namespace has none to turn off, remove the key", key)
		return true
	}
	d.none[key] = true
	return true
}

// limitInt reads a positive integer of at most hi.
func (p *parser) limitInt(n *yaml.Node, what string, hi int64) (int64, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		p.errorf(n, CodeBadLimit, "%s must be a positive integer, found %s", what, kindName(n))
		return 0, false
	}
	var v int64
	if err := n.Decode(&v); err != nil || v <= 0 || v > hi {
		p.errorf(n, CodeBadLimit, "%s must be a positive integer of at most %d, found %s", what, hi, n.Value)
		return 0, false
	}
	return v, true
}

// rate reads "COUNT/PERIOD".
func (p *parser) rate(n *yaml.Node, what string) *Rate {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.errorf(n, CodeBadLimit, "%s must be %s, found %s", what, rateForm, kindName(n))
		return nil
	}
	r, msg := parseRate(n.Value)
	if msg != "" {
		p.errorf(n, CodeBadLimit, "%s %q %s", what, n.Value, msg)
		return nil
	}
	return r
}

// parseRate parses "COUNT/PERIOD"; msg says what is wrong, "" when
// nothing is.
func parseRate(s string) (r *Rate, msg string) {
	count, period, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return nil, "is not " + rateForm
	}
	count, period = strings.TrimSpace(count), strings.TrimSpace(period)
	if !isDigits(count) {
		return nil, "is not " + rateForm + ": COUNT must be a positive integer"
	}
	c, err := strconv.Atoi(count)
	if err != nil || c <= 0 || c > maxRateCount {
		return nil, "has a COUNT outside 1 to 1000000000"
	}
	if period != "" && isLetter(period[0]) {
		period = "1" + period // "s" = "1s"
	}
	d, err := time.ParseDuration(period)
	if err != nil {
		return nil, "is not " + rateForm + ": PERIOD must be s, m, h or a duration such as 2s, 1m or 500ms"
	}
	if d < minRatePeriod || d > maxRatePeriod {
		return nil, "has a PERIOD outside 1ms to 24h"
	}
	return &Rate{Count: c, Per: d}, ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// sizeUnits are the units of max_payload, longest suffix first where one
// ends another.
var sizeUnits = []struct {
	name string
	mult int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// size reads a byte count: an integer, or an integer with a unit.
func (p *parser) size(n *yaml.Node, what string) int64 {
	var v int64
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!int":
		var x int64
		if err := n.Decode(&x); err != nil {
			p.errorf(n, CodeBadLimit, "%s must be %s, found %s", what, sizeForm, n.Value)
			return 0
		}
		v = x
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		x, ok := parseSize(n.Value)
		if !ok {
			p.errorf(n, CodeBadLimit, "%s %q is not %s", what, n.Value, sizeForm)
			return 0
		}
		v = x
	default:
		p.errorf(n, CodeBadLimit, "%s must be %s, found %s", what, sizeForm, kindName(n))
		return 0
	}
	if v <= 0 || v > maxPayloadLimit {
		p.errorf(n, CodeBadLimit, "%s must be positive and at most 1GiB (%d bytes), found %s", what, int64(maxPayloadLimit), n.Value)
		return 0
	}
	return v
}

// parseSize parses "<int><unit>", a space allowed before the unit.
func parseSize(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, u := range sizeUnits {
		num, ok := strings.CutSuffix(s, u.name)
		if !ok {
			continue
		}
		num = strings.TrimSpace(num)
		if !isDigits(num) {
			return 0, false
		}
		x, err := strconv.ParseInt(num, 10, 64)
		if err != nil || x > math.MaxInt64/u.mult {
			return math.MaxInt64, true // out of range, reported by the caller
		}
		return x * u.mult, true
	}
	return 0, false
}

// mergeLimits fills ev.Limits from the event's own limits (nil when it
// has none) over its namespace's, key by key, and reports the rules that
// need both: a burst without a rate and max_pending_acks on an event
// without an ack.
func (p *parser) mergeLimits(ev *Event, own, ns *limitsDecl) {
	if !ev.From.ClientEmits() {
		return
	}
	if own != nil && own.has("max_pending_acks") && !own.none["max_pending_acks"] && !ev.Acked {
		p.errorf(own.keys["max_pending_acks"], CodeLimitScope, "max_pending_acks applies to acknowledged events; event %q has no ack", ev.Name)
	}
	var m Limits
	if ns != nil {
		m = ns.lim
		m.Burst = 0
		if ns.lim.Rate != nil {
			m.Burst = ns.lim.Burst // a namespace burst without rate is reported already
		}
	}
	if own != nil {
		m.Pos = own.lim.Pos
		overrideLimits(&m, own)
	}
	if own != nil && own.has("burst") && m.Rate == nil && !rateBroken(own) && !(ns != nil && !own.has("rate") && rateBroken(ns)) {
		p.errorf(own.keys["burst"], CodeLimitScope, "burst is the size of a rate's bucket; event %q has no rate, neither its own nor its namespace's", ev.Name)
	}
	if m.Rate == nil {
		m.Burst = 0 // "rate: none" drops an inherited burst with it
	} else if m.Burst == 0 {
		m.Burst = m.Rate.Count
	}
	if !ev.Acked {
		m.MaxPendingAcks = 0
	}
	if m.Rate == nil && m.MaxPayload == 0 && m.MaxPendingAcks == 0 {
		return // DisconnectAfter alone limits nothing
	}
	ev.Limits = &m
}

// rateBroken reports whether d writes a rate that failed to parse
// (reported already).
func rateBroken(d *limitsDecl) bool {
	return d.has("rate") && !d.none["rate"] && d.lim.Rate == nil
}

// overrideLimits sets on m the keys own writes, none clearing them.
func overrideLimits(m *Limits, own *limitsDecl) {
	if own.has("rate") {
		// A burst belongs to its rate: an event's own rate comes with its
		// own burst, by default its count, not the namespace's.
		m.Rate, m.Burst = own.lim.Rate, 0
	}
	if own.has("burst") {
		m.Burst = own.lim.Burst
	}
	if own.has("max_payload") {
		m.MaxPayload = own.lim.MaxPayload
	}
	if own.has("max_pending_acks") {
		m.MaxPendingAcks = own.lim.MaxPendingAcks
	}
}

// backpressure reads an event's "backpressure" n, written after key: a
// mode name, or a mapping with mode, max and key.
func (p *parser) backpressure(ev *Event, key, n *yaml.Node) *Backpressure {
	bp := &Backpressure{Pos: p.pos(key)}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		bp.Mode = p.backpressureMode(n)
		if bp.Mode == BackpressureLatest {
			p.errorf(n, CodeBadBackpressure, "backpressure latest needs a key: write { mode: latest, key: <payload field> }")
			return nil
		}
		if bp.Mode == 0 {
			return nil
		}
		return bp
	}
	o, ok := p.object(n, "backpressure of event "+ev.Name, backpressureKeys...)
	if !ok {
		return nil
	}
	v := o.get("mode")
	if v == nil {
		p.errorf(n, CodeMissingKey, "backpressure of event %q needs key \"mode\" (queue, volatile or latest)", ev.Name)
		return nil
	}
	if bp.Mode = p.backpressureMode(v); bp.Mode == 0 {
		return nil
	}
	if v := o.get("max"); v != nil {
		if bp.Mode == BackpressureLatest {
			p.errorf(o.keyNode("max"), CodeBadBackpressure, "max applies to modes queue and volatile; latest keeps one waiting message per key")
		} else if m, ok := p.backpressureMax(v); ok {
			bp.Max = m
		}
	}
	path := o.get("key")
	switch {
	case bp.Mode == BackpressureLatest && path == nil:
		p.errorf(n, CodeBadBackpressure, "backpressure latest of event %q needs key: the payload field whose value keys the messages", ev.Name)
		return nil
	case bp.Mode != BackpressureLatest && path != nil:
		p.errorf(o.keyNode("key"), CodeBadBackpressure, "key applies to mode latest only, not %s", bp.Mode)
	case path != nil:
		if bp.Key = p.keyPath(path); bp.Key == nil {
			return nil
		}
	}
	return bp
}

func (p *parser) backpressureMode(n *yaml.Node) BackpressureMode {
	s, ok := p.str(n, "backpressure mode")
	if !ok {
		return 0
	}
	switch s {
	case "queue":
		return BackpressureQueue
	case "volatile":
		return BackpressureVolatile
	case "latest":
		return BackpressureLatest
	}
	p.errorf(n, CodeBadBackpressure, "backpressure mode must be queue, volatile or latest, found %q%s", s, didYouMean(s, backpressureMode))
	return 0
}

func (p *parser) backpressureMax(n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		p.errorf(n, CodeBadBackpressure, "backpressure max must be an integer ≥ 0, found %s", kindName(n))
		return 0, false
	}
	var v int64
	if err := n.Decode(&v); err != nil || v < 0 || v > maxBackpressureMax {
		p.errorf(n, CodeBadBackpressure, "backpressure max must be an integer from 0 to %d, found %s", maxBackpressureMax, n.Value)
		return 0, false
	}
	return int(v), true
}

// keyPath reads a dotted path of field names.
func (p *parser) keyPath(n *yaml.Node) []string {
	s, ok := p.str(n, "backpressure key")
	if !ok {
		return nil
	}
	segs := strings.Split(s, ".")
	if len(segs) > maxKeySegments {
		p.errorf(n, CodeBackpressureKey, "backpressure key %.40q has more than %d segments", s, maxKeySegments)
		return nil
	}
	for _, seg := range segs {
		if !fieldNameRE.MatchString(seg) || len(seg) > maxNameLen {
			p.errorf(n, CodeBackpressureKey, "backpressure key %q must be a field name or a dotted path of field names (entity_id, entity.id)", s)
			return nil
		}
	}
	return segs
}

// edge reads an event's limits and backpressure and checks them against
// its direction and arguments; ns holds its namespace's limits, or nil.
func (p *parser) edge(ev *Event, o obj, ns *limitsDecl) {
	var own *limitsDecl
	if v := o.get("limits"); v != nil {
		own = p.limits(o.keyNode("limits"), v, "event "+ev.Name, true)
		if ev.From == FromServer {
			p.errorf(o.keyNode("limits"), CodeLimitScope, "limits apply to what the server receives; event %q is only emitted by the server", ev.Name)
			own = nil
		}
	}
	p.mergeLimits(ev, own, ns)
	v := o.get("backpressure")
	if v == nil {
		return
	}
	bp := p.backpressure(ev, o.keyNode("backpressure"), v)
	switch {
	case ev.From == FromClient:
		p.errorf(o.keyNode("backpressure"), CodeBackpressureScope, "backpressure applies to what the server sends; event %q is only emitted by the client", ev.Name)
		return
	case bp == nil:
		return
	case ev.Acked:
		p.errorf(o.keyNode("backpressure"), CodeBackpressureScope, "backpressure applies to events without an ack; event %q is a call, whose caller waits for the answer (a timeout bounds it)", ev.Name)
		return
	case bp.Mode == BackpressureLatest && ev.Args != nil:
		p.errorf(o.keyNode("backpressure"), CodeBackpressureScope, "backpressure latest keys messages by a payload field; event %q has args, use payload with an object type", ev.Name)
		return
	case bp.Mode == BackpressureLatest && ev.Payload == nil:
		p.errorf(o.keyNode("backpressure"), CodeBackpressureScope, "backpressure latest keys messages by a payload field; event %q has no payload", ev.Name)
		return
	}
	ev.Backpressure = bp
}

// backpressureKey resolves the key of a latest back-pressure into
// KeyFields, reporting a path that does not lead through required,
// non-nullable object fields to a string, integer or enum.
func (c *checker) backpressureKey(ev *Event) {
	bp := ev.Backpressure
	if bp == nil || bp.Mode != BackpressureLatest || len(bp.Key) == 0 || ev.Payload == nil {
		return
	}
	t := ev.Payload.Underlying()
	if t == nil || t.Kind == KindInvalid {
		return // unresolved: reported already
	}
	key := strings.Join(bp.Key, ".")
	if t.Kind != KindObject {
		c.d.errorf(bp.Pos, CodeBackpressureScope, "backpressure latest keys messages by a payload field; the payload of event %q is %s, not an object type", ev.Name, describe(ev.Payload))
		return
	}
	fields := make([]*Field, 0, len(bp.Key))
	for i, seg := range bp.Key {
		path := strings.Join(bp.Key[:i+1], ".")
		fd := t.Field(seg)
		switch {
		case fd == nil:
			c.d.errorf(bp.Pos, CodeBackpressureKey, "backpressure key %q: %s has no field %q%s", key, describe(t), seg, didYouMean(seg, keyCandidates(t)))
			return
		case fd.Optional || fd.Nullable:
			c.d.errorf(bp.Pos, CodeBackpressureKey, "backpressure key %q: field %s (%s) may be absent or null; a key must always have a value", key, path, fd.Pos)
			return
		}
		fields = append(fields, fd)
		u := fd.Type.Underlying()
		if u == nil || u.Kind == KindInvalid {
			return
		}
		last := i == len(bp.Key)-1
		switch {
		case last && !isKeyKind(u.Kind):
			c.d.errorf(bp.Pos, CodeBackpressureKey, "backpressure key %q: field %s is %s; a key must be a string, an integer or an enum", key, path, describe(fd.Type))
			return
		case !last && u.Kind != KindObject:
			c.d.errorf(bp.Pos, CodeBackpressureKey, "backpressure key %q: field %s is %s, not an object to look into for %q", key, path, describe(fd.Type), bp.Key[i+1])
			return
		}
		t = u
	}
	bp.KeyFields = fields
}

// isKeyKind reports whether a latest key may have kind k.
func isKeyKind(k Kind) bool {
	return k == KindString || k == KindInt32 || k == KindInt64 || k == KindEnum
}

// keyCandidates returns the wire names of t's fields for suggestions.
func keyCandidates(t *Type) []string {
	if len(t.Fields) > maxSuggestCandidates {
		return nil
	}
	out := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		out = append(out, f.Name)
	}
	return out
}
