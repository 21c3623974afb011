package realserver

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawClient is a minimal FTP client for checking the servers, independent
// of the ftpkit library.
type rawClient struct {
	t    testing.TB
	s    *Server
	conn net.Conn
	text *textproto.Conn
	tls  *tls.Config // nil for plain FTP
}

const ioTimeout = 10 * time.Second

// dial connects to s and reads the greeting; with TLS (explicit or
// implicit) it secures the control connection with tc.
func dial(t testing.TB, s *Server, tc *tls.Config) *rawClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawClient{t: t, s: s, conn: conn}
	t.Cleanup(func() { c.conn.Close() })
	conn.SetDeadline(time.Now().Add(ioTimeout))
	if s.Config.TLS == Implicit {
		c.startTLS(tc)
	}
	c.text = textproto.NewConn(c.conn)
	c.expect(220, "")
	if s.Config.TLS == Explicit {
		c.cmd(234, "AUTH TLS")
		c.startTLS(tc)
		c.text = textproto.NewConn(c.conn)
	}
	return c
}

func (c *rawClient) startTLS(tc *tls.Config) {
	c.t.Helper()
	conn := tls.Client(c.conn, tc)
	if err := conn.Handshake(); err != nil {
		c.t.Fatalf("control TLS handshake: %v", err)
	}
	c.conn, c.tls = conn, tc
}

// cmd sends a command and checks the reply code: a 3-digit code exactly,
// a 1-digit code by its first digit.
func (c *rawClient) cmd(code int, format string, args ...any) string {
	c.t.Helper()
	c.conn.SetDeadline(time.Now().Add(ioTimeout))
	if err := c.text.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("%s: %v", strings.Fields(format)[0], err)
	}
	return c.expect(code, format)
}

func (c *rawClient) expect(code int, what string) string {
	c.t.Helper()
	got, msg, err := c.text.ReadResponse(0)
	if err != nil {
		c.t.Fatalf("%s: reading reply: %v", what, err)
	}
	if code != 0 && got != code && (code > 9 || got/100 != code) {
		c.t.Fatalf("%q: got %d %s, want %d", what, got, msg, code)
	}
	return fmt.Sprintf("%d %s", got, msg)
}

// login logs in and, for TLS, protects data connections.
func (c *rawClient) login(user, pass string) {
	c.t.Helper()
	c.conn.SetDeadline(time.Now().Add(ioTimeout))
	c.text.PrintfLine("USER %s", user)
	code, msg, err := c.text.ReadResponse(0)
	if err != nil {
		c.t.Fatalf("USER: %v", err)
	}
	if code == 331 {
		c.cmd(230, "PASS %s", pass)
	} else if code != 230 {
		c.t.Fatalf("USER: got %d %s", code, msg)
	}
	if c.tls != nil {
		c.cmd(200, "PBSZ 0")
		c.cmd(200, "PROT P")
	}
	// proftpd and pure-ftpd default to ASCII and convert line ends.
	c.cmd(200, "TYPE I")
}

// pwd returns the directory from the 257 reply.
func (c *rawClient) pwd() string {
	c.t.Helper()
	msg := c.cmd(257, "PWD")
	i, j := strings.Index(msg, `"`), strings.LastIndex(msg, `"`)
	if i < 0 || j <= i {
		c.t.Fatalf("PWD: no quoted path in %q", msg)
	}
	return msg[i+1 : j]
}

