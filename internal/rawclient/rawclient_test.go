package rawclient

import (
	"net"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		got, want int
		ok        bool
	}{
		{226, 226, true}, {226, 225, false}, {226, 2, true}, {226, 3, false}, {550, 0, true},
	} {
		if ok := match(tc.got, tc.want); ok != tc.ok {
			t.Errorf("match(%d, %d) = %v", tc.got, tc.want, ok)
		}
	}
}

func TestParsePassive(t *testing.T) {
	a, err := parsePASV("Entering Passive Mode (127,0,0,1,4,1).")
	if err != nil || a.String() != "127.0.0.1:1025" {
		t.Errorf("parsePASV = %v, %v", a, err)
	}
	for _, bad := range []string{"no address", "(127,0,0,1,4)", "(127,0,0,1,4,256)"} {
		if _, err := parsePASV(bad); err == nil {
			t.Errorf("parsePASV(%q) succeeded", bad)
		}
	}
	if p, err := parseEPSV("Entering Extended Passive Mode (|||2121|)"); err != nil || p != 2121 {
		t.Errorf("parseEPSV = %d, %v", p, err)
	}
	for _, bad := range []string{"(|||x|)", "(|||0|)", "(2121)"} {
		if _, err := parseEPSV(bad); err == nil {
			t.Errorf("parseEPSV(%q) succeeded", bad)
		}
	}
}

func TestVerbHidesPassword(t *testing.T) {
	if v := verb("pass %s", []any{"secret"}); v != "PASS ****" {
		t.Errorf("verb = %q", v)
	}
	if v := verb("RETR %s", []any{"f"}); v != "RETR f" {
		t.Errorf("verb = %q", v)
	}
}

func TestDialFrom(t *testing.T) {
	// Linux routes all of 127.0.0.0/8 to loopback; other systems may not.
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skipf("cannot use 127.0.0.2: %v", err)
	} else {
		l.Close()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	peer := make(chan net.Addr, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			peer <- nil
			return
		}
		peer <- conn.RemoteAddr()
		conn.Close()
	}()
	c := DialFrom(t, "127.0.0.2", l.Addr().String())
	a, ok := (<-peer).(*net.TCPAddr)
	if !ok {
		t.Fatal("the listener accepted no connection")
	}
	if got := a.IP.String(); got != "127.0.0.2" {
		t.Errorf("the server sees the client at %s, want 127.0.0.2", got)
	}
	if got := c.Conn.LocalAddr().(*net.TCPAddr).IP.String(); got != "127.0.0.2" {
		t.Errorf("the client's local address is %s, want 127.0.0.2", got)
	}
}
