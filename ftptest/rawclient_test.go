package ftptest

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

// rawClient is a minimal FTP client for testing the servers in this
// package without depending on package ftp.
type rawClient struct {
	t    *testing.T
	nc   net.Conn
	text *textproto.Conn
	tls  *tls.Config
}

func dialRaw(t *testing.T, addr string) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	c := &rawClient{t: t, nc: nc, text: textproto.NewConn(nc)}
	t.Cleanup(func() { c.text.Close() })
	return c
}

func (c *rawClient) read() (int, string) {
	c.t.Helper()
	code, msg, err := c.text.ReadResponse(0)
	if err != nil && code == 0 {
		c.t.Fatalf("read reply: %v", err)
	}
	return code, msg
}

func (c *rawClient) cmd(format string, args ...any) (int, string) {
	c.t.Helper()
	if err := c.text.PrintfLine(format, args...); err != nil {
		c.t.Fatalf("send: %v", err)
	}
	return c.read()
}

func (c *rawClient) expect(want int, format string, args ...any) string {
	c.t.Helper()
	code, msg := c.cmd(format, args...)
	if code != want {
		c.t.Fatalf("%s: got %d %s, want %d", fmt.Sprintf(format, args...), code, msg, want)
	}
	return msg
}

func (c *rawClient) startTLS(cfg *tls.Config) {
	c.t.Helper()
	c.expect(234, "AUTH TLS")
	tc := tls.Client(c.nc, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("handshake: %v", err)
	}
	c.nc, c.tls = tc, cfg
	c.text = textproto.NewConn(tc)
}

// pasv sends PASV and returns the advertised address.
func (c *rawClient) pasv() *net.TCPAddr {
	c.t.Helper()
	msg := c.expect(227, "PASV")
	i, j := strings.Index(msg, "("), strings.Index(msg, ")")
	a, err := ParseActiveArg(msg[i+1 : j])
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

// epsvPort sends EPSV and returns the advertised port.
func (c *rawClient) epsvPort() int {
	c.t.Helper()
	msg := c.expect(229, "EPSV")
	i := strings.Index(msg, "(|||")
	p, err := strconv.Atoi(strings.TrimSuffix(msg[i+4:strings.Index(msg, ")")], "|"))
	if err != nil {
		c.t.Fatal(err)
	}
	return p
}

// dialData connects to the control peer's IP at port, over TLS if tlsCfg
// is not nil.
func (c *rawClient) dialData(port int, tlsCfg *tls.Config) net.Conn {
	c.t.Helper()
	host := c.nc.RemoteAddr().(*net.TCPAddr).IP
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host.String(), strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	_ = d.SetDeadline(time.Now().Add(20 * time.Second))
	if tlsCfg != nil {
		d = tls.Client(d, tlsCfg)
	}
	return d
}

// retr reads all of a transfer started by cmd over a passive connection.
func (c *rawClient) retr(tlsCfg *tls.Config, format string, args ...any) []byte {
	c.t.Helper()
	port := c.epsvPort()
	d := c.dialData(port, tlsCfg)
	defer d.Close()
	code, msg := c.cmd(format, args...)
	if code/100 != 1 {
		c.t.Fatalf("%s: %d %s", fmt.Sprintf(format, args...), code, msg)
	}
	b, err := io.ReadAll(d)
	if err != nil {
		c.t.Fatalf("read data: %v", err)
	}
	if code, msg := c.read(); code != 226 {
		c.t.Fatalf("after transfer: %d %s", code, msg)
	}
	return b
}

// stor writes p for a transfer started by cmd over a passive connection.
func (c *rawClient) stor(tlsCfg *tls.Config, p []byte, format string, args ...any) {
	c.t.Helper()
	port := c.epsvPort()
	d := c.dialData(port, tlsCfg)
	code, msg := c.cmd(format, args...)
	if code/100 != 1 {
		c.t.Fatalf("%s: %d %s", fmt.Sprintf(format, args...), code, msg)
	}
	if _, err := d.Write(p); err != nil {
		c.t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		c.t.Fatal(err)
	}
	if code, msg := c.read(); code != 226 {
		c.t.Fatalf("after transfer: %d %s", code, msg)
	}
}

func tlsClientConn(t *testing.T, c *rawClient, cfg *tls.Config) *rawClient {
	tc := tls.Client(c.nc, cfg)
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return &rawClient{t: t, nc: tc, text: textproto.NewConn(tc), tls: cfg}
}

func (c *rawClient) expect226() {
	c.t.Helper()
	if code, msg := c.read(); code != 226 {
		c.t.Fatalf("after transfer: %d %s", code, msg)
	}
}

func serverConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

func tlsClient(c *rawClient, cfg *tls.Config) *tls.Conn { return tls.Client(c.nc, cfg) }

type netConner interface{ NetConn() net.Conn }

func dialRawConn(t *testing.T, nc net.Conn) *rawClient {
	return &rawClient{t: t, nc: nc, text: textproto.NewConn(nc)}
}
