package ftptest

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

func TestServerStorRetr(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		c := logIn(t, s)
		payload := random(1<<20 + 17)
		c.MustXfer("STOR blob.bin", payload)
		onDisk, err := os.ReadFile(filepath.Join(s.Root, "blob.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(onDisk) != sha256.Sum256(payload) {
			t.Fatal("stored file differs")
		}
		got := c.MustXfer("RETR blob.bin", nil).Data
		if sha256.Sum256(got) != sha256.Sum256(payload) {
			t.Fatalf("RETR: got %d bytes, differ from %d sent", len(got), len(payload))
		}
		if msg := c.Expect(213, "SIZE blob.bin"); msg != "1048593" {
			t.Errorf("SIZE = %q", msg)
		}
		c.Expect(350, "REST 1048576") // before EPSV, as clients send it
		if got := c.MustXfer("RETR blob.bin", nil).Data; !bytes.Equal(got, payload[1<<20:]) {
			t.Errorf("RETR after REST: %d bytes", len(got))
		}
		c.MustXfer("APPE blob.bin", []byte("tail"))
		if fi, _ := os.Stat(filepath.Join(s.Root, "blob.bin")); fi.Size() != int64(len(payload))+4 {
			t.Errorf("after APPE: %d bytes", fi.Size())
		}
		// goftp ends MLSD lines with LF only.
		if list := string(c.MustXfer("MLSD", nil).Data); !strings.Contains(list, "; blob.bin\n") {
			t.Errorf("MLSD = %q", list)
		}
		c.Expect(221, "QUIT")
		expectClosed(t, c)
	})
}

// REST then STOR writes from the offset, replacing what followed, as a
// resumed upload needs.
func TestServerRestStor(t *testing.T) {
	s := NewServer(t)
	payload := random(5000)
	writeFile(t, s, "f", append(payload[:1000:1000], "garbage"...))
	c := logIn(t, s)
	c.Expect(350, "REST 1000")
	c.MustXfer("STOR f", payload[1000:])
	if got, _ := os.ReadFile(filepath.Join(s.Root, "f")); !bytes.Equal(got, payload) {
		t.Errorf("resumed file has %d bytes, differs", len(got))
	}
}

func TestServerTranscript(t *testing.T) {
	var transcript bytes.Buffer
	s := NewServer(t, WithLogger(&transcript))
	c := logIn(t, s)
	c.Expect(221, "QUIT")
	expectClosed(t, c)
	s.Close()
	for _, want := range []string{"1 < 220 ftptest ready", "1 > USER test", "1 > PASS ****", "1 < 230 ", "1 > QUIT", "1 < 221 "} {
		if !strings.Contains(transcript.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, transcript.String())
		}
	}
	if strings.Contains(transcript.String(), "PASS test") {
		t.Errorf("transcript shows the password:\n%s", transcript.String())
	}
}

func TestServerPASVAddress(t *testing.T) {
	s := NewServer(t)
	c := logIn(t, s)
	a := c.PASV()
	if a.IP.String() != "127.0.0.1" {
		t.Errorf("PASV advertises %v, want 127.0.0.1", a.IP)
	}
	c.DialData(a.Port, nil).Close()
}

func TestServerIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ln.Close()
	s := NewServer(t, WithAddr("[::1]:0"))
	if !strings.HasPrefix(s.URL, "ftp://test:test@[::1]:") {
		t.Errorf("URL = %q", s.URL)
	}
	writeFile(t, s, "six", []byte("6"))
	c := logIn(t, s)
	c.Expect(550, "PASV")
	if got := c.MustXfer("RETR six", nil).Data; string(got) != "6" {
		t.Errorf("RETR = %q", got)
	}
}

