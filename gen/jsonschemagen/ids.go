package jsonschemagen

import (
	"path"
	"strings"

	"github.com/siogen/siogen/schema"
)

// DefaultBaseID is the $id prefix used when [Options.BaseID] is empty.
const DefaultBaseID = "https://siogen.dev/schemas/"

// TypePath returns the path of the document of the named type t, relative
// to the output directory: "chat/Message.json" for type Message of package
// chat. t must be a declaration (t.Name != "").
func TypePath(t *schema.Type) string {
	return t.File.Package + "/" + t.Name + ".json"
}

// PayloadPath returns the path of the document that validates the
// payload of ev ("chat/Chat/MessageSend.payload.json"), or "" when the
// event carries nothing to validate (no payload and no args).
func PayloadPath(ev *schema.Event) string {
	if ev.Payload == nil && ev.Args == nil {
		return ""
	}
	return eventDir(ev.Namespace) + "/" + ev.GoName + ".payload.json"
}

// AckPath returns the path of the document that validates the ack of ev
// ("chat/Chat/MessageSend.ack.json"), or "" when the event has no ack, or a
// plain-style ack without arguments.
func AckPath(ev *schema.Event) string {
	if !ev.Acked || (ev.AckStyle == schema.AckPlain && ev.Ack == nil && ev.AckArgs == nil) {
		return ""
	}
	return eventDir(ev.Namespace) + "/" + ev.GoName + ".ack.json"
}

// AuthPath returns the path of the document that validates the CONNECT
// auth payload of ns ("chat/Chat/auth.json"), or "" when ns takes no auth.
func AuthPath(ns *schema.Namespace) string {
	if ns.Auth == nil {
		return ""
	}
	return eventDir(ns) + "/auth.json"
}

// eventDir is the directory of a namespace's event documents: the
// package, then the namespace's Go name ("chat/Chat", "chat/Main" for "/").
// Type names never contain "/", so these never collide with type documents.
func eventDir(ns *schema.Namespace) string {
	return ns.File.Package + "/" + ns.GoName
}

// ID returns the $id of the document at p (one of the paths above) under
// baseID, [DefaultBaseID] when baseID is empty; "" when p is "".
func ID(baseID, p string) string {
	if p == "" {
		return ""
	}
	if baseID == "" {
		baseID = DefaultBaseID
	}
	return baseID + p
}

// relRef returns the relative URI reference from a document in directory
// fromDir to the document at to; both are paths under the output root.
func relRef(fromDir, to string) string {
	from := strings.Split(fromDir, "/")
	target := strings.Split(path.Dir(to), "/")
	i := 0
	for i < len(from) && i < len(target) && from[i] == target[i] {
		i++
	}
	var b strings.Builder
	for range from[i:] {
		b.WriteString("../")
	}
	for _, seg := range target[i:] {
		b.WriteString(seg)
		b.WriteByte('/')
	}
	b.WriteString(path.Base(to))
	return b.String()
}
