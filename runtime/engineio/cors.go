package engineio

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CORSOptions configures the CORS headers of polling responses, like the
// reference server's cors option. Unless it allows any origin, the same
// list also guards websocket upgrades, to which browsers do not apply CORS:
// see ServerOptions.CORS.
type CORSOptions struct {
	// AllowedOrigins lists the origins allowed, exactly as browsers send them
	// ("https://example.com"); "*" allows any origin.
	AllowedOrigins []string
	// AllowOriginFunc, when set, decides for origins not in AllowedOrigins.
	AllowOriginFunc func(origin string) bool
	// AllowCredentials lets pages send cookies and HTTP auth: the request's
	// origin is echoed instead of "*" and
	// Access-Control-Allow-Credentials: true is added.
	AllowCredentials bool
	// AllowedHeaders lists the request headers allowed in preflights; by
	// default the requested headers are echoed.
	AllowedHeaders []string
	// MaxAge lets browsers cache a preflight answer. Zero sends no max age.
	MaxAge time.Duration
}

// allowed returns the Access-Control-Allow-Origin value for origin, or "".
func (o *CORSOptions) allowed(origin string) string {
	wildcard := false
	for _, a := range o.AllowedOrigins {
		if a == "*" {
			wildcard = true
		} else if a == origin && origin != "" {
			return origin
		}
	}
	if origin != "" && o.AllowOriginFunc != nil && o.AllowOriginFunc(origin) {
		return origin
	}
	if wildcard {
		if o.AllowCredentials && origin != "" {
			return origin // a wildcard is not allowed with credentials
		}
		return "*"
	}
	return ""
}

// refuses reports whether r comes from a page of an origin that o does
// not allow: r has an Origin header, which is neither allowed nor r's own
// host (a same-origin page).
func (o *CORSOptions) refuses(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || o.allowed(origin) != "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

// apply sets the CORS headers of a response, and answers a preflight request
// itself, reporting true when it did.
func (o *CORSOptions) apply(w http.ResponseWriter, r *http.Request) bool {
	h := w.Header()
	origin := r.Header.Get("Origin")
	allow := o.allowed(origin)
	if allow != "" {
		h.Set("Access-Control-Allow-Origin", allow)
		if allow != "*" {
			h.Add("Vary", "Origin")
		}
		if o.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
	if len(o.AllowedHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(o.AllowedHeaders, ","))
	} else if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if o.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(int(o.MaxAge.Seconds())))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true
}
