package ftp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Conn is one FTP control connection and the session on it.
//
// A Conn serves one call at a time. A call made while another is in
// progress, or while a DataConn from it is open, returns ErrBusy instead
// of corrupting the exchange; use one Conn per goroutine, or a Client,
// which pools Conns. A call that takes several commands (ReadDir, Stat,
// Hash, Retrieve) holds the session from its first command to its last.
// Close may be called at any time, from any goroutine: it tears down the
// control connection and any data connection, so a call in progress
// returns at once.
//
// A network failure or a cancelled context in the middle of an exchange
// leaves the session in an unknown state, so the Conn closes itself and
// later calls return ErrClosed.
type Conn struct {
	cfg  config
	host string // host name or IP used to dial, for TLS verification

	busy   sync.Mutex // held by the call (or DataConn) using the session
	closed atomic.Bool

	mu   sync.Mutex // guards data
	data io.Closer  // the open data connection or active-mode listener

	nc      net.Conn // control connection, *tls.Conn when secured
	raw     net.Conn // the TCP connection under nc
	rr      replyReader
	welcome Reply

	secure     bool // control channel is TLS
	protP      bool // data connections are TLS
	tlsConfig  *tls.Config
	epsvFailed bool // EPSV refused: PASV from now on
	epsvOK     bool // EPSV answered 229: pipelining may rely on it
	noPipeline bool // a pipelined EPSV failed: one command at a time
	pipeOK     bool // the last pipelined EPSV was answered 229
	queued     int  // transfers of a batch sent, not yet begun (batch.go)
	passive    bool
	typ        string // last TYPE sent successfully ("I", "A", ...)

	// What the session has learnt of its server; forgotten by Login and
	// by securing the control connection, after which a server may
	// advertise more.
	feat      Features // nil until FEAT was sent
	syst      *string  // nil until SYST was sent
	noListAll bool     // the server refused "LIST -a"

	// What a caller changed of the session, for a Client that lends it
	// (Client.Do): moved by Cwd (or a failed return after Stat's CWD),
	// tainted by raw commands and changes of settings.
	moved, tainted bool
	loggedIn       bool
}

// Welcome returns the server's greeting (ftplib's getwelcome).
func (c *Conn) Welcome() Reply { return c.welcome }

// SetPassive chooses passive (true, the default) or active (false) data
// connections for later transfers (ftplib's set_pasv).
func (c *Conn) SetPassive(passive bool) error {
	return c.do(func() error {
		c.tainted = true
		c.passive = passive
		return nil
	})
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

// do runs f holding the session: every exported method that talks to the
// server goes through it (or acquire and release), and nothing it calls
// takes the session again.
func (c *Conn) do(f func() error) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	return f()
}

// Close closes the control connection, and any open data connection,
// without sending anything (ftplib's close). It is safe to call more
// than once and from any goroutine; a call in progress returns at once,
// with an error matching ErrClosed. Use Quit to end the session politely.
func (c *Conn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.mu.Lock()
	if c.data != nil {
		c.data.Close()
	}
	c.mu.Unlock()
	return c.raw.Close()
}

// track makes x, a data connection or listener, one that Close closes.
// It reports false, having closed x, when the Conn is already closed.
// untrack(x) undoes it.
func (c *Conn) track(x io.Closer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() {
		x.Close()
		return false
	}
	c.data = x
	return true
}

func (c *Conn) untrack(x io.Closer) {
	c.mu.Lock()
	if c.data == x {
		c.data = nil
	}
	c.mu.Unlock()
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

// fail closes the connection after a failed exchange on the control
// connection and returns the error to report.
func (c *Conn) fail(ctx context.Context, cmd string, err error) error {
	err = c.netError(ctx, cmd, "control", err)
	c.Close()
	return err
}

// netError describes err, a failure of I/O on the control or data
// connection during cmd: the context's error when the caller's context
// caused it, ErrClosed when Close did, else an *OpError naming the
// command, the connection and the timeout that fired.
func (c *Conn) netError(ctx context.Context, cmd, conn string, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		if errors.Is(err, cause) {
			return err
		}
		return fmt.Errorf("%w (%v)", cause, err)
	}
	// The network deadline set from ctx's deadline can fire a moment
	// before ctx's own timer: report that as the context's expiry.
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) && errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	oe := &OpError{Cmd: maskCommand(cmd), Conn: conn, Err: err}
	if c.closed.Load() && !errors.Is(err, os.ErrDeadlineExceeded) {
		oe.Err = fmt.Errorf("%w (%v)", ErrClosed, err)
	} else if errors.Is(err, os.ErrDeadlineExceeded) {
		oe.Timeout = c.cfg.timeout
	}
	return oe
}

