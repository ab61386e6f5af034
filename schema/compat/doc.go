// Package compat compares a contract with an earlier version of itself
// and reports every change that breaks peers already deployed, the way
// buf breaking does for Protobuf, with what only siogen knows: the
// direction of every event and which side waits for which ack.
//
// Entry point: [Compare] takes the old and the new [schema.Set] and
// returns [Change] values, printed like schema diagnostics,
// "file:line:col: error[rule]: message", pointing into the new contract,
// or into the old one for something removed. The siogen command runs it as
// "siogen breaking -against OLD NEW..." (see cmd/siogen). The golden cases
// in testdata show one old/new pair per rule.
//
// # Directions and deploy orders
//
// Every value on the wire has a writer and a reader: an event's payload is
// written by the side that emits it (from:), its ack and ack errors by the
// other side, the CONNECT auth by the client. During a rollout, one side
// runs the new contract while the other still runs the old one, in one of
// two orders ([Order]):
//
//   - server first: the new server talks to old clients;
//   - client first: new clients talk to the old server.
//
// A change that narrows what a reader accepts (a new required field, a
// tighter constraint, a removed enum value) breaks old writers talking to
// new readers; a change that widens what a writer may send (a new enum
// value, a looser constraint, a new optional field for readers that reject
// unknown properties) breaks new writers talking to old readers. Which
// order that is follows from the writer: a narrowed client->server payload
// breaks server-first deploys, a narrowed server->client payload
// client-first ones. [Options.Orders] restricts the check to one order;
// both are checked by default. from: both events are checked in both
// directions.
//
// Objects are closed today: generated readers reject unknown properties,
// so adding even an optional field breaks old readers. Named types are
// compared through the places that use them, so a type's rename is not a
// change, and a change to a shared type is reported once, at the type,
// with the first place that carries it.
//
// # Rules
//
// Each [Change] has a [Rule]; errors unless marked as warnings:
//
//   - namespace-removed: A namespace is gone: old clients can no longer
//     connect to it (breaks server first).
//   - namespace-path-changed: A namespace moved to another path (the new
//     one has its Go name, or the same events): each side connects where
//     the other does not listen (breaks both orders).
//   - event-removed: An event is gone: old clients emit it to a server
//     without a handler, or wait for it in vain (server first); an old
//     server waiting for the ack of a removed server event gets none (client
//     first).
//   - event-renamed: An event was removed and one with the same direction
//     and payload added: a rename, which each side sees as an unknown event
//     (breaks both orders).
//   - from-changed: An event's from: changed: one side emits what the other
//     no longer handles (breaks both orders).
//   - payload-changed: An event gained or lost its payload, or switched
//     between payload and args (breaks both orders).
//   - args-changed: An args or ack_args tuple changed its length: tuples are
//     read with an exact length (breaks both orders).
//   - ack-added: An event is now acknowledged: a new emitter waits for an
//     ack an old receiver never sends.
//   - ack-removed: An event is no longer acknowledged: an old emitter waits
//     for an ack the new receiver never sends.
//   - ack-style-changed: An event's ack_style changed between envelope and
//     plain: the ack's shape on the wire changed (breaks both orders).
//   - error-added: An event declares a new error: its receiver may now
//     answer with a code old emitters reject, since the declared errors are
//     a closed set.
//   - error-removed: An event no longer declares an error: an old receiver
//     may still answer with it, and new emitters reject it.
//   - error-code-changed: A declared error kept its name but changed its
//     wire code (breaks both orders).
//   - auth-added: A namespace now requires a CONNECT auth payload with
//     required fields that old clients do not send (breaks server first).
//   - auth-removed: A namespace no longer takes auth: new clients send none
//     to an old server that requires it (breaks client first).
//   - type-changed: A value changed its type (string to object, list to map,
//     int64 to int32, …): readers of one version reject values of the other;
//     widening a number (int32 to int64 or number) or a string (an enum or
//     a timestamp to a string) breaks only old readers of new writers, and
//     the reverse only new readers of old writers.
//   - field-added-required: A required field was added: new readers reject
//     values from old writers, which lack it; old readers of closed objects
//     also reject it as unknown.
//   - field-added-optional: An optional field was added: old readers reject
//     it as an unknown property when the object does not tolerate unknown
//     properties.
//   - field-removed: A field was removed: old writers still send it and new
//     readers reject it as unknown, and when it was required old readers
//     miss it from new writers.
//   - field-now-required: An optional field became required: new readers
//     reject values from old writers that leave it out.
//   - field-now-optional: A required field became optional: new writers may
//     leave out a field old readers rely on.
//   - nullable-added: A field or argument became nullable: new writers may
//     send null to old readers that reject it.
//   - nullable-removed: A field or argument is no longer nullable: old
//     writers may still send null, which new readers reject.
//   - constraint-narrowed: A constraint got stricter (max_length down,
//     minimum up, a pattern or format added): new readers reject values old
//     writers may send.
//   - constraint-widened: A constraint got looser (max_length up, minimum
//     down, a pattern or format removed): new writers may send values old
//     readers reject.
//   - constraint-changed: A pattern or format was replaced by another: each
//     version may accept values the other rejects (breaks both orders).
//   - enum-value-added: An enum gained a value: new writers may send it to
//     old readers, whose enum is closed.
//   - enum-value-removed: An enum lost a value: old writers may still send
//     it, and new readers reject it.
//   - variant-added: A union gained a variant: new writers may send it to
//     old readers, which do not know its tag.
//   - variant-removed: A union lost a variant: old writers may still send
//     it, and new readers reject its tag.
//   - default-changed: A field's default changed: readers of each version
//     assume a different value for an absent field (a warning).
//   - limit-added: An event the client emits gained a limit (a rate,
//     max_payload or max_pending_acks, its own or its namespace's): the
//     new server may refuse events old clients send as they always did
//     (breaks server first).
//   - limit-narrowed: A limit on an event the client emits got stricter
//     (a lower rate or burst, max_payload or max_pending_acks): the new
//     server may refuse events old clients send as they always did (breaks
//     server first); a looser or removed limit is not reported.
//   - backpressure-weakened: A server event's back-pressure gives a slow
//     client less (queue to volatile or latest, latest to volatile, a
//     lower max): the new server may drop messages old clients rely on, or
//     disconnect them sooner (breaks server first); a stronger guarantee
//     is not reported.
//   - backpressure-key-changed: A latest back-pressure changed its key:
//     one version keeps apart messages the other replaces (breaks both
//     orders).
//   - deprecated: A namespace, event, type, field, enum value or error is
//     newly deprecated (a warning, never a failure).
//   - version-not-bumped: A contract with breaking changes keeps its
//     info.version major number (for 0.x versions, its minor number); a
//     breaking change needs a major bump.
//
// Limits and back-pressure are the server's policy, not the values'
// shapes, and only the new server applies them, so their changes break
// old clients talking to the new server. Loosening is not reported:
// clients do not pace themselves to a limit, so a new client meets an old
// server's limits only as old clients did; and a client written for a
// weaker back-pressure guarantee is not hurt by a stronger one.
// disconnect_after acts only on events already refused and is not
// compared.
//
// Additions of namespaces and events are not reported: a new client that
// uses them needs a new server, which is a feature's rollout, not a
// break.
package compat
