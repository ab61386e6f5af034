package tsgen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/internal/naming"
	"github.com/siogen/siogen/schema"
)

// ClientModule is the file name of the shared engine of the typed
// clients.
const ClientModule = "siogen.client.ts"

// clientRuntimeModule returns siogen.client.ts.
func clientRuntimeModule() []byte { return []byte(genfile.Header + clientRuntime) }

// clientModule returns P.client.ts: per namespace the typed socket
// (XClientSocket) and the typed client over it (createXClient).
func clientModule(f *schema.File, opts Options) []byte {
	g := &fileGen{file: f, w: &writer{}, imports: map[string]string{}, locals: map[string]bool{}}
	v := &valGen{file: f, w: &writer{}, imports: map[string]string{}, local: "$v."}
	for _, ns := range f.Namespaces {
		g.typedClient(ns, v, opts)
	}

	w := &writer{}
	header(w, f)
	w.line(`import type { Socket } from "socket.io-client";`)
	w.line(`import * as $c from "./%s";`, moduleRef(ClientModule))
	w.line(`import * as $ from "./%s";`, moduleRef(ValidateModule))
	if g.usesRuntime {
		w.line(`import type * as $siogen from "./%s";`, moduleRef(RuntimeModule))
	}
	locals := append(mapNames(f), mapKeys(g.locals)...)
	slices.Sort(locals)
	w.line(`import type { %s } from "./%s.js";`, strings.Join(slices.Compact(locals), ", "), f.Package)
	w.line(`import * as $v from "./%s.validate.js";`, f.Package)
	for _, a := range mapKeys(g.imports) {
		w.line(`import type * as %s from "./%s.js";`, a, g.imports[a])
	}
	for _, a := range mapKeys(v.imports) {
		w.line(`import * as $v_%s from "./%s.validate.js";`, a, v.imports[a])
	}
	w.blank()
	return []byte(strings.TrimRight(w.String()+g.w.String(), "\n") + "\n")
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typedClient writes the socket type, the event specs, the client
// interface and createXClient of one namespace.
func (g *fileGen) typedClient(ns *schema.Namespace, v *valGen, opts Options) {
	w, n := g.w, ns.TSName
	w.doc("", fmt.Sprintf("A socket.io-client socket connected to %s, typed by the contract:", ns.Path),
		fmt.Sprintf("`const socket: %sClientSocket = io(url + %sNamespace, { auth })`.", n, n))
	w.line("export type %sClientSocket = Socket<%sServerToClientEvents, %sClientToServerEvents>;", n, n, n)
	w.blank()

	specs := "$" + naming.TSProperty(n) + "Specs"
	w.line("const %s: Record<string, $c.EventSpec> = {", specs)
	for _, ev := range ns.Events {
		w.line("  %s: %s,", propName(ev.Name), v.spec(ev))
	}
	w.line("};")
	w.blank()

	var sigs, impls []string
	add := func(doc []string, sig, impl string) {
		sigs = append(sigs, "")
		d := &writer{}
		d.doc("  ", doc...)
		sigs[len(sigs)-1] = d.String() + "  " + sig + ";"
		impls = append(impls, "    "+impl+",")
	}
	authType, authCheck := "", "null"
	if ns.Auth != nil {
		authType = "auth: " + g.typeExpr(ns.Auth)
		authCheck = v.check(ns.Auth)
	}
	connectParam, connectArg := "", "undefined"
	if authType != "" {
		connectParam, connectArg = "auth", "auth"
	}
	add([]string{"Connects with auth, checked against the contract first; resolves when the server accepts or refuses the namespace (create the socket with autoConnect: false)."},
		"connect("+authType+"): Promise<{ ok: true } | { ok: false; error: $c.ConnectError }>",
		"connect: ("+connectParam+") => c.connect("+connectArg+", "+authCheck+")")
	add([]string{"Calls handler with every refusal of the namespace, typed. Returns a function that stops it."},
		"onConnectError(handler: (error: $c.ConnectError) => void): () => void",
		"onConnectError: (handler) => c.onConnectError(handler)")
	for _, ev := range ns.Events {
		method := naming.TSProperty(ev.TSName)
		spec := specs + "[" + str(ev.Name) + "]"
		doc := g.eventDoc(ev)
		if ev.From.ClientEmits() {
			params, names := g.clientParams(ev)
			call := "[" + strings.Join(names, ", ") + "]"
			if ev.Acked {
				add(doc, method+"("+strings.Join(append(params, "options?: $c.CallOptions"), ", ")+"): Promise<"+g.callResult(ev)+">",
					method+": ("+strings.Join(append(names, "options"), ", ")+") => c.call("+str(ev.Name)+", "+spec+", "+call+", options)")
			} else {
				add(doc, method+"("+strings.Join(params, ", ")+"): $c.SendResult",
					method+": ("+strings.Join(names, ", ")+") => c.send("+str(ev.Name)+", "+spec+", "+call+")")
			}
		}
		if ev.From.ServerEmits() {
			params, _ := g.clientParams(ev)
			ret := "void"
			if ev.Acked {
				r := g.answerType(ev)
				ret = r + " | Promise<" + r + ">"
			}
			add(append(doc, "", "Listens to it, checked and with defaults applied; returns a function that stops listening."),
				"on"+ev.TSName+"(handler: ("+strings.Join(params, ", ")+") => "+ret+"): () => void",
				"on"+ev.TSName+": (handler) => c.listen("+str(ev.Name)+", "+spec+", handler)")
		}
	}

	w.doc("", fmt.Sprintf("A typed client of %s over a socket.io-client socket: calls resolve to typed results, what is sent and what arrives is checked against the contract (see $c.ClientOptions), handlers answer the server's acks.", ns.Path))
	w.line("export interface %sClient {", n)
	w.line("  /** The socket the client drives, for what the client does not cover. */")
	w.line("  readonly socket: %sClientSocket;", n)
	for _, s := range sigs {
		w.line("%s", s)
	}
	w.line("}")
	w.blank()
	w.doc("", fmt.Sprintf("Returns the typed client of %s over socket.", ns.Path))
	w.line("export function create%sClient(socket: %sClientSocket, options?: $c.ClientOptions): %sClient {", n, n, n)
	var defaults []string
	if opts.NoValidateOutgoing {
		defaults = append(defaults, "validateOutgoing: false")
	}
	if opts.NoValidateIncoming {
		defaults = append(defaults, "validateIncoming: false")
	}
	if len(defaults) > 0 {
		w.line("  const c = new $c.Client(socket as unknown as $c.SocketLike, { %s, ...options });", strings.Join(defaults, ", "))
	} else {
		w.line("  const c = new $c.Client(socket as unknown as $c.SocketLike, options);")
	}
	w.line("  return {")
	w.line("    socket,")
	for _, s := range impls {
		w.line("%s", s)
	}
	w.line("  };")
	w.line("}")
	w.blank()
}

// clientParams returns the parameters of an event's payload or args, and
// their names.
func (g *fileGen) clientParams(ev *schema.Event) ([]string, []string) {
	var ps []string
	switch {
	case ev.Args != nil:
		ps = g.tuple(ev.Args, map[string]bool{"options": true, "handler": true})
	case ev.Payload != nil:
		ps = []string{"payload: " + g.typeExpr(ev.Payload)}
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i], _, _ = strings.Cut(p, ":")
	}
	return ps, names
}

