package ftp

// Helpers shared by the package's internal tests: the dial family (a
// scripted Fake, a Fake that runs a list of steps after login, the
// ftptest.Server over a directory, a real server), the passive-transfer
// script, and assertions.

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/listing"
)

// testCtx bounds a test: nothing here may hang.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// mustDial dials addr with a 5 s timeout, which opts may override, fails
// the test if that fails, and closes the Conn when the test ends.
func mustDial(t testing.TB, ctx context.Context, addr string, opts ...DialOption) *Conn {
	t.Helper()
	c, err := Dial(ctx, addr, append([]DialOption{WithTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialLogin is mustDial, then Login as user.
func dialLogin(t testing.TB, ctx context.Context, addr, user, password string, opts ...DialOption) *Conn {
	t.Helper()
	c := mustDial(t, ctx, addr, opts...)
	if err := c.Login(ctx, user, password); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// dialFake starts a Fake greeting "220 hi" then running script, and dials
// it. The context is testCtx's.
func dialFake(t *testing.T, script func(c *ftptest.FakeConn), opts ...DialOption) (*Conn, *ftptest.Fake, context.Context) {
	t.Helper()
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		c.Reply("220 hi")
		script(c)
	})
	ctx := testCtx(t)
	return mustDial(t, ctx, f.Addr, opts...), f, ctx
}

// A fakeStep is one command a fake server expects, exactly, and its
// reply. After "EPSV" the server listens for a data connection; a step
// with xfer set replies its first line, accepts the data connection,
// sends data on it (or reads an upload into got), closes it and sends
// the remaining lines.
type fakeStep struct {
	cmd   string
	reply []string
	xfer  bool
	data  string
	got   *string
}

func step(cmd string, reply ...string) fakeStep { return fakeStep{cmd: cmd, reply: reply} }

// vsftpdFEAT is vsftpd 3's FEAT reply: no MLST.
var vsftpdFEAT = step("FEAT", "211-Features:", " EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " TVFS", " UTF8", "211 End")

// dialLoggedIn starts a Fake that accepts USER/PASS, then expects exactly
// steps, then only QUIT; it returns a Conn logged in to it.
func dialLoggedIn(t *testing.T, steps ...fakeStep) *Conn {
	t.Helper()
	return dialLoggedInWith(t, nil, steps...)
}

// dialLoggedInWith is dialLoggedIn with Dial options.
func dialLoggedInWith(t *testing.T, opts []DialOption, steps ...fakeStep) *Conn {
	t.Helper()
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("USER")
		fc.Reply("331 password")
		fc.Expect("PASS")
		fc.Reply("230 logged in")
		runSteps(t, fc, steps)
	}, opts...)
	if err := c.Login(ctx, "u", "p"); err != nil {
		t.Fatal(err)
	}
	return c
}

// runSteps is the script of dialLoggedIn after login.
func runSteps(t *testing.T, fc *ftptest.FakeConn, steps []fakeStep) {
	var d *ftptest.FakeData
	for _, s := range steps {
		line, ok := fc.ReadCommand()
		if !ok {
			t.Errorf("fake: connection ended; want %q", s.cmd)
			return
		}
		if line != s.cmd {
			t.Errorf("fake: got command %q, want %q", line, s.cmd)
			fc.Reply("500 unexpected")
			return
		}
		switch {
		case s.cmd == "EPSV":
			d = fc.Passive()
			fc.Reply(d.EPSVReply())
		case s.xfer:
			fc.Reply(s.reply[0])
			nc, err := d.Accept()
			if err != nil {
				t.Errorf("fake: accept: %v", err)
				return
			}
			if s.got != nil {
				b, _ := io.ReadAll(nc)
				*s.got = string(b)
			} else {
				io.WriteString(nc, s.data)
			}
			nc.Close()
			fc.Reply(s.reply[1:]...)
		default:
			fc.Reply(s.reply...)
		}
	}
	for {
		line, ok := fc.ReadCommand()
		if !ok {
			return
		}
		if line != "QUIT" {
			t.Errorf("fake: unexpected command %q after the script", line)
		}
		fc.Reply("221 bye")
	}
}

// passiveXfer is a Fake script for one passive transfer: it answers TYPE
// and EPSV, accepts the data connection, reads the transfer command,
// whose verb must be verb, and calls then with the data connection. If
// the client never connects it just returns.
func passiveXfer(verb string, then func(fc *ftptest.FakeConn, dc net.Conn)) func(*ftptest.FakeConn) {
	return func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		pd := fc.Passive()
		fc.Reply(pd.EPSVReply())
		dc, err := pd.Accept()
		if err != nil {
			return
		}
		fc.Expect(verb)
		then(fc, dc)
	}
}

// dialServer starts an ftptest server whose root holds files (name to
// content; a name ending in "/" is a directory) and returns a logged-in
// Conn to it.
func dialServer(t *testing.T, files map[string]string) (*Conn, *ftptest.Server) {
	t.Helper()
	s := ftptest.NewServer(t)
	for name, data := range files {
		p := filepath.Join(s.Root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dialLogin(t, context.Background(), s.Addr, s.User, s.Password), s
}

// rsDial dials the real server srv with a 10 s timeout and logs in as its
// user.
func rsDial(t *testing.T, ctx context.Context, srv *realserver.Server, opts ...DialOption) *Conn {
	t.Helper()
	return dialLogin(t, ctx, srv.Addr, srv.User, srv.Password, append([]DialOption{WithTimeout(10 * time.Second)}, opts...)...)
}

// freePort returns a loopback port nothing listens on (now).
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// names returns the names of entries.
func names(entries []listing.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}

func wantCmds(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
		t.Errorf("commands on the wire:\n got %q\nwant %q", got, want)
	}
}

// wantPrefix checks that cmd starts with prefix (PORT/EPRT/... carry ports).
func wantPrefix(t *testing.T, cmd, prefix string) {
	t.Helper()
	if !strings.HasPrefix(cmd, prefix) {
		t.Errorf("command %q, want prefix %q", cmd, prefix)
	}
}

func wantIs(t *testing.T, err, class error) {
	t.Helper()
	if !errors.Is(err, class) {
		t.Errorf("error %v (%T), want errors.Is %v", err, err, class)
	}
}

func sum(b []byte) [32]byte { return sha256.Sum256(b) }

func wantBytes(t *testing.T, got, want []byte) {
	t.Helper()
	if sum(got) != sum(want) {
		t.Errorf("got %d bytes (sha256 %x), want %d bytes (sha256 %x)", len(got), sum(got), len(want), sum(want))
	}
}
