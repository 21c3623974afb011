package ftptest

import (
	"crypto/rand"
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// retr runs the download cmd over a passive data connection secured with
// cfg (clear if nil) and returns its data; it fails the test unless the
// transfer gets 1xx then 2xx.
func retr(t *testing.T, c *rawclient.Client, cfg *tls.Config, cmd string) []byte {
	t.Helper()
	r := c.Xfer(cmd, nil, cfg)
	if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
		t.Fatalf("%s: replies %q, %q; data error %v", cmd, r.Prelim, r.Final, r.DataErr)
	}
	return r.Data
}

// stor is retr for the upload of p.
func stor(t *testing.T, c *rawclient.Client, cfg *tls.Config, p []byte, cmd string) {
	t.Helper()
	r := c.Xfer(cmd, p, cfg)
	if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
		t.Fatalf("%s: replies %q, %q; data error %v", cmd, r.Prelim, r.Final, r.DataErr)
	}
}

func serverConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

type netConner interface{ NetConn() net.Conn }

// greet connects to s and reads the greeting, which must be 220; with
// TLS it secures the connection as s expects (implicit TLS first, explicit
// TLS after the greeting).
func greet(t *testing.T, s *Server) *rawclient.Client {
	t.Helper()
	c := rawclient.Dial(t, s.Addr)
	if s.ImplicitTLS {
		c.StartTLS(s.ClientTLSConfig())
	}
	c.ExpectReply(220)
	if s.TLS != nil && !s.ImplicitTLS {
		c.AuthTLS(s.ClientTLSConfig())
	}
	return c
}

// logIn is greet then Login: with TLS, data connections are protected.
func logIn(t *testing.T, s *Server) *rawclient.Client {
	t.Helper()
	c := greet(t, s)
	c.Login(s.User, s.Password)
	return c
}

// modes are the three kinds of Server, for tests that run on each.
var modes = []struct {
	name string
	opt  Option
}{
	{"plain", func(*config) {}},
	{"explicit", WithTLS(nil)},
	{"implicit", WithImplicitTLS(nil)},
}

// forModes runs f as a subtest on a new Server of each mode.
func forModes(t *testing.T, f func(t *testing.T, s *Server), opts ...Option) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			f(t, NewServer(t, append([]Option{m.opt}, opts...)...))
		})
	}
}

// writeFile writes a file under s.Root.
func writeFile(t *testing.T, s *Server, name string, data []byte) {
	t.Helper()
	p := filepath.Join(s.Root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// random returns n random bytes.
func random(n int) []byte {
	p := make([]byte, n)
	rand.Read(p)
	return p
}
