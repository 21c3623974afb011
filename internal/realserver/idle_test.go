package realserver

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// idleReplies are the replies with which the servers end a session idle
// for Config.IdleTimeout (2 s) before closing the connection.
var idleReplies = map[Kind]string{
	Vsftpd:    "421 Timeout.",
	ProFTPD:   "421 Idle timeout (2 seconds): closing control connection",
	Pyftpdlib: "421 Control connection timed out.",
}

// TestIdleTimeout checks Config.IdleTimeout: a session that sends nothing
// is told so and closed after the timeout, not before, and a session busy
// with an upload that lasts longer than the timeout is not.
func TestIdleTimeout(t *testing.T) {
	const idle = 2 * time.Second
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			// pure-ftpd counts in minutes: Start skips it.
			s := Start(t, kind, Config{IdleTimeout: idle})

			// An upload lasting twice the timeout: the session lives on.
			busy := dial(t, s, nil)
			busy.Login(User, Password)
			busy.Expect(200, "TYPE I")
			d := busy.Passive()
			busy.Send("STOR slow.bin")
			busy.ExpectReply(1)
			var sent bytes.Buffer
			chunk := bytes.Repeat([]byte("slow upload\n"), 100)
			for end := time.Now().Add(2 * idle); time.Now().Before(end); {
				d.SetDeadline(time.Now().Add(rawclient.Timeout))
				if _, err := d.Write(chunk); err != nil {
					t.Fatalf("upload after %d bytes: %v", sent.Len(), err)
				}
				sent.Write(chunk)
				time.Sleep(100 * time.Millisecond)
			}
			d.Close()
			busy.ExpectReply(226)
			if b, err := os.ReadFile(s.Path("slow.bin")); err != nil || !bytes.Equal(b, sent.Bytes()) {
				t.Errorf("slow.bin: %d bytes, %v; want the %d sent", len(b), err, sent.Len())
			}
			busy.Expect(257, "PWD")

			// An idle session is ended after the timeout.
			c := dial(t, s, nil)
			c.Login(User, Password)
			t0 := time.Now()
			c.Conn.SetDeadline(t0.Add(idle + rawclient.Timeout))
			code, msg, err := c.Text.ReadResponse(0)
			waited := time.Since(t0)
			if err != nil {
				t.Fatalf("idle session: %v after %v, want a reply", err, waited)
			}
			if got := formatReply(code, msg); got != idleReplies[kind] {
				t.Errorf("idle session: %q, want %q", got, idleReplies[kind])
			}
			if waited < idle-100*time.Millisecond {
				t.Errorf("idle session ended after %v, before the timeout of %v", waited, idle)
			}
			if n, err := c.Text.R.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("after the timeout reply: read %d, %v; want EOF", n, err)
			}
			t.Logf("ended after %v", waited.Round(10*time.Millisecond))
		})
	}
}
