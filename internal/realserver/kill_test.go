package realserver

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"testing"
	"time"
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
			c.login(User, Password)
			d := c.epsv()
			defer d.Close()
			c.text.PrintfLine("RETR big.bin")
			c.expect(1, "RETR big.bin")
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
			c.conn.SetDeadline(time.Now().Add(ioTimeout))
			code, msg, err := c.text.ReadResponse(0)
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
			c.login(User, Password)
			r := c.mustXfer("RETR big.bin", nil)
			if sha256.Sum256(r.Data) != sum {
				t.Errorf("RETR after Restart: %d bytes, not the file", len(r.Data))
			}
			c.mustXfer("STOR after.txt", []byte("after\n"))
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
			old.login(User, Password)
			s.Restart(t)
			// The old session is gone, so the limit of one lets a new one in.
			c := dial(t, s, nil)
			c.login(User, Password)
			if r := c.mustXfer("RETR kept.txt", nil); string(r.Data) != "kept\n" {
				t.Errorf("RETR kept.txt: %q", r.Data)
			}
			old.conn.SetDeadline(time.Now().Add(ioTimeout))
			old.text.PrintfLine("NOOP")
			if code, msg, err := old.text.ReadResponse(0); err == nil {
				t.Errorf("old session after Restart: NOOP: %d %s, want it broken", code, msg)
			}
		})
	}
}
