package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOwnModule follows the README's "In your own module" in a new module
// that depends on this checkout (through a replace, as siogen is not
// published): go get -tool, siogen init, go generate, go mod tidy, a build
// of a server on the generated code. It uses the go command on the PATH,
// with the build and module caches of the environment.
func TestOwnModule(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on the PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	gocmd := func(extraEnv []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir = mod
		cmd.Env = append(env, extraEnv...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	gocmd(nil, "mod", "init", "example.com/app")
	gocmd(nil, "mod", "edit", "-replace", "github.com/siogen/siogen="+root)
	// The checkout's checksums, so that no checksum database is asked.
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	// GOPROXY=off: the module is not published, and a proxy that answers
	// "forbidden" rather than "not found" for it stops go get before it
	// looks at the replace. Its requirements come from the module cache.
	// Building this test put there what the build needs, but not every
	// go.mod of the module graph (yaml.v3's go.mod predates graph pruning,
	// so go get reads its requirements' go.mod files too): listing the
	// checkout's whole graph fetches them, through the environment's proxy.
	list := exec.Command(goBin, "list", "-m", "all")
	list.Dir = root
	list.Env = env
	if out, err := list.CombinedOutput(); err != nil {
		t.Fatalf("go list -m all in the checkout: %v\n%s", err, out)
	}
	gocmd([]string{"GOPROXY=off"}, "get", "-tool", "github.com/siogen/siogen/cmd/siogen")

	out := gocmd(nil, "tool", "siogen", "init", "api")
	if !strings.Contains(out, "go generate ./...") {
		t.Errorf("siogen init printed:\n%s", out)
	}
	gocmd(nil, "generate", "./...")
	if _, err := os.Stat(filepath.Join(mod, "api", "gen", "app", "app.siogen.go")); err != nil {
		t.Fatalf("go generate did not write the Go package: %v", err)
	}
	main := `package main

import (
	"context"
	"net/http"
	"time"

	"github.com/siogen/siogen/runtime/sio"

	"example.com/app/api/gen/app"
)

type server struct{ app.UnimplementedMainServer }

func (server) Hello(ctx context.Context, s app.MainSocket, in *app.Greeting) (*app.Reply, error) {
	return &app.Reply{Text: "hello, " + in.Name, At: time.Now()}, nil
}

func main() {
	srv := sio.NewServer(nil)
	app.RegisterMainServer(srv, server{})
	http.Handle("/socket.io/", srv)
}
`
	if err := os.WriteFile(filepath.Join(mod, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	gocmd(nil, "mod", "tidy")
	gomod, err := os.ReadFile(filepath.Join(mod, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\ntool github.com/siogen/siogen/cmd/siogen\n", "\nrequire github.com/siogen/siogen v"} {
		if !strings.Contains(string(gomod), want) {
			t.Errorf("go mod tidy left go.mod without %q:\n%s", strings.TrimSpace(want), gomod)
		}
	}
	gocmd(nil, "build", "-o", os.DevNull, ".")
	if out := gocmd(nil, "tool", "siogen", "check", "-config", "api/siogen.yaml"); out != "" {
		t.Errorf("siogen check after go generate: %s", out)
	}
	if out := gocmd(nil, "tool", "siogen", "--version"); out != "siogen (devel)\n" {
		t.Errorf("siogen --version through a replace: %q", out)
	}
}

// TestGenerateDirectives lists what go generate ./... runs in this module:
// siogen's own directive, never a line of init's templates (go generate
// reads every line of a Go file, string literals too).
func TestGenerateDirectives(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on the PATH")
	}
	cmd := exec.Command(goBin, "generate", "-n", "./...")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go generate -n: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "go tool siogen") {
		t.Errorf("go generate ./... would run init's template:\n%s", out)
	}
}
