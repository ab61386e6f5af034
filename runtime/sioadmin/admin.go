package sioadmin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/sio"
)

// Options configures [Instrument]. Auth, or NoAuth, must be set.
type Options struct {
	// Namespace is the admin namespace the UI connects to. Default "/admin".
	Namespace string
	// Auth holds the credentials the UI must give. Required unless NoAuth.
	Auth *BasicAuth
	// NoAuth lets anyone who reaches the server use the admin namespace:
	// see every client's handshake, disconnect them, emit to them. Only for
	// a server no one else can reach. Default false.
	NoAuth bool
	// ReadOnly refuses every action (join, leave, disconnect, emit); the UI
	// only watches. Default false.
	ReadOnly bool
	// Production sends the UI aggregated stats only: no list of sockets, no
	// live socket, room and event updates (the reference's mode
	// "production"). Default false: everything, as in its "development".
	Production bool
	// ServerID names this node in the UI's list of servers. Default the
	// host name.
	ServerID string
	// StatsInterval is how often the stats are sent. Default 2s, as the
	// reference.
	StatsInterval time.Duration
	// SessionTTL is how long a login's session id stays valid. Default 24h.
	SessionTTL time.Duration
	// Logger receives debug logs (refused logins, ignored actions).
	// Default: silent unless SIOGEN_DEBUG names "sioadmin".
	Logger *slog.Logger
}

// BasicAuth is the UI's login: a user name and the bcrypt hash of the
// password, never the password itself.
type BasicAuth struct {
	// Username is the expected user name.
	Username string
	// PasswordHash is a bcrypt hash of the password ("$2a$", "$2b$" or
	// "$2y$"), as made by bcrypt.GenerateFromPassword or
	// `htpasswd -nbBC 10 "" password` (the part after the colon).
	PasswordHash string
}

// Admin is the admin namespace of one server, made by [Instrument]. It is
// safe for concurrent use; Close stops it.
type Admin struct {
	srv      *sio.Server
	nsp      *sio.Namespace
	opts     Options
	log      *slog.Logger
	auth     *authenticator
	started  time.Time
	hostname string
	features []string
	stop     func() // removes the observer

	mu        sync.Mutex
	logins    map[*sio.Socket]string // session ids to send once connected
	clients   map[string]int         // Engine.IO client id -> its local sockets
	polling   map[sockKey]bool       // local sockets last seen on polling
	events    map[eventKey]int       // aggregated events of the current interval
	closed    bool
	done      chan struct{} // closed by Close
	loopEnded chan struct{} // closed when the stats loop returns
}

type sockKey struct{ nsp, id string }

type eventKey struct {
	second  int64
	typ     string
	subType string
}

// The reference's feature names, sent in "config".
const (
	featureEmit        = "EMIT"
	featureJoin        = "JOIN"
	featureLeave       = "LEAVE"
	featureDisconnect  = "DISCONNECT"
	featureMJoin       = "MJOIN"
	featureMLeave      = "MLEAVE"
	featureMDisconnect = "MDISCONNECT"
	featureAggregated  = "AGGREGATED_EVENTS"
	featureAllEvents   = "ALL_EVENTS"
)