func TestServerURL(t *testing.T) {
	for _, tc := range []struct {
		opts   []Option
		scheme string
	}{
		{nil, "ftp"},
		{[]Option{WithTLS(nil)}, "ftpes"},
		{[]Option{WithImplicitTLS(nil)}, "ftps"},
		{[]Option{WithCredentials("a@b:c", "p/w d%")}, "ftp"},
	} {
		s := NewServer(t, tc.opts...)
		want := tc.scheme + "://" + url.UserPassword(s.User, s.Password).String() + "@" + s.Addr + "/"
		if s.URL != want {
			t.Errorf("URL = %q, want %q", s.URL, want)
		}
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		if pw, _ := u.User.Password(); u.Scheme != tc.scheme || u.User.Username() != s.User || pw != s.Password || u.Host != s.Addr || u.Path != "/" {
			t.Errorf("URL %q parses as %+v", s.URL, u)
		}
	}
	s := NewServer(t, WithCredentials("a@b:c", "p/w d%"))
	if want := "ftp://a%40b%3Ac:p%2Fw%20d%25@" + s.Addr + "/"; s.URL != want {
		t.Errorf("URL = %q, want %q", s.URL, want)
	}
}

// activeXfer runs cmd over an active data connection that the server
// opens to a listener announced with PORT (eprt false) or EPRT.
func activeXfer(t *testing.T, c *rawclient.Client, eprt bool, cmd string, upload []byte, cfg *tls.Config) []byte {
	t.Helper()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a := ln.Addr().(*net.TCPAddr)
	if eprt {
		c.Expect(200, "EPRT |1|127.0.0.1|%d|", a.Port)
	} else {
		c.Expect(200, "PORT 127,0,0,1,%d,%d", a.Port>>8, a.Port&0xff)
	}
	c.Expect(150, "%s", cmd)
	_ = ln.SetDeadline(time.Now().Add(rawclient.Timeout))
	nc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(rawclient.Timeout))
	if cfg != nil {
		nc = tls.Client(nc, cfg)
	}
	defer nc.Close()
	var got []byte
	if upload == nil {
		got, err = io.ReadAll(nc)
	} else if _, err = nc.Write(upload); err == nil {
		if tc, ok := nc.(*tls.Conn); ok {
			err = tc.CloseWrite()
		}
		nc.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	c.ExpectReply(226)
	return got
}

func TestServerActive(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		c := logIn(t, s)
		for _, eprt := range []bool{false, true} {
			activeXfer(t, c, eprt, "STOR f", []byte("active"), c.TLS)
			if got := activeXfer(t, c, eprt, "RETR f", nil, c.TLS); string(got) != "active" {
				t.Errorf("eprt %v: RETR = %q", eprt, got)
			}
		}
		c.Expect(500, "PORT 10,0,0,1,4,1")
		c.Expect(500, "EPRT |2|2001:db8::1|1025|")
		c.Expect(501, "PORT 1,2,3")
		c.Expect(501, "EPRT |1|127.0.0.1|1025|x")
	})
}

func TestServerDataCommandsNeedSetup(t *testing.T) {
	s := NewServer(t)
	writeFile(t, s, "f", nil)
	c := greet(t, s)
	c.Expect(530, "PASV")
	c.Expect(530, "EPSV")
	c.Expect(530, "PORT 127,0,0,1,4,1")
	c.Expect(530, "REST 1")
	c.Expect(530, "RETR f")
	c.Login(s.User, s.Password)
	c.Expect(425, "RETR f")
	c.Expect(225, "ABOR")
	c.Expect(500, "LPRT 4,4,127,0,0,1,2,4,1")
	if feat := c.Expect(211, "FEAT"); strings.Contains(feat, "LPRT") {
		t.Errorf("FEAT advertises LPRT:\n%s", feat)
	}
}

func TestServerBadLogin(t *testing.T) {
	s := NewServer(t, WithCredentials("alice", "secret"))
	c := greet(t, s)
	c.Expect(331, "USER alice")
	c.Expect(530, "PASS wrong")
	c.Expect(331, "USER anonymous")
	c.Expect(530, "PASS x@")
	c.Expect(331, "USER alice")
	c.Expect(230, "PASS secret")
}

