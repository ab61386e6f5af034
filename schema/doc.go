// Package schema is siogen's schema language: it loads *.siogen.yaml
// contracts into a typed, resolved IR, checks them, and reports every
// problem at once as "file:line:col: error[code]: message".
//
// It is the only package that imports yaml.v3. Generators (gen/...) read
// the IR and never see YAML.
//
// Entry points:
//
//   - [Load] (or [Loader.Load] with limits) reads schema files from an
//     fs.FS, follows their imports, resolves references and runs [Check].
//     It returns a [*Set] and sorted [Diagnostics].
//   - [LoadConfig] reads a generator config (siogen.yaml) into a [*Config].
//   - [DirFS] is the file system to load from disk with: unlike os.DirFS,
//     paths, config inputs and imports may leave its directory.
//   - [LanguageSchema] returns the JSON Schema of the language for editors
//     (also in this folder as siogen.schema.json).
//
// Package schema/compat compares two versions of a contract and reports
// the changes that break deployed peers (siogen breaking).
//
// The examples are in examples/schemas/ at the repository root:
// chat.siogen.yaml uses every feature; testdata/diag/ holds one small bad
// schema per diagnostic code with its expected output.
//
// # Files
//
// A schema file is one YAML document, a mapping with these keys (unknown
// keys anywhere are errors; key order is free, declaration order inside
// types, fields, enums, variants, errors, namespaces and events is kept):
//
//	siogen: 1                  # required: format version
//	package: chat              # required: [a-z][a-z0-9]*; Go package / TS module / default import alias
//	info:                      # optional, descriptive
//	  title: Chat API
//	  version: 1.2.0
//	  description: …
//	imports:                   # optional: other schema files, a DAG
//	  - { path: ./common.siogen.yaml, as: common }
//	  - ./other.siogen.yaml    # shorthand; alias = the imported file's package
//	types:  { Name: TypeDef, … }
//	errors: { Name: ErrorDef, … }
//	namespaces: { /path: Namespace, … }
//
// YAML anchors, aliases and merge keys (&a, *a, <<) are rejected, so a
// file's size bounds the size of its tree. Free text (description, info)
// accepts any scalar; names, types and enum values must be YAML strings
// (quote "true", "1" or "null" to use them as strings).
//
// # Imports
//
// An import path is relative to the importing file and uses "/". It must
// stay inside the file system given to [Load], unless that is a [DirFS],
// which reads files anywhere on disk ("../shared/common.siogen.yaml" from
// a contract kept beside a Go module). Types and errors of an imported
// file are referenced as alias.Name. Imports must form a DAG: a cycle is
// reported with its full path (a.siogen.yaml → b.siogen.yaml →
// a.siogen.yaml). An import no reference uses is a warning.
//
// # Types
//
// A TypeDef is either a type expression or a mapping with exactly one
// shape key — type, enum, fields or union — plus description, deprecated,
// go_name, ts_name and, for the type shape, constraints:
//
//	TypeExpr := Name | "list" "<" TypeExpr ">" | "map" "<" "string" "," TypeExpr ">"
//	Name     := builtin | Ident | alias "." Ident
//	builtin  := string | int32 | int64 | number | boolean | timestamp | bytes
//
// The built-in types and their wire form:
//
//	string     JSON string (UTF-8)
//	int32      JSON integer in the int32 range
//	int64      JSON integer; TypeScript reads it as number (see int64-precision)
//	number     JSON number (float64)
//	boolean    JSON true/false
//	timestamp  RFC 3339 string, e.g. 2024-05-01T12:00:00Z
//	bytes      binary attachment (Socket.IO placeholder), Buffer/Uint8Array in JS
//	list<T>    JSON array
//	map<string, T>  JSON object with string keys
//
// Shapes:
//
//	UserID:   { type: string, format: uuid }          # named scalar with constraints
//	Tags:     list<string>                             # expression shorthand
//	Alias:    common.User                              # an alias of another named type
//	Presence: { enum: [online, away, offline] }        # string enum
//	Level:
//	  enum:
//	    - low
//	    - { value: very-high, go_name: LevelMax, ts_name: Max, description: …, deprecated: true }
//	Message:
//	  fields:                                          # object, fields in order
//	    id: string                                     # shorthand for { type: string }
//	    text: { type: string, min_length: 1, max_length: 4000 }
//	Attachment:
//	  union:                                           # discriminated union of objects
//	    discriminator: kind
//	    variants: { image: ImageRef, file: FileRef }
//
// An object type refuses members it does not declare. "unknown: ignore"
// next to its fields makes receivers ignore them instead, so that a newer
// peer may add optional fields during a rolling deploy; "unknown: reject"
// is the default:
//
//	Settings:
//	  unknown: ignore
//	  fields: { theme: { type: string, optional: true } }
//
// The generated JSON Schema leaves such an object open
// (no "additionalProperties": false), and the generated decoders skip the
// members it does not declare.
//
// Enum values are strings of 1 to 256 characters. Each becomes a Go
// constant named after the type ("Presence" + "away" = PresenceAway) and a
// TypeScript member (Away); go_name overrides the whole constant name,
// ts_name the member name.
//
// A union's variants map each tag (the discriminator's value on the wire)
// to an object type. The variant objects must not declare the
// discriminator field: generated code adds it from the tag. A union
// without discriminator, with a non-object variant, or with no variant is
// an error.
//
// Wherever a type is used — a field, an argument, a payload, an ack, an
// auth, error details, a union variant — an enum, fields or union may be
// written inline. siogen declares it under a synthesized name: the owner
// followed by the place, in PascalCase. Field status of Message becomes
// MessageStatus, variant link of Attachment becomes AttachmentLink, the
// payload of event message:send in namespace /chat becomes
// ChatMessageSendPayload, its ack ChatMessageSendAck, the auth of /chat
// ChatAuth ("Main" stands for the namespace "/"), the details of error
// RoomNotFound RoomNotFoundDetails, and argument room of /dashboard's
// subscribe DashboardSubscribeRoom. In payload, ack, auth, details and
// variant positions go_name, ts_name, description and deprecated given
// next to an inline shape apply to the synthesized type. Synthesized
// types appear in [File.Types] with Inline set; a clash with a declared
// name is a duplicate-name error.
//
// # Fields
//
// A field is a type expression or a mapping with a shape key, constraints
// and these options:
//
//	optional: true      # may be absent (default false)
//	nullable: true      # may be null (default false); independent of optional
//	default: <scalar>   # the value a receiver assumes when the field is absent
//	description, deprecated, go_name
//
// Field names are wire (JSON) names: [A-Za-z_][A-Za-z0-9_-]*. Their Go
// name applies the Go initialisms (user_id → UserID); TypeScript uses the
// wire name. Two fields whose Go names collide are an error.
//
// Defaults are allowed for string, int32, int64, number, boolean,
// timestamp (an RFC 3339 string) and enum fields (and aliases of them);
// they must satisfy the type's constraints and be one of the enum's
// values; null needs nullable: true.
//
// # Constraints
//
//	min_length, max_length  string (code points), bytes (bytes): integers ≥ 0
//	pattern                 string: a regular expression, unanchored, in the
//	                        common subset of RE2 and ECMAScript: flags ((?i)),
//	                        (?P<name>…), \A, \z and \Q are rejected; (?:…)
//	                        and named groups (?<name>…) are fine; at most
//	                        1024 bytes
//	format                  string: uuid, email, uri, hostname, ipv4, ipv6, date
//	minimum, maximum        int32, int64 (integers; int32 range for int32), number
//	min_items, max_items    list (items), map (entries): integers ≥ 0
//
// Bounds are inclusive; min must not exceed max. Constraints apply to a
// type: shape only, on a built-in type; a reference cannot carry
// constraints (declare a named type with them), and a list's elements take
// theirs from a named element type.
//
// # Errors
//
//	errors:
//	  RoomNotFound:
//	    code: not_found        # wire code, snake_case; default: the name in snake_case
//	    description: …
//	    details: { fields: { room: string } }   # an object type, optional
//	    go_name, ts_name, deprecated
//	  Unauthenticated:          # an empty body is allowed
//
// An envelope ack error carries {"code","name","message","details"}:
// the ack is {"ok":false,"error":{"code":"not_found","name":"RoomNotFound",
// "message":"…","details":{…}}}, a success {"ok":true,"data":…}. A
// middleware refusing a connection with a declared error sends the same
// error object as the CONNECT_ERROR's data. Go gets IsX(err) for each
// error and, for one with details, AsX(err) returning them typed. Error
// names share the Go and TypeScript scope of the file's types.
//
// # Namespaces and events
//
//	namespaces:
//	  /chat:                     # "/" or /segment(/segment)*, segments [A-Za-z0-9_-]+
//	    description, deprecated, go_name, ts_name   # names default to the path: Chat ("/" → Main)
//	    auth: TypeDef            # the CONNECT auth payload; an object type, validated on connect
//	    ack_style: envelope      # default for the events below: envelope | plain
//	    limits: Limits           # defaults for the events the client emits (see Edge policies)
//	    events:
//	      message:send:          # wire name: [A-Za-z][A-Za-z0-9_:./-]*
//	        from: client         # required: client | server | both (who emits)
//	        payload: TypeDef     # one payload argument, or
//	        args: [Arg, …]       # a tuple, for existing JS APIs (not both)
//	        ack: TypeDef | true  # the receiver acknowledges; true = ack without data
//	        ack_args: [Arg, …]   # a raw ack tuple, only with ack_style: plain
//	        ack_style: envelope | plain
//	        errors: [RoomNotFound, common.RateLimited]   # declared errors, envelope acks only
//	        timeout: 10s         # Go duration, > 0 and ≤ 24h; how long the emitter waits
//	        limits: Limits       # what the server accepts from a client (client or both)
//	        backpressure: Mode   # what a backed-up socket gets (server or both)
//	        description, deprecated, go_name, ts_name
//
// An Arg is a type expression (named argN by position) or a mapping with
// name, a shape key, constraints, nullable, description, deprecated and
// go_name.
//
// Event names must not be Socket.IO's own: connect, connect_error,
// disconnect, disconnecting, newListener, removeListener. An acknowledged
// event has one direction: an ack on from: both is an error (declare one
// event per direction). errors, timeout and ack_style need an ack. The
// plain style has no typed errors: its ack carries only the declared ack
// or ack_args, so an invalid payload or a failed handler gets no answer
// (the runtime logs it, or reports it to a hook) and the emitter's wait
// ends with its timeout. An envelope-style event gets invalid_argument or
// the handler's error instead, and an event the contract does not declare,
// sent with an ack, gets "unimplemented". Server→client acks (from: server
// with an ack) are supported; give them a timeout.
//
// # Edge policies
//
// A contract says how much a client may send and what a slow client gets,
// so that both ends know: the server enforces it, the generated clients
// know the error they may receive, and the generated docs show it.
//
//	namespaces:
//	  /chat:
//	    limits:                  # defaults every event the client emits inherits, key by key
//	      rate: 20/s             # token bucket: COUNT/PERIOD refill
//	      burst: 40              # bucket size; default: the rate's COUNT
//	      max_payload: 64KiB     # largest encoded payload, in bytes
//	      max_pending_acks: 8    # unanswered acks per socket (acked events only)
//	      disconnect_after: 20/1m   # namespace only: refused more than 20 times in 1m → disconnected
//	    events:
//	      message:send:
//	        from: client
//	        ack: SendAck
//	        limits: { rate: 5/2s, max_payload: 8KiB, max_pending_acks: 2 }
//	      heartbeat:
//	        from: client
//	        limits: { rate: none }    # turns off the inherited rate (and burst)
//	      position:
//	        from: server
//	        payload: Position
//	        backpressure: { mode: latest, key: entity_id }
//	      ticker:
//	        from: server
//	        backpressure: volatile    # short for { mode: volatile }
//	      log:line:
//	        from: server
//	        backpressure: { mode: queue, max: 1000 }
//
// Limits are on what the server receives: "limits" on an event only the
// server emits is an error; from: both takes them. The keys:
//
//   - rate: COUNT/PERIOD, a token bucket per socket and event that refills
//     COUNT tokens every PERIOD; each event takes one. COUNT is an integer
//     from 1 to 10^9; PERIOD is s, m or h (one of them) or a Go duration
//     ("2s", "1m", "500ms") from 1ms to 24h: "20/s", "5/2s", "100/1m".
//   - burst: the bucket's size, how many events may come at once after a
//     quiet spell; an integer from 1 to 10^9, by default the rate's COUNT.
//     A burst needs a rate: written beside it, or on an event, inherited.
//   - max_payload: the largest encoded payload in bytes (the packet's JSON
//     arguments after the event name, plus its binary attachments),
//     checked before the payload is decoded: an integer or an integer with
//     a unit, B, KB (1000), KiB (1024), MB, MiB, GB or GiB ("64KiB",
//     "1MB"), from 1 byte to 1GiB.
//   - max_pending_acks: how many of the event's acknowledgements one socket
//     may have outstanding (handlers not yet answered); an integer from 1
//     to 10^6. On an event without an ack it is an error; inherited from
//     the namespace it applies to the acknowledged events only.
//   - disconnect_after: on a namespace only, COUNT/PERIOD: a socket whose
//     events are refused by limits more than COUNT times within PERIOD is
//     disconnected (reason "too many refused events").
//
// An event inherits each key its own limits do not write; "none" (for
// rate, max_payload and max_pending_acks) removes an inherited key, and
// removing the rate removes the inherited burst with it. A burst belongs
// to its rate: an event that writes its own rate gets that rate's burst
// (its own burst, else the rate's COUNT), never the namespace's. [Event.Limits] holds the result, nil when no limit
// applies (a disconnect_after alone limits nothing).
//
// The server checks the limits per socket before it decodes a payload.
// An event over a limit is refused: for an envelope-style ack with the
// runtime error resource_exhausted, which the generated error unions of
// events with limits include,
//
//	{"ok":false,"error":{"code":"resource_exhausted","message":"…",
//	 "details":{"limit":"rate","max":20,"retry_after_ms":350}}}
//
// where limit is rate, payload or pending_acks, max the limit's value
// (the burst for a rate) and retry_after_ms, for a rate only, when the
// next token is due. An event without an ack, or with a plain-style ack,
// is dropped and counted (the Observer, siootel and the default logging
// see it). Rates of handshakes per IP are server options, not contract.
//
// Back-pressure is on what the server sends: "backpressure" on an event
// only the client emits is an error, and so is one on an event with an
// ack (a call: its caller waits for the answer, and its timeout bounds
// the wait). It says what the server does with
// the event for a socket whose send queue is backed up; the generated
// emit and broadcast methods apply it without the caller repeating it.
// Every mode bounds the memory a slow socket holds:
//
//   - queue (the default, without backpressure): the message waits in the
//     socket's queue; more than max waiting messages (0, the default: the
//     server's send-queue bound, 4096 unless configured) disconnect the
//     slow socket (reason "send queue full").
//   - volatile: the message is dropped (and counted) when more than max
//     messages wait; max 0, the default, drops it whenever any waits.
//   - latest: only the newest waiting message per key is kept: a new one
//     replaces a waiting one of the same event and key, so a slow client
//     gets the latest position of each entity. key is a dotted path of
//     wire names into the payload object (entity_id, or entity.id into a
//     nested object); each segment names a required, non-nullable field,
//     the ones before the last of object type, the last a string, an
//     integer or an enum. latest needs a payload of object type (not args)
//     and takes no max.
//
// max is an integer from 0 to 10^6, for queue and volatile only.
//
// # Names
//
// Go and TypeScript names come from package internal/naming:
// message:send → MessageSend, user_id → UserID in Go and UserId in
// TypeScript type names. Overrides: go_name must be an exported ASCII Go
// identifier, ts_name a TypeScript identifier that is not reserved. Names
// that collide after conversion are errors that name both places: types,
// errors and enum constants of a file; fields of an object; values of an
// enum; variants of a union; events of a namespace; namespaces of a set.
// Types named like a TypeScript global (Date, Record, Promise, …) are
// rejected unless ts_name renames them. Two files of a set must not share
// a package name.
//
// # Limits
//
// [Loader] bounds every input: 4 MiB per file, 200,000 YAML nodes, 64
// levels of nesting, 256 files per set, type expressions 32 levels deep.
// Inputs beyond a limit get a limit diagnostic; no input makes the loader
// panic or hang (FuzzLoad checks this).
//
// # Config
//
// The generator config (siogen.yaml, read by [LoadConfig]); paths are
// relative to the config file, and inputs may leave its directory only
// when it is read through a [DirFS] (as siogen does):
//
//	version: 1
//	inputs: [chat.siogen.yaml, "*.siogen.yaml"]   # files or fs.Glob patterns; imports follow
//	outputs:
//	  go: { dir: ../generated/go, import_path: github.com/acme/app/generated/go }
//	  # go may add redis_emitter: true, a typed emitter per namespace over
//	  # runtime/redisadapter (a file of its own; default false)
//	  ts: { dir: ../generated/ts }
//	  jsonschema: { dir: ../generated/jsonschema, base_id: https://acme.dev/schemas/ }
//	  asyncapi: { dir: ../generated/asyncapi, host: api.acme.dev }   # AsyncAPI 3.0, P.asyncapi.json
//	  docs: { dir: ../generated/docs }   # reference pages: P.html (self-contained) and P.md
//	options:
//	  validate: true            # generated code checks what it receives and sends (default true)
//	  testkit: true             # typed fakes, contract tests, a TS mock (default false)
//
// # Diagnostic codes
//
// Every [Diagnostic] has one of these codes ([Codes] lists them); errors
// unless marked as warnings:
//
//   - io: a file named to [Load] or [LoadConfig] cannot be read.
//   - syntax: YAML syntax error, or more than one YAML document in a file.
//   - limit: a file exceeds a size, node, depth or file-count limit.
//   - yaml-alias: a YAML anchor, alias or merge key.
//   - unknown-key: a key the grammar does not define (with a suggestion).
//   - duplicate-key: the same key twice in one mapping.
//   - wrong-kind: a mapping, list or scalar where another is expected, a
//     scalar of the wrong YAML type, or an unknown from value.
//   - missing-key: a required key is absent (siogen, package, from, a
//     shape key, an enum value's value, a config's inputs or outputs).
//   - conflicting-keys: keys that exclude each other (two shape keys,
//     payload and args, ack and ack_args, go_name on a type: use).
//   - bad-version: siogen (or the config's version) is not 1.
//   - invalid-name: a package, type, field, event, error code or import
//     alias that breaks its naming rule, or a Go/TS name (converted or
//     given) that cannot be emitted.
//   - reserved-name: a Socket.IO event name, a built-in type name used as
//     a type name, a reserved word as package, or a TypeScript global.
//   - duplicate-name: a name declared twice (an inline type and a declared
//     one, a namespace path, a package, an import path or alias, an error
//     listed twice, an argument name).
//   - name-collision: two different names that become the same Go or
//     TypeScript name; the message names both places.
//   - bad-import: an import that cannot be read or leaves the file system.
//   - import-cycle: imports that form a cycle; the message shows it.
//   - unused-import: (warning) an import no reference uses.
//   - unresolved: a type reference that names no type, or an unknown alias.
//   - undeclared-error: an event lists an error that is not declared.
//   - type-cycle: a type alias of itself (A: B, B: A), or an object that
//     contains itself through fields that are neither optional nor
//     nullable, so no finite value exists.
//   - bad-type: a malformed type expression (list<, map<int32, T>, a.b.C).
//   - bad-enum: an enum without values, or an empty or over-long value.
//   - enum-collision: an enum value given twice, or two values that become
//     the same Go constant or TypeScript member.
//   - union-discriminator: a union without discriminator.
//   - union-variant: a union without variants, or a variant that is not an
//     object type.
//   - union-clash: a variant object declares the discriminator field.
//   - bad-constraint: a negative length or count, min above max, a
//     fractional or out-of-range integer bound, a non-finite number.
//   - constraint-type: a constraint on a type it does not apply to, or on
//     a reference.
//   - bad-pattern: a pattern that does not compile or uses RE2-only syntax.
//   - bad-format: an unknown string format.
//   - bad-default: a default of the wrong type, outside the constraints,
//     not an enum value, null on a non-nullable field, or on a type that
//     takes no default.
//   - int64-precision: (warning) an int64 without bounds within ±(2^53-1),
//     which TypeScript numbers cannot hold exactly.
//   - bad-path: a namespace path that breaks its rule, or a config path
//     that is absolute, leaves the tree, matches nothing, or an import_path
//     or base_id that is malformed.
//   - not-object: an auth or error details type that is not an object.
//   - bad-duration: a timeout that is not a positive Go duration of at
//     most 24h ("10s", "1m30s").
//   - ack-direction: an acknowledged event with from: both.
//   - needs-ack: errors, timeout or ack_style on an event without ack.
//   - ack-style: an unknown ack_style, or ack_args without ack_style: plain.
//   - plain-errors: declared errors on a plain-style ack.
//   - bad-limit: a limit value that is malformed or out of range: a rate
//     or disconnect_after not COUNT/PERIOD with COUNT 1 to 10^9 and PERIOD
//     1ms to 24h, a burst or max_pending_acks not a positive integer (at
//     most 10^9 and 10^6), a max_payload not a byte count from 1 to 1GiB,
//     none where nothing is inherited.
//   - limit-scope: a limit where it cannot apply: limits on an event only
//     the server emits, max_pending_acks on an event without ack,
//     disconnect_after on an event, a burst without a rate.
//   - bad-backpressure: an unknown back-pressure mode, latest without key,
//     key on queue or volatile, max on latest, max outside 0 to 10^6.
//   - backpressure-scope: backpressure on an event only the client emits
//     or on an event with an ack, or latest on an event with args or
//     without an object payload.
//   - backpressure-key: a latest key that is not a dotted path of
//     required, non-nullable fields through objects to a string, integer
//     or enum.
//
// Diagnostics are sorted by file, line, column, then code; the same
// problem is reported once.
package schema
