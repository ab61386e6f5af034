// Command bot is a chat bot for the siogen chat example, written with the Go
// client generated from examples/schemas/chat.siogen.yaml: it joins a room
// and answers commands (!help, !ping, !time, !echo, !roll).
//
//	go run ./examples/chat/bot -url http://127.0.0.1:8080 -room lobby
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
