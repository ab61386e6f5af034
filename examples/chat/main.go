// Command chat is the siogen example chat server: the generated handlers of
// examples/schemas/chat.siogen.yaml behind a web page written against the
// generated TypeScript types. See doc.go.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
