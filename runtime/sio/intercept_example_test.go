package sio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// An interceptor that logs every event a server handles and every emit it
// makes, with the outcome: given in ServerOptions, it wraps every typed
// handler and emit of every namespace.
func ExampleInterceptorFunc() {
	logging := sio.InterceptorFunc(func(next sio.InvokeFunc) sio.InvokeFunc {
		return func(ctx context.Context, c *sio.Invocation) (any, error) {
			r, err := next(ctx, c)
			fmt.Printf("%s %s %s: result %v, code %q\n", c.Direction, c.Namespace, c.Event, r, sio.CodeOf(err))
			return r, err
		}
	})
	srv := sio.NewServer(&sio.ServerOptions{Interceptors: []sio.Interceptor{logging}})
	sio.HandleAck(srv.Of("/math"), "double", func(ctx context.Context, s *sio.Socket, n int) (int, error) {
		return 2 * n, nil
	}, sio.WithAckStyle(sio.AckPlain))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, hs.URL+"/math", nil)
	if err != nil {
		panic(err)
	}
	defer cs.Manager().Close()
	n, err := sio.Call[int](ctx, cs, sio.AckPlain, "double", 21)
	fmt.Println(n, err)
	// Output:
	// inbound /math double: result 42, code ""
	// 42 <nil>
}

// An interceptor that rejects events: passed to a handler (or to a
// generated Register function) with WithInterceptors, it refuses "delete"
// to clients without the admin role, which get the *sio.Error as their
// acknowledgement; the handler never runs.
func ExampleWithInterceptors() {
	adminOnly := sio.InterceptorFunc(func(next sio.InvokeFunc) sio.InvokeFunc {
		return func(ctx context.Context, c *sio.Invocation) (any, error) {
			if c.Direction == sio.Inbound && c.Socket.Data() != "admin" {
				return nil, sio.NewError("permission_denied", "%s needs the admin role", c.Event)
			}
			return next(ctx, c)
		}
	})
	srv := sio.NewServer(nil)
	docs := srv.Of("/docs")
	docs.Use(func(ctx context.Context, s *sio.Socket) error {
		var auth struct{ Role string }
		_ = s.Handshake().Auth.Decode(&auth)
		s.SetData(auth.Role)
		return nil
	})
	sio.HandleAck(docs, "delete", func(ctx context.Context, s *sio.Socket, id string) (struct{}, error) {
		fmt.Println("deleted", id)
		return struct{}{}, nil
	}, sio.WithInterceptors(adminOnly))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, role := range []string{"guest", "admin"} {
		cs, err := sio.Dial(ctx, hs.URL+"/docs", &sio.ClientOptions{Auth: map[string]string{"role": role}})
		if err != nil {
			panic(err)
		}
		_, err = sio.Call[struct{}](ctx, cs, sio.AckEnvelope, "delete", "doc-1")
		fmt.Println(role, err)
		cs.Manager().Close()
	}
	// Output:
	// guest sio: permission_denied: delete needs the admin role
	// deleted doc-1
	// admin <nil>
}
