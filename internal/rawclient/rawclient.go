// Package rawclient is a minimal FTP client for tests that must not depend
// on package ftp: the tests of the servers themselves (package ftptest and
// internal/realserver). It sends commands and reads replies with
// net/textproto, secures the control connection with explicit or implicit
// TLS, and runs passive data transfers. Every failure fails the test.
package rawclient

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Timeout bounds every network operation of a Client.
const Timeout = 10 * time.Second

// A Client is one control connection.
type Client struct {
	// Conn is the control connection: TCP, or a *tls.Conn once secured.
	Conn net.Conn
	// Text sends commands and reads replies over Conn.
	Text *textproto.Conn
	// TLS is the configuration that secured Conn, nil in clear text.
	// Login then protects data connections (PBSZ 0, PROT P) and MustXfer
	// secures them with it.
	TLS *tls.Config
	// MinPort and MaxPort, if MaxPort is not zero, are the passive ports
	// the server may announce; Passive fails the test on any other.
	MinPort, MaxPort int

	t testing.TB
}

// Dial connects to addr; it does not read the greeting. The connection is
// closed by t.Cleanup.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	return dial(t, &net.Dialer{Timeout: Timeout}, addr)
}

// DialFrom is Dial from the local IP address local, such as 127.0.0.2,
// so that the server sees a client other than 127.0.0.1.
func DialFrom(t testing.TB, local, addr string) *Client {
	t.Helper()
	ip := net.ParseIP(local)
	if ip == nil {
		t.Fatalf("DialFrom: bad local address %q", local)
	}
	return dial(t, &net.Dialer{Timeout: Timeout, LocalAddr: &net.TCPAddr{IP: ip}}, addr)
}

func dial(t testing.TB, d *net.Dialer, addr string) *Client {
	t.Helper()
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := New(t, conn)
	t.Cleanup(func() { c.Conn.Close() })
	return c
}

// New returns a Client over an established control connection, which the
// caller closes.
func New(t testing.TB, conn net.Conn) *Client {
	_ = conn.SetDeadline(time.Now().Add(Timeout))
	return &Client{Conn: conn, Text: textproto.NewConn(conn), t: t}
}

// StartTLS runs a TLS handshake on the control connection, as implicit
// FTPS does first thing and explicit FTPS after AUTH TLS.
func (c *Client) StartTLS(cfg *tls.Config) {
	c.t.Helper()
	tc := tls.Client(c.Conn, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("control TLS handshake: %v", err)
	}
	c.Conn, c.Text, c.TLS = tc, textproto.NewConn(tc), cfg
}

// AuthTLS sends AUTH TLS, expects 234 and runs the handshake.
func (c *Client) AuthTLS(cfg *tls.Config) {
	c.t.Helper()
	c.Expect(234, "AUTH TLS")
	c.StartTLS(cfg)
}

// Reply reads one reply. It fails the test if no reply can be read; a
// malformed reply is returned as far as it was parsed.
func (c *Client) Reply() (code int, msg string) {
	c.t.Helper()
	_ = c.Conn.SetDeadline(time.Now().Add(Timeout))
	code, msg, err := c.Text.ReadResponse(0)
	if err != nil && code == 0 {
		c.t.Fatalf("reading reply: %v", err)
	}
	return code, msg
}

// ExpectReply reads one reply and fails the test unless its code matches
// code (see Expect). It returns the reply's text.
func (c *Client) ExpectReply(code int) string {
	c.t.Helper()
	got, msg := c.Reply()
	if !match(got, code) {
		c.t.Fatalf("got reply %d %s, want %d", got, msg, code)
	}
	return msg
}

// Send sends a command without reading its reply.
func (c *Client) Send(format string, args ...any) {
	c.t.Helper()
	_ = c.Conn.SetDeadline(time.Now().Add(Timeout))
	if err := c.Text.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("sending %s: %v", verb(format, args), err)
	}
}

// Cmd sends a command and returns its reply.
func (c *Client) Cmd(format string, args ...any) (code int, msg string) {
	c.t.Helper()
	c.Send(format, args...)
	return c.Reply()
}

// Expect sends a command and fails the test unless its reply's code
// matches code: a three-digit code exactly, a one-digit code by the
// reply's first digit, 0 any code. It returns the reply's text.
func (c *Client) Expect(code int, format string, args ...any) string {
	c.t.Helper()
	got, msg := c.Cmd(format, args...)
	if !match(got, code) {
		c.t.Fatalf("%s: got %d %s, want %d", verb(format, args), got, msg, code)
	}
	return msg
}

func match(got, want int) bool {
	return want == 0 || got == want || want < 10 && got/100 == want
}

