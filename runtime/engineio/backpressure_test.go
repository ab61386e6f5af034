package engineio_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// capture hands every session to conns, then receives until it closes.
func capture(conns chan<- *engineio.Conn) engineio.Handler {
	return engineio.HandlerFunc(func(c *engineio.Conn) {
		conns <- c
		for {
			if _, _, err := c.Receive(context.Background()); err != nil {
				return
			}
		}
	})
}

func text(s string) *engineio.Message { return engineio.NewMessage(engineio.MessageText, []byte(s)) }

// sendLatest sends "kK:I" for I in [from, to), key I%keys, under
// SendLatest, checking after each send that no more than bound messages
// wait; it returns how many waiting messages were replaced.
func sendLatest(t *testing.T, c *engineio.Conn, shared bool, from, to, keys, bound int) int {
	t.Helper()
	replaced := 0
	for i := from; i < to; i++ {
		k := fmt.Sprint("k", i%keys)
		p := engineio.SendPolicy{Mode: engineio.SendLatest, Key: k}
		m := text(fmt.Sprintf("%s:%d", k, i))
		var r engineio.SendResult
		var err error
		if shared {
			r, err = c.SendSharedWith(p, m)
		} else {
			r, err = c.SendWith(p, m)
		}
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		replaced += len(r.Replaced)
		if n := c.Queued(); n > bound {
			t.Fatalf("after send %d: %d messages wait, want at most %d", i, n, bound)
		}
	}
	return replaced
}

// newest returns the polling payload of the newest message per key of
// sends [0, n) with keys keys: the last keys sends.
func newest(n, keys int) []string {
	var out []string
	for i := n - keys; i < n; i++ {
		out = append(out, fmt.Sprintf("k%d:%d", i%keys, i))
	}
	return out
}

// TestSendPolicyPolling checks each mode on a polling session that has no
// GET pending: its queue is what a GET collects.
func TestSendPolicyPolling(t *testing.T) {
	t.Parallel()
	conns := make(chan *engineio.Conn, 1)
	_, base := startServer(t, capture(conns), nil)
	sid, _ := handshake(t, base)
	c := <-conns

	// latest: 100 sends over 5 keys wait as 5 messages, the newest of
	// each, in the order they were sent.
	if got := sendLatest(t, c, false, 0, 100, 5, 5); got != 95 {
		t.Errorf("replaced %d messages, want 95", got)
	}
	want := "4" + strings.Join(newest(100, 5), "\x1e4")
	if got := do(t, "GET", pollURL(base, sid), "", nil).body; got != want {
		t.Errorf("GET = %q, want %q", got, want)
	}

	// volatile, Max 2: queued while at most 2 wait.
	dropped := 0
	for i := range 5 {
		r, err := c.SendWith(engineio.SendPolicy{Mode: engineio.SendVolatile, Max: 2}, text(fmt.Sprint("v", i)))
		if err != nil {
			t.Fatal(err)
		}
		if r.Dropped {
			dropped++
		}
	}
	if dropped != 2 || c.Err() != nil {
		t.Errorf("volatile: %d dropped (want 2), err %v", dropped, c.Err())
	}
	if got := do(t, "GET", pollURL(base, sid), "", nil).body; got != "4v0\x1e4v1\x1e4v2" {
		t.Errorf("GET = %q", got)
	}

	// queue, Max 3: the fourth waiting message closes the session.
	for i := range 4 {
		_, err := c.SendWith(engineio.SendPolicy{Max: 3}, text(fmt.Sprint("q", i)))
		if (err != nil) != (i == 3) {
			t.Fatalf("queue send %d: %v", i, err)
		}
	}
	if r := engineio.ReasonOf(c.Err()); r != engineio.ReasonSendQueueFull {
		t.Errorf("close reason %q, want %q", r, engineio.ReasonSendQueueFull)
	}
	// What was queued still goes out, then the close packet.
	if got := do(t, "GET", pollURL(base, sid), "", nil).body; got != "4q0\x1e4q1\x1e4q2" {
		t.Errorf("GET = %q", got)
	}
	if got := do(t, "GET", pollURL(base, sid), "", nil).body; got != "1" {
		t.Errorf("GET = %q, want the close packet", got)
	}
}

// stall fills the websocket of server session c, whose client does not
// read, until its writer is stuck: messages wait behind the batch it is
// writing. It returns how many wait.
func stall(t *testing.T, c *engineio.Conn) int {
	t.Helper()
	filler := make([]byte, 32<<10)
	for i := 0; c.Queued() < 2; i++ {
		if i == 10_000 {
			t.Fatalf("the session kept up with %d messages of %d bytes", i, len(filler))
		}
		if err := c.Send(engineio.MessageBinary, filler); err != nil {
			t.Fatal(err)
		}
	}
	return c.Queued()
}

