package ftp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Conn is one FTP control connection and the session on it.
//
// A Conn serves one call at a time. A call made while another is in
// progress, or while a DataConn from it is open, returns ErrBusy instead
// of corrupting the exchange; use one Conn per goroutine. Close may be
// called at any time, from any goroutine, to tear the connection down.
//
// A network failure or a cancelled context in the middle of an exchange
// leaves the session in an unknown state, so the Conn closes itself and
// later calls return ErrClosed.
type Conn struct {
	cfg  config
	host string // host name or IP used to dial, for TLS verification

	busy   sync.Mutex // held by the call (or DataConn) using the session
	closed atomic.Bool

	nc      net.Conn // control connection, *tls.Conn when secured
	raw     net.Conn // the TCP connection under nc
	rr      replyReader
	welcome Reply

	secure     bool // control channel is TLS
	protP      bool // data connections are TLS
	tlsConfig  *tls.Config
	epsvFailed bool
	passive    bool
	typ        string      // last TYPE sent successfully ("I", "A", ...)
	sess       sessionInfo // FEAT and SYST once known (features.go)
}

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

// Welcome returns the server's greeting (ftplib's getwelcome).
func (c *Conn) Welcome() Reply { return c.welcome }

// SetPassive chooses passive (true, the default) or active (false) data
// connections for later transfers (ftplib's set_pasv).
func (c *Conn) SetPassive(passive bool) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	c.passive = passive
	return nil
}

// acquire claims the session for one call.
func (c *Conn) acquire() error {
	if c.closed.Load() {
		return ErrClosed
	}
	if !c.busy.TryLock() {
		return ErrBusy
	}
	if c.closed.Load() {
		c.busy.Unlock()
		return ErrClosed
	}
	return nil
}

func (c *Conn) release() { c.busy.Unlock() }

// Close closes the control connection without sending anything (ftplib's
// close). It is safe to call more than once and from any goroutine; it
// interrupts a call in progress. Use Quit to end the session politely.
func (c *Conn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.raw.Close()
}

// arm bounds the I/O on nc by ctx and the configured timeout. The
// returned function disarms it.
func (c *Conn) arm(ctx context.Context, nc net.Conn) func() {
	nc.SetDeadline(c.deadline(ctx))
	return onCancel(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
}

// onCancel runs f when ctx is done, until the returned function is
// called. That function waits for an f already started, so that f cannot
// act after it returns (say, on the deadline of the next call).
func onCancel(ctx context.Context, f func()) func() {
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		f()
	})
	return func() {
		if !stop() {
			<-done
		}
	}
}

// deadline is now plus the timeout, or the context's deadline if sooner.
func (c *Conn) deadline(ctx context.Context) time.Time {
	d := time.Now().Add(c.cfg.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	return d
}

// fail closes the connection after a failed exchange and returns the
// error to report: the context's error when it caused the failure.
func (c *Conn) fail(ctx context.Context, err error) error {
	c.Close()
	if ctx.Err() == nil {
		// The network deadline set from ctx's deadline can fire a moment
		// before ctx's own timer: report that as the context's expiry.
		var ne net.Error
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) && errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
		}
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
		return fmt.Errorf("%w (%v)", cause, err)
	}
	return err
}

// send writes one command line, refusing CR, LF and NUL.
func (c *Conn) send(ctx context.Context, line string) error {
	if strings.ContainsAny(line, "\r\n\x00") {
		return ErrInvalidCommand
	}
	if c.closed.Load() {
		return ErrClosed
	}
	masked := maskCommand(line)
	c.cfg.debug.print(1, "cmd", masked)
	c.cfg.debug.print(2, "put", masked+"\r\n")
	stop := c.arm(ctx, c.nc)
	_, err := c.nc.Write([]byte(line + "\r\n"))
	stop()
	if err != nil {
		return c.fail(ctx, err)
	}
	return nil
}

// read reads one reply. cmd names the command it answers, for errors.
func (c *Conn) read(ctx context.Context, cmd string) (Reply, error) {
	if c.closed.Load() {
		return Reply{}, ErrClosed
	}
	stop := c.arm(ctx, c.nc)
	r, err := c.rr.readReply()
	stop()
	if err != nil {
		if errors.Is(err, ErrLineTooLong) {
			c.Close()
			// class ErrLineTooLong: the error matches it and ErrProtocol.
			return Reply{}, &Error{Text: err.Error(), Cmd: maskCommand(cmd), class: ErrLineTooLong}
		}
		return Reply{}, c.fail(ctx, err)
	}
	if c.cfg.debug.on(2) {
		for _, l := range r.Lines() {
			c.cfg.debug.print(2, "get", l)
		}
	}
	c.cfg.debug.print(1, "resp", r.Text)
	return r, nil
}

