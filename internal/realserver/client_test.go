package realserver

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// dial connects to s and reads the greeting; with TLS (explicit or
// implicit) it secures the control connection with tc. Passive ports
// must be in s's range.
func dial(t testing.TB, s *Server, tc *tls.Config) *rawclient.Client {
	t.Helper()
	c := rawclient.Dial(t, s.Addr)
	c.MinPort, c.MaxPort = s.PasvMin, s.PasvMax
	if s.Config.TLS == Implicit {
		c.StartTLS(tc)
	}
	c.ExpectReply(220)
	if s.Config.TLS == Explicit {
		c.AuthTLS(tc)
	}
	return c
}

// dialFrom connects to s from the loopback address local, reads the
// greeting and logs in.
func dialFrom(t testing.TB, s *Server, local string) *rawclient.Client {
	t.Helper()
	c := rawclient.DialFrom(t, local, s.Addr)
	c.MinPort, c.MaxPort = s.PasvMin, s.PasvMax
	c.ExpectReply(220)
	c.Login(User, Password)
	return c
}

// formatReply returns a reply as its code and text, as in
// formatReply(c.Cmd("NOOP")).
func formatReply(code int, msg string) string {
	return fmt.Sprintf("%d %s", code, msg)
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
