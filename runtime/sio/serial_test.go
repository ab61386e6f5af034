package sio

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
)

func newTestSerial(log *bytes.Buffer) *serial {
	q := &serial{}
	q.init(1000, slog.New(slog.NewTextHandler(log, nil)))
	return q
}

// waitEnded waits until q's goroutine has ended.
func waitEnded(t *testing.T, q *serial) {
	t.Helper()
	deadline := time.Now().Add(2*serialIdle + 2*time.Second)
	for {
		q.mu.Lock()
		running, timer := q.running, q.timer
		q.mu.Unlock()
		if !running {
			if timer != nil {
				t.Fatal("the ended goroutine left its timer behind")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the dispatcher goroutine still runs long after its queue emptied")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSerialRunsInOrderOneAtATime(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	var (
		mu      sync.Mutex
		got     []int
		running atomic.Int32
	)
	const n = 2000
	var pushers sync.WaitGroup
	for p := range 2 { // two producers, each in order: their items keep their order
		pushers.Add(1)
		go func() {
			defer pushers.Done()
			for i := range n / 2 {
				v := p*n + i
				q.push(func() {
					if running.Add(1) != 1 {
						t.Error("two functions ran at once")
					}
					mu.Lock()
					got = append(got, v)
					mu.Unlock()
					if v%100 == 0 {
						time.Sleep(time.Millisecond) // let the queue grow
					}
					running.Add(-1)
				})
			}
		}()
	}
	pushers.Wait()
	q.wait()
	if len(got) != n {
		t.Fatalf("ran %d functions, want %d", len(got), n)
	}
	last := map[int]int{0: -1, 1: n - 1}
	for _, v := range got {
		p := v / n
		if v <= last[p] {
			t.Fatalf("producer %d's %d ran after %d", p, v, last[p])
		}
		last[p] = v
	}
	waitEnded(t, q)
}

// TestSerialGoroutineLingersThenEnds runs on a fake clock (synctest), so
// that "within the lingering time" holds however loaded the machine is.
func TestSerialGoroutineLingersThenEnds(t *testing.T) {
	synctest.Test(t, testSerialGoroutineLingersThenEnds)
}

func testSerialGoroutineLingersThenEnds(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	done := make(chan struct{})
	q.push(func() { close(done) })
	<-done
	// Work within the lingering time reuses the goroutine.
	time.Sleep(serialIdle / 4)
	q.mu.Lock()
	running := q.running
	q.mu.Unlock()
	if !running {
		t.Fatal("the goroutine ended right after its work; it should linger")
	}
	done = make(chan struct{})
	q.push(func() { close(done) })
	<-done
	waitEnded(t, q)

	// Work after the end starts a new goroutine, which ends again.
	done = make(chan struct{})
	q.push(func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("work pushed after the goroutine ended never ran")
	}
	waitEnded(t, q)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.served != 3 {
		t.Fatalf("served %d, want 3", q.served)
	}
}

// TestSerialWorkAtExpiry pushes work right after the timer has told the
// idle goroutine to end, before the goroutine saw it: the work runs, and
// the goroutine still ends later.
func TestSerialWorkAtExpiry(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	done := make(chan struct{})
	q.push(func() { close(done) })
	<-done
	// Hold the lock across the expiry, so that the goroutine cannot act on
	// the wake-up before the new work is queued.
	for {
		q.mu.Lock()
		if q.idle && q.timer != nil {
			break
		}
		q.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	q.seen = q.served // as if the timer had looked once already
	q.expired = true
	q.wakeLocked()
	ran := make(chan struct{})
	q.addLocked(task{fn: func() { close(ran) }})
	q.mu.Unlock()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("work queued at expiry never ran")
	}
	waitEnded(t, q)
}

func TestSerialPanicIsLoggedAndWorkGoesOn(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	q.push(func() { panic("handler bug") })
	ran := false
	q.push(func() { ran = true })
	q.wait()
	if !ran {
		t.Fatal("the function after a panic did not run")
	}
	if !strings.Contains(log.String(), "handler bug") {
		t.Fatalf("the panic was not logged: %q", log.String())
	}
}

func TestSerialWaitEndsTheGoroutineAtOnce(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	q.push(func() {})
	start := time.Now()
	q.wait()
	if d := time.Since(start); d >= serialIdle {
		t.Fatalf("wait took %v: it waited out the lingering", d)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running || q.timer != nil {
		t.Fatal("after wait, a goroutine or its timer remains")
	}
}

type packetLog struct {
	mu  sync.Mutex
	ids []int64
}

func (l *packetLog) runPacket(p *parser.Packet, _ *eventLimit) {
	l.mu.Lock()
	l.ids = append(l.ids, p.ID)
	l.mu.Unlock()
}

// TestSerialPacketTasks checks that packet tasks run through the packet
// runner, in order with function tasks.
func TestSerialPacketTasks(t *testing.T) {
	var log bytes.Buffer
	q := newTestSerial(&log)
	pl := &packetLog{}
	q.packets = pl
	stop := make(chan struct{})
	for i := range 10 {
		if i == 5 {
			q.push(func() { pl.runPacket(&parser.Packet{ID: -1}, nil) })
		}
		if !q.pushPacketWait(stop, &parser.Packet{ID: int64(i)}, nil) {
			t.Fatal("pushPacketWait refused with room")
		}
	}
	q.wait()
	want := []int64{0, 1, 2, 3, 4, -1, 5, 6, 7, 8, 9}
	if !slices.Equal(pl.ids, want) {
		t.Fatalf("ran %v, want %v", pl.ids, want)
	}
}
