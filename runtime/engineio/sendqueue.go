package engineio

// SendMode says what a send does when the connection's send queue is
// backed up; see [SendPolicy].
type SendMode uint8

const (
	// SendQueue, the default, queues the messages. With Max > 0 the
	// connection is closed with [ReasonSendQueueFull] when more than Max
	// messages would be waiting; the server's limit
	// (ServerOptions.MaxQueuedMessages) applies above it either way.
	SendQueue SendMode = iota
	// SendVolatile drops the messages when more than Max are waiting (Max
	// 0: when any is), and when they would take the queue over the
	// server's limit: it never closes the connection.
	SendVolatile
	// SendLatest removes the waiting messages of a send with the same Key
	// (the newest replaces them) and queues the new ones at the tail, in
	// the order of their own time. Messages already taken by the writer
	// are not touched. Otherwise it is SendQueue, Max included.
	SendLatest
)

// String returns "queue", "volatile" or "latest".
func (m SendMode) String() string {
	switch m {
	case SendQueue:
		return "queue"
	case SendVolatile:
		return "volatile"
	case SendLatest:
		return "latest"
	}
	return "invalid"
}

// SendPolicy is what [Conn.SendWith] does with messages for a connection
// whose send queue is backed up. The zero value is [Conn.SendMessages]'s
// behaviour.
type SendPolicy struct {
	Mode SendMode
	// Max is the number of waiting messages the mode allows; 0 is the
	// mode's default (see the modes).
	Max int
	// Key, for SendLatest, names what the messages are the newest of; the
	// caller makes it unique across everything it sends on the connection
	// (Socket.IO composes namespace, event and the application's key).
	Key string
}

// SendResult tells what [Conn.SendWith] did besides queueing.
type SendResult struct {
	// Dropped: the policy dropped the messages (SendVolatile).
	Dropped bool
	// Replaced are the waiting messages that the new ones replaced
	// (SendLatest), in their order; nil when none were.
	Replaced []*Message
}

// sendQueue is a connection's outgoing queue: messages waiting for the
// writer. A message replaced under SendLatest leaves a nil slot (a
// tombstone) in msgs, so that replacing costs O(1); takes hand the
// writer a slice without them, and the queue compacts itself when they
// outnumber the live messages. The zero value is an empty queue.
//
// Concurrency: guarded by the connection's mu.
type sendQueue struct {
	msgs []*Message
	dead int // tombstones in msgs
	// keys runs parallel to msgs while some keyed message waits: the key
	// of the first message of each keyed send, "" elsewhere. nil when none
	// does, so that unkeyed sends pay nothing for it.
	keys []string
	// keyed maps the key of each waiting keyed send to its run in msgs.
	keyed map[string]keyedRun
}

// keyedRun is where the messages of one keyed send wait: msgs[at:at+n].
type keyedRun struct{ at, n int }

// keyedKeep is the largest key map a take keeps for reuse.
const keyedKeep = 64

// compactAfter is how many tombstones the queue tolerates before it
// compacts (when they also outnumber the live messages).
const compactAfter = 32

// waiting returns how many messages wait.
func (q *sendQueue) waiting() int { return len(q.msgs) - q.dead }

// empty reports whether no message waits.
func (q *sendQueue) empty() bool { return len(q.msgs) == q.dead }

// push appends ms.
func (q *sendQueue) push(ms []*Message) {
	q.msgs = append(q.msgs, ms...)
	if q.keys != nil {
		for range ms {
			q.keys = append(q.keys, "")
		}
	}
}

// replace tombstones the waiting run of key, if any, and returns its
// messages.
func (q *sendQueue) replace(key string) []*Message {
	r, ok := q.keyed[key]
	if !ok {
		return nil
	}
	delete(q.keyed, key)
	old := make([]*Message, r.n)
	copy(old, q.msgs[r.at:r.at+r.n])
	clear(q.msgs[r.at : r.at+r.n])
	q.keys[r.at] = ""
	q.dead += r.n
	return old
}

// pushKeyed appends ms as the waiting run of key, which replace has
// cleared.
func (q *sendQueue) pushKeyed(key string, ms []*Message) {
	if len(ms) == 0 {
		return
	}
	if q.keys == nil {
		q.keys = make([]string, len(q.msgs), cap(q.msgs))
	}
	if q.keyed == nil {
		q.keyed = make(map[string]keyedRun)
	}
	if q.dead > compactAfter && q.dead > len(q.msgs)/2 {
		q.compact()
	}
	q.keyed[key] = keyedRun{at: len(q.msgs), n: len(ms)}
	q.msgs = append(q.msgs, ms...)
	q.keys = append(q.keys, key)
	for range ms[1:] {
		q.keys = append(q.keys, "")
	}
}

// compact removes the tombstones, moving the keyed runs with their
// messages.
func (q *sendQueue) compact() {
	if q.dead == 0 {
		return
	}
	j := 0
	for i, m := range q.msgs {
		if m == nil {
			continue
		}
		if q.keys != nil {
			k := q.keys[i]
			if k != "" {
				r := q.keyed[k]
				r.at = j
				q.keyed[k] = r
			}
			q.keys[j] = k
		}
		q.msgs[j] = m
		j++
	}
	clear(q.msgs[j:])
	q.msgs = q.msgs[:j]
	if q.keys != nil {
		clear(q.keys[j:])
		q.keys = q.keys[:j]
	}
	q.dead = 0
}

// take removes and returns every waiting message; the queue goes on in
// spare (emptied), whose array the caller gives up.
func (q *sendQueue) take(spare []*Message) []*Message {
	q.compact()
	ms := q.msgs
	q.msgs = spare[:0]
	q.forgetKeys()
	return ms
}

// forgetKeys forgets every keyed run: their messages are gone to the
// writer.
func (q *sendQueue) forgetKeys() {
	if q.keys == nil {
		return
	}
	q.keys = nil
	if len(q.keyed) > keyedKeep {
		q.keyed = nil
	} else {
		clear(q.keyed)
	}
}

// takePrefix removes and returns the first n live messages (after
// compacting); keyed runs they begin are forgotten, the others move.
func (q *sendQueue) takePrefix(n int) []*Message {
	q.compact()
	ms := q.msgs[:n:n]
	q.msgs = q.msgs[n:]
	if len(q.msgs) == 0 {
		q.msgs = nil
	}
	if q.keys != nil {
		q.keys = q.keys[n:]
		q.shiftKeys(-n)
	}
	return ms
}

// prepend puts ms, taken by a writer that could not write them, back at
// the head, where no policy touches them.
func (q *sendQueue) prepend(ms []*Message) {
	// A copy: ms may be the sender's array (a variadic argument).
	out := make([]*Message, 0, len(ms)+len(q.msgs))
	q.msgs = append(append(out, ms...), q.msgs...)
	if q.keys != nil {
		keys := make([]string, len(ms), len(ms)+len(q.keys))
		q.keys = append(keys, q.keys...)
		q.shiftKeys(len(ms))
	}
}

// shiftKeys moves every keyed run by d, forgetting those that start before
// the head.
func (q *sendQueue) shiftKeys(d int) {
	for k, r := range q.keyed {
		r.at += d
		if r.at < 0 {
			delete(q.keyed, k)
			continue
		}
		q.keyed[k] = r
	}
	if len(q.keyed) == 0 {
		q.forgetKeys()
	}
}

// head returns the first waiting message, or nil.
func (q *sendQueue) head() *Message {
	for _, m := range q.msgs {
		if m != nil {
			return m
		}
	}
	return nil
}
