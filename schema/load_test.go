package schema_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/siogen/siogen/schema"
)

var examples = os.DirFS("../examples/schemas")

func loadChat(t *testing.T) *schema.Set {
	t.Helper()
	set, diags := schema.Load(examples, "chat.siogen.yaml")
	if len(diags) > 0 {
		t.Fatalf("chat.siogen.yaml has diagnostics:\n%s", diags)
	}
	return set
}

func TestLoadExamplesClean(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"chat.siogen.yaml", "common.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml"} {
		if _, diags := schema.Load(examples, name); len(diags) > 0 {
			t.Errorf("%s:\n%s", name, diags)
		}
	}
}

func names[T any](list []T, name func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, name(x))
	}
	return out
}

func TestLoadSetOrder(t *testing.T) {
	t.Parallel()
	set := loadChat(t)
	if got := names(set.Files, func(f *schema.File) string { return f.Path }); !slices.Equal(got, []string{"common.siogen.yaml", "chat.siogen.yaml"}) {
		t.Errorf("Files = %v, want imports first", got)
	}
	if len(set.Roots) != 1 || set.Roots[0].Path != "chat.siogen.yaml" {
		t.Errorf("Roots = %v", set.Roots)
	}
	chat := set.File("chat.siogen.yaml")
	if chat.Package != "chat" || chat.Version != 1 || chat.Info.Title != "Chat API" {
		t.Errorf("header = %q %d %+v", chat.Package, chat.Version, chat.Info)
	}
	wantTypes := []string{
		"RoomID", "Presence", "ImageRef", "FileRef", "Attachment", "AttachmentLink",
		"Message", "MessageStatus", "SendMessage", "RoomInfo", "Question", "Answer",
		"RoomNotFoundDetails", "ChatAuth", "ChatRoomJoinPayload", "ChatRoomLeavePayload",
		"ChatTypingPayload", "ChatPresencePayload", "ChatUserJoinedPayload", "ChatUserLeftPayload",
	}
	if got := names(chat.Types, func(t *schema.Type) string { return t.Name }); !slices.Equal(got, wantTypes) {
		t.Errorf("types in order:\n got %v\nwant %v", got, wantTypes)
	}
	msg := chat.Type("Message")
	wantFields := []string{"id", "room", "author", "text", "attachments", "reply_to", "sent_at", "edited_at", "reactions", "status", "legacy_html"}
	if got := names(msg.Fields, func(f *schema.Field) string { return f.Name }); !slices.Equal(got, wantFields) {
		t.Errorf("Message fields = %v", got)
	}
	ns := chat.Namespace("/chat")
	wantEvents := []string{"room:join", "room:leave", "message:send", "message:new", "message:history", "typing", "presence", "user:joined", "user:left", "poll", "ping:legacy"}
	if got := names(ns.Events, func(e *schema.Event) string { return e.Name }); !slices.Equal(got, wantEvents) {
		t.Errorf("events = %v", got)
	}
}