// verb returns the command for messages, its argument hidden if it is a
// password.
func verb(format string, args []any) string {
	s := fmt.Sprintf(format, args...)
	if v, _, _ := strings.Cut(s, " "); strings.EqualFold(v, "PASS") {
		return "PASS ****"
	}
	return s
}

// Login sends USER and, unless USER logged in, PASS; with a secured
// control connection it protects data connections (PBSZ 0, PROT P); and
// it selects TYPE I, since some servers default to converting line ends.
func (c *Client) Login(user, pass string) {
	c.t.Helper()
	code, msg := c.Cmd("USER %s", user)
	switch code {
	case 331:
		c.Expect(230, "PASS %s", pass)
	case 230:
	default:
		c.t.Fatalf("USER: got %d %s", code, msg)
	}
	if c.TLS != nil {
		c.Expect(200, "PBSZ 0")
		c.Expect(200, "PROT P")
	}
	c.Expect(200, "TYPE I")
}

// PWD returns the directory quoted in the reply to PWD.
func (c *Client) PWD() string {
	c.t.Helper()
	msg := c.Expect(257, "PWD")
	i, j := strings.Index(msg, `"`), strings.LastIndex(msg, `"`)
	if i < 0 || j <= i {
		c.t.Fatalf("PWD: no quoted path in %q", msg)
	}
	return msg[i+1 : j]
}

// PASV sends PASV and returns the address announced.
func (c *Client) PASV() *net.TCPAddr {
	c.t.Helper()
	msg := c.Expect(227, "PASV")
	a, err := parsePASV(msg)
	if err != nil {
		c.t.Fatalf("PASV: %v", err)
	}
	return a
}

// EPSV sends EPSV and returns the port announced.
func (c *Client) EPSV() int {
	c.t.Helper()
	msg := c.Expect(229, "EPSV")
	p, err := parseEPSV(msg)
	if err != nil {
		c.t.Fatalf("EPSV: %v", err)
	}
	return p
}

func parsePASV(msg string) (*net.TCPAddr, error) {
	i, j := strings.Index(msg, "("), strings.Index(msg, ")")
	if i < 0 || j < i {
		return nil, fmt.Errorf("no address in %q", msg)
	}
	var n [6]int
	f := strings.Split(msg[i+1:j], ",")
	if len(f) != 6 {
		return nil, fmt.Errorf("bad address in %q", msg)
	}
	for k, s := range f {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || v > 255 {
			return nil, fmt.Errorf("bad address in %q", msg)
		}
		n[k] = v
	}
	ip := net.IPv4(byte(n[0]), byte(n[1]), byte(n[2]), byte(n[3]))
	return &net.TCPAddr{IP: ip, Port: n[4]<<8 | n[5]}, nil
}

func parseEPSV(msg string) (int, error) {
	i, j := strings.Index(msg, "(|||"), strings.LastIndex(msg, "|)")
	if i < 0 || j < i+4 {
		return 0, fmt.Errorf("no port in %q", msg)
	}
	p, err := strconv.Atoi(msg[i+4 : j])
	if err != nil || p <= 0 || p > 65535 {
		return 0, fmt.Errorf("bad port in %q", msg)
	}
	return p, nil
}

// DialData connects to port on the control connection's peer, the host
// passive replies are meant for, and wraps the connection in TLS (without
// a handshake yet) if cfg is not nil.
func (c *Client) DialData(port int, cfg *tls.Config) net.Conn {
	c.t.Helper()
	host := c.Conn.RemoteAddr().(*net.TCPAddr).IP.String()
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), Timeout)
	if err != nil {
		c.t.Fatal(err)
	}
	_ = d.SetDeadline(time.Now().Add(Timeout))
	if cfg != nil {
		return tls.Client(d, cfg)
	}
	return d
}

// Passive opens a clear passive data connection: EPSV, or PASV if the
// server refuses EPSV.
func (c *Client) Passive() net.Conn {
	c.t.Helper()
	code, msg := c.Cmd("EPSV")
	var port int
	var err error
	if code == 229 {
		port, err = parseEPSV(msg)
	} else {
		c.t.Logf("EPSV: %d %s; trying PASV", code, msg)
		var a *net.TCPAddr
		if a, err = parsePASV(c.Expect(227, "PASV")); err == nil {
			port = a.Port
		}
	}
	if err != nil {
		c.t.Fatal(err)
	}
	if c.MaxPort != 0 && (port < c.MinPort || port > c.MaxPort) {
		c.t.Fatalf("passive port %d outside %d-%d", port, c.MinPort, c.MaxPort)
	}
	return c.DialData(port, nil)
}