// Instrument adds the admin namespace to srv and starts sending stats. It
// fails when neither Options.Auth nor Options.NoAuth is set, or when the
// password hash is not a bcrypt hash. Call it before clients connect, so
// that every socket is seen; call [Admin.Close] before srv.Shutdown.
func Instrument(srv *sio.Server, opts *Options) (*Admin, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Namespace == "" {
		o.Namespace = "/admin"
	} else if o.Namespace[0] != '/' {
		o.Namespace = "/" + o.Namespace
	}
	if o.StatsInterval <= 0 {
		o.StatsInterval = 2 * time.Second
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 24 * time.Hour
	}
	if o.ServerID == "" {
		o.ServerID, _ = os.Hostname()
	}
	switch {
	case o.Auth == nil && !o.NoAuth:
		return nil, errors.New("sioadmin: failed to instrument: Options.Auth must be set, or NoAuth to let anyone in")
	case o.Auth != nil && o.NoAuth:
		return nil, errors.New("sioadmin: failed to instrument: Options.Auth and NoAuth are both set")
	case o.Auth != nil:
		if _, err := bcrypt.Cost([]byte(o.Auth.PasswordHash)); err != nil {
			return nil, fmt.Errorf("sioadmin: failed to instrument: Options.Auth.PasswordHash is not a bcrypt hash: %w", err)
		}
	}
	a := &Admin{
		srv:       srv,
		opts:      o,
		log:       logging.For(o.Logger, "sioadmin"),
		started:   time.Now(),
		logins:    make(map[*sio.Socket]string),
		clients:   make(map[string]int),
		polling:   make(map[sockKey]bool),
		events:    make(map[eventKey]int),
		done:      make(chan struct{}),
		loopEnded: make(chan struct{}),
	}
	a.hostname, _ = os.Hostname()
	if !o.ReadOnly {
		a.features = []string{featureEmit, featureJoin, featureLeave, featureDisconnect, featureMJoin, featureMLeave, featureMDisconnect}
	}
	a.features = append(a.features, featureAggregated)
	if !o.Production {
		a.features = append(a.features, featureAllEvents)
	}
	if o.Auth != nil {
		a.auth = newAuthenticator(o.Auth, o.SessionTTL)
	}

	// The observer first, then the sockets already there: a change in
	// between is seen twice at worst, never missed.
	a.stop = srv.Observe(sio.Observer{
		Packet:     a.onPacket,
		Connect:    a.onConnect,
		Disconnect: a.onDisconnect,
		Join:       a.onJoin,
		Leave:      a.onLeave,
	})
	for _, ns := range srv.Namespaces() {
		for _, s := range ns.Sockets() {
			a.track(s)
		}
	}

	a.nsp = srv.Of(o.Namespace)
	a.nsp.Use(a.authenticate)
	a.nsp.OnConnection(a.welcome)
	if !o.ReadOnly {
		a.registerActions()
	}
	go a.statsLoop()
	return a, nil
}

// Namespace returns the admin namespace.
func (a *Admin) Namespace() *sio.Namespace { return a.nsp }

// Close stops the stats and the live updates and disconnects the admin
// sockets; the namespace stays, refusing every connection. It returns once
// the stats loop has ended.
func (a *Admin) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		<-a.loopEnded
		return nil
	}
	a.closed = true
	close(a.done)
	a.mu.Unlock()
	a.stop()
	<-a.loopEnded
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return a.nsp.Local().DisconnectSockets(ctx, false)
}

func (a *Admin) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

// welcome sends a new admin socket its session, the config, the stats and,
// unless in production mode, every socket.
func (a *Admin) welcome(s *sio.Socket) {
	a.mu.Lock()
	id := a.logins[s]
	delete(a.logins, s)
	a.mu.Unlock()
	if id != "" {
		_ = s.Emit("session", id)
	}
	_ = s.Emit("config", map[string]any{"supportedFeatures": a.features})
	_ = s.Emit("server_stats", a.stats(false))
	if a.opts.Production {
		return
	}
	ctx, cancel := context.WithTimeout(s.Context(), 5*time.Second)
	defer cancel()
	_ = s.Emit("all_sockets", a.allSockets(ctx))
}

// allSockets serializes the sockets of every namespace, on every node.
func (a *Admin) allSockets(ctx context.Context) []serializedSocket {
	out := []serializedSocket{}
	for _, ns := range a.srv.Namespaces() {
		remote, err := ns.FetchSockets(ctx)
		if err != nil {
			a.log.Debug("failed to fetch sockets", "nsp", ns.Name(), "err", err)
		}
		for _, r := range remote {
			if s := ns.Socket(r.ID); s != nil {
				out = append(out, serialize(s))
			} else {
				out = append(out, serializeRemote(ns.Name(), r))
			}
		}
	}
	return out
}

// emit sends an event to every admin UI (on every node, through the
// adapter), unless the admin is closed.
func (a *Admin) emit(event string, args ...any) {
	if a.isClosed() {
		return
	}
	if err := a.nsp.Emit(event, args...); err != nil {
		a.log.Debug("failed to emit", "event", event, "err", err)
	}
}

// timestamp is t as JavaScript's Date serializes to JSON.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
