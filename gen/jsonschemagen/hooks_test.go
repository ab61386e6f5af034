package jsonschemagen_test

import (
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/runtime/siovalidate"
)

// TestHooks checks the functions gen/gogen plugs into: the ids it asks
// for exist, and each package's documents compile on their own.
func TestHooks(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml", "dashboard.siogen.yaml")
	opts := jsonschemagen.Options{BaseID: "https://x.test/"}
	id := jsonschemagen.IDFunc(set, opts)
	cases := map[[3]string]string{
		{"chat", "type", "Message"}:                  "https://x.test/chat/Message.json",
		{"chat", "payload", "Chat/message:send"}:     "https://x.test/chat/Chat/MessageSend.payload.json",
		{"chat", "ack", "Chat/message:send"}:         "https://x.test/chat/Chat/MessageSend.ack.json",
		{"chat", "auth", "Chat"}:                     "https://x.test/chat/Chat/auth.json",
		{"chat", "ack", "Chat/typing"}:               "",
		{"dashboard", "payload", "Dashboard/sample"}: "https://x.test/dashboard/Dashboard/Sample.payload.json",
		{"common", "type", "User"}:                   "https://x.test/common/User.json",
		{"chat", "type", "Nope"}:                     "",
	}
	for k, want := range cases {
		if got := id(k[0], k[1], k[2]); got != want {
			t.Errorf("IDFunc%q = %q, want %q", k, got, want)
		}
	}
	byPkg, err := jsonschemagen.PackageDocuments(set, opts)
	if err != nil {
		t.Fatal(err)
	}
	for pkg, docs := range byPkg {
		v, err := siovalidate.New(docs...)
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		if pkg == "chat" && !v.Has("https://x.test/common/User.json") {
			t.Error("chat's documents lack the common documents they refer to")
		}
	}
	if len(byPkg["common"]) >= len(byPkg["chat"]) {
		t.Errorf("common has %d documents, chat %d", len(byPkg["common"]), len(byPkg["chat"]))
	}
}
