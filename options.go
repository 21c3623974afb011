package ftp

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// DefaultTimeout bounds each network wait (a connect, a reply, a read or
// write on a data connection) when no WithTimeout option is given.
const DefaultTimeout = 30 * time.Second

// DefaultMaxLineLength is the longest reply line, and the longest line in
// a line-mode transfer, accepted by default (ftplib's maxline).
const DefaultMaxLineLength = 8192

// A DialOption configures a Conn. Pass options to Dial.
type DialOption func(*config) error

type tlsMode int

const (
	tlsNone tlsMode = iota
	tlsExplicit
	tlsImplicit
	tlsManual // configured, secured by AuthTLS or Login
)

type config struct {
	timeout     time.Duration
	dialer      net.Dialer
	active      bool
	trustPASV   bool
	disableEPSV bool
	maxLine     int
	debug       debugSink
	tlsConfig   *tls.Config
	tlsMode     tlsMode
	clearData   bool
	noReuse     bool
	listParser  listing.Parser
}

func defaultConfig() config {
	return config{timeout: DefaultTimeout, maxLine: DefaultMaxLineLength}
}

// WithTimeout bounds each network wait: connecting, every reply, every
// read or write of a data connection, and the TLS handshakes. A context
// deadline that comes sooner wins. The default is DefaultTimeout; a
// timeout of zero or less is refused (ftplib refuses timeout=0 too),
// since a wait with no bound could hang forever.
func WithTimeout(d time.Duration) DialOption {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("ftp: WithTimeout needs a positive duration")
		}
		c.timeout = d
		return nil
	}
}

// WithDialer sets the dialer for the control connection. Its LocalAddr,
// if any, is also the source address of passive data connections and of
// the active-mode listener (ftplib's source_address). Its Timeout is
// ignored in favour of WithTimeout and the context.
func WithDialer(d *net.Dialer) DialOption {
	return func(c *config) error {
		c.dialer = *d
		return nil
	}
}

// WithLocalAddr binds the control connection and the data connections to
// the local IP address ip (ftplib's source_address). An "ip:port" form
// fixes the control connection's port too; data connections always use
// an ephemeral port.
func WithLocalAddr(addr string) DialOption {
	return func(c *config) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			host, port = addr, "0"
		}
		ap, err := net.ResolveTCPAddr("tcp", net.JoinHostPort(host, port))
		if err != nil {
			return err
		}
		c.dialer.LocalAddr = ap
		return nil
	}
}

// WithActiveMode makes data connections active: the client listens and
// the server connects to it (PORT, or EPRT on IPv6). The default is
// passive mode. See also Conn.SetPassive.
func WithActiveMode() DialOption {
	return func(c *config) error {
		c.active = true
		return nil
	}
}

// WithTrustedPASVAddress makes passive data connections go to the address
// in the server's 227 reply. By default that address is ignored and the
// control connection's peer address is used (as in ftplib since
// CVE-2021-4189), so a hostile server cannot direct the client elsewhere.
func WithTrustedPASVAddress() DialOption {
	return func(c *config) error {
		c.trustPASV = true
		return nil
	}
}

// WithDisabledEPSV makes passive mode use PASV only. By default EPSV is
// tried first on IPv4 and IPv6, and PASV is used (and remembered) once a
// server refuses EPSV.
func WithDisabledEPSV() DialOption {
	return func(c *config) error {
		c.disableEPSV = true
		return nil
	}
}

// WithMaxLineLength sets the longest reply line, and the longest line in
// RetrLines and StorLines, in bytes including the line terminator. The
// default is DefaultMaxLineLength. ftplib counts decoded characters; this
// package counts bytes.
func WithMaxLineLength(n int) DialOption {
	return func(c *config) error {
		if n < 16 {
			return errors.New("ftp: WithMaxLineLength needs at least 16 bytes")
		}
		c.maxLine = n
		return nil
	}
}

// WithListParser sets how ReadDir, Stat, Walk and the ftpfs view parse
// LIST output on servers without MLSD: they use a copy of p. Set
// p.Format to choose a format instead of detecting it, p.Location to
// the server's time zone (LIST times are otherwise read in UTC), p.Now
// to the server's clock for placing "Mon DD HH:MM" dates in a year, and
// p.KeepVMSVersion to keep VMS version suffixes. If p.Hint is unset,
// the server's SYST reply provides it. MLSD times are always UTC and
// need none of this.
func WithListParser(p listing.Parser) DialOption {
	return func(c *config) error {
		c.listParser = p
		return nil
	}
}

// WithDebug writes the session to w in the style of ftplib's debug
// output: level 1 shows commands ("*cmd*") and replies ("*resp*"), level
// 2 also every line sent ("*put*") and received ("*get*"), level 3 also
// every line of a RetrLines transfer ("*retr*"). The argument of PASS and
// ACCT is always masked.
func WithDebug(level int, w io.Writer) DialOption {
	return func(c *config) error {
		c.debug.level, c.debug.w = level, w
		return nil
	}
}

// WithLogger sends the same events as WithDebug to l, at slog.LevelDebug,
// with the attributes "event" (cmd, resp, welcome, put, get, retr) and
// "text".
func WithLogger(level int, l *slog.Logger) DialOption {
	return func(c *config) error {
		c.debug.level, c.debug.log = level, l
		return nil
	}
}