// epsv opens a passive data connection (EPSV, falling back to PASV).
func (c *rawClient) epsv() net.Conn {
	c.t.Helper()
	c.conn.SetDeadline(time.Now().Add(ioTimeout))
	c.text.PrintfLine("EPSV")
	code, msg, err := c.text.ReadResponse(0)
	if err != nil {
		c.t.Fatalf("EPSV: %v", err)
	}
	var port int
	if code == 229 {
		i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
		if i < 0 || j < i+4 {
			c.t.Fatalf("EPSV: bad reply %q", msg)
		}
		port, err = strconv.Atoi(msg[i+4 : j])
	} else {
		c.t.Logf("EPSV: %d %s; trying PASV", code, msg)
		msg = c.cmd(227, "PASV")
		i, j := strings.Index(msg, "("), strings.Index(msg, ")")
		f := strings.Split(msg[i+1:j], ",")
		hi, _ := strconv.Atoi(f[4])
		lo, _ := strconv.Atoi(f[5])
		port = hi*256 + lo
	}
	if err != nil || port < c.s.PasvMin || port > c.s.PasvMax {
		c.t.Fatalf("EPSV: port %d (%v) outside %d-%d", port, err, c.s.PasvMin, c.s.PasvMax)
	}
	d, err := net.DialTimeout("tcp", net.JoinHostPort(c.s.Host, strconv.Itoa(port)), ioTimeout)
	if err != nil {
		c.t.Fatal(err)
	}
	d.SetDeadline(time.Now().Add(ioTimeout))
	return d
}

// transfer is the outcome of one data transfer.
type transfer struct {
	Prelim  string // the 1xx reply
	Final   string // the final reply
	Code    int    // the final reply's code
	Data    []byte // what was read
	DataErr error  // from the data connection
}

// xfer sends cmd over a fresh passive data connection, secured with
// dataTLS when the session is protected, reads (upload == nil) or writes
// upload, and returns the replies without judging them.
func (c *rawClient) xfer(cmd string, upload []byte, dataTLS *tls.Config) transfer {
	c.t.Helper()
	d := c.epsv()
	defer d.Close()
	if err := c.text.PrintfLine("%s", cmd); err != nil {
		c.t.Fatal(err)
	}
	// The data side runs beside the control side: servers differ in
	// whether they send 150 before or after the data handshake.
	done := make(chan transfer, 1)
	go func() {
		var r transfer
		var conn io.ReadWriteCloser = d
		if c.tls != nil {
			tc := tls.Client(d, dataTLS)
			if r.DataErr = tc.Handshake(); r.DataErr != nil {
				done <- r
				return
			}
			conn = tc
		}
		if upload == nil {
			r.Data, r.DataErr = io.ReadAll(conn)
		} else {
			_, r.DataErr = conn.Write(upload)
			if tc, ok := conn.(*tls.Conn); ok && r.DataErr == nil {
				// close_notify, then wait for the server to close.
				r.DataErr = tc.CloseWrite()
				io.Copy(io.Discard, tc)
			}
		}
		conn.Close()
		done <- r
	}()
	var prelim string
	code, msg, err := c.text.ReadResponse(0)
	if err == nil && code/100 == 1 {
		prelim = fmt.Sprintf("%d %s", code, msg)
		code, msg, err = c.text.ReadResponse(0)
	}
	if prelim == "" {
		// Refused before the transfer: the server may never accept or
		// close the data connection.
		d.Close()
	}
	var r transfer
	select {
	case r = <-done:
	case <-time.After(ioTimeout):
		c.t.Fatalf("%s: data connection hangs; control: %d %s %v", cmd, code, msg, err)
	}
	if err != nil {
		msg = "control: " + err.Error()
	}
	r.Prelim, r.Final, r.Code = prelim, fmt.Sprintf("%d %s", code, msg), code
	return r
}

// mustXfer is xfer that expects 1xx then 2xx.
func (c *rawClient) mustXfer(cmd string, upload []byte) transfer {
	c.t.Helper()
	r := c.xfer(cmd, upload, c.tls)
	if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
		c.t.Fatalf("%s: replies %q, %q; data error %v", cmd, r.Prelim, r.Final, r.DataErr)
	}
	return r
}

func canListen(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// names splits an NLST listing, dropping "." and ".." (pure-ftpd lists them).
func names(data []byte) []string {
	var out []string
	for _, n := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if n != "" && n != "." && n != ".." {
			out = append(out, n)
		}
	}
	return out
}
