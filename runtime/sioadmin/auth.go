package sioadmin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogen/siogen/runtime/sio"
)

// maxSessions bounds the sessions kept in memory; the oldest goes first.
const maxSessions = 1000

// maxChecks is how many bcrypt comparisons run at once: each takes tens of
// milliseconds of CPU, so a flood of logins waits rather than starving the
// server.
const maxChecks = 2

// authenticator checks the UI's credentials and remembers its sessions.
type authenticator struct {
	user   []byte
	hash   []byte
	ttl    time.Duration
	checks chan struct{} // semaphore of maxChecks

	mu       sync.Mutex
	sessions map[string]time.Time // id -> expiry
}

func newAuthenticator(b *BasicAuth, ttl time.Duration) *authenticator {
	return &authenticator{
		user:     []byte(b.Username),
		hash:     []byte(b.PasswordHash),
		ttl:      ttl,
		checks:   make(chan struct{}, maxChecks),
		sessions: make(map[string]time.Time),
	}
}

// credentials is the auth payload the UI sends: a session id when it
// reconnects, or the login form's fields.
type credentials struct {
	SessionID string `json:"sessionId"`
	Username  string `json:"username"`
	Password  string `json:"password"`
}

// errInvalid is the reference's refusal, which the UI recognizes to show
// its login form again.
var errInvalid = &sio.Error{Code: sio.CodeUnauthenticated, Message: "invalid credentials"}

// authenticate is the admin namespace's middleware.
func (a *Admin) authenticate(ctx context.Context, s *sio.Socket) error {
	if a.isClosed() {
		return &sio.Error{Code: sio.CodeUnauthenticated, Message: "admin closed"}
	}
	if a.auth == nil {
		return nil
	}
	var c credentials
	if err := s.Handshake().Auth.Decode(&c); err != nil {
		a.log.Debug("admin login refused: unreadable auth", "err", err)
		return errInvalid
	}
	if c.SessionID != "" && a.auth.valid(c.SessionID) {
		return nil
	}
	ok, err := a.auth.check(ctx, c.Username, c.Password)
	if err != nil {
		return err
	}
	if !ok {
		a.log.Debug("admin login refused: invalid credentials", "address", s.Handshake().Address)
		return errInvalid
	}
	a.mu.Lock()
	a.logins[s] = a.auth.newSession()
	a.mu.Unlock()
	// Forgotten when the socket ends, connected or not (its context is
	// canceled either way), in case it never reaches welcome.
	context.AfterFunc(s.Context(), func() {
		a.mu.Lock()
		delete(a.logins, s)
		a.mu.Unlock()
	})
	return nil
}

// check compares the credentials, always running bcrypt so that a wrong user
// name takes as long as a wrong password.
func (au *authenticator) check(ctx context.Context, user, password string) (bool, error) {
	select {
	case au.checks <- struct{}{}:
	case <-ctx.Done():
		return false, errInvalid
	}
	defer func() { <-au.checks }()
	sameUser := subtle.ConstantTimeCompare([]byte(user), au.user) == 1
	samePassword := bcrypt.CompareHashAndPassword(au.hash, []byte(password)) == nil
	return sameUser && samePassword, nil
}

// valid reports whether id is a live session.
func (au *authenticator) valid(id string) bool {
	au.mu.Lock()
	defer au.mu.Unlock()
	exp, ok := au.sessions[id]
	if ok && time.Now().After(exp) {
		delete(au.sessions, id)
		return false
	}
	return ok
}

// newSession makes and remembers a session id of 128 random bits.
func (au *authenticator) newSession() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	now := time.Now()
	au.mu.Lock()
	defer au.mu.Unlock()
	if len(au.sessions) >= maxSessions {
		var oldest string
		var at time.Time
		for k, exp := range au.sessions {
			if now.After(exp) {
				delete(au.sessions, k)
				continue
			}
			if oldest == "" || exp.Before(at) {
				oldest, at = k, exp
			}
		}
		if len(au.sessions) >= maxSessions {
			delete(au.sessions, oldest)
		}
	}
	au.sessions[id] = now.Add(au.ttl)
	return id
}
