// Package edgedoc writes the edge policies of a contract (the limits of the
// events a client sends, the back-pressure of the events the server sends)
// as the short English every generator puts in its docs, so that the Go
// and TypeScript doc comments, the HTML and Markdown reference and the
// AsyncAPI descriptions say the same thing in the same words.
package edgedoc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/siogen/siogen/schema"
)

// Rate writes r as the contract does: "20/s", "5/2s", "100/m", "3/500ms".
func Rate(r *schema.Rate) string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.Count) + "/" + period(r.Per)
}

// period writes d in the largest unit that divides it, the count omitted
// when it is 1: "s", "2s", "m", "90s", "250ms".
func period(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}, {time.Millisecond, "ms"}} {
		if d >= u.d && d%u.d == 0 {
			if d == u.d {
				return u.name
			}
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return d.String()
}

// Bytes writes n bytes as "64 KiB", "1 MiB" or "1000 bytes".
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	case n == 1:
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Terms lists the limits of l, each as a short phrase: "5/2s, burst 5",
// "payload at most 64 KiB", "at most 8 unanswered acks". DisconnectAfter
// is not among them (see [Disconnect]).
func Terms(l *schema.Limits) []string {
	if l == nil {
		return nil
	}
	var out []string
	if l.Rate != nil {
		s := Rate(l.Rate)
		if l.Burst > 0 {
			s += ", burst " + strconv.Itoa(l.Burst)
		}
		out = append(out, s)
	}
	if l.MaxPayload > 0 {
		out = append(out, "payload at most "+Bytes(l.MaxPayload))
	}
	if l.MaxPendingAcks > 0 {
		out = append(out, "at most "+strconv.Itoa(l.MaxPendingAcks)+" unanswered "+plural(l.MaxPendingAcks, "ack", "acks"))
	}
	return out
}

// Limits describes the limits of an event the client sends, in a sentence:
// "Limits: 5/2s, burst 5; payload at most 64 KiB. Refused with
// resource_exhausted." ("Dropped and counted." for an event without an
// envelope-style ack); "" when the event has none.
func Limits(e *schema.Event) string {
	terms := Terms(e.Limits)
	if len(terms) == 0 {
		return ""
	}
	return "Limits: " + strings.Join(terms, "; ") + ". " + Refusal(e)
}

// Refusal says what happens to an event over its limits: "Refused with
// resource_exhausted." when the client gets an answer, else "Dropped and
// counted.".
func Refusal(e *schema.Event) string {
	if Answered(e) {
		return "Refused with resource_exhausted."
	}
	return "Dropped and counted."
}

// Answered reports whether an event refused by its limits is answered
// with a resource_exhausted error: it has limits and an envelope-style
// ack.
func Answered(e *schema.Event) bool {
	return e.Limits != nil && len(Terms(e.Limits)) > 0 && e.Acked && e.AckStyle != schema.AckPlain
}

// Disconnect describes a namespace's DisconnectAfter: "A socket whose
// events are refused more than 20 times per minute is disconnected." ("" when
// it declares none).
func Disconnect(l *schema.Limits) string {
	if l == nil || l.DisconnectAfter == nil || l.DisconnectAfter.Count <= 0 {
		return ""
	}
	r := l.DisconnectAfter
	return fmt.Sprintf("A socket whose events are refused more than %d %s within %s is disconnected (%q).",
		r.Count, plural(r.Count, "time", "times"), within(r.Per), "too many refused events")
}

func within(d time.Duration) string {
	p := period(d)
	switch p {
	case "h":
		return "an hour"
	case "m":
		return "a minute"
	case "s":
		return "a second"
	}
	return p
}

// Backpressure describes an event's back-pressure: "Back-pressure:
// latest per entity_id (a newer message replaces a waiting one of the same
// key)."; "" for none.
func Backpressure(bp *schema.Backpressure) string {
	if bp == nil {
		return ""
	}
	return "Back-pressure: " + Mode(bp) + "."
}

// Mode describes a back-pressure policy in a phrase: "volatile (dropped,
// and counted, while the socket's send queue is backed up)", "latest per
// entity_id (…)", "queue of at most 1000, then the slow socket is
// disconnected".
func Mode(bp *schema.Backpressure) string {
	switch bp.Mode {
	case schema.BackpressureVolatile:
		if bp.Max > 0 {
			return fmt.Sprintf("volatile (dropped, and counted, when more than %d messages wait for the socket)", bp.Max)
		}
		return "volatile (dropped, and counted, while the socket's send queue is backed up)"
	case schema.BackpressureLatest:
		return "latest per " + Key(bp) + " (a newer message replaces a waiting one of the same " + Key(bp) + ")"
	case schema.BackpressureQueue:
		if bp.Max > 0 {
			return fmt.Sprintf("queue of at most %d, then the slow socket is disconnected (%q)", bp.Max, "send queue full")
		}
		return fmt.Sprintf("queue up to the server's limit, then the slow socket is disconnected (%q)", "send queue full")
	}
	return bp.Mode.String()
}

// Key is the key path of a latest policy as the contract writes it:
// "entity_id", "entity.id".
func Key(bp *schema.Backpressure) string { return strings.Join(bp.Key, ".") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
