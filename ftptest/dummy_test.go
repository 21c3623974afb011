package ftptest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

func dummyClient(t *testing.T, d *Dummy) *rawclient.Client {
	c := rawclient.Dial(t, d.Addr)
	if code, msg := c.Reply(); code != 220 || msg != "welcome" {
		t.Fatalf("greeting %d %q", code, msg)
	}
	return c
}

func TestDummyCannedReplies(t *testing.T) {
	d := NewDummy(t)
	c := dummyClient(t, d)
	for _, tc := range []struct{ cmd, want string }{
		{"USER anonymous", "331 username ok"},
		{"PASS anonymous@", "230 password ok"},
		{"SIZE foo", "250 1000"},
		{"MKD /foo", `257 "/foo"`},
		{"PWD", `257 "pwd ok"`},
		{"CWD /foo", "250 cwd ok"},
		{"ECHO 299 anything", "299 anything"},
		{"FOO bar", `550 command "foo" not understood.`},
		{"REST 30", "350 rest ok"},
	} {
		code, msg := c.Cmd("%s", tc.cmd)
		if got := strings.TrimSpace(fmt.Sprintf("%d %s", code, msg)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
	if _, last, rest := d.State(); last != "rest" || rest != "30" {
		t.Errorf("state: last %q rest %q", last, rest)
	}
}

func TestDummyNextResponseOrder(t *testing.T) {
	d := NewDummy(t)
	c := dummyClient(t, d)
	d.SetNextResponse("200 injected") // textproto needs text after the code
	if code, _ := c.Cmd("RNFR a"); code != 200 {
		t.Errorf("first reply %d, want injected 200", code)
	}
	if code, msg := c.Reply(); code != 350 || msg != "rnfr ok" {
		t.Errorf("second reply %d %q, want 350 rnfr ok", code, msg)
	}
	c.Expect(250, "RNTO b")
}

func TestDummyPASVAdvertisesFakeAddress(t *testing.T) {
	d := NewDummy(t)
	c := dummyClient(t, d)
	msg := c.Expect(227, "PASV")
	if !strings.HasPrefix(msg, "entering passive mode (252,253,254,255,") {
		t.Fatalf("227 %q", msg)
	}
	a, _ := ParseActiveArg(msg[strings.Index(msg, "(")+1 : len(msg)-1])
	conn := c.DialData(a.Port, nil) // at the control peer, not the fake address
	conn.Close()
	c.ExpectReply(226)
}

func TestDummyRetrRest(t *testing.T) {
	d := NewDummy(t)
	c := dummyClient(t, d)
	c.Expect(350, "REST 10")
	port := c.EPSV()
	conn := c.DialData(port, nil)
	c.Expect(125, "RETR x")
	got, _ := io.ReadAll(conn)
	conn.Close()
	c.ExpectReply(226)
	want := []byte(sliceRunes(RetrData, 10))
	if !bytes.Equal(got, want) {
		t.Errorf("RETR after REST 10: %d bytes, want %d", len(got), len(want))
	}
	if got := retr(t, c, nil, "MLSD"); string(got) != MLSDData || strings.Count(MLSDData, "\r\n") != 17 {
		t.Errorf("MLSD data %q", got)
	}
}

func TestDummyStorAndNextData(t *testing.T) {
	d := NewDummy(t)
	c := dummyClient(t, d)
	stor(t, c, nil, []byte("hello\r\n"), "STOR f")
	if got, _, _ := d.State(); string(got) != "hello\r\n" {
		t.Errorf("Received %q", got)
	}
	d.SetNextData(nil) // empty: the data connection closes at once
	if got := retr(t, c, nil, "LIST"); len(got) != 0 {
		t.Errorf("LIST with empty next data: %q", got)
	}
	if got := retr(t, c, nil, "NLST"); string(got) != NLSTData {
		t.Errorf("NLST %q", got)
	}
	c.Expect(125, "SETLONGRETR 20000")
	if got := retr(t, c, nil, "RETR x"); len(got) != 20000 {
		t.Errorf("long RETR %d bytes", len(got))
	}
	c.Expect(221, "QUIT")
}

func TestDummyTLS(t *testing.T) {
	d := NewDummyTLS(t)
	c := dummyClient(t, d)
	cfg := d.ClientTLSConfig()
	c.AuthTLS(cfg)
	c.Expect(200, "PBSZ 0")
	c.Expect(200, "PROT P")
	if got := retr(t, c, cfg, "LIST"); string(got) != ListData {
		t.Errorf("LIST over TLS %q", got)
	}
	c.Expect(200, "PROT C")
	if got := retr(t, c, nil, "NLST"); string(got) != NLSTData {
		t.Errorf("NLST in clear %q", got)
	}
	c.Expect(502, "PROT X")
	c.Expect(220, "CCC")
	tc := c.Conn.(interface{ CloseWrite() error })
	_ = tc.CloseWrite() // our close_notify
	if _, err := io.ReadAll(c.Text.R); err != nil {
		t.Fatalf("waiting for close_notify: %v", err)
	}
	raw := c.Conn.(netConner).NetConn()
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second)) // CloseWrite expired it
	plain := rawclient.New(t, raw)
	plain.Expect(200, "NOOP")
}
