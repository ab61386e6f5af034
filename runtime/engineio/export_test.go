package engineio

import (
	"log/slog"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// CanPark tells the tests whether idle sessions park on this system.
const CanPark = canPark
