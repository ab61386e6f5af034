package schema

import (
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/siogen/siogen/internal/naming"
)

// Keys of the grammar, in the order the documentation lists them.
var (
	fileKeys      = []string{"siogen", "package", "info", "imports", "types", "errors", "namespaces"}
	infoKeys      = []string{"title", "version", "description"}
	importKeys    = []string{"path", "as"}
	errorKeys     = []string{"code", "description", "deprecated", "details", "go_name", "ts_name"}
	namespaceKeys = []string{"description", "deprecated", "go_name", "ts_name", "auth", "ack_style", "limits", "events"}
	eventKeys     = []string{
		"from", "description", "deprecated", "go_name", "ts_name",
		"payload", "args", "ack", "ack_args", "ack_style", "errors", "timeout", "limits", "backpressure",
	}
)

// Name rules of the language; see the package documentation.
var (
	packageRE   = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	typeNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	fieldNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	eventNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_:./-]*$`)
	nsPathRE    = regexp.MustCompile(`^/([A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*)?$`)
	errorCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

const maxNameLen = 128

// reservedEvents are the event names Socket.IO uses itself.
var reservedEvents = []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// maxTimeout is the longest ack timeout accepted.
const maxTimeout = 24 * time.Hour

// parser builds one File from its YAML tree.
type parser struct {
	reader
	f *File
	// nsLimits are the limits of the namespace being read, nil when it
	// has none.
	nsLimits *limitsDecl
}

// fileState holds what resolution needs beyond the exported IR.
type fileState struct {
	refs    []*Type     // KindRef types with a nil Target
	errRefs []*ErrorRef // event error references
	defs    []*Field    // fields with a default, checked once resolved
}

func parseFile(d *diags, path string, root *yaml.Node) *File {
	p := &parser{reader: reader{d: d, file: path}}
	f := &File{Pos: Pos{File: path, Line: 1, Col: 1}, Path: path, state: &fileState{}}
	p.f = f
	o, ok := p.object(root, "a schema file", fileKeys...)
	if !ok {
		return f
	}
	if v := o.get("siogen"); v == nil {
		p.errorf(root, CodeMissingKey, "a schema file needs \"siogen: 1\" (the format version)")
	} else if n, ok := p.integer(v, "siogen"); ok {
		if n != 1 {
			p.errorf(v, CodeVersion, "unsupported format version siogen: %d; this siogen reads version 1", n)
		}
		f.Version = int(n)
	}
	if v := o.get("package"); v == nil {
		p.errorf(root, CodeMissingKey, "a schema file needs a package name (package: chat)")
	} else if s, ok := p.str(v, "package"); ok {
		if !packageRE.MatchString(s) || len(s) > maxNameLen {
			p.errorf(v, CodeInvalidName, "package %q must be lower-case letters and digits, starting with a letter", s)
		} else if naming.IsGoKeyword(s) || naming.IsGoPredeclared(s) || naming.IsTSReserved(s) {
			p.errorf(v, CodeReservedName, "package %q is a reserved word in Go or TypeScript", s)
		}
		f.Package = s
	}
	if v := o.get("info"); v != nil {
		p.info(v)
	}
	if v := o.get("imports"); v != nil {
		p.imports(v)
	}
	if v := o.get("types"); v != nil {
		if es, ok := p.entries(v, "types"); ok {
			for _, e := range es {
				p.declType(e)
			}
		}
	}
	if v := o.get("errors"); v != nil {
		if es, ok := p.entries(v, "errors"); ok {
			for _, e := range es {
				p.errorDef(e)
			}
		}
	}
	if v := o.get("namespaces"); v != nil {
		if es, ok := p.entries(v, "namespaces"); ok {
			for _, e := range es {
				p.namespace(e)
			}
		}
	}
	return f
}

func (p *parser) info(n *yaml.Node) {
	o, ok := p.object(n, "info", infoKeys...)
	if !ok {
		return
	}
	p.f.Info.Pos = p.pos(n)
	if v := o.get("title"); v != nil {
		p.f.Info.Title, _ = p.text(v, "info.title")
	}
	if v := o.get("version"); v != nil {
		p.f.Info.Version, _ = p.text(v, "info.version")
	}
	if v := o.get("description"); v != nil {
		p.f.Info.Description, _ = p.text(v, "info.description")
	}
}

func (p *parser) imports(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.wrongKind(n, "imports", "a list of {path, as}")
		return
	}
	seen := make(map[string]*Import)
	for _, item := range n.Content {
		im := &Import{Pos: p.pos(item)}
		if item.Kind == yaml.ScalarNode && item.Tag == "!!str" {
			im.Path = item.Value // shorthand: "- ./common.siogen.yaml"
		} else {
			o, ok := p.object(item, "an import", importKeys...)
			if !ok {
				continue
			}
			if !p.require(o, item, "an import", "path") {
				continue
			}
			im.Path, _ = p.str(o.get("path"), "import path")
			if v := o.get("as"); v != nil {
				if s, ok := p.str(v, "import alias"); ok {
					if !packageRE.MatchString(s) || len(s) > maxNameLen {
						p.errorf(v, CodeInvalidName, "import alias %q must be lower-case letters and digits, starting with a letter", s)
					}
					im.Alias = s
				}
			}
		}
		if im.Path == "" {
			continue
		}
		if prev := seen[im.Path]; prev != nil {
			p.errorf(item, CodeDuplicateName, "%s is imported twice (first at %s)", im.Path, prev.Pos)
			continue
		}
		seen[im.Path] = im
		p.f.Imports = append(p.f.Imports, im)
	}
}

// checkName reports a name that does not match re.
func (p *parser) checkName(n *yaml.Node, what, name string, re *regexp.Regexp, rule string) bool {
	if len(name) > maxNameLen {
		p.errorf(n, CodeInvalidName, "%s %.20q… is longer than %d characters", what, name, maxNameLen)
		return false
	}
	if !re.MatchString(name) {
		p.errorf(n, CodeInvalidName, "%s %q is not valid: %s", what, name, rule)
		return false
	}
	return true
}

// names reads the go_name and ts_name overrides of o.
func (p *parser) names(o obj) (goName, tsName string) {
	if v := o.get("go_name"); v != nil {
		goName, _ = p.str(v, "go_name")
	}
	if v := o.get("ts_name"); v != nil {
		tsName, _ = p.str(v, "ts_name")
	}
	return goName, tsName
}

func (p *parser) errorDef(e entry) {
	name := e.key.Value
	ed := &ErrorDef{Pos: p.pos(e.key), Name: name, File: p.f}
	p.checkName(e.key, "error name", name, typeNameRE, "use letters, digits and _, starting with a letter")
	p.f.Errors = append(p.f.Errors, ed)
	if e.val.Kind == yaml.ScalarNode && e.val.Tag == "!!null" {
		return // "RateLimited:" with no body
	}
	o, ok := p.object(e.val, "error "+name, errorKeys...)
	if !ok {
		return
	}
	ed.GoName, ed.TSName = p.names(o)
	if v := o.get("code"); v != nil {
		if s, ok := p.str(v, "error code"); ok {
			if !errorCodeRE.MatchString(s) {
				p.errorf(v, CodeInvalidName, "error code %q must be snake_case: lower-case letters, digits and _", s)
			}
			ed.Code = s
		}
	}
	if v := o.get("description"); v != nil {
		ed.Description, _ = p.text(v, "description")
	}
	ed.Deprecation = p.deprecation(o.get("deprecated"))
	if v := o.get("details"); v != nil {
		ed.Details = p.payloadType(v, naming.TSType(name)+"Details", "details of error "+name)
	}
}

func (p *parser) namespace(e entry) {
	path := e.key.Value
	ns := &Namespace{Pos: p.pos(e.key), Path: path, File: p.f}
	if !nsPathRE.MatchString(path) || len(path) > maxNameLen {
		p.errorf(e.key, CodeBadPath, "namespace %q must be \"/\" or \"/\" followed by segments of letters, digits, _ and -, separated by /", path)
	}
	p.f.Namespaces = append(p.f.Namespaces, ns)
	if e.val.Kind == yaml.ScalarNode && e.val.Tag == "!!null" {
		return
	}
	what := "namespace " + path
	o, ok := p.object(e.val, what, namespaceKeys...)
	if !ok {
		return
	}
	ns.GoName, ns.TSName = p.names(o)
	if v := o.get("description"); v != nil {
		ns.Description, _ = p.text(v, "description")
	}
	ns.Deprecation = p.deprecation(o.get("deprecated"))
	if v := o.get("ack_style"); v != nil {
		ns.AckStyle, _ = p.ackStyle(v)
	}
	prefix := nsSynthPrefix(path)
	if v := o.get("auth"); v != nil {
		ns.Auth = p.payloadType(v, prefix+"Auth", "auth of "+what)
	}
	p.nsLimits = nil
	if v := o.get("limits"); v != nil {
		p.nsLimits = p.limits(o.keyNode("limits"), v, what, false)
		if p.nsLimits != nil && len(p.nsLimits.keys) > 0 {
			lim := p.nsLimits.lim
			if lim.Rate != nil && lim.Burst == 0 {
				lim.Burst = lim.Rate.Count
			}
			ns.Limits = &lim
		}
	}
	if v := o.get("events"); v != nil {
		if es, ok := p.entries(v, "events of "+what); ok {
			for _, ev := range es {
				p.event(ns, ev, prefix)
			}
		}
	}
}

// nsSynthPrefix is the prefix of names synthesized inside a namespace.
func nsSynthPrefix(path string) string {
	if len(naming.Words(path)) == 0 {
		return "Main"
	}
	return naming.TSType(path)
}

func (p *parser) ackStyle(n *yaml.Node) (AckStyle, bool) {
	s, ok := p.str(n, "ack_style")
	if !ok {
		return AckEnvelope, false
	}
	switch s {
	case "envelope":
		return AckEnvelope, true
	case "plain":
		return AckPlain, true
	}
	p.errorf(n, CodeAckStyle, "ack_style must be envelope or plain, found %q", s)
	return AckEnvelope, false
}

func (p *parser) event(ns *Namespace, e entry, prefix string) {
	name := e.key.Value
	ev := &Event{Pos: p.pos(e.key), Name: name, Namespace: ns, AckStyle: ns.AckStyle}
	if p.checkName(e.key, "event name", name, eventNameRE, "use letters, digits and _ : . / -, starting with a letter") &&
		contains(reservedEvents, name) {
		p.errorf(e.key, CodeReservedName, "event name %q is reserved by Socket.IO", name)
	}
	ns.Events = append(ns.Events, ev)
	what := "event " + name
	o, ok := p.object(e.val, what, eventKeys...)
	if !ok {
		return
	}
	ev.GoName, ev.TSName = p.names(o)
	if v := o.get("description"); v != nil {
		ev.Description, _ = p.text(v, "description")
	}
	ev.Deprecation = p.deprecation(o.get("deprecated"))
	if v := o.get("from"); v == nil {
		p.errorf(e.key, CodeMissingKey, "%s needs key \"from\" (client, server or both)", what)
	} else if s, ok := p.str(v, "from"); ok {
		switch s {
		case "client":
			ev.From = FromClient
		case "server":
			ev.From = FromServer
		case "both":
			ev.From = FromBoth
		default:
			p.errorf(v, CodeWrongKind, "from must be client, server or both, found %q%s", s, didYouMean(s, []string{"client", "server", "both"}))
		}
	}
	synth := prefix + naming.TSType(name)
	switch p.exclusive(o, what, "payload", "args") {
	case "payload":
		ev.Payload = p.payloadType(o.get("payload"), synth+"Payload", "payload of "+what)
	case "args":
		ev.Args = p.tuple(o.get("args"), synth, "args of "+what)
	}
	if v := o.get("ack_style"); v != nil {
		ev.AckStyle, _ = p.ackStyle(v)
	}
	switch p.exclusive(o, what, "ack", "ack_args") {
	case "ack":
		v := o.get("ack")
		if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
			ev.Acked, _ = p.boolean(v, "ack")
		} else {
			ev.Acked = true
			ev.Ack = p.payloadType(v, synth+"Ack", "ack of "+what)
		}
	case "ack_args":
		ev.Acked = true
		ev.AckArgs = p.tuple(o.get("ack_args"), synth+"Ack", "ack_args of "+what)
		if ev.AckStyle != AckPlain {
			p.errorf(o.keyNode("ack_args"), CodeAckStyle, "ack_args (a raw ack tuple) needs ack_style: plain; envelope acks carry one value in ack")
		}
	}
	if v := o.get("errors"); v != nil {
		p.eventErrors(ev, v)
	}
	if v := o.get("timeout"); v != nil {
		ev.Timeout = p.duration(v)
	}
	p.checkAck(ev, o, e.key)
	p.edge(ev, o, p.nsLimits)
}

// checkAck reports ack settings that make no sense for the event.
func (p *parser) checkAck(ev *Event, o obj, key *yaml.Node) {
	if ev.Acked && ev.From == FromBoth {
		p.errorf(o.keyNode("from"), CodeAckDirection, "event %q is acknowledged but sent by both sides; declare one event per direction, each with its own ack", ev.Name)
	}
	if !ev.Acked {
		for _, k := range []string{"errors", "timeout", "ack_style"} {
			if o.has(k) {
				p.errorf(o.keyNode(k), CodeNeedsAck, "%s applies to acknowledged events; event %q has no ack (add ack: <type> or ack: true)", k, ev.Name)
			}
		}
	}
	if ev.Acked && ev.AckStyle == AckPlain && len(ev.Errors) > 0 {
		p.errorf(o.keyNode("errors"), CodePlainErrors, "event %q uses ack_style: plain, which has no typed errors; remove errors or use the envelope style", ev.Name)
	}
}

func (p *parser) eventErrors(ev *Event, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.wrongKind(n, "errors", "a list of error names")
		return
	}
	seen := make(map[string]*ErrorRef)
	for _, item := range n.Content {
		s, ok := p.str(item, "an error name")
		if !ok {
			continue
		}
		ref := &ErrorRef{Pos: p.pos(item), Name: s}
		if prev := seen[s]; prev != nil {
			p.errorf(item, CodeDuplicateName, "error %s is listed twice for event %q (first at %s)", s, ev.Name, prev.Pos)
			continue
		}
		seen[s] = ref
		ev.Errors = append(ev.Errors, ref)
		p.f.state.errRefs = append(p.f.state.errRefs, ref)
	}
}

// duration reads a Go duration string ("10s", "1m30s").
func (p *parser) duration(n *yaml.Node) time.Duration {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.errorf(n, CodeBadDuration, "timeout must be a duration with a unit such as \"10s\" or \"1m30s\", found %s", kindName(n))
		return 0
	}
	d, err := time.ParseDuration(strings.TrimSpace(n.Value))
	switch {
	case err != nil:
		p.errorf(n, CodeBadDuration, "timeout %q is not a duration such as \"10s\" or \"1m30s\"", n.Value)
		return 0
	case d <= 0:
		p.errorf(n, CodeBadDuration, "timeout %q must be positive", n.Value)
		return 0
	case d > maxTimeout:
		p.errorf(n, CodeBadDuration, "timeout %q is longer than %s", n.Value, maxTimeout)
		return 0
	}
	return d
}
