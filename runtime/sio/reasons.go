package sio

import "github.com/siogen/siogen/runtime/engineio"

// DisconnectReason says why a socket disconnected; the values are the
// JavaScript implementation's.
type DisconnectReason string

const (
	ReasonTransportClose            DisconnectReason = "transport close"
	ReasonTransportError            DisconnectReason = "transport error"
	ReasonPingTimeout               DisconnectReason = "ping timeout"
	ReasonParseError                DisconnectReason = "parse error"
	ReasonServerShuttingDown        DisconnectReason = "server shutting down"
	ReasonForcedServerClose         DisconnectReason = "forced server close"
	ReasonForcedClose               DisconnectReason = "forced close"
	ReasonServerNamespaceDisconnect DisconnectReason = "server namespace disconnect"
	ReasonClientNamespaceDisconnect DisconnectReason = "client namespace disconnect"
	ReasonSendQueueFull             DisconnectReason = "send queue full"
	// ReasonTooManyRefusals: the socket's events were refused by their
	// limits too often (see [Namespace.DisconnectAfter]).
	ReasonTooManyRefusals DisconnectReason = "too many refused events"
	// ReasonIOServerDisconnect is what a client sees when the server
	// disconnected its socket; it does not reconnect.
	ReasonIOServerDisconnect DisconnectReason = "io server disconnect"
	// ReasonIOClientDisconnect is what a client sees after its own Close or
	// Disconnect.
	ReasonIOClientDisconnect DisconnectReason = "io client disconnect"
)

// fromEngine maps an Engine.IO close reason to a disconnect reason.
func fromEngine(r engineio.Reason) DisconnectReason {
	switch r {
	case engineio.ReasonTransportClose:
		return ReasonTransportClose
	case engineio.ReasonPingTimeout:
		return ReasonPingTimeout
	case engineio.ReasonParseError:
		return ReasonParseError
	case engineio.ReasonServerShutdown:
		return ReasonServerShuttingDown
	case engineio.ReasonForcedClose:
		return ReasonForcedServerClose
	case engineio.ReasonSendQueueFull:
		return ReasonSendQueueFull
	}
	return ReasonTransportError
}

// recoverable reports whether a socket that disconnected for r may have its
// session restored (connection state recovery).
func (r DisconnectReason) recoverable() bool {
	switch r {
	case ReasonTransportClose, ReasonTransportError, ReasonPingTimeout,
		ReasonServerShuttingDown, ReasonForcedServerClose, ReasonForcedClose:
		return true
	}
	return false
}
