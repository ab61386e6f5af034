package docgen

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/gen/internal/example"
	"github.com/siogen/siogen/gen/internal/ojson"
	"github.com/siogen/siogen/schema"
)

// page is what both renderers show of one contract.
type page struct {
	Package, Title, Version, Description string
	Namespaces                           []*nsView
	Types                                []*typeView // the file's own types
	Imported                             []*importView
	Errors                               []*errorView
}

type importView struct {
	Package string
	Types   []*typeView
}

type nsView struct {
	Path, Anchor, Description string
	dep
	// Limits are the namespace's default limits, as phrases; Disconnect
	// says when a socket refused too often is disconnected.
	Limits      []string
	Disconnect  string
	Auth        *shapeView
	AuthExample string
	Groups      []*group
}

type group struct {
	Title, Class string // "Client → server", "c2s"
	Events       []*eventView
}

type dep struct {
	Deprecated bool
	Note       string
}

func depOf(d schema.Deprecation) dep { return dep{d.Deprecated, d.DeprecationNote} }

type eventView struct {
	Name, Anchor, Description, From, Direction string
	dep
	Payload        *shapeView
	PayloadExample string
	Acked          bool
	AckStyle       string
	Ack            *shapeView
	AckExample     string
	Errors         []*errorView
	Timeout        string
	// Limits are the event's edge limits as phrases; Refusal says what an
	// event over them gets.
	Limits  []string
	Refusal string
	// Backpressure is the event's back-pressure mode ("latest"), Policy
	// the whole of it in words.
	Backpressure, Policy string
}

// shapeView shows a payload, an ack, an auth or a type's contents: a
// fields table, an args table, enum values, union variants, or a type.
type shapeView struct {
	Type     *typeRef // the type as a link, when it is named
	Kind     string   // "object", "args", "enum", "union", "value"
	Fields   []*fieldView
	Values   []*valueView
	Variants []*variantView
	Discr    string
	Value    *fieldView // for "value": the type and its constraints
	// Collapse folds the fields of a named type shown again in an ack.
	Collapse bool
}

type fieldView struct {
	Name        string
	Type        *typeRef
	Constraints []string
	Optional    bool
	Nullable    bool
	Default     string
	Description string
	dep
}

type valueView struct {
	Value, Description string
	dep
}

type variantView struct {
	Tag  string
	Type *typeRef
}

// typeRef is a type written with links: parts are text or links.
type typeRef struct {
	Parts []refPart
}

type refPart struct {
	Text, Href string
}

