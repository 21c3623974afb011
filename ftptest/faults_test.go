package ftptest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// expectClosed checks that the server closed the control connection.
func expectClosed(t *testing.T, c *rawclient.Client) {
	t.Helper()
	_ = c.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
	if line, err := c.Text.ReadLine(); !errors.Is(err, io.EOF) {
		t.Fatalf("control connection still open: read %q, %v", line, err)
	}
}

func TestFailCommand(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		writeFile(t, s, "f", []byte("data"))
		c := logIn(t, s)
		s.Fail("retr", 1, "451 Local error")
		if r := c.Xfer("RETR f", nil, c.TLS); r.Prelim != "" || r.Final != "451 Local error" {
			t.Errorf("failed RETR: %q %q", r.Prelim, r.Final)
		}
		if r := c.MustXfer("RETR f", nil); string(r.Data) != "data" {
			t.Errorf("RETR after the fault: %q", r.Data)
		}

		s.Fail("EPSV", 0, "425 Can't open passive connection")
		for range 3 {
			c.Expect(425, "EPSV")
		}
		s.ClearFaults()
		c.EPSV()

		s.Fail("NOOP", 1, "421 Too many connections")
		c.Expect(421, "NOOP")
		expectClosed(t, c)
	})
}

func TestFailGreeting(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		s.Fail("", 1, "421 Too many connections (8)")
		c := rawclient.Dial(t, s.Addr)
		if s.ImplicitTLS {
			c.StartTLS(s.ClientTLSConfig())
		}
		if msg := c.ExpectReply(421); msg != "Too many connections (8)" {
			t.Errorf("greeting %q", msg)
		}
		expectClosed(t, c)

		s.Fail("", 1, "120 Ready in a moment")
		c = rawclient.Dial(t, s.Addr)
		if s.ImplicitTLS {
			c.StartTLS(s.ClientTLSConfig())
		}
		c.ExpectReply(120)
		c.ExpectReply(220)

		s.Fail("", 1, "220 Custom greeting")
		c = rawclient.Dial(t, s.Addr)
		if s.ImplicitTLS {
			c.StartTLS(s.ClientTLSConfig())
		}
		if msg := c.ExpectReply(220); msg != "Custom greeting" {
			t.Errorf("greeting %q", msg)
		}
		c.Expect(200, "NOOP")

		logIn(t, s) // the fault is spent
		if n := s.PeakSessions(); n != 3 {
			t.Errorf("PeakSessions = %d, want 3 (a refused greeting does not count)", n)
		}
	})
}

func TestFailPanicsOnBadReply(t *testing.T) {
	s := NewServer(t)
	for _, reply := range []string{"", "45", "four", "4511 x"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fail with reply %q did not panic", reply)
				}
			}()
			s.Fail("RETR", 1, reply)
		}()
	}
}

func TestCutDataRetr(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		payload := random(1 << 20)
		writeFile(t, s, "big", payload)
		c := logIn(t, s)
		for _, after := range []int64{100_000, 0} {
			s.CutData("RETR", 1, after)
			r := c.Xfer("RETR big", nil, c.TLS)
			if r.Prelim == "" || r.Final != "426 Failure writing network stream." {
				t.Errorf("cut after %d: replies %q %q", after, r.Prelim, r.Final)
			}
			if r.DataErr == nil {
				t.Errorf("cut after %d: data connection ended without error", after)
			}
			if int64(len(r.Data)) != after || !bytes.Equal(r.Data, payload[:len(r.Data)]) {
				t.Errorf("cut after %d: got %d bytes (prefix intact: %v)", after, len(r.Data), bytes.Equal(r.Data, payload[:min(len(r.Data), len(payload))]))
			}
		}
		c.Expect(200, "NOOP")
		if r := c.MustXfer("RETR big", nil); !bytes.Equal(r.Data, payload) {
			t.Errorf("RETR after the cuts: %d bytes", len(r.Data))
		}
	})
}

// A client that reads late still gets every byte before the cut: the
// reset waits for the client to have received them.
func TestCutDataSlowReader(t *testing.T) {
	s := NewServer(t)
	payload := random(8 << 20)
	writeFile(t, s, "big", payload)
	c := logIn(t, s)
	const after = 5 << 20 // more than the socket buffers hold
	s.CutData("RETR", 1, after)
	d := c.DialData(c.EPSV(), nil)
	c.Expect(150, "RETR big")
	time.Sleep(200 * time.Millisecond)
	got, err := io.ReadAll(d)
	d.Close()
	if err == nil || len(got) != after || !bytes.Equal(got, payload[:after]) {
		t.Errorf("got %d bytes, error %v; want %d then a reset", len(got), err, after)
	}
	c.ExpectReply(426)
}

func TestCutDataStor(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		payload := random(4 << 20)
		c := logIn(t, s)
		s.CutData("STOR", 1, 1000)
		r := c.Xfer("STOR up", payload, c.TLS)
		if r.Prelim == "" || r.Final != "426 Failure reading network stream." {
			t.Errorf("replies %q %q", r.Prelim, r.Final)
		}
		got, err := os.ReadFile(filepath.Join(s.Root, "up"))
		if err != nil || !bytes.Equal(got, payload[:1000]) {
			t.Errorf("stored %d bytes (%v), want the first 1000", len(got), err)
		}
		c.MustXfer("STOR up", payload[:10])
		if got, _ := os.ReadFile(filepath.Join(s.Root, "up")); !bytes.Equal(got, payload[:10]) {
			t.Errorf("STOR after the cut stored %d bytes", len(got))
		}
	})
}

