package redisadapter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/sio"
)

// streamEnd returns the id of the stream's last entry, "0-0" when it is
// empty. "$" would skip what is added between two XREADs that time out:
// reading starts after this id instead.
func (n *StreamsNode) streamEnd() (string, error) {
	ctx, cancel := context.WithTimeout(n.ctx, n.opts.RequestsTimeout)
	defer cancel()
	msgs, err := n.rdb.XRevRangeN(ctx, n.opts.StreamName, "+", "-", 1).Result()
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "0-0", nil
	}
	return msgs[0].ID, nil
}

// readLoop reads the stream after entry last (from its end when last is
// empty), then from the last entry read, applying each entry in order;
// while Redis is unreachable it retries with backoff and resumes after the
// last entry, so no entry is missed while the stream keeps it.
func (n *StreamsNode) readLoop(last string) {
	defer n.wg.Done()
	delay := n.opts.ReconnectDelay
	fail := func(err error) bool {
		if n.ctx.Err() != nil {
			return false
		}
		n.setDown(err)
		select {
		case <-time.After(delay):
		case <-n.ctx.Done():
			return false
		}
		delay = min(2*delay, n.opts.ReconnectDelayMax)
		return true
	}
	for n.ctx.Err() == nil {
		if last == "" {
			end, err := n.streamEnd()
			if err != nil {
				if !fail(err) {
					return
				}
				continue
			}
			last = end
		}
		res, err := n.rdb.XRead(n.ctx, &redis.XReadArgs{
			Streams: []string{n.opts.StreamName, last}, Count: n.opts.ReadCount, Block: n.opts.Block,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			if !fail(err) {
				return
			}
			continue
		}
		delay = n.opts.ReconnectDelay
		n.setUp()
		for _, s := range res {
			for _, e := range s.Messages {
				n.dispatch(e)
				last = e.ID
			}
		}
	}
}

func (n *StreamsNode) dispatch(e redis.XMessage) {
	m, err := decodeStreamEntry(e.Values)
	if err != nil || m == nil {
		if err != nil {
			n.log.Debug("ignoring malformed entry", "id", e.ID, "err", err)
		}
		return
	}
	m.offset = e.ID
	n.mu.Lock()
	a := n.adapters[m.nsp]
	n.mu.Unlock()
	if a != nil {
		a.handle(m)
	}
}

func (n *StreamsNode) setDown(err error) {
	n.mu.Lock()
	first := !n.down
	n.status.Err = err
	if first {
		n.down = true
		n.status.Connected = false
		n.status.Since = time.Now()
		n.status.Outages++
		n.status.LastOutage = Outage{Start: n.status.Since}
	}
	st := n.status
	n.mu.Unlock()
	if first {
		n.log.Warn("redis stream unreachable; retrying with backoff", "err", err)
		if n.opts.OnStatus != nil {
			n.opts.OnStatus(st)
		}
		reportOutage(&n.mu, n.adapters, func(a *StreamsAdapter) *sio.Namespace { return a.ns }, err)
	}
}

func (n *StreamsNode) setUp() {
	n.mu.Lock()
	changed := n.down || !n.status.Connected
	if changed {
		if n.down {
			n.status.LastOutage.End = time.Now()
		}
		n.down = false
		n.status.Connected = true
		n.status.Since = time.Now()
	}
	st := n.status
	n.mu.Unlock()
	if changed {
		if st.Outages > 0 {
			n.log.Warn("redis stream reachable again; no entry was missed")
		}
		if n.opts.OnStatus != nil {
			n.opts.OnStatus(st)
		}
	}
}

// streamMessage returns the {type, data} of a ClusterAdapter message.
func streamMessage(m *message) (int64, *object, error) {
	switch m.kind {
	case kInitialHbt:
		return mtInitialHeartbeat, nil, nil
	case kHeartbeat:
		return mtHeartbeat, nil, nil
	case kClose:
		return mtAdapterClose, nil, nil
	case kBroadcast:
		if m.requestID != "" {
			return mtBroadcast, obj("packet", m.packet, "requestId", m.requestID, "opts", m.opts), nil
		}
		return mtBroadcast, obj("packet", m.packet, "opts", m.opts), nil
	case kJoin:
		return mtSocketsJoin, obj("opts", m.opts, "rooms", m.rooms), nil
	case kLeave:
		return mtSocketsLeave, obj("opts", m.opts, "rooms", m.rooms), nil
	case kDisconnect:
		return mtDisconnectSockets, obj("opts", m.opts, "close", m.close), nil
	case kFetch:
		return mtFetchSockets, obj("opts", m.opts, "requestId", m.requestID), nil
	case kServerSideEmit:
		if m.requestID != "" {
			return mtServerSideEmit, obj("requestId", m.requestID, "packet", m.data), nil
		}
		return mtServerSideEmit, obj("packet", m.data), nil
	}
	o, err := clusterResponse(m)
	if err != nil {
		return 0, nil, err
	}
	t, _ := o.num("type")
	return t, o.obj("data"), nil
}

// encodeStreamEntry returns the fields of m's stream entry: uid, nsp, type
// (decimal) and data (JSON, or base64 msgpack when it holds binary).
func encodeStreamEntry(m *message) ([]any, error) {
	t, data, err := streamMessage(m)
	if err != nil {
		return nil, err
	}
	if m.opts != nil {
		if _, ok := m.opts.get("flags"); !ok {
			m.opts.set("flags", obj())
		}
	}
	vals := []any{"uid", m.uid, "nsp", m.nsp, "type", strconv.FormatInt(t, 10)}
	if data != nil {
		if hasBinary(data) {
			vals = append(vals, "data", base64.StdEncoding.EncodeToString(packValue(nil, data)))
		} else {
			vals = append(vals, "data", string(toJSON(data, nil)))
		}
	}
	return vals, nil
}

// decodeStreamEntry reads an entry; nil for the types this node ignores.
func decodeStreamEntry(vals map[string]any) (*message, error) {
	field := func(k string) string { s, _ := vals[k].(string); return s }
	t, err := strconv.ParseInt(field("type"), 10, 64)
	if err != nil {
		return nil, err
	}
	var data any
	if raw := field("data"); raw != "" {
		if strings.HasPrefix(raw, "{") {
			data, err = fromJSON([]byte(raw), nil)
		} else {
			var b []byte
			if b, err = base64.StdEncoding.DecodeString(raw); err == nil {
				data, err = unpack(b)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return decodeCluster(obj("type", t, "data", data, "uid", field("uid"), "nsp", field("nsp"))), nil
}

// streamOffset is the form of a stream entry id.
var streamOffset = regexp.MustCompile(`^[0-9]+-[0-9]+$`)

// nextStreamID returns the id right after id (exclusive XRANGE before
// Redis 6.2, as upstream).
func nextStreamID(id string) string {
	ms, seq, _ := strings.Cut(id, "-")
	n, _ := strconv.ParseUint(seq, 10, 64)
	return ms + "-" + strconv.FormatUint(n+1, 10)
}

// encodeSession writes a session as upstream: base64 of the msgpack
// {sid, pid, rooms, data}.
func encodeSession(s *sio.Session) string {
	var data any
	if b, err := json.Marshal(s.Data); err == nil {
		data, _ = fromJSON(b, nil)
	}
	o := obj("sid", s.SID, "pid", s.PID, "rooms", anys(s.Rooms), "data", data)
	return base64.StdEncoding.EncodeToString(packValue(nil, o))
}

func decodeSession(raw, nsp string) (*sio.Session, error) {
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, err
	}
	v, err := unpack(b)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*object)
	if !ok || o.str("sid") == "" {
		return nil, errors.New("redisadapter: malformed session")
	}
	s := &sio.Session{SID: o.str("sid"), PID: o.str("pid"), Namespace: nsp, Rooms: strs(o.arr("rooms"))}
	if d, ok := o.get("data"); ok && d != nil {
		_ = json.Unmarshal(toJSON(d, nil), &s.Data)
	}
	return s, nil
}

// restoreMaxCalls bounds the XRANGE calls of one restoration, as upstream.
const restoreMaxCalls = 100

// restore takes session pid from Redis (GET and DEL in one transaction, as
// upstream) and collects the broadcasts of namespace nsp after offset that
// its rooms received, each with its entry id as offset.
func (n *StreamsNode) restore(ctx context.Context, nsp, pid, offset string) (*sio.Session, []*sio.Packet, error) {
	if !streamOffset.MatchString(offset) {
		return nil, nil, errors.New("redisadapter: invalid offset")
	}
	key := n.opts.SessionKeyPrefix + pid
	pipe := n.rdb.TxPipeline()
	get := pipe.Get(ctx, key)
	pipe.Del(ctx, key)
	at := pipe.XRange(ctx, n.opts.StreamName, offset, offset)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, err
	}
	raw, err := get.Result()
	if err != nil {
		return nil, nil, err
	}
	if len(at.Val()) == 0 {
		return nil, nil, errors.New("redisadapter: offset not in the stream")
	}
	s, err := decodeSession(raw, nsp)
	if err != nil {
		return nil, nil, err
	}
	var missed []*sio.Packet
	for range restoreMaxCalls {
		entries, err := n.rdb.XRangeN(ctx, n.opts.StreamName, nextStreamID(offset), "+", 1000).Result()
		if err != nil {
			return nil, nil, err
		}
		if len(entries) == 0 {
			break
		}
		for _, e := range entries {
			offset = e.ID
			if e.Values["nsp"] != nsp || e.Values["type"] != "3" {
				continue
			}
			m, err := decodeStreamEntry(e.Values)
			if err != nil || m == nil || m.requestID != "" {
				continue
			}
			opts := goOpts(m.opts)
			p := goPacket(m.packet)
			if p == nil || opts.Volatile || opts.Backpressure.Mode == sio.BackpressureVolatile || !sio.ShouldReplay(s.Rooms, opts) {
				continue
			}
			p.HasID = false
			p.Namespace = nsp
			p.Data = sio.AppendOffset(p.Data, e.ID)
			missed = append(missed, p)
		}
	}
	return s, missed, nil
}
