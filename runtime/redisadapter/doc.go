// Package redisadapter runs a Socket.IO application on several nodes: a
// multi-node [sio.Adapter] over Redis Pub/Sub, and an [Emitter] for
// processes that are not servers. It speaks the Redis wire format of the
// Node packages @socket.io/redis-adapter 8.x and @socket.io/redis-emitter
// 5.x, so Go and Node servers can serve one application side by side.
//
// # Use
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	node := redisadapter.NewNode(rdb, nil)
//	srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
//	...
//	srv.Shutdown(ctx) // closes the namespaces' adapters
//	node.Close()
//	rdb.Close()
//
// Every room and broadcast operation of sio then spans the cluster:
// broadcasts (To, Except, Local stays local, Volatile, Backpressure on Go
// nodes), EmitWithAck
// (acknowledgements of every node's clients), FetchSockets, SocketsJoin,
// SocketsLeave, DisconnectSockets, ServerSideEmit and ServerSideEmitWithAck
// (answers come from [Adapter.OnServerSideEmitWithAck] on Go nodes).
//
// Over Redis Streams ([NewStreamsNode], the format of
// @socket.io/redis-streams-adapter), every message between nodes is an
// entry of one stream: nothing is lost while a node's connection drops or
// Redis restarts (with persistence), and connection state recovery works
// across nodes, since the offset of a broadcast is its entry id and
// sessions are kept in Redis:
//
//	node := redisadapter.NewStreamsNode(rdb, nil)
//	srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter,
//		Recovery: &sio.RecoveryOptions{}})
//
// # Emitting from other processes
//
// An [Emitter] publishes to the servers of a classic Pub/Sub cluster from
// any process. A contract generated with redis_emitter: true (see package
// schema, # Config) gets a typed emitter per namespace over it, which
// checks each payload against the contract before publishing, through
// [EmitChecked]; [Emitter.EmitJSONChecked] and [ValidatorCheck] do the same
// with a JSON Schema validator for code without generated types:
//
//	news := chat.NewChatEmitter(redisadapter.NewEmitter(rdb, nil))
//	err := news.To("lobby").EmitMessageNew(ctx, msg) // invalid_argument, unpublished, if msg breaks the contract
//
// # Concurrency
//
// A [Node] owns three goroutines (subscription changes, receiving, publishing)
// and one for server-side event handlers; Close stops them all and returns
// when they have. Messages from Redis are applied one at a time, in order.
// [Node.Adapter] returns once Redis has confirmed the namespace's
// subscriptions (a round trip; at most Options.RequestsTimeout, at once
// while Redis is unreachable), and in sharded mode a socket's Join returns
// once the channel of a room new to the node is subscribed: what another
// node publishes afterwards is not missed. A join that another node asks
// for (SocketsJoin) is different: it is applied on the receive goroutine,
// which cannot wait for the confirmation it reads, so a node sees the
// sockets in a new room a round trip before the room's channel reaches it.
// The node that asked sends its own broadcasts to the room on the
// namespace's channel, behind the join, for Options.RequestsTimeout
// afterwards, so they are never missed; a third node's broadcast to the
// room in that round trip can be (upstream's sharded adapter has the same
// window, without the first remedy). [NewStreamsNode]'s first
// adapter likewise reads the stream after the entry that was last when it
// was made.
// Publishing goes through one ordered queue: a broadcast never waits for
// Redis, while requests (FetchSockets, SocketsJoin...) wait for their
// message to be published or their context. Requests that expect answers
// wait until every other node answered, the context ends, or
// Options.RequestsTimeout; then they return what arrived with an [*Error]
// whose Timeout method is true. A node that leaves stops counting at once:
// the number of nodes is the number of subscribers Redis reports.
//
// # Redis down
//
// Nodes keep serving their own clients. The subscription connection is
// redialled with exponential backoff (Options.ReconnectDelay to
// ReconnectDelayMax) and every subscription is made again; a warning is
// logged when the connection is lost and when it is back, and
// [Node.Status] (and Options.OnStatus) reports the state, the outages and
// the loss window: Pub/Sub does not keep messages, so what other nodes
// published during it is lost. Meanwhile messages to other nodes are
// dropped (counted in Status.Dropped), ServerCount is 1 and requests return
// local results only.
//
// # Wire format
//
// Prefix is Options.Key ("socket.io"), nsp the namespace name ("/",
// "/chat"). Values are JavaScript values: msgpack is written as notepack.io
// does (smallest integer forms, float64, str, bin for Buffers, maps with
// string keys); binary arguments travel as msgpack bin inside the event's
// data, where a Socket.IO packet would have placeholders. A Node packet
// object is {type: 2, data: [event, ...args], nsp, id?}; options are
// {rooms: [...], except: [...], flags: {volatile?, timeout?, backpressure?}},
// where backpressure, {mode: "queue"|"volatile"|"latest", max?, key?}, is
// ours: the [sio.Backpressure] of a broadcast or of an Emitter, which Go
// nodes apply to their recipients and Node nodes, ignoring flags they do
// not know, do not.
//
// Classic Pub/Sub (createAdapter, and the emitters):
//
//	channel                          payload
//	prefix#nsp#       (PSUBSCRIBE    msgpack [uid, packet, opts]: a broadcast
//	prefix#nsp#room#   prefix#nsp#*)  (room channel when exactly one room)
//	prefix-request#nsp#              {uid, type, requestId?, ...}: JSON, or
//	                                 msgpack for type 7
//	prefix-response#nsp#             answers: JSON, or msgpack for type 9
//	prefix-response#nsp#uid#         answers sent to one node (option
//	                                 PublishOnSpecificResponseChannel)
//
//	type  request                    fields              answer
//	0     SOCKETS                    rooms               {requestId, sockets: [ids]}
//	1     ALL_ROOMS                                      {requestId, rooms}
//	2     REMOTE_JOIN                opts, rooms         none (older: sid, room)
//	3     REMOTE_LEAVE               opts, rooms         none
//	4     REMOTE_DISCONNECT          opts, close         none
//	5     REMOTE_FETCH               opts                {requestId, sockets:
//	                                                     [{id, handshake, rooms, data}]}
//	6     SERVER_SIDE_EMIT           data: [event, ...]  {type: 6, requestId, data}
//	7     BROADCAST (with acks)      packet, opts        {type: 8, requestId, clientCount}
//	                                                     then one msgpack
//	                                                     {type: 9, requestId, packet: ack}
//	                                                     per client
//
// The number of nodes is PUBSUB NUMSUB prefix-request#nsp#. An emitter's
// uid is "emitter"; its join/leave/disconnect requests have none.
//
// Sharded Pub/Sub (createShardedAdapter, Options.Sharded; Redis 7): the
// messages of socket.io-adapter's ClusterAdapter, {type, data, uid, nsp},
// as JSON, or msgpack when data holds binary, with SSUBSCRIBE/SPUBLISH:
//
//	prefix#nsp#         every message; PUBSUB SHARDNUMSUB counts the nodes
//	prefix#nsp#room#    a broadcast without acks to one public room (not
//	                    20 characters long like a socket id); each node
//	                    subscribes to the rooms it has
//	prefix#nsp#uid#     answers to node uid
//
//	type  message                    data
//	3     BROADCAST                  {packet, opts, requestId?}
//	4     SOCKETS_JOIN               {opts, rooms}
//	5     SOCKETS_LEAVE              {opts, rooms}
//	6     DISCONNECT_SOCKETS         {opts, close}
//	7     FETCH_SOCKETS              {opts, requestId}
//	8     FETCH_SOCKETS_RESPONSE     {requestId, sockets}
//	9     SERVER_SIDE_EMIT           {packet: [event, ...], requestId?}
//	10    SERVER_SIDE_EMIT_RESPONSE  {requestId, packet}
//	11    BROADCAST_CLIENT_COUNT     {requestId, clientCount}
//	12    BROADCAST_ACK              {requestId, packet}
//	1, 2, 13  heartbeats and ADAPTER_CLOSE (streams only; ignored here)
//
// Redis Streams (NewStreamsNode): the same ClusterAdapter messages as
// entries of one stream, StreamsOptions.StreamName ("socket.io"), added
// with XADD name MAXLEN ~ 10000 * uid <uid> nsp <nsp> type "<n>"
// [data <d>], where d is the message's data as JSON, or base64 of its
// msgpack when it holds binary (heartbeats and ADAPTER_CLOSE have none).
// Every node reads the whole stream with XREAD BLOCK (from its end at
// start, then after the last entry read, also after an outage) and answers
// requests in the stream too. Nodes are counted as upstream's
// ClusterAdapterWithHeartbeat: a node sends INITIAL_HEARTBEAT (1) when its
// adapter starts, and a HEARTBEAT (2) when it published nothing for 5s;
// others answer INITIAL_HEARTBEAT with a HEARTBEAT; ADAPTER_CLOSE (13) when
// it stops; the count is 1 + the nodes heard from in the last 10s
// (HeartbeatInterval, HeartbeatTimeout). With connection state recovery,
// the offset appended to a broadcast's arguments is its entry id; a
// session is kept as SET sio:session:<pid> <base64 msgpack {sid, pid,
// rooms, data}> PX <MaxDisconnectionDuration ms>, and restored on any node
// with GET and DEL in a MULTI, a check that the offset is still in the
// stream (XRANGE offset offset), then XRANGE from the next id: the
// BROADCAST entries of the namespace without requestId, not volatile (nor
// under volatile back-pressure),
// that the session's rooms received, each with its own id as offset.
//
// A handshake crosses nodes as the Node server's object: {headers (lower
// case, repeated values joined with ", "), time (Date#toString), address,
// xdomain, secure, issued (ms), url (empty from Go), query, auth}; socket
// data as JSON. An acknowledgement or server-side answer from another node
// is one value: the first argument, as upstream.
//
// # Differences with upstream
//
// Upstream subscribes without waiting for Redis, so what other nodes
// publish just after an adapter is made, or after a sharded node's socket
// joins a new room, may be lost; here the adapter and the join wait.
//
// A remote broadcast with acks gets an ack id from 2^45 up on the receiving
// Go node, since sio does not expose its counter. sio has no way yet for a
// server-side handler to answer, hence [Adapter.OnServerSideEmitWithAck].
// Connection state recovery stays per node with Pub/Sub, as upstream.
//
// Over Streams, a Go node queues its writes in order and retries each until
// Redis takes it (upstream drops a broadcast whose XADD fails, even for
// local clients); with recovery, its own broadcasts reach its clients once
// in the stream, so while Redis is down they wait (PublishQueue bounds the
// wait; past it they go to local clients only, without offset). A write
// that Redis took but whose reply was lost is added again: a client may
// then see a broadcast twice, never miss one. The first XREAD starts after
// the stream's last entry rather than at "$", which would skip entries
// added between two reads that time out. Missed packets carry their entry
// id as offset (upstream replays them without one).
package redisadapter
