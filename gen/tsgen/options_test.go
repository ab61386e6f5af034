package tsgen_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/tsgen"
)

// TestOptions checks what the sides leave out, and that turning checks
// off changes the typed clients' defaults only.
func TestOptions(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml")
	tests := []struct {
		opts          tsgen.Options
		have, hasnt   []string
		clientDefault string
	}{
		{tsgen.Options{}, []string{"chat.client.ts", "chat.server.ts", "siogen.client.ts", "chat.validate.ts"}, nil,
			"new $c.Client(socket as unknown as $c.SocketLike, options);"},
		{tsgen.Options{Side: "client", NoValidateIncoming: true}, []string{"chat.client.ts", "siogen.client.ts", "chat.validate.ts"}, []string{"chat.server.ts"},
			"{ validateIncoming: false, ...options }"},
		{tsgen.Options{Side: "server", NoValidateOutgoing: true}, []string{"chat.server.ts", "chat.validate.ts", "siogen.validate.ts"}, []string{"chat.client.ts", "siogen.client.ts"}, ""},
		{tsgen.Options{NoValidateOutgoing: true, NoValidateIncoming: true}, []string{"chat.client.ts"}, nil,
			"{ validateOutgoing: false, validateIncoming: false, ...options }"},
	}
	for _, tt := range tests {
		files, err := tsgen.GenerateWith(set, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		client := ""
		for _, f := range files {
			paths = append(paths, f.Path)
			if f.Path == "chat.client.ts" {
				client = string(f.Content)
			}
		}
		for _, p := range tt.have {
			if !slices.Contains(paths, p) {
				t.Errorf("%+v: no %s in %v", tt.opts, p, paths)
			}
		}
		for _, p := range tt.hasnt {
			if slices.Contains(paths, p) {
				t.Errorf("%+v: %s in %v", tt.opts, p, paths)
			}
		}
		if tt.clientDefault != "" && !strings.Contains(client, tt.clientDefault) {
			t.Errorf("%+v: chat.client.ts lacks %q", tt.opts, tt.clientDefault)
		}
	}
}