// send writes command lines, refusing CR, LF and NUL in any, in one
// write: more than one line is a pipeline, whose replies the caller
// reads in order.
func (c *Conn) send(ctx context.Context, lines ...string) error {
	size := 0
	for _, line := range lines {
		if strings.ContainsAny(line, "\r\n\x00") {
			return ErrInvalidCommand
		}
		size += len(line) + 2
	}
	if c.closed.Load() {
		return ErrClosed
	}
	if c.queued > 0 {
		// The replies of a batch's transfers are still due: a command
		// now would take one of them for its own.
		c.Close()
		return protocolError(lines[0], "sent while pipelined transfers were queued")
	}
	buf := make([]byte, 0, size)
	for _, line := range lines {
		masked := maskCommand(line)
		c.cfg.debug.print(1, "cmd", masked)
		c.cfg.debug.print(2, "put", masked+"\r\n")
		buf = append(append(buf, line...), '\r', '\n')
	}
	stop := c.arm(ctx, c.nc)
	_, err := c.nc.Write(buf)
	stop()
	if err != nil {
		return c.fail(ctx, lines[len(lines)-1], err)
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
		return Reply{}, c.fail(ctx, cmd, err)
	}
	if c.cfg.debug.on(2) {
		for _, l := range r.Lines() {
			c.cfg.debug.print(2, "get", l)
		}
	}
	c.cfg.debug.print(1, "resp", r.Text)
	if r.Code == 421 {
		// "Service not available, closing control connection": the
		// server is gone after this reply, so the session is too.
		c.Close()
	}
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
	var r Reply
	err := c.do(func() (err error) {
		c.tainted = true
		r, err = c.cmd(ctx, fmt.Sprintf(format, args...))
		return err
	})
	return r, err
}

// VoidCmd is Cmd requiring a 2xx reply; any other is an error matching
// ErrUnexpectedReply (ftplib's voidcmd).
func (c *Conn) VoidCmd(ctx context.Context, format string, args ...any) (Reply, error) {
	var r Reply
	err := c.do(func() (err error) {
		c.tainted = true
		r, err = c.voidCmd(ctx, fmt.Sprintf(format, args...))
		return err
	})
	return r, err
}

// Quit sends QUIT and closes the connection, whatever the reply (ftplib
// leaves the connection open when QUIT fails; here it is closed either
// way and the failure is returned).
func (c *Conn) Quit(ctx context.Context) error {
	return c.do(func() error {
		_, err := c.voidCmd(ctx, "QUIT")
		c.Close()
		return err
	})
}

// Login logs in as user with password pass. An empty user means
// "anonymous", and an anonymous login with the password "" or "-" sends
// "anonymous@" or "-anonymous@" as ftplib does. If the server asks for
// an account (3xx after PASS), LoginAccount is needed.
//
// On a Conn dialled with WithExplicitTLS or WithImplicitTLS, Login then
// protects the data channel (PBSZ 0, PROT P) unless WithClearData was
// given.
func (c *Conn) Login(ctx context.Context, user, pass string) error {
	return c.LoginAccount(ctx, user, pass, "")
}

// LoginAccount is Login with an account for servers that ask for one:
// ACCT acct is sent after any 3xx reply to PASS (even when acct is empty,
// as ftplib does).
func (c *Conn) LoginAccount(ctx context.Context, user, pass, acct string) error {
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
	return c.do(func() error {
		c.tainted = c.tainted || c.loggedIn // another user, perhaps
		return c.login(ctx, user, pass, acct)
	})
}

func (c *Conn) login(ctx context.Context, user, pass, acct string) error {
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
	c.loggedIn = true
	c.forget()
	if c.tlsConfig != nil && !c.cfg.clearData && !c.protP {
		return c.protectData(ctx)
	}
	return nil
}

// forget drops what the session has learnt of its server.
func (c *Conn) forget() {
	c.feat, c.syst, c.noListAll = nil, nil, false
}

// Account sends ACCT with the given account information (ftplib's acct).
func (c *Conn) Account(ctx context.Context, acct string) error {
	if strings.ContainsAny(acct, "\r\n\x00") {
		return ErrInvalidCommand
	}
	return c.do(func() error {
		c.tainted = true
		_, err := c.voidCmd(ctx, "ACCT "+acct)
		return err
	})
}
