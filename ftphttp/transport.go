package ftphttp

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ftpkit/ftp"
)

// A Transport is an http.RoundTripper for ftp://, ftps:// and ftpes://
// URLs. It keeps one ftp.Client for each server and login (scheme, host,
// port, user and password), whose sessions the requests to that server
// share; a Client unused for the idle timeout is closed with its
// sessions. A Transport is safe for concurrent use. The zero Transport
// has the defaults of NewTransport without options.
type Transport struct {
	cfg config

	mu      sync.Mutex
	clients map[clientKey]*hostClient
	gen     uint64                        // numbers the idle timers
	closing map[*hostClient]chan struct{} // Clients idle timers are closing: closed when done
}

// idleTimeout is the idle timeout in force.
func (t *Transport) idleTimeout() time.Duration {
	if t.cfg.idleTimeout > 0 {
		return t.cfg.idleTimeout
	}
	return ftp.DefaultIdleTimeout
}

// An Option configures a Transport.
type Option func(*config)

type config struct {
	tls         *tls.Config
	netrc       bool
	netrcFile   string
	maxSessions int
	idleTimeout time.Duration
	client      []ftp.ClientOption
}

// WithTLSConfig sets the TLS configuration of ftps:// (implicit TLS) and
// ftpes:// (explicit TLS) sessions, for a certificate pool of one's own
// say. By default certificates are verified against the system's roots
// and the URL's host. Each session uses a copy with a TLS session cache
// of its own (see ftp.WithExplicitTLS).
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *config) { c.tls = cfg }
}

// WithNetrc makes the Transport take the credentials of a URL that has
// no password from the netrc file name, or from $NETRC or ~/.netrc if
// name is "", as ftp.NewConnector does. By default no netrc file is
// read: a URL without a user logs in anonymously, and a user without a
// password is an error.
func WithNetrc(name string) Option {
	return func(c *config) { c.netrc, c.netrcFile = true, name }
}

// WithMaxSessionsPerHost limits the sessions open at once to one server
// for one login (default ftp.DefaultMaxConns); requests beyond it wait
// for a session, as long as their context allows. n <= 0 keeps the
// default.
func WithMaxSessionsPerHost(n int) Option {
	return func(c *config) { c.maxSessions = n }
}

// WithIdleTimeout closes a session idle for d, and the ftp.Client of a
// server that no request has used for d (default ftp.DefaultIdleTimeout).
// d <= 0 keeps the default.
func WithIdleTimeout(d time.Duration) Option {
	return func(c *config) { c.idleTimeout = d }
}

// WithClientOptions adds options to every ftp.Client the Transport
// makes: timeouts, retries, active mode, logging, a list parser, ... The
// Transport's own options (TLS, netrc, session limit, idle timeout) are
// applied after them.
func WithClientOptions(opts ...ftp.ClientOption) Option {
	return func(c *config) { c.client = append(c.client, opts...) }
}

// NewTransport returns a Transport configured by opts.
func NewTransport(opts ...Option) *Transport {
	t := &Transport{}
	for _, o := range opts {
		o(&t.cfg)
	}
	return t
}

// RoundTrip carries out req, whose URL scheme must be ftp, ftps or
// ftpes, with the methods GET, HEAD, PUT and DELETE (any other is
// answered 405). It does not modify req, and closes req.Body. See the
// package documentation for what each request does and which failures
// are responses rather than errors.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if req.URL == nil {
		return nil, errors.New("ftphttp: nil Request.URL")
	}
	u, err := parseURL(req.URL)
	if err != nil {
		return nil, err
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
	default:
		h := http.Header{"Allow": {allowed}}
		return textResponse(req, http.StatusMethodNotAllowed, h, "ftphttp: method "+method+" not allowed\n"), nil
	}
	hc, err := t.acquire(u)
	if err != nil {
		return nil, err
	}
	r := &request{Request: req, method: method, url: u, c: hc.c, release: sync.OnceFunc(func() { t.release(hc) })}
	var resp *http.Response
	switch method {
	case http.MethodGet, http.MethodHead:
		resp, err = r.get()
	case http.MethodPut:
		resp, err = r.put()
	case http.MethodDelete:
		resp, err = r.delete()
	}
	if !r.held {
		r.release()
	}
	return resp, err
}

// allowed lists the methods a Transport carries out.
const allowed = "DELETE, GET, HEAD, PUT"

// parseURL reads the URL of a request with ftp.ParseURL, without its
// fragment (which HTTP does not send either).
func parseURL(ru *url.URL) (*ftp.URL, error) {
	v := *ru
	v.Fragment, v.RawFragment = "", ""
	return ftp.ParseURL(v.String())
}

// A request is one RoundTrip under way.
type request struct {
	*http.Request
	method  string
	url     *ftp.URL
	c       *ftp.Client
	release func() // gives the Client back to the Transport
	held    bool   // the response body releases the Client when it ends
}

// path is the remote path of the request's URL, with a trailing slash
// dropped ("pub/" is "pub", "/" stays); "" is the login directory.
func (r *request) path() string {
	p := r.url.Path
	if t := strings.TrimRight(p, "/"); t != "" {
		return t
	}
	if p != "" {
		return "/"
	}
	return ""
}