func TestCutDataList(t *testing.T) {
	s := NewServer(t)
	writeFile(t, s, "a", nil)
	c := logIn(t, s)
	s.CutData("NLST", 0, 0)
	for range 2 {
		if r := c.Xfer("NLST", nil, nil); r.Code != 426 || len(r.Data) != 0 {
			t.Errorf("NLST: %q, %d bytes", r.Final, len(r.Data))
		}
	}
	if r := c.MustXfer("LIST", nil); !bytes.Contains(r.Data, []byte(" a")) {
		t.Errorf("LIST: %q", r.Data)
	}
}

func TestStall(t *testing.T) {
	const d = 300 * time.Millisecond
	forModes(t, func(t *testing.T, s *Server) {
		s.Stall("", 1, d)
		start := time.Now()
		c := logIn(t, s)
		if took := time.Since(start); took < d || took > d+5*time.Second {
			t.Errorf("stalled greeting and login took %v", took)
		}
		s.Stall("pwd", 2, d)
		for range 2 {
			start = time.Now()
			c.PWD()
			if took := time.Since(start); took < d || took > d+5*time.Second {
				t.Errorf("stalled PWD took %v", took)
			}
		}
		start = time.Now()
		c.PWD()
		if took := time.Since(start); took >= d {
			t.Errorf("PWD after the stalls took %v", took)
		}
	})
}

func TestStallData(t *testing.T) {
	const d = 300 * time.Millisecond
	forModes(t, func(t *testing.T, s *Server) {
		payload := random(256 << 10)
		writeFile(t, s, "f", payload)
		c := logIn(t, s)
		for _, verb := range []string{"RETR", "STOR"} {
			s.StallData(verb, 1, 1000, d)
			start := time.Now()
			var r rawclient.Transfer
			if verb == "RETR" {
				r = c.MustXfer("RETR f", nil)
			} else {
				r = c.MustXfer("STOR g", payload)
				r.Data, _ = os.ReadFile(filepath.Join(s.Root, "g"))
			}
			if took := time.Since(start); took < d || took > d+5*time.Second {
				t.Errorf("%s stalled for %v, took %v", verb, d, took)
			}
			if !bytes.Equal(r.Data, payload) {
				t.Errorf("%s: %d bytes, want %d", verb, len(r.Data), len(payload))
			}
		}
	})
}

// Close ends stalls at once, of a command or of a data connection.
func TestCloseInterruptsStalls(t *testing.T) {
	for _, stallData := range []bool{false, true} {
		t.Run(map[bool]string{false: "command", true: "data"}[stallData], func(t *testing.T) {
			forModes(t, func(t *testing.T, s *Server) {
				writeFile(t, s, "f", random(10000))
				c := logIn(t, s)
				if stallData {
					s.StallData("RETR", 1, 10, time.Hour)
				} else {
					s.Stall("RETR", 1, time.Hour)
				}
				done := make(chan rawclient.Transfer)
				go func() { done <- c.Xfer("RETR f", nil, c.TLS) }()
				time.Sleep(100 * time.Millisecond) // let the stall begin
				closeWithin(t, s, 2*time.Second)
				select {
				case r := <-done:
					if r.Code/100 == 2 {
						t.Errorf("stall data %v: transfer succeeded: %q", stallData, r.Final)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("stall data %v: client still waiting after Close", stallData)
				}
			})
		})
	}
}

func TestMaxSessions(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		a := logIn(t, s)
		logIn(t, s)
		c := rawclient.Dial(t, s.Addr)
		if s.ImplicitTLS {
			c.StartTLS(s.ClientTLSConfig())
		}
		if msg := c.ExpectReply(421); msg != "Too many connections (2)" {
			t.Errorf("third session greeted %q", msg)
		}
		expectClosed(t, c)
		a.Expect(221, "QUIT")
		expectClosed(t, a)
		logIn(t, s) // a's place is free
		if n := s.PeakSessions(); n != 2 {
			t.Errorf("PeakSessions = %d, want 2", n)
		}
	}, WithMaxSessions(2))
}

func TestCommands(t *testing.T) {
	forModes(t, func(t *testing.T, s *Server) {
		writeFile(t, s, "f", []byte("x"))
		c := logIn(t, s)
		c.MustXfer("RETR f", nil)
		c.Expect(221, "QUIT")
		want := []string{"USER test", "PASS ****", "TYPE I", "EPSV", "RETR f", "QUIT"}
		switch {
		case s.ImplicitTLS:
			want = slices.Insert(want, 2, "PBSZ 0", "PROT P")
		case s.TLS != nil:
			want = slices.Insert(want, 2, "PBSZ 0", "PROT P")
			want = slices.Insert(want, 0, "AUTH TLS")
		}
		if got := s.Commands(); !slices.Equal(got, want) {
			t.Errorf("Commands = %q, want %q", got, want)
		}
	})
}
