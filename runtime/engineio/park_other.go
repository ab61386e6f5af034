//go:build !linux

package engineio

// canPark tells that idle websocket sessions can give up their reader
// goroutine: not on this system, where every session keeps one.
const canPark = false

type parker struct{}

var sessionParker = &parker{}

func (*parker) park(*Conn, *wsWire) bool { return false }
func (*parker) forget(*Conn)             {}