// callResult returns the type a call of an acked event resolves to.
func (g *fileGen) callResult(ev *schema.Event) string {
	if ev.AckStyle == schema.AckPlain {
		return g.rt("AckResult") + "<" + g.plainTuple(ev) + ">"
	}
	data := "null"
	if ev.Ack != nil {
		data = g.typeExpr(ev.Ack)
	}
	errs := append(g.ackErrors(ev), g.rt("DisconnectedError"))
	return g.rt("AckResult") + "<" + data + ", " + strings.Join(errs, " | ") + ">"
}

// plainTuple is the labeled tuple of a plain-style ack's arguments.
func (g *fileGen) plainTuple(ev *schema.Event) string {
	switch {
	case ev.AckArgs != nil:
		return "[" + strings.Join(g.tuple(ev.AckArgs, map[string]bool{}), ", ") + "]"
	case ev.Ack != nil:
		return "[res: " + g.typeExpr(ev.Ack) + "]"
	}
	return "[]"
}

// answerType is what a handler of an acked server event returns.
func (g *fileGen) answerType(ev *schema.Event) string {
	if ev.AckStyle == schema.AckPlain {
		return g.plainTuple(ev)
	}
	return g.ackResult(ev)
}

// spec returns the $c.EventSpec of an event.
func (v *valGen) spec(ev *schema.Event) string {
	var parts []string
	switch {
	case ev.Args != nil:
		parts = append(parts, "in: "+v.tupleCheck(ev.Args), "tuple: true")
	case ev.Payload != nil:
		parts = append(parts, "in: "+v.check(ev.Payload))
	default:
		parts = append(parts, "in: null")
	}
	if ev.Acked {
		parts = append(parts, "acked: true")
		switch {
		case ev.AckStyle == schema.AckPlain:
			parts = append(parts, "plain: true")
			switch {
			case ev.AckArgs != nil:
				parts = append(parts, "ack: "+v.tupleCheck(ev.AckArgs))
			case ev.Ack != nil:
				parts = append(parts, "ack: $.tuple([[\"res\", "+v.check(ev.Ack)+", 0]])")
			}
		case ev.Ack != nil:
			parts = append(parts, "ack: "+v.check(ev.Ack))
		}
	}
	if ev.Timeout > 0 {
		parts = append(parts, "timeout: "+strconv.FormatInt(ev.Timeout.Milliseconds(), 10))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
