//go:build !unix

package engineio

// nonBlockingWrites tells that writeFD is available: not on this system,
// where every websocket write goes through the session's writer goroutine.
const nonBlockingWrites = false

func writeFD(uintptr, []byte) (int, error) { return 0, errWouldBlock }
