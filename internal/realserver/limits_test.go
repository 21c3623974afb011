package realserver

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// refusal is how a server answers a session over MaxSessionsPerIP (2).
type refusal struct {
	afterPass bool   // the greeting is 220 and PASS is refused, not the greeting
	reply     string // the refusing reply; the server then closes the connection
}

var limitRefusals = map[Kind]refusal{
	Vsftpd:    {false, "421 There are too many connections from your internet address."},
	PureFTPd:  {false, "421 Too many connections (2) from this IP"},
	ProFTPD:   {true, "530 Sorry, the maximum number of clients (2) from your host are already connected."},
	Pyftpdlib: {false, "421 Too many connections from the same IP address."},
}

// TestMaxSessionsPerIP opens sessions up to the limit, checks how the
// server refuses one more, and that a session fits again once one of the
// others has ended.
func TestMaxSessionsPerIP(t *testing.T) {
	const limit = 2
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{MaxSessionsPerIP: limit})
			var open []*rawclient.Client
			for range limit {
				c := dial(t, s, nil)
				c.Login(User, Password)
				open = append(open, c)
			}
			want := limitRefusals[kind]
			c := rawclient.Dial(t, s.Addr) // not dial: the greeting may be a refusal
			got := formatReply(c.Reply())
			if want.afterPass {
				if !strings.HasPrefix(got, "220 ") {
					t.Fatalf("greeting over the limit: %s, want 220", got)
				}
				c.Expect(331, "USER %s", User)
				got = formatReply(c.Cmd("PASS %s", Password))
			}
			if got != want.reply {
				t.Errorf("over the limit: %q, want %q", got, want.reply)
			}
			c.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
			c.Text.PrintfLine("NOOP")
			if code, msg, err := c.Text.ReadResponse(0); err == nil {
				t.Errorf("NOOP after the refusal: %d %s, want the connection closed", code, msg)
			}
			n, err := s.RefusedSessions()
			if kind == PureFTPd {
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("RefusedSessions: %d, %v; want ErrUnsupported", n, err)
				}
			} else if n != 1 || err != nil {
				t.Errorf("RefusedSessions = %d, %v; want 1", n, err)
			}

			open[0].Expect(221, "QUIT")
			open[0].Conn.Close()
			s.WaitSessions(t, limit-1)
			c = dial(t, s, nil)
			c.Login(User, Password)
			if n, err := s.RefusedSessions(); kind != PureFTPd && n != 1 {
				t.Errorf("RefusedSessions = %d, %v after a session that fits; want 1", n, err)
			}
		})
	}
}

// TestNoSessionLimit checks that the default Config keeps no limit worth
// the name.
func TestNoSessionLimit(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{})
			for range 8 {
				c := dial(t, s, nil)
				c.Login(User, Password)
			}
			if n, err := s.RefusedSessions(); n != 0 {
				t.Errorf("RefusedSessions = %d, %v", n, err)
			}
		})
	}
}
