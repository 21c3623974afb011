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
)

func login(t *testing.T, s *Server) *rawClient {
	c := dialRaw(t, s.Addr)
	if code, msg := c.read(); code != 220 {
		t.Fatalf("greeting %d %s", code, msg)
	}
	return c
}

func TestServerStorRetr(t *testing.T) {
	var transcript bytes.Buffer
	s := NewServer(t, WithLogger(&transcript))
	c := login(t, s)
	c.expect(331, "USER test")
	c.expect(230, "PASS test")
	c.expect(200, "TYPE I")

	payload := make([]byte, 1<<20+17)
	rand.Read(payload)
	c.stor(nil, payload, "STOR blob.bin")
	onDisk, err := os.ReadFile(filepath.Join(s.Root, "blob.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(onDisk) != sha256.Sum256(payload) {
		t.Fatal("stored file differs")
	}
	got := c.retr(nil, "RETR blob.bin")
	if sha256.Sum256(got) != sha256.Sum256(payload) {
		t.Fatalf("RETR: got %d bytes, differ from %d sent", len(got), len(payload))
	}
	if msg := c.expect(213, "SIZE blob.bin"); msg != "1048593" {
		t.Errorf("SIZE = %q", msg)
	}
	// goftp honours REST only right before RETR, not before EPSV.
	port := c.epsvPort()
	d := c.dialData(port, nil)
	c.expect(350, "REST 1048576")
	c.expect(150, "RETR blob.bin")
	got, _ = io.ReadAll(d)
	d.Close()
	c.expect226()
	if !bytes.Equal(got, payload[1<<20:]) {
		t.Errorf("RETR after REST: %d bytes", len(got))
	}
	list := string(c.retr(nil, "MLSD"))
	// goftp ends MLSD lines with LF only.
	if !strings.Contains(list, "; blob.bin\n") {
		t.Errorf("MLSD = %q", list)
	}
	c.expect(221, "QUIT")
	s.Close()
	if !strings.Contains(transcript.String(), "PASS ****") || strings.Contains(transcript.String(), "PASS test") {
		t.Errorf("transcript does not hide the password:\n%s", transcript.String())
	}
}

func TestServerPASVAddress(t *testing.T) {
	s := NewServer(t)
	c := login(t, s)
	c.expect(331, "USER test")
	c.expect(230, "PASS test")
	a := c.pasv()
	if a.IP.String() != "127.0.0.1" {
		t.Errorf("PASV advertises %v, want 127.0.0.1", a.IP)
	}
	d := c.dialData(a.Port, nil)
	d.Close()
}

func TestServerBadLogin(t *testing.T) {
	s := NewServer(t, WithCredentials("alice", "secret"))
	c := login(t, s)
	c.expect(331, "USER alice")
	c.expect(530, "PASS wrong")
	c.expect(331, "USER anonymous")
	c.expect(530, "PASS x@")
	c.expect(331, "USER alice")
	c.expect(230, "PASS secret")
}

func TestServerAnonymousReadOnly(t *testing.T) {
	s := NewServer(t, WithAnonymous())
	if err := os.WriteFile(filepath.Join(s.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := login(t, s)
	c.expect(331, "USER anonymous")
	c.expect(230, "PASS guest@")
	if got := c.retr(nil, "RETR hello.txt"); string(got) != "hello\n" {
		t.Errorf("RETR = %q", got)
	}
	if code, _ := c.cmd("MKD new"); code/100 == 2 {
		t.Errorf("MKD by anonymous: got %d, want refusal", code)
	}
	if code, _ := c.cmd("DELE hello.txt"); code/100 == 2 {
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
	c.startTLS(cfg)
	c.expect(331, "USER test")
	c.expect(230, "PASS test")
	c.expect(200, "PBSZ 0")
	c.expect(200, "PROT P")
	c.stor(cfg, []byte("secret data"), "STOR s.txt")
	if got := c.retr(cfg, "RETR s.txt"); string(got) != "secret data" {
		t.Errorf("RETR = %q", got)
	}
}

func TestServerImplicitTLS(t *testing.T) {
	s := NewServer(t, WithImplicitTLS(nil))
	c := dialRaw(t, s.Addr)
	tc := tlsClientConn(t, c, s.ClientTLSConfig())
	if code, msg := tc.read(); code != 220 {
		t.Fatalf("greeting %d %s", code, msg)
	}
	tc.expect(331, "USER test")
	tc.expect(230, "PASS test")
}

func TestServerCloseWithPendingPassive(t *testing.T) {
	s := NewServer(t)
	c := login(t, s)
	c.expect(331, "USER test")
	c.expect(230, "PASS test")
	c.epsvPort() // never connected
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStartRejectsNonLoopback(t *testing.T) {
	if _, err := Start(t.TempDir(), WithAddr("0.0.0.0:0")); err == nil {
		t.Fatal("Start on 0.0.0.0 succeeded")
	}
}