// cmd sends line and reads its reply, accepting 1xx-3xx (ftplib's
// sendcmd).
func (c *Conn) cmd(ctx context.Context, line string) (Reply, error) {
	if err := c.send(ctx, line); err != nil {
		return Reply{}, err
	}
	r, err := c.read(ctx, line)
	if err != nil {
		return r, err
	}
	if r.kind() == '2' && len(line) > 5 && strings.EqualFold(line[:5], "TYPE ") {
		c.typ = strings.ToUpper(line[5:])
	}
	return r, replyError(line, r)
}

// voidCmd is cmd requiring a 2xx reply (ftplib's voidcmd).
func (c *Conn) voidCmd(ctx context.Context, line string) (Reply, error) {
	r, err := c.cmd(ctx, line)
	if err == nil && r.kind() != '2' {
		err = unexpected(line, r)
	}
	return r, err
}

// Cmd sends a command built as fmt.Sprintf(format, args...) and returns
// the reply if it is 1xx, 2xx or 3xx; a 4xx or 5xx reply is an *Error
// matching ErrTemporary or ErrPermanent (ftplib's sendcmd). A command
// containing CR, LF or NUL is refused with ErrInvalidCommand.
func (c *Conn) Cmd(ctx context.Context, format string, args ...any) (Reply, error) {
	if err := c.acquire(); err != nil {
		return Reply{}, err
	}
	defer c.release()
	return c.cmd(ctx, fmt.Sprintf(format, args...))
}

// VoidCmd is Cmd requiring a 2xx reply; any other is an error matching
// ErrUnexpectedReply (ftplib's voidcmd).
func (c *Conn) VoidCmd(ctx context.Context, format string, args ...any) (Reply, error) {
	if err := c.acquire(); err != nil {
		return Reply{}, err
	}
	defer c.release()
	return c.voidCmd(ctx, fmt.Sprintf(format, args...))
}

// Quit sends QUIT and closes the connection, whatever the reply (ftplib
// leaves the connection open when QUIT fails; here it is closed either
// way and the failure is returned).
func (c *Conn) Quit(ctx context.Context) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	_, err := c.voidCmd(ctx, "QUIT")
	c.Close()
	return err
}

// Login logs in as user with password pass. An empty user means
// "anonymous", and an anonymous login with the password "" or "-" sends
// "anonymous@" or "-anonymous@" as ftplib does. If the server asks for
// an account (3xx after PASS), LoginAccount is needed.
//
// On a Conn dialled with WithExplicitTLS, Login then protects the data
// channel (PBSZ 0, PROT P) unless WithClearData was given.
func (c *Conn) Login(ctx context.Context, user, pass string) error {
	return c.LoginAccount(ctx, user, pass, "")
}

// LoginAccount is Login with an account for servers that ask for one:
// ACCT acct is sent after any 3xx reply to PASS (even when acct is empty,
// as ftplib does).
func (c *Conn) LoginAccount(ctx context.Context, user, pass, acct string) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	if user == "" {
		user = "anonymous"
	}
	if user == "anonymous" && (pass == "" || pass == "-") {
		pass += "anonymous@"
	}
	for _, s := range []string{user, pass, acct} {
		if strings.ContainsAny(s, "\r\n\x00") {
			return ErrInvalidCommand
		}
	}
	if c.tlsConfig != nil && !c.secure {
		if _, err := c.authTLS(ctx); err != nil {
			return err
		}
	}
	r, err := c.cmd(ctx, "USER "+user)
	if err == nil && r.kind() == '3' {
		r, err = c.cmd(ctx, "PASS "+pass)
	}
	if err == nil && r.kind() == '3' {
		r, err = c.cmd(ctx, "ACCT "+acct)
	}
	if err != nil {
		return err
	}
	if r.kind() != '2' {
		return unexpected("USER", r)
	}
	c.sess = sessionInfo{}
	if c.tlsConfig != nil && !c.cfg.clearData && !c.protP {
		return c.protectData(ctx)
	}
	return nil
}

// Account sends ACCT with the given account information (ftplib's acct).
func (c *Conn) Account(ctx context.Context, acct string) error {
	_, err := c.VoidCmd(ctx, "ACCT %s", acct)
	return err
}
