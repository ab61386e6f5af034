package sio

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// serial runs functions one at a time, in order, on a goroutine that
// exists only while there is work: it lingers for serialIdle after the
// queue empties, so that a steady stream of events reuses one goroutine
// instead of starting one per event, and then ends, so that idle
// connections hold none. push never blocks (for control
// callbacks, which may be queued from handlers); pushWait waits while max
// functions are queued (for received events: backpressure).
type serial struct {
	max int
	log *slog.Logger

	mu      sync.Mutex
	space   chan struct{} // capacity 1: the queue shrank; made when a pushWait waits
	queue   []task
	packets packetRunner // runs packet tasks; set once, before the first
	running bool
	idle    bool          // the goroutine waits for work
	stopped bool          // wait was called: no lingering
	wake    chan struct{} // capacity 1: work arrived for an idle goroutine; made when one idles
	wg      sync.WaitGroup

	// The lingering goroutine's limit: a timer armed while it runs, which
	// ends it once a whole period passed without work. A busy goroutine
	// touches no timer per function; the timer re-arms itself instead.
	timer   *time.Timer // the current goroutine's; nil when none runs
	gen     uint64      // timers made
	served  uint64      // functions run
	seen    uint64      // served when the timer last looked
	expired bool        // the timer told the idle goroutine to end
}

// serialIdle is how long, at least, a dispatcher goroutine waits for more
// work (at most twice that).
const serialIdle = 200 * time.Millisecond

// A task is a function, or a received packet for q.packets: a packet
// costs no closure.
type task struct {
	fn   func()
	p    *parser.Packet
	slot *eventLimit // p's pending-ack slot, if it holds one
}

// packetRunner runs a packet task.
type packetRunner interface {
	runPacket(p *parser.Packet, slot *eventLimit)
}

func (q *serial) init(max int, log *slog.Logger) {
	q.max, q.log = max, log
}

func (q *serial) push(fn func()) {
	q.mu.Lock()
	q.addLocked(task{fn: fn})
	q.mu.Unlock()
}

func (q *serial) addLocked(t task) {
	q.queue = append(q.queue, t)
	switch {
	case !q.running:
		q.running = true
		q.wg.Add(1)
		go q.run()
	case q.idle:
		q.wakeLocked()
	}
}

// wakeLocked ends the goroutine's wait; it is called only while it waits,
// so the wake channel never holds a stale token.
func (q *serial) wakeLocked() {
	q.idle = false
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pushWait queues fn, waiting for room; false when stop is closed first.
func (q *serial) pushWait(stop <-chan struct{}, fn func()) bool {
	return q.addWait(stop, task{fn: fn})
}

// pushPacketWait queues p, with its pending-ack slot, for q.packets, as
// pushWait does.
func (q *serial) pushPacketWait(stop <-chan struct{}, p *parser.Packet, slot *eventLimit) bool {
	return q.addWait(stop, task{p: p, slot: slot})
}

func (q *serial) addWait(stop <-chan struct{}, t task) bool {
	for {
		q.mu.Lock()
		if len(q.queue) < q.max {
			q.addLocked(t)
			q.mu.Unlock()
			return true
		}
		if q.space == nil {
			q.space = make(chan struct{}, 1)
		}
		space := q.space
		q.mu.Unlock()
		select {
		case <-space:
		case <-stop:
			return false
		}
	}
}

func (q *serial) run() {
	defer q.wg.Done()
	q.mu.Lock()
	for {
		if len(q.queue) == 0 {
			if q.stopped || q.expired {
				q.running, q.expired = false, false
				if q.timer != nil {
					q.timer.Stop()
					q.timer = nil // an idle connection keeps no timer
				}
				q.mu.Unlock()
				return
			}
			if q.timer == nil {
				q.seen = q.served
				q.gen++
				gen := q.gen
				q.timer = time.AfterFunc(serialIdle, func() { q.expire(gen) })
			}
			q.idle = true
			if q.wake == nil {
				q.wake = make(chan struct{}, 1)
			}
			wake := q.wake
			q.mu.Unlock()
			<-wake
			q.mu.Lock()
			continue
		}
		t := q.queue[0]
		q.queue[0] = task{}
		if len(q.queue) == 1 {
			// Drained: keep the array, so that a steady stream of events
			// appends without allocating.
			q.queue = q.queue[:0]
		} else {
			q.queue = q.queue[1:]
		}
		q.served++
		if q.expired { // work came just after the timer ended the wait
			q.expired = false
			q.timer.Reset(serialIdle)
		}
		space := q.space
		q.mu.Unlock()
		if space != nil {
			select {
			case space <- struct{}{}:
			default:
			}
		}
		q.call(t)
		q.mu.Lock()
	}
}

// call runs t, logging a panic instead of passing it on.
func (q *serial) call(t task) {
	defer func() {
		if r := recover(); r != nil {
			q.log.Error("handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	if t.fn != nil {
		t.fn()
	} else {
		q.packets.runPacket(t.p, t.slot)
	}
}

// expire is the function of timer number gen: it ends an idle goroutine
// that has run nothing for a whole period, and otherwise looks again a
// period later.
func (q *serial) expire(gen uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.timer == nil || q.gen != gen {
		return // the goroutine it was made for has ended
	}
	if !q.idle || q.served != q.seen {
		q.seen = q.served
		q.timer.Reset(serialIdle)
		return
	}
	q.expired = true
	q.wakeLocked()
}

// wait returns once the queue is empty and its goroutine has ended; from
// then on the goroutine no longer lingers.
func (q *serial) wait() {
	q.mu.Lock()
	q.stopped = true
	if q.idle {
		q.wakeLocked()
	}
	q.mu.Unlock()
	q.wg.Wait()
}