func TestLoadTypes(t *testing.T) {
	t.Parallel()
	set := loadChat(t)
	chat, common := set.File("chat.siogen.yaml"), set.File("common.siogen.yaml")
	msg := chat.Type("Message")
	if msg.Kind != schema.KindObject || msg.GoName != "Message" || msg.Description != "A chat message." {
		t.Errorf("Message = %v %q %q", msg.Kind, msg.GoName, msg.Description)
	}
	if p := msg.Pos; p.File != "chat.siogen.yaml" || p.Line == 0 || p.Col != 3 {
		t.Errorf("Message.Pos = %v", p)
	}

	// A reference across imports resolves to the declaration in the other file.
	author := msg.Field("author")
	if author.Type.Kind != schema.KindRef || author.Type.Ref != "common.User" || author.Type.Target != common.Type("User") {
		t.Errorf("author type = %+v", author.Type)
	}
	// A named scalar keeps its constraints; a use resolves to it.
	room := msg.Field("room").Type
	if u := room.Underlying(); u != chat.Type("RoomID") || *u.MaxLength != 64 || u.Pattern == "" {
		t.Errorf("room underlying = %+v", u)
	}
	// Anonymous scalars carry their constraints on the use site.
	text := msg.Field("text")
	if text.Type.Kind != schema.KindString || *text.Type.MinLength != 1 || *text.Type.MaxLength != 4000 {
		t.Errorf("text = %+v", text.Type)
	}
	// Optional and nullable are distinct.
	if f := msg.Field("reply_to"); !f.Nullable || f.Optional {
		t.Errorf("reply_to optional=%v nullable=%v", f.Optional, f.Nullable)
	}
	if f := msg.Field("edited_at"); !f.Optional || f.Nullable || f.Type.Kind != schema.KindTimestamp {
		t.Errorf("edited_at = %+v", f)
	}
	// list<Attachment> with max_items; map<string, int32>.
	att := msg.Field("attachments").Type
	if att.Kind != schema.KindList || att.Elem.Target != chat.Type("Attachment") || *att.MaxItems != 10 {
		t.Errorf("attachments = %+v", att)
	}
	if r := msg.Field("reactions").Type; r.Kind != schema.KindMap || r.Elem.Kind != schema.KindInt32 {
		t.Errorf("reactions = %+v", r)
	}
	// Inline enum with a default.
	status := msg.Field("status")
	if status.Type.Target != chat.Type("MessageStatus") || !status.Type.Target.Inline || status.Default.Value != "sent" {
		t.Errorf("status = %+v", status)
	}
	if f := msg.Field("legacy_html"); !f.Deprecated || f.DeprecationNote != "Render text instead." {
		t.Errorf("legacy_html deprecation = %+v", f.Deprecation)
	}
	// bytes.
	if img := chat.Type("SendMessage").Field("image"); img.Type.Kind != schema.KindBytes || !img.Optional {
		t.Errorf("image = %+v", img)
	}
	// Enum values, Go constants with the type as prefix, and overrides.
	pres := chat.Type("Presence")
	if got := names(pres.Values, func(v *schema.EnumValue) string { return v.GoName }); !slices.Equal(got, []string{"PresenceOnline", "PresenceAway", "PresenceDoNotDisturb", "PresenceOffline"}) {
		t.Errorf("Presence constants = %v", got)
	}
	// Union: discriminator, ordered variants, inline variant.
	u := chat.Type("Attachment")
	if u.Kind != schema.KindUnion || u.Discriminator != "kind" {
		t.Fatalf("Attachment = %+v", u)
	}
	if got := names(u.Variants, func(v *schema.Variant) string { return v.Tag + "=" + v.Type.Underlying().Name }); !slices.Equal(got, []string{"image=ImageRef", "file=FileRef", "link=AttachmentLink"}) {
		t.Errorf("variants = %v", got)
	}
	// Defaults of number fields and names with initialisms.
	page := common.Type("Page")
	if d := page.Field("limit").Default; d.Value != int64(50) {
		t.Errorf("limit default = %#v", d.Value)
	}
	if f := common.Type("User").Field("avatar_url"); f.GoName != "AvatarURL" || f.TSName != "avatar_url" {
		t.Errorf("avatar_url names = %q %q", f.GoName, f.TSName)
	}
	if id := common.Type("UserID"); id.GoName != "UserID" || id.TSName != "UserID" || id.Format != "uuid" {
		t.Errorf("UserID = %+v", id)
	}
}

func TestLoadNamespace(t *testing.T) {
	t.Parallel()
	set := loadChat(t)
	chat, common := set.File("chat.siogen.yaml"), set.File("common.siogen.yaml")
	ns := chat.Namespace("/chat")
	if ns.GoName != "Chat" || ns.TSName != "Chat" || ns.AckStyle != schema.AckEnvelope {
		t.Errorf("namespace = %q %q %v", ns.GoName, ns.TSName, ns.AckStyle)
	}
	auth := ns.Auth.Underlying()
	if auth.Name != "ChatAuth" || auth.Description != "Sent in the CONNECT packet." || len(auth.Fields) != 2 {
		t.Errorf("auth = %+v", auth)
	}
	send := ns.Event("message:send")
	if send.GoName != "MessageSend" || send.From != schema.FromClient || !send.Acked || send.Timeout != 10*time.Second {
		t.Errorf("message:send = %+v", send)
	}
	if send.Payload.Target != chat.Type("SendMessage") || send.Ack.Target != chat.Type("Message") {
		t.Errorf("message:send payload/ack = %+v / %+v", send.Payload, send.Ack)
	}
	wantErrs := []*schema.ErrorDef{chat.Error("RoomNotFound"), chat.Error("NotAMember")}
	if got := names(send.Errors, func(r *schema.ErrorRef) string { return r.Target.Name }); len(got) != 2 {
		t.Errorf("errors = %v", got)
	}
	for i, r := range send.Errors {
		if r.Target != wantErrs[i] {
			t.Errorf("error %d = %v, want %v", i, r.Target, wantErrs[i])
		}
	}
	if e := common.Error("RateLimited"); e.Code != "resource_exhausted" || e.Details.Underlying().Name != "RateLimitedDetails" {
		t.Errorf("RateLimited = %+v", e)
	}
	if e := chat.Error("NotAMember"); e.Code != "permission_denied" || e.GoName != "NotAMember" {
		t.Errorf("NotAMember = %+v", e)
	}
	if leave := ns.Event("room:leave"); !leave.Acked || leave.Ack != nil {
		t.Errorf("room:leave ack: true = %+v", leave)
	}
	hist := ns.Event("message:history")
	if got := names(hist.Args, func(f *schema.Field) string { return f.Name + ":" + f.Type.Ref }); !slices.Equal(got, []string{"room:RoomID", "page:common.Page"}) {
		t.Errorf("args = %v", got)
	}
	if hist.Ack.Kind != schema.KindList || hist.Ack.Elem.Target != chat.Type("Message") {
		t.Errorf("history ack = %+v", hist.Ack)
	}
	if typing := ns.Event("typing"); typing.From != schema.FromBoth || !typing.From.ClientEmits() || !typing.From.ServerEmits() || typing.Acked {
		t.Errorf("typing = %+v", typing)
	}
	if poll := ns.Event("poll"); poll.From != schema.FromServer || poll.Ack.Target != chat.Type("Answer") || poll.Timeout != 30*time.Second {
		t.Errorf("poll = %+v", poll)
	}
	legacy := ns.Event("ping:legacy")
	if legacy.AckStyle != schema.AckPlain || len(legacy.AckArgs) != 2 || !legacy.AckArgs[0].Nullable || !legacy.Deprecated {
		t.Errorf("ping:legacy = %+v", legacy)
	}
	if got := set.Namespaces(); len(got) != 1 || got[0] != ns {
		t.Errorf("Set.Namespaces = %v", got)
	}
}

