package ftptest

import (
	"crypto/tls"
	"io"
	"time"
)

// An Option configures a Server.
type Option func(*config)

type config struct {
	addr        string
	user        string
	password    string
	anonymous   bool
	tls         bool
	implicit    bool
	tlsConfig   *tls.Config
	log         io.Writer
	maxSessions int
	timeout     time.Duration // for tests; zero means DefaultTimeout
}

// WithTLS enables explicit FTPS (AUTH TLS). With a nil cfg the server uses
// a certificate for 127.0.0.1, ::1 and localhost issued by a fresh CA; see
// Server.CA and Server.ClientTLSConfig.
func WithTLS(cfg *tls.Config) Option {
	return func(c *config) { c.tls, c.implicit, c.tlsConfig = true, false, cfg }
}

// WithImplicitTLS enables implicit FTPS: TLS from the first byte. A nil cfg
// is handled as by WithTLS.
func WithImplicitTLS(cfg *tls.Config) Option {
	return func(c *config) { c.tls, c.implicit, c.tlsConfig = true, true, cfg }
}

// WithCredentials sets the user name and password that log in (default
// "test" and "test").
func WithCredentials(user, password string) Option {
	return func(c *config) { c.user, c.password = user, password }
}

// WithAnonymous also lets "anonymous" and "ftp" log in, with any password,
// read-only.
func WithAnonymous() Option {
	return func(c *config) { c.anonymous = true }
}

// WithLogger writes a transcript of every session (commands, with
// passwords hidden, and replies) to w.
func WithLogger(w io.Writer) Option {
	return func(c *config) { c.log = w }
}

// WithAddr sets the listening address, which must be a loopback address
// such as "[::1]:0" (default "127.0.0.1:0").
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithMaxSessions limits the sessions the Server holds at once to n (no
// limit if n <= 0). Beyond it, as vsftpd's max_clients, a new connection
// gets "421 Too many connections (n)" and is closed: what a client that
// keeps a pool of connections must survive. See Server.PeakSessions.
func WithMaxSessions(n int) Option {
	return func(c *config) { c.maxSessions = n }
}
