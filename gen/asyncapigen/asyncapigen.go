package asyncapigen

import (
	"fmt"
	"strings"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/gen/internal/example"
	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/gen/internal/ojson"
	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/schema"
)

// Version is the AsyncAPI version of the generated documents.
const Version = "3.0.0"

// Options configure [Generate]. The zero Options are valid.
type Options struct {
	// Host is the default of the server's host variable, "localhost:3000"
	// when empty. Readers substitute their own.
	Host string
}

// Generate returns one AsyncAPI document per schema file of set that
// declares namespaces, "P.asyncapi.json" for package P, sorted by path.
// set must have been loaded without error diagnostics.
func Generate(set *schema.Set, opts Options) ([]genfile.File, error) {
	docs := map[string]jsonschemagen.Document{}
	for _, d := range jsonschemagen.Documents(set, jsonschemagen.Options{}) {
		docs[d.Path] = d
	}
	var files []genfile.File
	for _, f := range set.Files {
		if len(f.Namespaces) == 0 {
			continue
		}
		doc, err := document(f, docs, opts)
		if err != nil {
			return nil, fmt.Errorf("failed to build the AsyncAPI document of %s: %w", f.Path, err)
		}
		b, err := ojson.Encode(doc)
		if err != nil {
			return nil, fmt.Errorf("failed to encode the AsyncAPI document of %s: %w", f.Path, err)
		}
		files = append(files, genfile.File{Path: f.Package + ".asyncapi.json", Content: b})
	}
	genfile.Sort(files)
	return files, nil
}

// document builds the AsyncAPI document of one file.
func document(f *schema.File, docs map[string]jsonschemagen.Document, opts Options) (*ojson.Object, error) {
	host := opts.Host
	if host == "" {
		host = "localhost:3000"
	}
	c := &components{docs: docs, schemas: ojson.New()}
	// The file's own types come first in components, in declaration order.
	for _, t := range f.Types {
		c.ref(jsonschemagen.TypePath(t))
	}
	title := f.Info.Title
	if title == "" {
		title = f.Package
	}
	version := f.Info.Version
	if version == "" {
		version = "0.0.0"
	}
	info := ojson.New().Set("title", title).Set("version", version)
	info.SetNonEmpty("description", f.Info.Description)

	doc := ojson.New().
		Set("x-generated", genfile.Marker). // first, where tools look for the marker
		Set("asyncapi", Version).
		Set("info", info).
		Set("defaultContentType", "application/json").
		Set("servers", ojson.New().Set("socketio", ojson.New().
			Set("host", "{host}").
			Set("pathname", "/socket.io/").
			Set("protocol", "socket.io").
			Set("protocolVersion", "5").
			Set("description", "A Socket.IO v5 server (Engine.IO v4: HTTP long-polling and WebSocket). "+
				"Each channel is a namespace; each message is an event, whose name is the message's name.").
			Set("variables", ojson.New().Set("host", ojson.New().
				Set("default", host).
				Set("description", "The server's host and port.")))))
	channels, operations := ojson.New(), ojson.New()
	for _, ns := range f.Namespaces {
		ch, ops := namespace(c, ns)
		channels.Set(ns.GoName, ch)
		for _, k := range ops.Keys() {
			v, _ := ops.Get(k)
			operations.Set(k, v)
		}
	}
	doc.Set("channels", channels).Set("operations", operations)
	doc.Set("components", ojson.New().Set("schemas", c.schemas))
	return doc, c.err
}

// describe joins a description and a deprecation note.
func describe(desc string, dep schema.Deprecation) string {
	if !dep.Deprecated {
		return desc
	}
	note := "**Deprecated.**"
	if dep.DeprecationNote != "" {
		note += " " + dep.DeprecationNote
	}
	if desc == "" {
		return note
	}
	return desc + "\n\n" + note
}

