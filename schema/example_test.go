package schema_test

import (
	"fmt"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
)

func ExampleLoad() {
	fsys := fstest.MapFS{
		"chat.siogen.yaml": {Data: []byte(`
siogen: 1
package: chat
types:
  Message:
    fields:
      text: { type: string, max_length: 4000 }
      sent_at: timestamp
namespaces:
  /chat:
    events:
      message:new: { from: server, payload: Message }
      connect: { from: client }
      message:send: { from: client, payload: Mesage, ack: Message }
`)},
	}
	set, diags := schema.Load(fsys, "chat.siogen.yaml")
	fmt.Print(diags)
	ev := set.Roots[0].Namespace("/chat").Event("message:new")
	fmt.Println(ev.GoName, ev.From, ev.Payload.Target.Fields[0].Name)
	// Output:
	// chat.siogen.yaml:13:7: error[reserved-name]: event name "connect" is reserved by Socket.IO
	// chat.siogen.yaml:14:46: error[unresolved]: unknown type "Mesage"; did you mean "Message"?
	// MessageNew server text
}

// ExampleDirFS loads a contract kept outside the working directory, as a
// Go module beside a contracts/ folder would; its import is followed and
// the files keep the names they were reached by.
func ExampleDirFS() {
	set, diags := schema.Load(schema.DirFS("."), "../examples/schemas/chat.siogen.yaml")
	fmt.Print(diags)
	for _, f := range set.Files {
		fmt.Println(f.Path)
	}
	// Output:
	// ../examples/schemas/common.siogen.yaml
	// ../examples/schemas/chat.siogen.yaml
}