func TestLoadErrorsAreAllReported(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.siogen.yaml": {Data: []byte(`
siogen: 1
package: a
bogus: 1
types:
  A: { fields: { x: Nope } }
  B: { type: string, max_length: -1 }
namespaces:
  /a:
    events:
      connect: { from: client }
`)}}
	set, diags := schema.Load(fsys, "a.siogen.yaml")
	if set == nil {
		t.Fatal("nil set")
	}
	var codes []schema.Code
	for _, d := range diags {
		codes = append(codes, d.Code)
	}
	want := []schema.Code{schema.CodeUnknownKey, schema.CodeUnresolved, schema.CodeBadConstraint, schema.CodeReservedName}
	if !slices.Equal(codes, want) {
		t.Errorf("codes = %v, want %v\n%s", codes, want, diags)
	}
	var serr *schema.Error
	if err := diags.Err(); !errors.As(err, &serr) || len(serr.Diagnostics) != 4 || !strings.Contains(err.Error(), "a.siogen.yaml:4:1: error[unknown-key]") {
		t.Errorf("Err() = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, diags := schema.Load(fstest.MapFS{}, "nope.siogen.yaml", "../x.siogen.yaml")
	want := "../x.siogen.yaml: error[io]: invalid path \"../x.siogen.yaml\": use a slash-separated path inside the file system, without ..\n" +
		"nope.siogen.yaml: error[io]: cannot read nope.siogen.yaml: file does not exist\n"
	if got := diags.String(); got != want {
		t.Errorf("diags:\n%s\nwant:\n%s", got, want)
	}
}

func TestLoadLimits(t *testing.T) {
	t.Parallel()
	big := "siogen: 1\npackage: big\ntypes:\n" + strings.Repeat("  T: string\n", 1000)
	fsys := fstest.MapFS{"big.siogen.yaml": {Data: []byte(big)}}
	l := schema.Loader{MaxFileSize: 100}
	if _, diags := l.Load(fsys, "big.siogen.yaml"); len(diags) != 1 || diags[0].Code != schema.CodeLimit {
		t.Errorf("size limit: %s", diags)
	}
	l = schema.Loader{MaxNodes: 50}
	if _, diags := l.Load(fsys, "big.siogen.yaml"); len(diags) != 1 || diags[0].Code != schema.CodeLimit {
		t.Errorf("node limit: %s", diags)
	}
	chain := fstest.MapFS{}
	for i := range 5 {
		chain[name(i)] = &fstest.MapFile{Data: []byte("siogen: 1\npackage: p" + string(rune('a'+i)) + "\nimports: [" + name(i+1) + "]\n")}
	}
	chain[name(5)] = &fstest.MapFile{Data: []byte("siogen: 1\npackage: last\n")}
	l = schema.Loader{MaxFiles: 3}
	_, diags := l.Load(chain, name(0))
	if !slices.ContainsFunc(diags, func(d schema.Diagnostic) bool { return d.Code == schema.CodeLimit }) {
		t.Errorf("file limit: %s", diags)
	}
}

func name(i int) string { return "f" + string(rune('0'+i)) + ".siogen.yaml" }

func TestDiagnosticString(t *testing.T) {
	t.Parallel()
	d := schema.Diagnostic{Pos: schema.Pos{File: "a.yaml", Line: 3, Col: 7}, Severity: schema.SeverityWarning, Code: schema.CodeInt64, Message: "m"}
	if got := d.String(); got != "a.yaml:3:7: warning[int64-precision]: m" {
		t.Errorf("String() = %q", got)
	}
	ds := schema.Diagnostics{d}
	if ds.HasErrors() || ds.Err() != nil || len(ds.Warnings()) != 1 || len(ds.Errors()) != 0 {
		t.Error("a warning must not count as an error")
	}
}

// The package documentation lists every diagnostic code.
func TestDocListsEveryCode(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range schema.Codes() {
		if !strings.Contains(string(doc), "  - "+string(c)+": ") {
			t.Errorf("doc.go does not document code %s (as a list item \"  - %s: ...\")", c, c)
		}
	}
}
