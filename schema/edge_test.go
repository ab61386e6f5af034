package schema_test

import (
	"fmt"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/siogen/siogen/schema"
)

// edgeContract uses every key of the edge policies.
const edgeContract = `siogen: 1
package: edge
types:
  Kind: { enum: [car, bus] }
  Position:
    fields:
      entity_id: string
      entity: { fields: { id: int32, kind: Kind } }
      x: number
namespaces:
  /chat:
    limits:
      rate: 20/s
      burst: 40
      max_payload: 64KiB
      max_pending_acks: 8
      disconnect_after: 20/1m
    events:
      message:send:
        from: client
        ack: true
        limits: { rate: 5/2s, max_payload: 8KiB, max_pending_acks: 2 }
      heartbeat:
        from: client
        limits: { rate: none }
      note:
        from: client
      ask:
        from: client
        ack: true
      both:
        from: both
        limits: { burst: 3, max_payload: 100 }
        backpressure: { mode: queue, max: 1000 }
      position:
        from: server
        payload: Position
        backpressure: { mode: latest, key: entity_id }
      nested:
        from: server
        payload: Position
        backpressure: { mode: latest, key: entity.kind }
      ticker:
        from: server
        backpressure: volatile
      log:line:
        from: server
        backpressure: { mode: volatile, max: 10 }
  /free:
    limits: { disconnect_after: 3/s }
    events:
      a: { from: client, limits: { max_payload: 1MB } }
      b: { from: client }
      c: { from: server }
`

func loadEdge(t *testing.T) *schema.Namespace {
	t.Helper()
	set, diags := schema.Load(fstest.MapFS{"edge.siogen.yaml": {Data: []byte(edgeContract)}}, "edge.siogen.yaml")
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	return set.Roots[0].Namespace("/chat")
}

func TestLoadNamespaceLimits(t *testing.T) {
	t.Parallel()
	ns := loadEdge(t)
	want := schema.Limits{
		Rate: &schema.Rate{Count: 20, Per: time.Second}, Burst: 40, MaxPayload: 64 << 10,
		MaxPendingAcks: 8, DisconnectAfter: &schema.Rate{Count: 20, Per: time.Minute},
	}
	if got := ns.Limits; got == nil || !sameLimits(*got, want) {
		t.Errorf("namespace limits = %s, want %s", fmtLimits(got), fmtLimits(&want))
	}
	if ns.Limits.Pos.Line != 12 {
		t.Errorf("namespace limits at %s, want line 12", ns.Limits.Pos)
	}
}

func TestLoadEventLimits(t *testing.T) {
	t.Parallel()
	ns := loadEdge(t)
	minute := &schema.Rate{Count: 20, Per: time.Minute}
	cases := []struct {
		event string
		want  *schema.Limits
	}{
		// Own keys over the namespace's; an own rate brings its own burst.
		{"message:send", &schema.Limits{Rate: &schema.Rate{Count: 5, Per: 2 * time.Second}, Burst: 5, MaxPayload: 8 << 10, MaxPendingAcks: 2, DisconnectAfter: minute}},
		// rate: none drops the rate and the inherited burst; no ack, no max_pending_acks.
		{"heartbeat", &schema.Limits{MaxPayload: 64 << 10, DisconnectAfter: minute}},
		{"note", &schema.Limits{Rate: &schema.Rate{Count: 20, Per: time.Second}, Burst: 40, MaxPayload: 64 << 10, DisconnectAfter: minute}},
		{"ask", &schema.Limits{Rate: &schema.Rate{Count: 20, Per: time.Second}, Burst: 40, MaxPayload: 64 << 10, MaxPendingAcks: 8, DisconnectAfter: minute}},
		{"both", &schema.Limits{Rate: &schema.Rate{Count: 20, Per: time.Second}, Burst: 3, MaxPayload: 100, DisconnectAfter: minute}},
		{"position", nil}, // server-only events have no limits
		{"ticker", nil},
	}
	for _, c := range cases {
		got := ns.Event(c.event).Limits
		if (got == nil) != (c.want == nil) || got != nil && !sameLimits(*got, *c.want) {
			t.Errorf("%s: limits = %s, want %s", c.event, fmtLimits(got), fmtLimits(c.want))
		}
	}
	free := ns.File.Namespace("/free")
	if got := free.Event("a").Limits; got == nil || got.MaxPayload != 1_000_000 || got.Rate != nil || got.Burst != 0 || got.DisconnectAfter == nil {
		t.Errorf("/free a: limits = %s", fmtLimits(got))
	}
	if got := free.Event("b").Limits; got != nil {
		t.Errorf("/free b: disconnect_after alone limits nothing, got %s", fmtLimits(got))
	}
}

