package jsonschemagen_test

import (
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/runtime/siovalidate"
)

// TestDocumentsCompile compiles every generated document with a 2020-12
// validator, which also checks each against the 2020-12 metaschema, then
// validates values that reach the corner cases of the mapping.
func TestDocumentsCompile(t *testing.T) {
	t.Parallel()
	const base = "https://siogen.dev/schemas/"
	for _, c := range goldenInputs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			set := goldentest.Load(t, c.dir, c.inputs...)
			files, err := jsonschemagen.Generate(set, jsonschemagen.Options{BaseID: base})
			if err != nil {
				t.Fatal(err)
			}
			docs := make([][]byte, len(files))
			for i, f := range files {
				docs[i] = f.Content
			}
			v, err := siovalidate.New(docs...)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.IDs()) != len(files) {
				t.Fatalf("compiled %d of %d documents", len(v.IDs()), len(files))
			}
			if c.name != "edge" {
				return
			}
			values := []struct {
				doc, data string
				valid     bool
			}{
				{"edge/Blob.json", `"AAAA"`, false},                 // 3 bytes < min 4
				{"edge/Blob.json", `"AAAAAA"`, false},               // unpadded
				{"edge/Blob.json", `"AAAAAA=="`, true},              // 4 bytes
				{"edge/Blob.json", `"AAAAAAAAAAAAAA=="`, true},      // 10 bytes
				{"edge/Blob.json", `"AAAAAAAAAAAAAAA="`, false},     // 11 bytes > max 10
				{"edge/Blob.json", `"AAAAAAAAAAAAAAAAAAAA"`, false}, // 15 bytes > max 10
				{"edge/Blob.json", `{"_placeholder":true,"num":3}`, true},
				{"edge/Main/Legacy.payload.json", `["a", null]`, true},
				{"edge/Main/Legacy.payload.json", `["a"]`, false},
				{"edge/Main/Legacy.ack.json", `{"content-type":"x","ratio":null}`, true},
				{"edge/Main/Legacy.ack.json", `{"content-type":"x","ratio":3}`, false},
				{"edge/Main/Legacy.ack.json", `{"content-type":"x","ratio":1,"shape":{"type":"square","side":1}}`, true},
				{"edge/Main/Legacy.ack.json", `{"content-type":"x","ratio":1,"shape":{"type":"square","r":1}}`, false},
				{"edge/Main/Legacy.ack.json", `{"content-type":"x","ratio":1,"when":"2024-01-01T00:00:00Z","level":"very-loud"}`, true},
				{"edge/Main/Tick.payload.json", `2147483648`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":true}`, true},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"internal","message":"x"}}`, true},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"not_found","message":"x"}}`, false},
				// blob:upload has limits: the runtime's resource_exhausted, closed details.
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate","max":5,"retry_after_ms":400}}}`, true},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"payload","max":1024}}}`, true},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x"}}`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"speed","max":5}}}`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate"}}}`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate","max":5,"retry_after_ms":0}}}`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate","max":5,"extra":1}}}`, false},
				{"edge/Main/BlobUpload.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate","max":1.5}}}`, false},
				// blob:check has none: resource_exhausted is not among its codes.
				{"edge/Main/BlobCheck.ack.json", `{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"rate","max":5,"retry_after_ms":400}}}`, false},
				{"edge/Main/BlobCheck.ack.json", `{"ok":false,"error":{"code":"internal","message":"x"}}`, true},
				{"edge/Main/auth.json", `{"key":"k"}`, true},
				{"edge/Main/Fire.payload.json", `{}`, true},
				{"edge/Main/Fire.payload.json", `{"a":1}`, false},
			}
			for _, val := range values {
				got := v.Validate(base+val.doc, []byte(val.data))
				if (len(got) == 0) != val.valid {
					t.Errorf("%s %s: valid = %v, want %v (%v)", val.doc, val.data, len(got) == 0, val.valid, got)
				}
			}
		})
	}
}
