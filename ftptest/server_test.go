package ftptest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/internal/rawclient"
)

func login(t *testing.T, s *Server) *rawclient.Client {
	c := rawclient.Dial(t, s.Addr)
	if code, msg := c.Reply(); code != 220 {
		t.Fatalf("greeting %d %s", code, msg)
	}
	return c
}

func TestServerStorRetr(t *testing.T) {
	var transcript bytes.Buffer
	s := NewServer(t, WithLogger(&transcript))
	c := login(t, s)
	c.Expect(331, "USER test")
	c.Expect(230, "PASS test")
	c.Expect(200, "TYPE I")

	payload := make([]byte, 1<<20+17)
	rand.Read(payload)
	stor(t, c, nil, payload, "STOR blob.bin")
	onDisk, err := os.ReadFile(filepath.Join(s.Root, "blob.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(onDisk) != sha256.Sum256(payload) {
		t.Fatal("stored file differs")
	}
	got := retr(t, c, nil, "RETR blob.bin")
	if sha256.Sum256(got) != sha256.Sum256(payload) {
		t.Fatalf("RETR: got %d bytes, differ from %d sent", len(got), len(payload))
	}
	if msg := c.Expect(213, "SIZE blob.bin"); msg != "1048593" {
		t.Errorf("SIZE = %q", msg)
	}
	// goftp honours REST only right before RETR, not before EPSV.
	port := c.EPSV()
	d := c.DialData(port, nil)
	c.Expect(350, "REST 1048576")
	c.Expect(150, "RETR blob.bin")
	got, _ = io.ReadAll(d)
	d.Close()
	c.ExpectReply(226)
	if !bytes.Equal(got, payload[1<<20:]) {
		t.Errorf("RETR after REST: %d bytes", len(got))
	}
	list := string(retr(t, c, nil, "MLSD"))
	// goftp ends MLSD lines with LF only.
	if !strings.Contains(list, "; blob.bin\n") {
		t.Errorf("MLSD = %q", list)
	}
	c.Expect(221, "QUIT")
	s.Close()
	if !strings.Contains(transcript.String(), "PASS ****") || strings.Contains(transcript.String(), "PASS test") {
		t.Errorf("transcript does not hide the password:\n%s", transcript.String())
	}
}

func TestServerPASVAddress(t *testing.T) {
	s := NewServer(t)
	c := login(t, s)
	c.Expect(331, "USER test")
	c.Expect(230, "PASS test")
	a := c.PASV()
	if a.IP.String() != "127.0.0.1" {
		t.Errorf("PASV advertises %v, want 127.0.0.1", a.IP)
	}
	d := c.DialData(a.Port, nil)
	d.Close()
}

func TestServerBadLogin(t *testing.T) {
	s := NewServer(t, WithCredentials("alice", "secret"))
	c := login(t, s)
	c.Expect(331, "USER alice")
	c.Expect(530, "PASS wrong")
	c.Expect(331, "USER anonymous")
	c.Expect(530, "PASS x@")
	c.Expect(331, "USER alice")
	c.Expect(230, "PASS secret")
}

func TestServerAnonymousReadOnly(t *testing.T) {
	s := NewServer(t, WithAnonymous())
	if err := os.WriteFile(filepath.Join(s.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := login(t, s)
	c.Expect(331, "USER anonymous")
	c.Expect(230, "PASS guest@")
	if got := retr(t, c, nil, "RETR hello.txt"); string(got) != "hello\n" {
		t.Errorf("RETR = %q", got)
	}
	if code, _ := c.Cmd("MKD new"); code/100 == 2 {
		t.Errorf("MKD by anonymous: got %d, want refusal", code)
	}
	if code, _ := c.Cmd("DELE hello.txt"); code/100 == 2 {
		t.Errorf("DELE by anonymous: got %d, want refusal", code)
	}
}

func TestServerExplicitTLS(t *testing.T) {
	s := NewServer(t, WithTLS(nil))
	if s.Certificate() == nil {
		t.Fatal("no certificate")
	}
	c := login(t, s)
	cfg := s.ClientTLSConfig()
	c.AuthTLS(cfg)
	c.Expect(331, "USER test")
	c.Expect(230, "PASS test")
	c.Expect(200, "PBSZ 0")
	c.Expect(200, "PROT P")
	stor(t, c, cfg, []byte("secret data"), "STOR s.txt")
	if got := retr(t, c, cfg, "RETR s.txt"); string(got) != "secret data" {
		t.Errorf("RETR = %q", got)
	}
}

func TestServerImplicitTLS(t *testing.T) {
	s := NewServer(t, WithImplicitTLS(nil))
	c := rawclient.Dial(t, s.Addr)
	c.StartTLS(s.ClientTLSConfig())
	tc := c
	if code, msg := tc.Reply(); code != 220 {
		t.Fatalf("greeting %d %s", code, msg)
	}
	tc.Expect(331, "USER test")
	tc.Expect(230, "PASS test")
}

func TestServerCloseWithPendingPassive(t *testing.T) {
	s := NewServer(t)
	c := login(t, s)
	c.Expect(331, "USER test")
	c.Expect(230, "PASS test")
	c.EPSV() // never connected
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStartRejectsNonLoopback(t *testing.T) {
	if _, err := Start(t.TempDir(), WithAddr("0.0.0.0:0")); err == nil {
		t.Fatal("Start on 0.0.0.0 succeeded")
	}
}
