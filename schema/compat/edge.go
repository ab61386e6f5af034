package compat

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/siogen/siogen/schema"
)

// limits compares the limits the server enforces on an event the client
// emits. An added or tightened limit may refuse what old clients send as
// they always did: a narrowing of what the new server reads from old
// clients. A loosened or removed one is not reported: clients do not pace
// themselves to a limit, so a new client meets an old server's limit only
// as old clients did. disconnect_after acts only on events already
// refused and is not compared.
func (c *comparer) limits(o, n *schema.Event, name, pkg string) {
	if !n.From.ClientEmits() || n.Limits == nil {
		return
	}
	f := flow{writer: client, where: "limits of " + name, file: pkg}
	ol, nl := o.Limits, n.Limits
	if ol == nil {
		ol = &schema.Limits{}
	}
	// A value the namespace's limits hold too is reported there, once for
	// every event that inherits it.
	nsl := n.Namespace.Limits
	if nsl == nil {
		nsl = &schema.Limits{}
	}
	at := func(inherited bool) schema.Pos {
		if inherited {
			return nsl.Pos
		}
		return nl.Pos
	}
	switch {
	case nl.Rate == nil:
	case ol.Rate == nil:
		c.value(f, at(sameRate(nl.Rate, nsl.Rate) && nl.Burst == nsl.Burst), false, RuleLimitAdded, narrows,
			"a rate limit of %s (burst %d) was added", rateText(nl.Rate), nl.Burst)
	default:
		if slowerRate(nl.Rate, ol.Rate) {
			c.value(f, at(sameRate(nl.Rate, nsl.Rate)), false, RuleLimitNarrowed, narrows,
				"the rate limit went from %s to %s", rateText(ol.Rate), rateText(nl.Rate))
		}
		if nl.Burst < ol.Burst {
			c.value(f, at(sameRate(nl.Rate, nsl.Rate) && nl.Burst == nsl.Burst), false, RuleLimitNarrowed, narrows,
				"the rate limit's burst went from %d to %d", ol.Burst, nl.Burst)
		}
	}
	c.limitValue(f, at(nl.MaxPayload == nsl.MaxPayload), "max_payload", ol.MaxPayload, nl.MaxPayload, byteText)
	c.limitValue(f, at(nl.MaxPendingAcks == nsl.MaxPendingAcks), "max_pending_acks",
		int64(ol.MaxPendingAcks), int64(nl.MaxPendingAcks), func(v int64) string { return fmt.Sprint(v) })
}

func sameRate(a, b *schema.Rate) bool { return a != nil && b != nil && *a == *b }

// limitValue compares one limit where 0 means none.
func (c *comparer) limitValue(f flow, pos schema.Pos, key string, o, n int64, text func(int64) string) {
	switch {
	case n == 0:
	case o == 0:
		c.value(f, pos, false, RuleLimitAdded, narrows, "%s %s was added", key, text(n))
	case n < o:
		c.value(f, pos, false, RuleLimitNarrowed, narrows, "%s went from %s to %s", key, text(o), text(n))
	}
}

// slowerRate reports whether a allows fewer events per unit of time than
// b, comparing a.Count/a.Per with b.Count/b.Per exactly.
func slowerRate(a, b *schema.Rate) bool {
	ahi, alo := bits.Mul64(uint64(a.Count), uint64(b.Per))
	bhi, blo := bits.Mul64(uint64(b.Count), uint64(a.Per))
	return ahi < bhi || ahi == bhi && alo < blo
}

func rateText(r *schema.Rate) string {
	per := r.Per.String()
	switch r.Per {
	case 1e9:
		per = "s"
	case 60e9:
		per = "m"
	case 3600e9:
		per = "h"
	}
	if strings.HasSuffix(per, "m0s") {
		per = strings.TrimSuffix(per, "0s") // 2m0s → 2m
	}
	if strings.HasSuffix(per, "h0m") {
		per = strings.TrimSuffix(per, "0m") // 2h0m → 2h
	}
	return fmt.Sprintf("%d/%s", r.Count, per)
}

func byteText(v int64) string {
	switch {
	case v >= 1<<20 && v%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", v>>20)
	case v >= 1<<10 && v%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", v>>10)
	}
	return fmt.Sprintf("%d bytes", v)
}

// guarantee orders the back-pressure modes by what a slow client still
// gets: every message (queue), the newest per key (latest), or whatever
// was not dropped (volatile).
func guarantee(m schema.BackpressureMode) int {
	switch m {
	case schema.BackpressureQueue:
		return 3
	case schema.BackpressureLatest:
		return 2
	}
	return 1
}

// backpressure compares what the server does with an event it emits for
// a slow socket. A weaker guarantee (queue to volatile or latest, latest
// to volatile, a lower max) lets the new server drop messages old clients
// relied on, or disconnect them sooner; a stronger one is not reported,
// since old clients then get more than they relied on. A changed latest
// key may merge messages either version keeps apart.
func (c *comparer) backpressure(o, n *schema.Event, name, pkg string) {
	if !n.From.ServerEmits() {
		return
	}
	ob, nb := bpOrDefault(o.Backpressure), bpOrDefault(n.Backpressure)
	pos := n.Pos
	if n.Backpressure != nil {
		pos = n.Backpressure.Pos
	}
	f := flow{writer: server, where: "backpressure of " + name, file: pkg}
	switch {
	case guarantee(nb.Mode) < guarantee(ob.Mode):
		c.value(f, pos, false, RuleBackpressureWeakened, widens,
			"back-pressure went from %s to %s: slow clients may now miss messages", ob.Mode, nb.Mode)
	case nb.Mode != ob.Mode:
	case nb.Mode == schema.BackpressureLatest:
		if ok, nk := strings.Join(ob.Key, "."), strings.Join(nb.Key, "."); ok != nk {
			c.report(pos, false, RuleBackpressureKeyChanged, BothOrders, pkg,
				"back-pressure latest of event %s changed its key from %s to %s: one version keeps messages apart that the other replaces", name, ok, nk)
		}
	case nb.Max < ob.Max && (nb.Mode == schema.BackpressureVolatile || nb.Max != 0):
		// queue max 0 is the server's bound, which the contract does not know.
		c.value(f, pos, false, RuleBackpressureWeakened, widens,
			"back-pressure %s max went from %d to %d: slow clients may now %s", nb.Mode, ob.Max, nb.Max, lossOf(nb.Mode))
	}
}

func lossOf(m schema.BackpressureMode) string {
	if m == schema.BackpressureQueue {
		return "be disconnected sooner"
	}
	return "miss more messages"
}

// bpOrDefault returns bp, or the default for nil: queue up to the
// server's bound.
func bpOrDefault(bp *schema.Backpressure) *schema.Backpressure {
	if bp == nil {
		return &schema.Backpressure{Mode: schema.BackpressureQueue}
	}
	return bp
}
