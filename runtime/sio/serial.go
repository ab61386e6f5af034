package sio

import (
	"log/slog"
	"sync"
	"time"
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
	queue   []func()
	running bool
	idle    bool          // the goroutine waits for work
	stopped bool          // wait was called: no lingering
	wake    chan struct{} // capacity 1: work arrived for an idle goroutine; made when one idles
	wg      sync.WaitGroup
}

// serialIdle is how long a dispatcher goroutine waits for more work.
const serialIdle = 200 * time.Millisecond

func (q *serial) init(max int, log *slog.Logger) {
	q.max, q.log = max, log
}

func (q *serial) push(fn func()) {
	q.mu.Lock()
	q.addLocked(fn)
	q.mu.Unlock()
}

func (q *serial) addLocked(fn func()) {
	q.queue = append(q.queue, fn)
	switch {
	case !q.running:
		q.running = true
		q.wg.Add(1)
		go q.run()
	case q.idle:
		q.idle = false
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// pushWait queues fn, waiting for room; false when stop is closed first.
func (q *serial) pushWait(stop <-chan struct{}, fn func()) bool {
	for {
		q.mu.Lock()
		if len(q.queue) < q.max {
			q.addLocked(fn)
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
	timer := time.NewTimer(serialIdle)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			if q.stopped {
				q.running = false
				q.mu.Unlock()
				return
			}
			q.idle = true
			if q.wake == nil {
				q.wake = make(chan struct{}, 1)
			}
			wake := q.wake
			q.mu.Unlock()
			timer.Reset(serialIdle)
			select {
			case <-wake:
				continue
			case <-timer.C:
			}
			q.mu.Lock()
			if len(q.queue) > 0 {
				q.idle = false
				q.mu.Unlock()
				select { // drop a wake-up that raced the timer
				case <-wake:
				default:
				}
				continue
			}
			q.idle, q.running = false, false
			q.mu.Unlock()
			return
		}
		fn := q.queue[0]
		q.queue[0] = nil
		if len(q.queue) == 1 {
			// Drained: keep the array, so that a steady stream of events
			// appends without allocating.
			q.queue = q.queue[:0]
		} else {
			q.queue = q.queue[1:]
		}
		space := q.space
		q.mu.Unlock()
		if space != nil {
			select {
			case space <- struct{}{}:
			default:
			}
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					q.log.Error("panic in a handler", "panic", r)
				}
			}()
			fn()
		}()
	}
}

// wait returns once the queue is empty and its goroutine has ended; from
// then on the goroutine no longer lingers.
func (q *serial) wait() {
	q.mu.Lock()
	q.stopped = true
	if q.idle {
		q.idle = false
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	q.mu.Unlock()
	q.wg.Wait()
}
