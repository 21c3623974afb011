package ftptest

import (
	"crypto/tls"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

func TestFakeCommandLog(t *testing.T) {
	f := NewFake(t, func(c *FakeConn) {
		_ = c.Reply("220 hi")
		if arg := c.Expect("USER"); arg != "bob" {
			t.Errorf("USER arg = %q", arg)
		}
		_ = c.Reply("331 pw")
		c.Expect("PASS")
		_ = c.WriteRaw([]byte("230-multi\n230 done\r\n"))
		arg := c.Expect("PASV")
		d := c.Passive()
		_ = c.Reply(d.PASVReply())
		if arg != "" {
			t.Errorf("PASV arg %q", arg)
		}
		c.Expect("RETR")
		conn, err := d.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		_ = c.Reply("150 go")
		_, _ = conn.Write([]byte("payload"))
		conn.Close()
		_ = c.Reply("226 ok")
		c.Expect("QUIT")
	})
	c := rawclient.Dial(t, f.Addr)
	c.Reply()
	c.Expect(331, "USER bob")
	c.Expect(230, "PASS x")
	a := c.PASV()
	if a.IP.String() != "127.0.0.1" {
		t.Errorf("PASV IP %v", a.IP)
	}
	d := c.DialData(a.Port, nil)
	c.Expect(150, "RETR f")
	b, _ := io.ReadAll(d)
	d.Close()
	c.ExpectReply(226)
	if string(b) != "payload" {
		t.Errorf("data %q", b)
	}
	_ = c.Text.PrintfLine("QUIT")
	_, _ = c.Text.ReadLine() // EOF once the handler returns
	want := []string{"USER bob", "PASS x", "PASV", "RETR f", "QUIT"}
	if got := f.Commands(); !slices.Equal(got, want) {
		t.Errorf("Commands = %q, want %q", got, want)
	}
}

func TestFakeReadCommandDeadline(t *testing.T) {
	done := make(chan time.Duration, 1)
	f := NewFake(t, func(c *FakeConn) {
		c.Timeout = 100 * time.Millisecond
		start := time.Now()
		_, ok := c.ReadCommand()
		if ok {
			t.Error("ReadCommand succeeded on a silent client")
		}
		done <- time.Since(start)
	})
	c := rawclient.Dial(t, f.Addr)
	_ = c
	select {
	case d := <-done:
		if d > 5*time.Second {
			t.Errorf("ReadCommand took %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadCommand did not time out")
	}
}

func TestFakeOnlyCRLFEndsLine(t *testing.T) {
	f := NewFake(t, func(c *FakeConn) {
		line, _ := c.ReadCommand()
		_ = c.Reply("500 " + line)
	})
	c := rawclient.Dial(t, f.Addr)
	_, _ = c.Conn.Write([]byte("ECHO a\nb\r\n"))
	c.Reply()
	if got := f.Commands(); len(got) != 1 || got[0] != "ECHO a\nb" {
		t.Errorf("Commands = %q", got)
	}
}

func TestFakeActiveDialRefusesRemote(t *testing.T) {
	f := NewFake(t, func(c *FakeConn) {
		if _, err := c.ActiveDial("10,0,0,1,4,1"); err != errNotLoopback {
			t.Errorf("ActiveDial(10.0.0.1) error = %v", err)
		}
		if _, err := c.ActiveDial("|2|2001:db8::1|1025|"); err != errNotLoopback {
			t.Errorf("ActiveDial(2001:db8::1) error = %v", err)
		}
	})
	rawclient.Dial(t, f.Addr)
	f.Close()
}

func TestParseActiveArg(t *testing.T) {
	for arg, want := range map[string]string{
		"127,0,0,1,4,1":       "127.0.0.1:1025",
		"|1|127.0.0.1|2121|":  "127.0.0.1:2121",
		"!2!::1!2121!":        "[::1]:2121",
		"|1|127.0.0.1|99999|": "",
		"1,2,3":               "",
		"256,0,0,1,1,1":       "",
	} {
		a, err := ParseActiveArg(arg)
		got := ""
		if err == nil {
			got = a.String()
		}
		if got != want {
			t.Errorf("ParseActiveArg(%q) = %q, %v; want %q", arg, got, err, want)
		}
	}
}

func TestFakeStartStopTLS(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFake(t, func(c *FakeConn) {
		_ = c.Reply("220 hi")
		c.Expect("AUTH")
		_ = c.Reply("234 go")
		if err := c.StartTLS(serverConfig(cert)); err != nil {
			t.Error(err)
			return
		}
		c.Expect("NOOP")
		_ = c.Reply("200 secure")
		c.Expect("QUIT")
		_ = c.Reply("221 bye")
	})
	c := rawclient.Dial(t, f.Addr)
	c.Reply()
	c.AuthTLS(ca.ClientConfig("127.0.0.1"))
	c.Expect(200, "NOOP")
	c.Expect(221, "QUIT")
}

func TestCAExpired(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.IssueExpired("example.test")
	if err != nil {
		t.Fatal(err)
	}
	if !cert.Leaf.NotAfter.Before(time.Now()) {
		t.Error("IssueExpired certificate is valid")
	}
	f := NewFake(t, func(c *FakeConn) {
		_ = c.StartTLS(serverConfig(cert)) // fails: client rejects
	})
	c := rawclient.Dial(t, f.Addr)
	tc := tls.Client(c.Conn, ca.ClientConfig("example.test"))
	if err := tc.Handshake(); err == nil {
		t.Error("handshake with an expired certificate succeeded")
	}
}
