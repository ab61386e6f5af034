// Command siogen generates typed Socket.IO code from *.siogen.yaml
// contracts. Run "siogen help" for usage; the CLI lives in package
// github.com/siogen/siogen/cmd/siogen/internal/cli.
package main

import (
	"context"
	"os"

	"github.com/siogen/siogen/cmd/siogen/internal/cli"
)

func main() {
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
