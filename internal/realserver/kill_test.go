package realserver

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// TestKillRestart kills each server in the middle of a download, sees the
// data and control connections break, restarts it and downloads the file
// whole through a new session on the same port.
func TestKillRestart(t *testing.T) {
	// Bigger than what the socket buffers of both ends can hold, so that
	// the download is under way when the server dies.
	const size = 32 << 20
	big := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	sum := sha256.Sum256(big)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{})
			s.WriteFile("big.bin", big)
			addr, root, pasv := s.Addr, s.Root, [2]int{s.PasvMin, s.PasvMax}

			c := dial(t, s, nil)
			c.Login(User, Password)
			d := c.Passive()
			defer d.Close()
			c.Send("RETR big.bin")
			c.ExpectReply(1)
			buf := make([]byte, 64<<10)
			if _, err := io.ReadFull(d, buf); err != nil {
				t.Fatalf("reading the first %d bytes: %v", len(buf), err)
			}

			t0 := time.Now()
			s.Kill()
			t.Logf("Kill took %v", time.Since(t0))
			n, err := io.Copy(io.Discard, d)
			got := int64(len(buf)) + n
			t.Logf("data connection after Kill: %d of %d bytes, %v", got, size, err)
			if got >= size {
				t.Errorf("the whole file arrived despite Kill")
			}
			c.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
			code, msg, err := c.Text.ReadResponse(0)
			if err == nil {
				t.Errorf("control connection after Kill: %d %s, want it broken", code, msg)
			}
			if err := s.greet(); err == nil {
				t.Errorf("server still greets after Kill")
			}
			s.Kill() // a second Kill, and Stop, do nothing
			s.Stop()

			s.Restart(t)
			if s.Addr != addr || s.Root != root || [2]int{s.PasvMin, s.PasvMax} != pasv {
				t.Errorf("after Restart: %s %s %d-%d, want %s %s %v", s.Addr, s.Root, s.PasvMin, s.PasvMax, addr, root, pasv)
			}
			c = dial(t, s, nil)
			c.Login(User, Password)
			r := c.MustXfer("RETR big.bin", nil)
			if sha256.Sum256(r.Data) != sum {
				t.Errorf("RETR after Restart: %d bytes, not the file", len(r.Data))
			}
			c.MustXfer("STOR after.txt", []byte("after\n"))
			if b, err := os.ReadFile(s.Path("after.txt")); string(b) != "after\n" {
				t.Errorf("STOR after Restart: %q, %v", b, err)
			}
		})
	}
}

// TestRestartRunning restarts a running server: Restart stops it first.
func TestRestartRunning(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{MaxSessionsPerIP: 1})
			s.WriteFile("kept.txt", []byte("kept\n"))
			old := dial(t, s, nil)
			old.Login(User, Password)
			s.Restart(t)
			// The old session is gone, so the limit of one lets a new one in.
			c := dial(t, s, nil)
			c.Login(User, Password)
			if r := c.MustXfer("RETR kept.txt", nil); string(r.Data) != "kept\n" {
				t.Errorf("RETR kept.txt: %q", r.Data)
			}
			old.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
			old.Text.PrintfLine("NOOP")
			if code, msg, err := old.Text.ReadResponse(0); err == nil {
				t.Errorf("old session after Restart: NOOP: %d %s, want it broken", code, msg)
			}
		})
	}
}
