package sio

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The retry queue (ClientOptions.Retries), as in the JavaScript client:
// emits wait in a per-socket queue and go out one at a time, each attempt
// with a fresh acknowledgement id. An attempt ends with the acknowledgement
// (the packet leaves the queue, never to be sent again), with AckTimeout, or
// with the loss of the connection; a failed attempt is sent again at once
// (or after the reconnection) until Retries more attempts have failed. An
// acknowledgement of an abandoned attempt is ignored. Queued packets are
// never also put in the send buffer, so a reconnection sends each of them
// once.

// retryItem is one emit in the retry queue.
type retryItem struct {
	p       *Packet // without ack id
	tries   int
	pending bool  // an attempt is in flight
	id      int64 // the attempt's ack id
	timer   *time.Timer

	once sync.Once
	done chan clientAckResult // capacity 1
}

// stopLocked abandons the attempt in flight, if any. The socket's mu is
// held.
func (it *retryItem) stopLocked() {
	if it.timer != nil {
		it.timer.Stop()
		it.timer = nil
	}
	it.pending = false
}

func (it *retryItem) finish(a Args, err error) {
	it.once.Do(func() { it.done <- clientAckResult{a, err} })
}

// enqueue puts an emit in the retry queue and, with wantAck, waits for its
// outcome; ctx may be nil without wantAck.
func (s *ClientSocket) enqueue(ctx context.Context, event string, args []any, wantAck bool) (Args, error) {
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return Args{}, err
	}
	it := &retryItem{p: &Packet{Type: eventType(att), Namespace: s.nsp, Data: data, Attachments: att}, done: make(chan clientAckResult, 1)}
	s.mu.Lock()
	switch {
	case s.state == csClosed:
		err := s.closedErrLocked()
		s.mu.Unlock()
		return Args{}, err
	case len(s.retry) >= max(s.m.opts.MaxBufferedEmits, 1):
		s.mu.Unlock()
		return Args{}, &Error{Code: CodeBufferFull, Message: "too many emits in the retry queue"}
	}
	s.retry = append(s.retry, it)
	s.drainLocked()
	s.mu.Unlock()
	if !wantAck {
		return Args{}, nil
	}
	select {
	case r := <-it.done:
		return r.args, r.err
	case <-ctx.Done():
		s.dropRetry(it)
		return Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out", Err: ctx.Err()}
	}
}

// drainLocked sends the head of the retry queue when the socket is
// connected and no attempt is in flight. s.mu is held.
func (s *ClientSocket) drainLocked() {
	if s.state != csConnected || len(s.retry) == 0 || s.retry[0].pending {
		return
	}
	it := s.retry[0]
	it.pending = true
	it.tries++
	id := s.nextID
	s.nextID++
	it.id = id
	s.acks[id] = &clientAck{sent: true, retry: it, fn: func(a Args, err error) { s.retryDone(it, id, a, err) }}
	p := *it.p
	p.ID, p.HasID = id, true
	// A failure means the connection is closing: connLost ends the attempt.
	_ = s.m.send(s.conn, encodePacket(&p)...)
	if d := s.m.opts.AckTimeout; d > 0 {
		it.timer = time.AfterFunc(d, func() { s.retryTimeout(it, id) })
	}
}

// retryDone handles the acknowledgement of attempt id.
func (s *ClientSocket) retryDone(it *retryItem, id int64, a Args, err error) {
	s.mu.Lock()
	if len(s.retry) == 0 || s.retry[0] != it || it.id != id || !it.pending {
		s.mu.Unlock()
		return
	}
	it.stopLocked()
	s.retry = s.retry[1:]
	s.drainLocked()
	s.mu.Unlock()
	it.finish(a, err)
}

// retryTimeout ends attempt id when its acknowledgement is late.
func (s *ClientSocket) retryTimeout(it *retryItem, id int64) {
	s.mu.Lock()
	if len(s.retry) == 0 || s.retry[0] != it || it.id != id || !it.pending {
		s.mu.Unlock()
		return
	}
	delete(s.acks, id)
	it.stopLocked()
	var dead bool
	if it.tries > s.m.opts.Retries {
		s.retry = s.retry[1:]
		dead = true
	}
	s.drainLocked()
	s.mu.Unlock()
	s.m.log.Debug("retry attempt timed out", "nsp", s.nsp, "tries", it.tries, "gave up", dead)
	if dead {
		it.finish(Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out after " + strconv.Itoa(it.tries) + " attempts"})
	}
}

// retryLostLocked ends the attempt in flight on a lost connection and
// returns the item when it has no tries left. s.mu is held.
func (s *ClientSocket) retryLostLocked() *retryItem {
	if len(s.retry) == 0 || !s.retry[0].pending {
		return nil
	}
	it := s.retry[0]
	delete(s.acks, it.id)
	it.stopLocked()
	if it.tries > s.m.opts.Retries {
		s.retry = s.retry[1:]
		return it
	}
	return nil
}

// dropRetry removes an item whose caller gave up.
func (s *ClientSocket) dropRetry(it *retryItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.Index(s.retry, it)
	if i < 0 {
		return
	}
	if it.pending {
		delete(s.acks, it.id)
	}
	it.stopLocked()
	s.retry = slices.Delete(s.retry, i, i+1)
	s.drainLocked()
}
