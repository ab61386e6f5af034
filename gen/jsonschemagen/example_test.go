package jsonschemagen_test

import (
	"fmt"
	"os"

	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/schema"
)

// Generate the documents of the example chat contract and list a few.
func ExampleGenerate() {
	set, diags := schema.Load(os.DirFS("../../examples/schemas"), "chat.siogen.yaml")
	if diags.HasErrors() {
		fmt.Print(diags)
		return
	}
	files, err := jsonschemagen.Generate(set, jsonschemagen.Options{BaseID: "https://example.com/schemas/"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files[:3] {
		fmt.Println(f.Path)
	}
	// Output:
	// chat/Answer.json
	// chat/Attachment.json
	// chat/AttachmentLink.json
}
