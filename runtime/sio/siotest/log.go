package siotest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Wait bounds how long [Next] and [Expect] wait for an event. Inside a
// testing/synctest bubble it is fake time: a missing event fails at once
// when every goroutine is blocked.
var Wait = 5 * time.Second

// Entry is one event that crossed a fake, as it was decoded.
type Entry struct {
	// Event is the event's name on the wire.
	Event string
	// Value is the decoded payload (the generated type), nil when it broke
	// the contract.
	Value any
	// Err lists the contract violations of the payload, nil when it kept
	// the contract.
	Err error
}

// Log records the events that crossed a fake, in arrival order, for
// [Next] and [Expect]. Each event name has its own cursor: Next returns
// the oldest entry of that event not returned yet.
//
// Concurrency: safe for concurrent use; entries are added by the
// connections' goroutines and read by the test's.
type Log struct {
	mu      sync.Mutex
	entries []Entry
	taken   map[string]int // per event, how many entries Next returned
	wake    chan struct{}  // closed and replaced on every Add
}

// NewLog returns an empty log.
func NewLog() *Log { return &Log{taken: make(map[string]int), wake: make(chan struct{})} }

// Add records an entry.
func (l *Log) Add(e Entry) {
	l.mu.Lock()
	l.entries = append(l.entries, e)
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}

// Entries returns a copy of every entry so far.
func (l *Log) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

// next returns the next untaken entry of event, waiting up to d.
func (l *Log) next(event string, d time.Duration) (Entry, bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		l.mu.Lock()
		n := 0
		for _, e := range l.entries {
			if e.Event != event {
				continue
			}
			if n == l.taken[event] {
				l.taken[event]++
				l.mu.Unlock()
				return e, true
			}
			n++
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-timer.C:
			return Entry{}, false
		}
	}
}

// summary lists the events logged, for failure messages.
func (l *Log) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) == 0 {
		return "nothing"
	}
	names := make([]string, len(l.entries))
	for i, e := range l.entries {
		names[i] = e.Event
	}
	return strings.Join(names, ", ")
}

// Next returns the payload of the next event named event in l, failing
// the test (tb.Fatalf) when none arrives within [Wait] or when it broke
// the contract. Call it from the test's goroutine.
func Next[T any](tb testing.TB, l *Log, event string) T {
	tb.Helper()
	e, ok := l.next(event, Wait)
	if !ok {
		tb.Fatalf("siotest: no %q event within %v (received: %s)", event, Wait, l.summary())
	}
	if e.Err != nil {
		tb.Fatalf("siotest: the %q event broke the contract: %s", event, Describe(e.Err))
	}
	v, ok := e.Value.(T)
	if !ok {
		tb.Fatalf("siotest: the %q event holds a %T, not a %T", event, e.Value, *new(T))
	}
	return v
}

// Expect takes the next event named event from l (see [Next]) and fails
// the test (tb.Errorf) when its payload differs from want, with a
// line-by-line diff of the two as JSON.
func Expect[T any](tb testing.TB, l *Log, event string, want T) {
	tb.Helper()
	got := Next[T](tb, l, event)
	if d := Diff(want, got); d != "" {
		tb.Errorf("siotest: %q payload differs (-want +got):\n%s", event, d)
	}
}

// Diff returns a line diff of want and got encoded as indented JSON ("-"
// lines only in want, "+" lines only in got), or "" when they encode the
// same.
func Diff(want, got any) string {
	w, g := indentJSON(want), indentJSON(got)
	if w == g {
		return ""
	}
	return lineDiff(strings.Split(w, "\n"), strings.Split(g, "\n"))
}

func indentJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// lineDiff is a longest-common-subsequence diff of two short texts.
func lineDiff(a, b []string) string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var sb strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			sb.WriteString("  " + a[i] + "\n")
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			sb.WriteString("- " + a[i] + "\n")
			i++
		default:
			sb.WriteString("+ " + b[j] + "\n")
			j++
		}
	}
	return sb.String()
}