// namespace returns the channel of ns and its operations.
func namespace(c *components, ns *schema.Namespace) (*ojson.Object, *ojson.Object) {
	chRef := "#/channels/" + ns.GoName
	ch := ojson.New().Set("address", ns.Path).Set("title", "Namespace "+ns.Path)
	ch.SetNonEmpty("description", describe(ns.Description, ns.Deprecation))
	if l := limitsExt(ns.Limits, nil); l != nil {
		ch.Set("x-siogen-limits", l)
	}
	msgs, ops := ojson.New(), ojson.New()
	msgRef := func(k string) *ojson.Object { return ojson.New().Set("$ref", chRef+"/messages/"+k) }

	if ns.Auth != nil {
		m := ojson.New().Set("name", "CONNECT").Set("title", "CONNECT auth of "+ns.Path).
			Set("summary", "The auth payload of the Socket.IO CONNECT packet.").
			Set("description", describe(ns.Auth.Decl().Description, ns.Auth.Decl().Deprecation)+
				"\n\nThe client sends it in the CONNECT packet (`io(url, { auth })`); the server validates it and answers "+
				"CONNECT, or CONNECT_ERROR whose `data` is an error object with code `invalid_argument` and the violations as `details`.").
			Set("payload", c.ref(jsonschemagen.AuthPath(ns))).
			Set("examples", []any{ojson.New().Set("name", "auth").Set("payload", example.Of(ns.Auth, "auth"))})
		msgs.Set("CONNECT", m)
		ops.Set(ns.GoName+".connect", ojson.New().
			Set("action", "receive").
			Set("channel", ojson.New().Set("$ref", chRef)).
			Set("title", "Connect to "+ns.Path).
			Set("summary", "A client connects to the namespace with its auth payload.").
			Set("messages", []any{msgRef("CONNECT")}))
	}
	for _, ev := range ns.Events {
		m := ojson.New().Set("name", ev.Name).Set("title", ev.Name)
		m.SetNonEmpty("summary", firstSentence(ev.Description))
		m.SetNonEmpty("description", describe(ev.Description, ev.Deprecation))
		if p := jsonschemagen.PayloadPath(ev); p != "" {
			m.Set("payload", c.ref(p))
			if ev.Args != nil {
				m.Set("x-siogen-args", argNames(ev.Args))
			}
			m.Set("examples", []any{ojson.New().Set("name", "example").Set("payload", example.Payload(ev))})
		}
		if ev.Deprecated {
			m.Set("deprecated", true)
		}
		msgs.Set(ev.GoName, m)

		var reply *ojson.Object
		if ev.Acked {
			am := ackMessage(c, ev)
			msgs.Set(ev.GoName+"Ack", am)
			reply = ojson.New().
				Set("channel", ojson.New().Set("$ref", chRef)).
				Set("messages", []any{msgRef(ev.GoName + "Ack")})
		}
		op := func(action, verb string) *ojson.Object {
			o := ojson.New().Set("action", action).Set("channel", ojson.New().Set("$ref", chRef)).
				Set("title", verb+" "+ev.Name)
			o.SetNonEmpty("summary", firstSentence(ev.Description))
			o.SetNonEmpty("description", describe(ev.Description, ev.Deprecation))
			o.Set("messages", []any{msgRef(ev.GoName)})
			if reply != nil {
				o.Set("reply", reply)
			}
			if ev.Deprecated {
				o.Set("x-deprecated", true)
			}
			if l := limitsExt(ev.Limits, ev); action == "receive" && l != nil {
				o.Set("x-siogen-limits", l)
			}
			if bp := ev.Backpressure; action == "send" && bp != nil {
				o.Set("x-siogen-backpressure", backpressureExt(bp))
			}
			return o
		}
		base := ns.GoName + "." + ev.GoName
		switch ev.From {
		case schema.FromClient:
			ops.Set(base, op("receive", "Receive"))
		case schema.FromServer:
			ops.Set(base, op("send", "Send"))
		case schema.FromBoth:
			ops.Set(base+".receive", op("receive", "Receive"))
			ops.Set(base+".send", op("send", "Send"))
		}
	}
	ch.Set("messages", msgs)
	return ch, ops
}

// ackMessage returns the reply message of an acknowledged event, with the
// declared errors listed in its description and shown in its examples.
func ackMessage(c *components, ev *schema.Event) *ojson.Object {
	m := ojson.New().Set("name", ev.Name+" ack").Set("title", "Ack of "+ev.Name)
	var b strings.Builder
	if ev.AckStyle == schema.AckPlain {
		b.WriteString("The receiver's acknowledgement, in the plain style: the raw ack arguments, and nothing else " +
			"(an invalid payload or a failed handler gets no answer).")
	} else {
		b.WriteString("The receiver's acknowledgement, an envelope: `{\"ok\":true,\"data\":…}` on success, " +
			"`{\"ok\":false,\"error\":{\"code\",\"name\",\"message\",\"details\"}}` on failure.")
		if len(ev.Errors) > 0 {
			b.WriteString("\n\nDeclared errors:\n")
			for _, r := range ev.Errors {
				e := r.Target
				if e == nil {
					continue
				}
				fmt.Fprintf(&b, "\n- `%s` (code `%s`)", e.Name, e.Code)
				if e.Description != "" {
					b.WriteString(": " + e.Description)
				}
				if e.Deprecated {
					b.WriteString(" **Deprecated.**")
				}
			}
		}
		b.WriteString("\n\nThe runtime may also answer `invalid_argument` (a payload that breaks the contract), `internal` or `timeout`.")
		if edgedoc.Answered(ev) {
			b.WriteString(" Over its limits (" + strings.Join(edgedoc.Terms(ev.Limits), "; ") + ") the event is refused before it is decoded with `resource_exhausted`, " +
				"without a name, whose details are `{\"limit\": \"rate\"|\"payload\"|\"pending_acks\", \"max\": n, \"retry_after_ms\": n}` (`retry_after_ms` for a rate).")
		}
	}
	m.Set("description", b.String())
	if p := jsonschemagen.AckPath(ev); p != "" {
		m.Set("payload", c.ref(p))
	}
	examples := []any{}
	if ack := example.Ack(ev); ack != nil {
		examples = append(examples, ojson.New().Set("name", "ok").Set("payload", ack))
	}
	if ev.AckStyle == schema.AckEnvelope {
		for _, r := range ev.Errors {
			if r.Target != nil {
				examples = append(examples, ojson.New().Set("name", r.Target.Name).Set("payload", example.Error(r.Target)))
			}
		}
	}
	if ex := exhaustedExample(ev); ex != nil {
		examples = append(examples, ojson.New().Set("name", "resource_exhausted").Set("payload", ex))
	}
	if len(examples) > 0 && jsonschemagen.AckPath(ev) != "" {
		m.Set("examples", examples)
	}
	if errs := errorList(ev); len(errs) > 0 {
		m.Set("x-siogen-errors", errs)
	}
	return m
}