func TestLoadRateDefaultsBurst(t *testing.T) {
	t.Parallel()
	src := "siogen: 1\npackage: p\nnamespaces:\n  /a:\n    limits: { rate: 7/500ms }\n    events:\n      e: { from: client }\n      f: { from: client, limits: { rate: 3/h } }\n"
	set, diags := schema.Load(fstest.MapFS{"p.siogen.yaml": {Data: []byte(src)}}, "p.siogen.yaml")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ns := set.Roots[0].Namespace("/a")
	if l := ns.Limits; l.Burst != 7 || l.Rate.Per != 500*time.Millisecond {
		t.Errorf("namespace: %s, want burst 7 per 500ms", fmtLimits(l))
	}
	if l := ns.Event("e").Limits; l.Burst != 7 {
		t.Errorf("e: %s, want burst 7", fmtLimits(l))
	}
	if l := ns.Event("f").Limits; l.Burst != 3 || l.Rate.Per != time.Hour {
		t.Errorf("f: %s, want burst 3 per hour", fmtLimits(l))
	}
	if got := ns.Event("f").Limits.Rate.PerSecond(); got != 3.0/3600 {
		t.Errorf("PerSecond = %v", got)
	}
}

func TestLoadBackpressure(t *testing.T) {
	t.Parallel()
	ns := loadEdge(t)
	cases := []struct {
		event string
		mode  schema.BackpressureMode
		max   int
		key   []string
	}{
		{"both", schema.BackpressureQueue, 1000, nil},
		{"position", schema.BackpressureLatest, 0, []string{"entity_id"}},
		{"nested", schema.BackpressureLatest, 0, []string{"entity", "kind"}},
		{"ticker", schema.BackpressureVolatile, 0, nil},
		{"log:line", schema.BackpressureVolatile, 10, nil},
	}
	for _, c := range cases {
		bp := ns.Event(c.event).Backpressure
		if bp == nil {
			t.Errorf("%s: no backpressure", c.event)
			continue
		}
		if bp.Mode != c.mode || bp.Max != c.max || !slices.Equal(bp.Key, c.key) {
			t.Errorf("%s: backpressure = %s max %d key %v, want %s max %d key %v", c.event, bp.Mode, bp.Max, bp.Key, c.mode, c.max, c.key)
		}
		if len(bp.KeyFields) != len(c.key) {
			t.Errorf("%s: KeyFields = %v, want %d resolved fields", c.event, bp.KeyFields, len(c.key))
		}
		for i, f := range bp.KeyFields {
			if f.Name != c.key[i] {
				t.Errorf("%s: KeyFields[%d] = %s, want %s", c.event, i, f.Name, c.key[i])
			}
		}
	}
	if bp := ns.Event("note").Backpressure; bp != nil {
		t.Errorf("note: backpressure = %+v, want nil", bp)
	}
	if got := ns.Event("nested").Backpressure.KeyFields[1].Type.Underlying().Kind; got != schema.KindEnum {
		t.Errorf("nested key's last field kind = %s, want enum", got)
	}
}

func sameLimits(a, b schema.Limits) bool {
	sameRate := func(x, y *schema.Rate) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return sameRate(a.Rate, b.Rate) && a.Burst == b.Burst && a.MaxPayload == b.MaxPayload &&
		a.MaxPendingAcks == b.MaxPendingAcks && sameRate(a.DisconnectAfter, b.DisconnectAfter)
}

func fmtLimits(l *schema.Limits) string {
	if l == nil {
		return "nil"
	}
	r := func(x *schema.Rate) string {
		if x == nil {
			return "-"
		}
		return fmt.Sprintf("%d/%s", x.Count, x.Per)
	}
	return fmt.Sprintf("{rate %s burst %d max_payload %d max_pending_acks %d disconnect_after %s}",
		r(l.Rate), l.Burst, l.MaxPayload, l.MaxPendingAcks, r(l.DisconnectAfter))
}