func TestServerAnonymousReadOnly(t *testing.T) {
	s := NewServer(t, WithAnonymous())
	writeFile(t, s, "hello.txt", []byte("hello\n"))
	c := greet(t, s)
	c.Login("anonymous", "guest@")
	if got := c.MustXfer("RETR hello.txt", nil).Data; string(got) != "hello\n" {
		t.Errorf("RETR = %q", got)
	}
	c.Expect(550, "MKD new")
	c.Expect(550, "DELE hello.txt")
	c.Expect(350, "RNFR hello.txt")
	c.Expect(550, "RNTO x")
	// Refused before any 1xx reply, as real servers do.
	for _, cmd := range []string{"STOR up", "APPE hello.txt"} {
		if r := c.Xfer(cmd, []byte("x"), nil); r.Prelim != "" || r.Code != 550 {
			t.Errorf("anonymous %s: %q, %q; want 550 alone", cmd, r.Prelim, r.Final)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Root, "up")); err == nil {
		t.Error("anonymous STOR created a file")
	}
	if b, _ := os.ReadFile(filepath.Join(s.Root, "hello.txt")); string(b) != "hello\n" {
		t.Errorf("after anonymous APPE hello.txt holds %q", b)
	}
}

func TestServerTLSCommands(t *testing.T) {
	s := NewServer(t, WithTLS(nil))
	if s.Certificate() == nil {
		t.Fatal("no certificate")
	}
	writeFile(t, s, "f", []byte("secret data"))
	c := greet(t, s) // explicit: greet sent AUTH TLS
	c.Expect(503, "AUTH TLS")
	c.Login(s.User, s.Password) // PBSZ 0, PROT P
	if got := c.MustXfer("RETR f", nil).Data; string(got) != "secret data" {
		t.Errorf("protected RETR = %q", got)
	}
	c.Expect(200, "PROT C")
	if r := c.Xfer("RETR f", nil, nil); string(r.Data) != "secret data" || r.Code != 226 {
		t.Errorf("clear RETR: %q, %q", r.Data, r.Final)
	}
	c.Expect(536, "PROT S")
	c.Expect(504, "PROT X")

	plain := NewServer(t)
	c = greet(t, plain)
	c.Expect(550, "AUTH TLS")
	c.Expect(503, "PBSZ 0")
	c.Expect(503, "PROT P")
}

// Implicit TLS accepts PBSZ and PROT (goftp alone refused them) and
// protects data connections after PROT P only.
func TestServerImplicitTLSData(t *testing.T) {
	s := NewServer(t, WithImplicitTLS(nil))
	writeFile(t, s, "f", []byte("implicit"))
	c := logIn(t, s)
	if got := c.MustXfer("RETR f", nil).Data; string(got) != "implicit" {
		t.Errorf("RETR = %q", got)
	}
	c.Expect(200, "PROT C")
	if r := c.Xfer("RETR f", nil, nil); string(r.Data) != "implicit" {
		t.Errorf("clear RETR: %q, %q", r.Data, r.Final)
	}
}

func TestServerCloseWithPendingPassive(t *testing.T) {
	s := NewServer(t)
	c := logIn(t, s)
	c.EPSV() // never connected
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// A client that never connects its data connection gets 425 once the
// server gives up waiting.
func TestServerDataConnectionNeverComes(t *testing.T) {
	s := NewServer(t, func(c *config) { c.timeout = 200 * time.Millisecond })
	writeFile(t, s, "f", []byte("x"))
	c := logIn(t, s)
	c.EPSV()
	start := time.Now()
	c.Expect(150, "RETR f")
	c.ExpectReply(425)
	if took := time.Since(start); took < s.timeout || took > s.timeout+5*time.Second {
		t.Errorf("425 after %v", took)
	}
	c.Expect(200, "NOOP")
}

func TestStartRejectsNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "localhost:0", "192.0.2.1:21"} {
		if s, err := Start(t.TempDir(), WithAddr(addr)); err == nil {
			s.Close()
			t.Errorf("Start on %s succeeded", addr)
		}
	}
}

func TestStartNotADirectory(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	os.WriteFile(f, nil, 0o644)
	for _, root := range []string{f, filepath.Join(f, "missing")} {
		if s, err := Start(root); err == nil {
			s.Close()
			t.Errorf("Start(%s) succeeded", root)
		}
	}
}
