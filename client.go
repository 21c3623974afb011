package ftp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// A Client is an FTP client for automated jobs: it is safe for use by
// many goroutines at once, and runs each call on a session from a pool
// of logged-in Conns to one server, dialled as needed up to a limit
// (WithMaxConns) and reused most recently used first. Callers beyond the
// limit wait their turn, in the order they came, for as long as their
// context allows; a Client never fails a call with ErrBusy.
//
// Calls that fail for a passing reason (a broken connection, a data
// connection that did not open or broke, 421, 425, 426, 450, 451) are
// retried with exponential backoff and jitter (WithRetry); a download
// retried after a break resumes where it stopped. A session that failed
// on the network, timed out or was told 421 is closed, never reused. A
// server that refuses a session for its connection limit lowers the
// Client's limit instead of failing the call, and the limit grows back
// with time.
//
// Paths are relative to the directory the server puts the user in at
// login, or absolute; every call starts there, whatever an earlier call
// did (Do restores it).
//
// The methods that take a path return errors wrapped in *fs.PathError,
// matching fs.ErrNotExist, fs.ErrPermission and fs.ErrExist where the
// server's reply says which (see Error).
type Client struct {
	conn *Connector
	cfg  clientConfig
	pool *pool
}

// A ClientOption configures a Client. Every DialOption is a ClientOption
// too, applied to each of the Client's sessions.
type ClientOption interface {
	applyClient(*clientConfig) error
}

func (o DialOption) applyClient(c *clientConfig) error {
	c.dial = append(c.dial, o)
	return nil
}

type clientOption func(*clientConfig) error

func (o clientOption) applyClient(c *clientConfig) error { return o(c) }

type clientConfig struct {
	dial         []DialOption
	maxConns     int
	idleTimeout  time.Duration
	checkAfter   time.Duration
	checkTimeout time.Duration
	regrow       time.Duration
	retries      int
	backoffMin   time.Duration
	backoffMax   time.Duration
	onRetry      func(RetryEvent)
	logger       *slog.Logger
	segThreshold int64
}

// The defaults of a Client.
const (
	DefaultMaxConns    = 4
	DefaultIdleTimeout = 60 * time.Second
	DefaultRetries     = 3
)

func defaultClientConfig() clientConfig {
	return clientConfig{
		maxConns:     DefaultMaxConns,
		idleTimeout:  DefaultIdleTimeout,
		checkAfter:   15 * time.Second,
		checkTimeout: 10 * time.Second,
		regrow:       time.Minute,
		retries:      DefaultRetries,
		backoffMin:   250 * time.Millisecond,
		backoffMax:   10 * time.Second,
		segThreshold: 64 << 20,
	}
}

// WithMaxConns sets how many sessions a Client opens at most (default
// DefaultMaxConns). Any limit works, 1 included: a Client holds a
// session only while a call is on the wire.
func WithMaxConns(n int) ClientOption {
	return clientOption(func(c *clientConfig) error {
		if n < 1 {
			return errors.New("ftp: WithMaxConns needs at least 1")
		}
		c.maxConns = n
		return nil
	})
}

// WithIdleTimeout closes a session that has been idle in the pool for d
// (default DefaultIdleTimeout). A session idle for more than 15 s is
// checked with NOOP before it is used again.
func WithIdleTimeout(d time.Duration) ClientOption {
	return clientOption(func(c *clientConfig) error {
		if d <= 0 {
			return errors.New("ftp: WithIdleTimeout needs a positive duration")
		}
		c.idleTimeout = d
		c.checkAfter = min(c.checkAfter, d/2)
		return nil
	})
}

// WithRetry sets how many times a call that failed for a passing reason
// is tried again (default DefaultRetries; 0 turns retries off). The
// waits between tries grow from min to max, doubling, each shortened by
// a random part of up to a half (jitter), so that many clients do not
// come back together. Zero min or max keep the defaults, 250 ms and
// 10 s.
func WithRetry(n int, minWait, maxWait time.Duration) ClientOption {
	return clientOption(func(c *clientConfig) error {
		if n < 0 || minWait < 0 || maxWait < 0 {
			return errors.New("ftp: WithRetry needs non-negative values")
		}
		c.retries = n
		if minWait > 0 {
			c.backoffMin = minWait
		}
		if maxWait > 0 {
			c.backoffMax = maxWait
		}
		c.backoffMax = max(c.backoffMax, c.backoffMin)
		return nil
	})
}

// A RetryEvent describes a call that failed for a passing reason and is
// about to be tried again.
type RetryEvent struct {
	Op      string        // the Client method, such as "Download"
	Path    string        // the remote path
	Attempt int           // 1 for the first retry
	Err     error         // the failure
	Wait    time.Duration // the wait before the retry
	Offset  int64         // where a download or upload resumes, or 0
}

// WithRetryFunc calls f before each retry, for logging or counting;
// each retry is also logged at slog.LevelWarn on the logger of
// WithLogger. f is called from the goroutine of the call and must not
// block.
func WithRetryFunc(f func(RetryEvent)) ClientOption {
	return clientOption(func(c *clientConfig) error {
		c.onRetry = f
		return nil
	})
}

