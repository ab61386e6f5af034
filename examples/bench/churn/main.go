// Command churn is the Go server of the churn scenarios of examples/bench
// (see internal/churnsrv); RECOVERY=1 turns connection state recovery on.
package main

import (
	"os"

	"github.com/siogen/siogen/examples/bench/internal/churnsrv"
	"github.com/siogen/siogen/examples/bench/internal/serve"
)

func main() { os.Exit(serve.Main("churn", churnsrv.Handler(os.Getenv("RECOVERY") == "1"))) }
