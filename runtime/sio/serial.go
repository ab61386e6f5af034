package sio

import (
	"log/slog"
	"sync"
)

// serial runs functions one at a time, in order, on a goroutine that
// exists only while there is work. push never blocks (for control
// callbacks, which may be queued from handlers); pushWait waits while max
// functions are queued (for received events: backpressure).
type serial struct {
	max   int
	log   *slog.Logger
	space chan struct{} // capacity 1: the queue shrank

	mu      sync.Mutex
	queue   []func()
	running bool
	wg      sync.WaitGroup
}

func (q *serial) init(max int, log *slog.Logger) {
	q.max, q.log, q.space = max, log, make(chan struct{}, 1)
}

func (q *serial) push(fn func()) {
	q.mu.Lock()
	q.addLocked(fn)
	q.mu.Unlock()
}

func (q *serial) addLocked(fn func()) {
	q.queue = append(q.queue, fn)
	if !q.running {
		q.running = true
		q.wg.Add(1)
		go q.run()
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
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-stop:
			return false
		}
	}
}

func (q *serial) run() {
	defer q.wg.Done()
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		fn := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.mu.Unlock()
		select {
		case q.space <- struct{}{}:
		default:
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

// wait returns once the queue is empty and its goroutine has ended.
func (q *serial) wait() { q.wg.Wait() }
