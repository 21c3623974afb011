package ftp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// Dial connects to the FTP server at addr ("host:port"; the port defaults
// to 21, or 990 with WithImplicitTLS) and reads its greeting. With
// WithExplicitTLS it then secures the control connection with AUTH TLS
// before anything else is sent. It does not log in; call Login.
//
// A 1xx greeting (such as "120 ready in 5 minutes") is followed by
// waiting for the final greeting, bounded by the timeout; ftplib takes
// the 1xx as the welcome.
func Dial(ctx context.Context, addr string, opts ...DialOption) (*Conn, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	addr, host := withDefaultPort(addr, cfg.tlsMode == tlsImplicit)
	c := &Conn{cfg: cfg, host: host, passive: !cfg.active}
	if cfg.tlsMode != tlsNone {
		c.tlsConfig = dataTLSConfig(cfg.tlsConfig, host, cfg.noReuse)
	}

	d := cfg.dialer
	d.Timeout = cfg.timeout
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c.raw, c.nc = raw, raw
	c.rr = replyReader{r: bufio.NewReaderSize(raw, 4096), maxLine: cfg.maxLine, strict: true}
	if err := c.start(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// start runs the opening exchange: implicit TLS, greeting, AUTH TLS.
func (c *Conn) start(ctx context.Context) error {
	if c.cfg.tlsMode == tlsImplicit {
		if err := c.handshake(ctx); err != nil {
			return err
		}
	}
	r, err := c.read(ctx, "")
	if err != nil {
		return err
	}
	if r.kind() == '1' {
		c.cfg.debug.print(1, "welcome", r.Text)
		if r, err = c.read(ctx, ""); err != nil {
			return err
		}
	}
	c.cfg.debug.print(1, "welcome", r.Text)
	if err := replyError("", r); err != nil {
		return err
	}
	c.welcome = r
	if c.cfg.tlsMode == tlsExplicit {
		if _, err := c.authTLS(ctx); err != nil {
			return err
		}
	}
	return nil
}

// withDefaultPort adds the FTP port to addr when it has none, and returns
// the host part.
func withDefaultPort(addr string, implicit bool) (string, string) {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return addr, host
	}
	host := strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	port := "21"
	if implicit {
		port = "990"
	}
	return net.JoinHostPort(host, port), host
}

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
	timeout      time.Duration
	dialer       net.Dialer
	active       bool
	trustPASV    bool
	disableEPSV  bool
	maxLine      int
	debug        debugSink
	tlsConfig    *tls.Config
	tlsMode      tlsMode
	clearData    bool
	clearDataSet bool // by WithClearData
	noReuse      bool
	laxTLSClose  bool
	noPipelining bool
	listParser   listing.Parser
	netrc        string // WithNetrc's file, "-" for WithoutNetrc, "" for the default
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
// every line of a RetrLines transfer ("*retr*"). Level 1 also shows
// warnings ("*warn*") and the batches of Client.DownloadEach ("*batch*",
// how many transfers went in one write). The argument of PASS and ACCT
// is always masked. The sessions of a Client write to w one line at a
// time, so w need not be safe for concurrent use.
func WithDebug(level int, w io.Writer) DialOption {
	mu := new(sync.Mutex) // shared by every session the option is given to
	return func(c *config) error {
		c.debug.level, c.debug.w, c.debug.wmu = level, w, mu
		return nil
	}
}

// WithLogger sends the same events as WithDebug to l, at slog.LevelDebug,
// with the attributes "event" (cmd, resp, welcome, warn, batch, put,
// get, retr) and "text".
func WithLogger(level int, l *slog.Logger) DialOption {
	return func(c *config) error {
		c.debug.level, c.debug.log = level, l
		return nil
	}
}

// WithTLSConfig gives the TLS configuration for AuthTLS and for a Login
// that secures the control connection first, as ftplib's FTP_TLS does:
// the data channel stays in clear text until ProtP. Use WithExplicitTLS
// to have Dial and Login do all of it. A nil cfg means the defaults:
// certificates verified against the system roots and the dialled host.
//
// With a URL whose scheme asks for TLS (NewConnector, NewClient:
// "ftpes://", "ftps://"), WithTLSConfig only gives the configuration:
// the scheme's TLS stays, data connections protected, as with
// WithExplicitTLS(cfg) or WithImplicitTLS(cfg).
func WithTLSConfig(cfg *tls.Config) DialOption {
	return func(c *config) error {
		c.tlsConfig, c.tlsMode, c.clearData = cfg, tlsManual, true
		return nil
	}
}

// WithExplicitTLS makes Dial secure the control connection with AUTH TLS
// (RFC 4217) right after the greeting, and Login protect the data channel
// (PBSZ 0, PROT P). A server that refuses AUTH TLS makes Dial fail: there
// is no silent fallback to clear text. A nil cfg means the defaults.
//
// Every session uses a copy of cfg with a TLS session cache of its own
// (cfg's ClientSessionCache is not used), so that its data connections
// resume its control connection's TLS session, never another's; the same
// holds for WithImplicitTLS and WithTLSConfig.
func WithExplicitTLS(cfg *tls.Config) DialOption {
	return func(c *config) error {
		c.tlsConfig, c.tlsMode = cfg, tlsExplicit
		return nil
	}
}

// WithImplicitTLS makes the connection TLS from its first byte ("FTPS",
// port 990 by default), and Login protect the data channel. A nil cfg
// means the defaults.
func WithImplicitTLS(cfg *tls.Config) DialOption {
	return func(c *config) error {
		c.tlsConfig, c.tlsMode = cfg, tlsImplicit
		return nil
	}
}

// keepSchemeTLS keeps the TLS mode of a URL's scheme (NewConnector)
// when a later WithTLSConfig gave only the configuration.
func keepSchemeTLS(mode tlsMode) DialOption {
	return func(c *config) error {
		if c.tlsMode == tlsManual {
			c.tlsMode, c.clearData = mode, c.clearDataSet
		}
		return nil
	}
}

// WithClearData keeps data connections in clear text after a TLS login
// (no PROT P). The control connection stays secure.
func WithClearData() DialOption {
	return func(c *config) error {
		c.clearData, c.clearDataSet = true, true
		return nil
	}
}

// WithoutTLSSessionReuse stops data connections from resuming the
// control connection's TLS session. It is an escape hatch for a server
// that mishandles resumption; servers that require reuse (vsftpd with
// require_ssl_reuse, proftpd by default) then refuse every transfer.
func WithoutTLSSessionReuse() DialOption {
	return func(c *config) error {
		c.noReuse = true
		return nil
	}
}

// WithLaxTLSClose accepts a TLS download that ends without the server's
// close_notify when nothing else proves it whole. By default such a
// download (a listing, or a RETR whose size neither the 150 reply nor
// SIZE confirms) is ErrShortTransfer, since anyone on the path can end
// a TCP connection early; a server that closes TLS data connections
// properly never needs this.
func WithLaxTLSClose() DialOption {
	return func(c *config) error {
		c.laxTLSClose = true
		return nil
	}
}

// WithoutPipelining makes every command wait for the reply to the one
// before. By default a passive transfer sends EPSV and its transfer
// command (RETR, STOR, LIST, ...) in one write, once the server is known
// to answer EPSV (it lists it in FEAT, or has answered it), which saves
// a round trip per file; a server that mishandles that may need this.
func WithoutPipelining() DialOption {
	return func(c *config) error {
		c.noPipelining = true
		return nil
	}
}