func (r *typeRef) String() string {
	var b strings.Builder
	for _, p := range r.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

type typeView struct {
	Name, Anchor, Kind, Description string
	dep
	Inline  bool
	Shape   *shapeView
	Example string
}

type errorView struct {
	Name, Anchor, Code, Description string
	dep
	Details *shapeView
	Example string
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

func slug(parts ...string) string {
	var out []string
	for _, p := range parts {
		if s := strings.Trim(nonWord.ReplaceAllString(p, "-"), "-"); s != "" {
			out = append(out, strings.ToLower(s))
		}
	}
	return strings.Join(out, "-")
}

func typeAnchor(t *schema.Type) string { return "type-" + t.File.Package + "-" + t.Name }

func errorAnchor(e *schema.ErrorDef) string { return "error-" + e.File.Package + "-" + e.Name }

// builder makes the page of one file.
type builder struct {
	file *schema.File
	// shownInline maps inline payload, ack and auth types to the anchor of
	// the event or namespace that shows them.
	shownInline map[*schema.Type]string
}

func build(f *schema.File) *page {
	b := &builder{file: f, shownInline: map[*schema.Type]string{}}
	for _, ns := range f.Namespaces {
		nsAnchor := "ns-" + slug(ns.Path)
		if ns.Path == "/" {
			nsAnchor = "ns-main"
		}
		if d := ns.Auth.Decl(); ns.Auth != nil && d != nil && d.Inline {
			b.shownInline[d] = nsAnchor
		}
		for _, ev := range ns.Events {
			for _, t := range []*schema.Type{ev.Payload, ev.Ack} {
				if d := t.Decl(); t != nil && d != nil && d.Inline {
					b.shownInline[d] = eventAnchor(ns, ev)
				}
			}
		}
	}
	p := &page{Package: f.Package, Title: f.Info.Title, Version: f.Info.Version, Description: f.Info.Description}
	if p.Title == "" {
		p.Title = f.Package
	}
	for _, ns := range f.Namespaces {
		p.Namespaces = append(p.Namespaces, b.namespace(ns))
	}
	for _, t := range f.Types {
		if b.shownInline[t] == "" {
			p.Types = append(p.Types, b.typeView(t))
		}
	}
	seen := map[*schema.File]bool{f: true}
	var walk func(*schema.File)
	walk = func(g *schema.File) {
		for _, imp := range g.Imports {
			if imp.File == nil || seen[imp.File] {
				continue
			}
			seen[imp.File] = true
			walk(imp.File)
			iv := &importView{Package: imp.File.Package}
			for _, t := range imp.File.Types {
				iv.Types = append(iv.Types, b.typeView(t))
			}
			if len(iv.Types) > 0 {
				p.Imported = append(p.Imported, iv)
			}
		}
	}
	walk(f)
	errSeen := map[*schema.ErrorDef]bool{}
	addErr := func(e *schema.ErrorDef) {
		if e != nil && !errSeen[e] {
			errSeen[e] = true
			p.Errors = append(p.Errors, b.errorView(e))
		}
	}
	for _, e := range f.Errors {
		addErr(e)
	}
	for _, ns := range f.Namespaces {
		for _, ev := range ns.Events {
			for _, r := range ev.Errors {
				addErr(r.Target)
			}
		}
	}
	return p
}

func eventAnchor(ns *schema.Namespace, ev *schema.Event) string {
	n := slug(ns.Path)
	if n == "" {
		n = "main"
	}
	return "ev-" + n + "-" + slug(ev.Name)
}

func (b *builder) namespace(ns *schema.Namespace) *nsView {
	v := &nsView{Path: ns.Path, Anchor: "ns-" + slug(ns.Path), Description: ns.Description, dep: depOf(ns.Deprecation)}
	if ns.Path == "/" {
		v.Anchor = "ns-main"
	}
	v.Limits, v.Disconnect = edgedoc.Terms(ns.Limits), edgedoc.Disconnect(ns.Limits)
	if ns.Auth != nil {
		v.Auth = b.shape(ns.Auth)
		v.AuthExample = encode(example.Of(ns.Auth, "auth"))
	}
	groups := []*group{
		{Title: "Client → server", Class: "c2s"},
		{Title: "Server → client", Class: "s2c"},
		{Title: "Both directions", Class: "both"},
	}
	for _, ev := range ns.Events {
		g := groups[ev.From-schema.FromClient]
		g.Events = append(g.Events, b.event(ns, ev))
	}
	for _, g := range groups {
		if len(g.Events) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	return v
}

func (b *builder) event(ns *schema.Namespace, ev *schema.Event) *eventView {
	v := &eventView{
		Name: ev.Name, Anchor: eventAnchor(ns, ev), Description: ev.Description, dep: depOf(ev.Deprecation),
		From: ev.From.String(), Acked: ev.Acked, AckStyle: ev.AckStyle.String(),
	}
	switch ev.From {
	case schema.FromClient:
		v.Direction = "client → server"
	case schema.FromServer:
		v.Direction = "server → client"
	default:
		v.Direction = "both ways"
	}
	switch {
	case ev.Args != nil:
		v.Payload = b.args(ev.Args)
	case ev.Payload != nil:
		v.Payload = b.shape(ev.Payload)
	}
	if v.Payload != nil {
		v.PayloadExample = encode(example.Payload(ev))
	}
	if ev.Acked {
		switch {
		case ev.AckArgs != nil:
			v.Ack = b.args(ev.AckArgs)
		case ev.Ack != nil:
			v.Ack = b.shape(ev.Ack)
			v.Ack.Collapse = v.Ack.Type != nil && len(v.Ack.Fields) > 0
		}
		if ack := example.Ack(ev); ack != nil {
			v.AckExample = encode(ack)
		}
		for _, r := range ev.Errors {
			if r.Target != nil {
				v.Errors = append(v.Errors, b.errorView(r.Target))
			}
		}
	}
	if ev.Timeout > 0 {
		v.Timeout = shortDuration(ev.Timeout)
	}
	if ev.From.ClientEmits() {
		if v.Limits = edgedoc.Terms(ev.Limits); len(v.Limits) > 0 {
			v.Refusal = edgedoc.Refusal(ev)
		}
	}
	if bp := ev.Backpressure; bp != nil && ev.From.ServerEmits() {
		v.Backpressure, v.Policy = bp.Mode.String(), edgedoc.Mode(bp)
	}
	return v
}

func (b *builder) errorView(e *schema.ErrorDef) *errorView {
	v := &errorView{Name: e.Name, Anchor: errorAnchor(e), Code: e.Code, Description: e.Description, dep: depOf(e.Deprecation)}
	if e.Details != nil {
		v.Details = b.shape(e.Details)
	}
	v.Example = encode(example.Error(e))
	return v
}

func (b *builder) typeView(t *schema.Type) *typeView {
	v := &typeView{Name: t.Name, Anchor: typeAnchor(t), Kind: t.Kind.String(), Description: t.Description,
		dep: depOf(t.Deprecation), Inline: t.Inline, Shape: b.shape(t)}
	v.Shape.Type = nil // the card is the type
	if t.Kind == schema.KindRef {
		v.Kind = "alias"
	}
	v.Example = encode(example.Of(t, strings.ToLower(t.Name)))
	return v
}

// shape shows the contents of the type t uses: an object's fields, an
// enum's values, a union's variants, or the type itself.
func (b *builder) shape(t *schema.Type) *shapeView {
	s := &shapeView{}
	if d := t.Decl(); d != nil && b.shownInline[d] == "" {
		s.Type = b.ref(t)
	}
	u := t
	if t.Kind == schema.KindRef && t.Target != nil && t.Target.Kind != schema.KindRef {
		u = t.Target
	} else if t.Name != "" && t.Kind != schema.KindRef {
		u = t
	}
	switch u.Kind {
	case schema.KindObject:
		s.Kind = "object"
		for _, f := range u.Fields {
			s.Fields = append(s.Fields, b.field(f))
		}
	case schema.KindEnum:
		s.Kind = "enum"
		for _, ev := range u.Values {
			s.Values = append(s.Values, &valueView{Value: ev.Value, Description: ev.Description, dep: depOf(ev.Deprecation)})
		}
	case schema.KindUnion:
		s.Kind = "union"
		s.Discr = u.Discriminator
		for _, vr := range u.Variants {
			s.Variants = append(s.Variants, &variantView{Tag: vr.Tag, Type: b.ref(vr.Type)})
		}
	default:
		s.Kind = "value"
		target := u
		if u.Kind == schema.KindRef { // an alias: show what it names
			target = &schema.Type{Kind: schema.KindRef, Target: u.Target}
		}
		s.Value = &fieldView{Type: b.ref(target), Constraints: constraints(target)}
	}
	return s
}

func (b *builder) args(args []*schema.Field) *shapeView {
	s := &shapeView{Kind: "args"}
	for _, a := range args {
		s.Fields = append(s.Fields, b.field(a))
	}
	return s
}

func (b *builder) field(f *schema.Field) *fieldView {
	v := &fieldView{Name: f.Name, Type: b.ref(f.Type), Constraints: constraints(f.Type),
		Optional: f.Optional, Nullable: f.Nullable, Description: f.Description, dep: depOf(f.Deprecation)}
	if f.Default != nil {
		v.Default = encodeCompact(f.Default.Value)
	}
	return v
}

// ref writes the type t uses with links to named types.
func (b *builder) ref(t *schema.Type) *typeRef {
	r := &typeRef{}
	var walk func(*schema.Type)
	walk = func(t *schema.Type) {
		switch {
		case t == nil:
			r.Parts = append(r.Parts, refPart{Text: "?"})
		case t.Kind == schema.KindRef || t.Name != "":
			d := t.Decl()
			if d == nil {
				r.Parts = append(r.Parts, refPart{Text: t.Ref})
				return
			}
			name := d.Name
			if d.File != b.file {
				name = d.File.Package + "." + d.Name
			}
			href := "#" + typeAnchor(d)
			if a := b.shownInline[d]; a != "" {
				href = "#" + a
			}
			r.Parts = append(r.Parts, refPart{Text: name, Href: href})
		case t.Kind == schema.KindList:
			r.Parts = append(r.Parts, refPart{Text: "list<"})
			walk(t.Elem)
			r.Parts = append(r.Parts, refPart{Text: ">"})
		case t.Kind == schema.KindMap:
			r.Parts = append(r.Parts, refPart{Text: "map<string, "})
			walk(t.Elem)
			r.Parts = append(r.Parts, refPart{Text: ">"})
		default:
			r.Parts = append(r.Parts, refPart{Text: t.Kind.String()})
		}
	}
	walk(t)
	return r
}

// constraints describes the constraints of the type t uses, following
// references to named scalar types (RoomID's length and pattern show where
// a field uses RoomID).
func constraints(t *schema.Type) []string {
	u := t.Underlying()
	if u == nil {
		return nil
	}
	c := u.Constraints
	var out []string
	unit := "chars"
	if u.Kind == schema.KindBytes {
		unit = "bytes"
	}
	out = appendRange(out, c.MinLength, c.MaxLength, unit)
	out = appendRange(out, c.MinItems, c.MaxItems, map[bool]string{true: "entries", false: "items"}[u.Kind == schema.KindMap])
	switch {
	case c.Minimum != nil && c.Maximum != nil:
		out = append(out, c.Minimum.Text+" … "+c.Maximum.Text)
	case c.Minimum != nil:
		out = append(out, "≥ "+c.Minimum.Text)
	case c.Maximum != nil:
		out = append(out, "≤ "+c.Maximum.Text)
	}
	if c.Format != "" {
		out = append(out, "format: "+c.Format)
	}
	if u.Kind == schema.KindTimestamp {
		out = append(out, "RFC 3339")
	}
	if u.Kind == schema.KindBytes {
		out = append(out, "binary attachment")
	}
	if c.Pattern != "" {
		out = append(out, "pattern: "+c.Pattern)
	}
	return out
}

func appendRange(out []string, lo, hi *int64, unit string) []string {
	switch {
	case lo != nil && hi != nil:
		return append(out, fmt.Sprintf("%d … %d %s", *lo, *hi, unit))
	case lo != nil:
		return append(out, fmt.Sprintf("≥ %d %s", *lo, unit))
	case hi != nil:
		return append(out, fmt.Sprintf("≤ %d %s", *hi, unit))
	}
	return out
}

func encode(v any) string {
	if v == nil {
		return ""
	}
	b, err := ojson.Encode(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(b), "\n")
}

func encodeCompact(v any) string {
	o := ojson.New().Set("v", v)
	b, err := o.MarshalJSON()
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	return s[len(`{"v":`) : len(s)-1]
}

// shortDuration drops the zero units time.Duration.String writes: "2m"
// rather than "2m0s", "1h" rather than "1h0m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
