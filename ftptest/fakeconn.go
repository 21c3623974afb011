package ftptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// A FakeConn is one control connection of a Fake, seen from the server.
// Its methods are meant to be called from the Fake's handler goroutine;
// Reply and WriteRaw may also be called from other goroutines.
type FakeConn struct {
	// Timeout bounds each blocking call made through this connection; zero
	// means DefaultTimeout and a negative value means no limit.
	Timeout time.Duration

	f      *Fake
	raw    net.Conn // the accepted TCP connection
	plain  net.Conn // raw, plus bytes buffered before a TLS upgrade
	rec    *recordConn
	wmu    sync.Mutex // serialises writes and guards conn
	conn   net.Conn   // current transport: plain or TLS
	r      *bufio.Reader
	mu     sync.Mutex // guards data and closed
	data   []io.Closer
	closed bool
}

func newFakeConn(f *Fake, nc net.Conn) *FakeConn {
	return &FakeConn{f: f, raw: nc, plain: nc, conn: nc, r: bufio.NewReader(nc)}
}

func (c *FakeConn) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c *FakeConn) deadline() time.Time {
	if d := c.timeout(); d > 0 {
		return time.Now().Add(d)
	}
	return time.Time{}
}

// RemoteAddr returns the client's address.
func (c *FakeConn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

// LocalAddr returns the server's address for this connection.
func (c *FakeConn) LocalAddr() net.Addr { return c.raw.LocalAddr() }

// Reply writes each line followed by CRLF, in a single write.
func (c *FakeConn) Reply(lines ...string) error {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	return c.WriteRaw([]byte(b.String()))
}

// WriteRaw writes p exactly as given: use it for bare LF or CR line ends,
// a missing terminator, partial lines or huge replies.
func (c *FakeConn) WriteRaw(p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(c.deadline())
	_, err := c.conn.Write(p)
	return err
}

// ReadCommand reads the next command line and returns it without its CRLF.
// Like CPython's test server, only CRLF ends a line, so a bare LF or CR
// sent by the client stays in the returned text. Every line read is added
// to the Fake's Commands. ok is false on EOF, on error, or when Timeout
// expires first.
func (c *FakeConn) ReadCommand() (line string, ok bool) {
	_ = c.conn.SetReadDeadline(c.deadline())
	var buf []byte
	for {
		part, err := c.r.ReadSlice('\n')
		buf = append(buf, part...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", false
		}
		if bytes.HasSuffix(buf, []byte("\r\n")) {
			line = string(buf[:len(buf)-2])
			c.f.record(line)
			return line, true
		}
	}
}

// Expect reads a command and reports a test error (tb.Errorf, safe from the
// handler goroutine) if its verb is not verb, compared without regard to
// case, or if no command arrives. It returns the argument: the text after
// the first space.
func (c *FakeConn) Expect(verb string) (arg string) {
	line, ok := c.ReadCommand()
	if !ok {
		if !c.f.isClosed() {
			c.f.tb.Errorf("ftptest: expected command %s, got end of connection", verb)
		}
		return ""
	}
	v, arg, _ := strings.Cut(line, " ")
	if !strings.EqualFold(v, verb) {
		c.f.tb.Errorf("ftptest: expected command %s, got %q", verb, line)
	}
	return arg
}

// StartTLS upgrades the control connection to TLS, server side, and runs
// the handshake. Call it after replying 234 to AUTH TLS. Bytes the client
// sent early are not lost.
func (c *FakeConn) StartTLS(cfg *tls.Config) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, ok := c.conn.(*tls.Conn); ok {
		return errors.New("ftptest: control connection already uses TLS")
	}
	c.rec = &recordConn{Conn: withPrefix(c.plain, c.r)}
	tc := tls.Server(c.rec, cfg)
	_ = tc.SetDeadline(c.deadline())
	if err := tc.Handshake(); err != nil {
		return err
	}
	_ = tc.SetDeadline(time.Time{})
	c.conn = tc
	c.r = bufio.NewReader(tc)
	return nil
}

// StopTLS ends TLS on the control connection and goes back to clear text,
// as for CCC: it sends a close_notify alert, waits for the client's, and
// leaves the TCP connection open.
func (c *FakeConn) StopTLS() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	tc, ok := c.conn.(*tls.Conn)
	if !ok {
		return errors.New("ftptest: control connection does not use TLS")
	}
	if err := tc.CloseWrite(); err != nil {
		return err
	}
	_ = tc.SetReadDeadline(c.deadline())
	if _, err := io.Copy(io.Discard, c.r); err != nil {
		return err
	}
	_ = c.raw.SetDeadline(time.Time{})
	c.plain = c.rec.Conn
	c.conn = c.plain
	c.r = bufio.NewReader(c.plain)
	return nil
}

// TLS reports whether the control connection currently uses TLS, and its
// state if so.
func (c *FakeConn) TLS() (tls.ConnectionState, bool) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if tc, ok := c.conn.(*tls.Conn); ok {
		return tc.ConnectionState(), true
	}
	return tls.ConnectionState{}, false
}

// track registers a data listener or connection to be closed with c.
func (c *FakeConn) track(x io.Closer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		x.Close()
		return false
	}
	c.data = append(c.data, x)
	return true
}

// Close closes the control connection and every data listener and data
// connection opened through it. The handler's blocked calls return.
func (c *FakeConn) Close() {
	c.mu.Lock()
	c.closed = true
	data := c.data
	c.data = nil
	c.mu.Unlock()
	for _, x := range data {
		x.Close()
	}
	if c.wmu.TryLock() { // not while a write is blocked
		if tc, ok := c.conn.(*tls.Conn); ok {
			_ = tc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			_ = tc.Close() // sends close_notify
		}
		c.wmu.Unlock()
	}
	c.raw.Close()
}
