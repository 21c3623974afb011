package ftp_test

// Helpers shared by the package's external tests: the dial family and
// the passive-transfer script. The internal tests have their own
// (helpers_test.go); the two test packages cannot share code.

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
)

// rsTimeout is the Conn timeout against real servers.
const rsTimeout = 30 * time.Second

// dial is ftp.Dial with a 5 s timeout, which opts may override.
func dial(ctx context.Context, addr string, opts ...ftp.DialOption) (*ftp.Conn, error) {
	return ftp.Dial(ctx, addr, append([]ftp.DialOption{ftp.WithTimeout(5 * time.Second)}, opts...)...)
}

// mustDial is dial that fails the test if it fails, and closes the Conn
// when the test ends.
func mustDial(t testing.TB, ctx context.Context, addr string, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	c, err := dial(ctx, addr, opts...)
	if err != nil {
		t.Fatalf("Dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialLogin is mustDial, then Login as user.
func dialLogin(t testing.TB, ctx context.Context, addr, user, password string, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	c := mustDial(t, ctx, addr, opts...)
	if err := c.Login(ctx, user, password); err != nil {
		t.Fatalf("Login %s: %v", addr, err)
	}
	return c
}

// rsDial dials the real server srv and logs in as its user.
func rsDial(t testing.TB, ctx context.Context, srv *realserver.Server, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	return rsDialAddr(t, ctx, srv, srv.Addr, opts...)
}

// rsDialAddr dials srv at addr (a relay in front of it, say) and logs in.
// With FTPKIT_TRACE set, the session is traced to the test log.
func rsDialAddr(t testing.TB, ctx context.Context, srv *realserver.Server, addr string, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	opts = append([]ftp.DialOption{ftp.WithTimeout(rsTimeout)}, opts...)
	if os.Getenv("FTPKIT_TRACE") != "" {
		opts = append(opts, ftp.WithDebug(1, &rsTestWriter{t}))
	}
	return dialLogin(t, ctx, addr, srv.User, srv.Password, opts...)
}

// rsTestWriter logs a session trace (FTPKIT_TRACE=1) to the test log.
type rsTestWriter struct{ t testing.TB }

func (w *rsTestWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// passiveXfer is a Fake script for one passive transfer: it answers TYPE
// and EPSV, accepts the data connection, reads the transfer command,
// whose verb must be verb, and calls then with the data connection. A
// client that never connects is a test error.
func passiveXfer(t *testing.T, verb string, then func(c *ftptest.FakeConn, dc net.Conn)) func(*ftptest.FakeConn) {
	return func(c *ftptest.FakeConn) {
		c.Expect("TYPE")
		c.Reply("200 ok")
		c.Expect("EPSV")
		p := c.Passive()
		c.Reply(p.EPSVReply())
		dc, err := p.Accept()
		if err != nil {
			t.Errorf("fake: accept: %v", err)
			return
		}
		c.Expect(verb)
		then(c, dc)
	}
}