// slowClient dials a websocket session whose client reads one message,
// and then nothing until the test receives.
func slowClient(t *testing.T, base string, conns <-chan *engineio.Conn) (*engineio.Conn, *engineio.Conn) {
	t.Helper()
	cl, err := engineio.Dial(context.Background(), base, &engineio.DialOptions{
		Transports: []string{engineio.TransportWebsocket}, ReceiveQueue: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close(); <-cl.Done() })
	return cl, <-conns
}

// texts receives from cl until it has n text messages, skipping binary
// ones, and returns them.
func receiveTexts(t *testing.T, cl *engineio.Conn, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []string
	for len(out) < n {
		typ, data, err := cl.Receive(ctx)
		if err != nil {
			t.Fatalf("after %q: %v", out, err)
		}
		if typ == engineio.MessageText {
			out = append(out, string(data))
		}
	}
	return out
}

// TestSendPolicyWebsocketLatest checks SendLatest behind a stuck writer:
// the queue stays bounded, and once the client reads it gets the newest
// message of each key and nothing older.
func TestSendPolicyWebsocketLatest(t *testing.T) {
	t.Parallel()
	conns := make(chan *engineio.Conn, 1)
	_, base := startServer(t, capture(conns), &engineio.ServerOptions{WriteTimeout: time.Minute})
	cl, c := slowClient(t, base, conns)
	waiting := stall(t, c)
	const sends, keys = 400, 8
	if got := sendLatest(t, c, true, 0, sends, keys, waiting+keys); got != sends-keys {
		t.Errorf("replaced %d, want %d", got, sends-keys)
	}
	if got := c.Queued(); got != waiting+keys {
		// Less would mean the writer took the queue meanwhile.
		t.Fatalf("%d messages wait, want %d", got, waiting+keys)
	}
	got := strings.Join(receiveTexts(t, cl, keys), " ")
	if want := strings.Join(newest(sends, keys), " "); got != want {
		t.Errorf("received %q, want %q", got, want)
	}
	// The session keeps up again: nothing left behind.
	if err := c.Send(engineio.MessageText, []byte("after")); err != nil {
		t.Fatal(err)
	}
	if got := receiveTexts(t, cl, 1); got[0] != "after" {
		t.Errorf("received %q, want after", got)
	}
}

// TestSendPolicyWebsocketVolatileAndQueue checks SendVolatile and SendQueue
// with Max behind a stuck writer: volatile messages are dropped without a
// close; the queue's bound closes the session, whose client sees it close
// once it has read what was sent before.
func TestSendPolicyWebsocketVolatileAndQueue(t *testing.T) {
	t.Parallel()
	conns := make(chan *engineio.Conn, 1)
	_, base := startServer(t, capture(conns), &engineio.ServerOptions{WriteTimeout: time.Minute})
	cl, c := slowClient(t, base, conns)
	waiting := stall(t, c)
	for i := range 50 {
		r, err := c.SendSharedWith(engineio.SendPolicy{Mode: engineio.SendVolatile}, text(fmt.Sprint("v", i)))
		if err != nil || !r.Dropped {
			t.Fatalf("volatile send %d: dropped %v, err %v", i, r.Dropped, err)
		}
	}
	if got := c.Queued(); got != waiting {
		t.Errorf("%d wait after volatile sends, want %d", got, waiting)
	}
	p := engineio.SendPolicy{Max: waiting + 1}
	if _, err := c.SendWith(p, text("q1")); err != nil {
		t.Fatalf("first queued send: %v", err)
	}
	if _, err := c.SendWith(p, text("q2")); engineio.ReasonOf(err) != engineio.ReasonSendQueueFull {
		t.Fatalf("second queued send: %v, want %q", err, engineio.ReasonSendQueueFull)
	}
	if got := receiveTexts(t, cl, 1); got[0] != "q1" {
		t.Errorf("received %q, want q1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		typ, data, err := cl.Receive(ctx)
		if err != nil {
			if engineio.ReasonOf(err) != engineio.ReasonTransportClose {
				t.Errorf("client closed with %v, want %q", err, engineio.ReasonTransportClose)
			}
			break
		}
		if typ == engineio.MessageText {
			t.Errorf("received %q after the close", data)
		}
	}
}

// TestBacklogKeepsOrder checks that a backlog of small and large messages
// (large ones are written on their own) reaches the client in order.
func TestBacklogKeepsOrder(t *testing.T) {
	t.Parallel()
	conns := make(chan *engineio.Conn, 1)
	_, base := startServer(t, capture(conns), &engineio.ServerOptions{WriteTimeout: time.Minute})
	cl, c := slowClient(t, base, conns)
	stall(t, c)
	big := make([]byte, 40<<10)
	for i := range 20 {
		if err := c.SendMessages(text(fmt.Sprint("t", i)), engineio.NewMessage(engineio.MessageBinary, big)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got, want []string
	for i := range 20 {
		want = append(want, fmt.Sprint("t", i), "big")
	}
	for len(got) < len(want) {
		typ, data, err := cl.Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case typ == engineio.MessageText:
			got = append(got, string(data))
		case len(data) == len(big):
			got = append(got, "big")
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("received %q\nwant %q", got, want)
	}
}