// errorList lists the declared errors of an event for tools.
func errorList(ev *schema.Event) []any {
	var out []any
	for _, r := range ev.Errors {
		e := r.Target
		if e == nil {
			continue
		}
		o := ojson.New().Set("name", e.Name).Set("code", e.Code)
		o.SetNonEmpty("description", e.Description)
		if e.Deprecated {
			o.Set("deprecated", true)
		}
		out = append(out, o)
	}
	return out
}

func argNames(args []*schema.Field) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Name
	}
	return out
}

// firstSentence returns text up to its first ". ", or all of it.
func firstSentence(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.Index(text, ". "); i >= 0 {
		return text[:i+1]
	}
	return text
}

// limitsExt is the x-siogen-limits extension of a namespace's default
// limits (ev nil) or of the limits of an event a client sends: the values
// of the contract, the rate also in events per second, and for an event
// what a refused one gets ("resource_exhausted" or "drop"). Nil when there
// are none.
func limitsExt(l *schema.Limits, ev *schema.Event) *ojson.Object {
	if l == nil {
		return nil
	}
	o := ojson.New()
	if l.Rate != nil && l.Rate.Count > 0 && l.Rate.Per > 0 {
		o.Set("rate", edgedoc.Rate(l.Rate)).Set("rate_per_second", l.Rate.PerSecond())
		if l.Burst > 0 {
			o.Set("burst", l.Burst)
		}
	}
	if l.MaxPayload > 0 {
		o.Set("max_payload", l.MaxPayload)
	}
	if l.MaxPendingAcks > 0 {
		o.Set("max_pending_acks", l.MaxPendingAcks)
	}
	if ev == nil && l.DisconnectAfter != nil && l.DisconnectAfter.Count > 0 {
		o.Set("disconnect_after", edgedoc.Rate(l.DisconnectAfter))
	}
	if o.Len() == 0 {
		return nil
	}
	if ev != nil {
		refused := "drop"
		if edgedoc.Answered(ev) {
			refused = "resource_exhausted"
		}
		o.Set("refused_with", refused)
	}
	return o
}

// backpressureExt is the x-siogen-backpressure extension of a server
// event: {"mode": "volatile"|"latest"|"queue", "key": "entity_id", "max": n}.
func backpressureExt(bp *schema.Backpressure) *ojson.Object {
	o := ojson.New().Set("mode", bp.Mode.String())
	if bp.Mode == schema.BackpressureLatest {
		o.Set("key", edgedoc.Key(bp))
	}
	if bp.Max > 0 {
		o.Set("max", bp.Max)
	}
	return o.Set("description", edgedoc.Mode(bp))
}

// exhaustedExample is the envelope of a resource_exhausted refusal of ev
// by the first of its limits, nil when it gets none.
func exhaustedExample(ev *schema.Event) *ojson.Object {
	if !edgedoc.Answered(ev) {
		return nil
	}
	l := ev.Limits
	details, kind := ojson.New(), "pending_acks"
	switch {
	case l.Rate != nil && l.Rate.Count > 0:
		burst := l.Burst
		if burst <= 0 {
			burst = l.Rate.Count
		}
		retry := max(int64(l.Rate.Per.Milliseconds())/int64(l.Rate.Count), 1)
		kind = "rate"
		details.Set("limit", kind).Set("max", burst).Set("retry_after_ms", retry)
	case l.MaxPayload > 0:
		kind = "payload"
		details.Set("limit", kind).Set("max", l.MaxPayload)
	default:
		details.Set("limit", kind).Set("max", l.MaxPendingAcks)
	}
	e := ojson.New().Set("code", jsonschemagen.CodeResourceExhausted).
		Set("message", ev.Name+" refused by its "+kind+" limit").Set("details", details)
	return ojson.New().Set("ok", false).Set("error", e)
}