// NewClient returns a Client for the server of rawURL, whose scheme
// chooses clear text (ftp://), explicit TLS (ftpes://) or implicit TLS
// (ftps://), with the credentials of NewConnector: the URL's, else the
// netrc file's, else anonymous. No session is opened until a call needs
// one.
func NewClient(rawURL string, opts ...ClientOption) (*Client, error) {
	cfg := defaultClientConfig()
	for _, o := range opts {
		if err := o.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	conn, err := NewConnector(rawURL, cfg.dial...)
	if err != nil {
		return nil, err
	}
	return newClient(conn, cfg), nil
}

// NewClientFromConnector returns a Client whose sessions conn opens,
// for credentials and options set by hand (a password read from a
// prompt, say). DialOptions among opts are added to conn's Options.
func NewClientFromConnector(conn *Connector, opts ...ClientOption) (*Client, error) {
	cfg := defaultClientConfig()
	for _, o := range opts {
		if err := o.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.dial) > 0 {
		c := *conn
		c.Options = append(append([]DialOption(nil), conn.Options...), cfg.dial...)
		conn = &c
	}
	return newClient(conn, cfg), nil
}

func newClient(conn *Connector, cfg clientConfig) *Client {
	var dc config
	for _, o := range conn.Options {
		o(&dc)
	}
	cfg.logger = dc.debug.log
	c := &Client{conn: conn, cfg: cfg}
	c.pool = newPool(&c.cfg, c.connect)
	return c
}

// connect opens a session for the pool.
func (c *Client) connect(ctx context.Context) (*session, error) {
	conn, err := c.conn.Connect(ctx)
	if err != nil {
		return nil, err
	}
	// The login directory, to restore after a Do; FEAT, which every
	// session caches, read now so that a transfer under way can consult
	// it (REST STREAM for segments).
	home, err := conn.Pwd(ctx)
	if err == nil {
		_, err = conn.Features(ctx)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &session{Conn: conn, home: home}, nil
}

// Close ends the Client: idle sessions are sent QUIT (each within 5 s)
// and closed; calls still running, and their sessions, are ended with
// an error; calls waiting for a session fail. Those errors, and those of
// calls made after Close, match ErrClosed. It is safe to call more than
// once.
func (c *Client) Close() error {
	c.pool.close()
	return nil
}

// CloseIdle sends QUIT to the sessions idle in the pool and closes them;
// sessions in use are not affected, and the Client stays usable (as
// http.Transport's CloseIdleConnections).
func (c *Client) CloseIdle() {
	c.pool.closeIdle()
}

// logf logs a retry or limit change at slog.LevelWarn, if a logger was
// given with WithLogger.
func (cfg *clientConfig) logf(format string, args ...any) {
	if cfg.logger != nil {
		cfg.logger.Warn(fmt.Sprintf(format, args...))
	}
}

// lentKey marks a context carrying the session a Do lends to the calls
// made with it.
type lentKey struct{ c *Client }

// Do runs f with a session of its own, for work the Client's methods do
// not cover (raw commands, SITE, a directory change). f's context
// carries the session: the Client's methods called with it inside f use
// the same session instead of waiting for another, so they work at any
// limit, WithMaxConns(1) included. (With database/sql, by contrast, a
// query made while a Conn is held at MaxOpenConns(1) waits forever; this
// is why f takes a context of its own rather than only the Conn.)
//
// f must not use the Conn after it returns, nor from other goroutines.
// When f returns, the session goes back to the pool: a working directory
// f changed is restored first, and a session on which f sent raw
// commands (Cmd, VoidCmd, TransferCmd) or changed the session's settings
// (SetPassive, ProtC, CCC, Login, ...) is closed rather than reused. Do
// does not retry f.
func (c *Client) Do(ctx context.Context, f func(ctx context.Context, s *Conn) error) error {
	s, lent, err := c.session(ctx)
	if err != nil {
		return err
	}
	if lent {
		return f(ctx, s.Conn)
	}
	err = f(context.WithValue(ctx, lentKey{c}, s), s.Conn)
	c.pool.put(s, !c.restore(ctx, s))
	return err
}

// restore brings s back to its state at login after a Do, and reports
// whether it can be reused.
func (c *Client) restore(ctx context.Context, s *session) bool {
	switch {
	case s.closed.Load() || s.tainted:
		return false
	case !s.moved:
		return true
	}
	if err := s.Cwd(ctx, s.home); err != nil {
		return false
	}
	s.moved = false
	return true
}

// session returns the session lent by an enclosing Do (lent true), or
// one from the pool.
//
// A lent session that has broken is ErrClosed rather than a reason to
// wait for another: the Do holds a place in the pool until it returns,
// and at WithMaxConns(1) that wait would never end.
func (c *Client) session(ctx context.Context) (s *session, lent bool, err error) {
	if s, ok := ctx.Value(lentKey{c}).(*session); ok {
		if s.closed.Load() {
			return nil, true, ErrClosed
		}
		return s, true, nil
	}
	s, err = c.pool.get(ctx)
	return s, false, err
}

// run runs f on a session, retrying it on a new session after a
// passing failure, as the Client's methods do. op and path name the
// call in RetryEvents.
func (c *Client) run(ctx context.Context, op, path string, f func(ctx context.Context, s *Conn) error) error {
	return c.retry(ctx, op, path, nil, func(ctx context.Context) error {
		return c.onSession(ctx, f)
	})
}

// onSession runs f once on a session of the Client (the one lent by a
// Do, or one from the pool), and gives the session back.
func (c *Client) onSession(ctx context.Context, f func(ctx context.Context, s *Conn) error) error {
	s, lent, err := c.session(ctx)
	if err != nil {
		return err
	}
	err = f(ctx, s.Conn)
	if !lent {
		c.pool.put(s, broken(err))
	}
	return err
}
