package ftp

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// pipelineScript answers FEAT with EPSV, then checks whether RETR came
// before the 229 reply was sent: it reads the next command within a
// short time before replying to EPSV. It reports what it saw.
func pipelineScript(saw chan<- bool) func(fc *ftptest.FakeConn) {
	return func(fc *ftptest.FakeConn) {
		fc.Expect("FEAT")
		fc.Reply("211-Features:", " EPSV", "211 End")
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		pd := fc.Passive()
		fc.Timeout = 300 * time.Millisecond
		line, early := fc.ReadCommand()
		fc.Timeout = 0
		saw <- early && line == "RETR f"
		fc.Reply(pd.EPSVReply())
		if !early {
			fc.Expect("RETR")
		}
		dc, err := pd.Accept()
		if err != nil {
			return
		}
		fc.Reply("150 here (5 bytes)")
		io.WriteString(dc, "hello")
		dc.Close()
		fc.Reply("226 done")
	}
}

// TestPipelinedTransfer checks that, once EPSV is known to work, EPSV
// and RETR go out together (the server has RETR before it answers
// EPSV), and that WithoutPipelining sends them one at a time.
func TestPipelinedTransfer(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []DialOption
		want bool
	}{{"default", nil, true}, {"WithoutPipelining", []DialOption{WithoutPipelining()}, false}} {
		t.Run(tc.name, func(t *testing.T) {
			saw := make(chan bool, 1)
			c, f, ctx := dialFake(t, pipelineScript(saw), tc.opts...)
			if _, err := c.Features(ctx); err != nil {
				t.Fatal(err)
			}
			var got []byte
			err := c.Retrieve(ctx, "f", writerFunc(func(p []byte) (int, error) {
				got = append(got, p...)
				return len(p), nil
			}))
			if err != nil || string(got) != "hello" {
				t.Fatalf("Retrieve = %q, %v", got, err)
			}
			if early := <-saw; early != tc.want {
				t.Errorf("RETR before the 229: %v, want %v", early, tc.want)
			}
			wantCmds(t, f.Commands(), "FEAT", "TYPE I", "EPSV", "RETR f")
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestPipelinedRefusal: a server that refuses the pipelined command at
// once closes its data port; the error is its refusal (here: the file is
// missing), and the session stays in step.
func TestPipelinedRefusal(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("FEAT")
		fc.Reply("211-Features:", " EPSV", "211 End")
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		pd := fc.Passive()
		fc.Expect("RETR")
		pd.Close() // refused: no data connection will be taken
		fc.Reply(pd.EPSVReply())
		fc.Reply("550 f: No such file or directory")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	})
	c.Features(ctx)
	err := c.Retrieve(ctx, "f", io.Discard)
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) {
		t.Fatalf("Retrieve = %v, want the server's 550", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("session after the refusal: %v", err)
	}
}

// TestPipelinedEPSVRefused: a pipelined EPSV that the server refuses
// costs the transfer command's reply too (read, so that the session
// stays in step); the transfer then starts again step by step, with
// PASV, and later transfers send one command at a time.
func TestPipelinedEPSVRefused(t *testing.T) {
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("FEAT")
		fc.Reply("211-Features:", " EPSV", "211 End")
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		fc.Expect("RETR")
		fc.Reply("500 EPSV not understood")
		fc.Reply("425 Use PORT or PASV first")
		for range 2 {
			fc.Expect("PASV")
			pd := fc.Passive()
			fc.Reply(pd.PASVReply())
			dc, err := pd.Accept()
			if err != nil {
				return
			}
			fc.Expect("RETR")
			fc.Reply("150 here")
			io.WriteString(dc, "x")
			dc.Close()
			fc.Reply("226 done")
		}
	})
	c.Features(ctx)
	for i := range 2 {
		if err := c.Retrieve(ctx, "f", io.Discard); err != nil {
			t.Fatalf("Retrieve %d = %v", i, err)
		}
	}
	wantCmds(t, f.Commands(), "FEAT", "TYPE I", "EPSV", "RETR f", "PASV", "RETR f", "PASV", "RETR f")
}

// TestPipelinedEPSVPassing: a passing failure of a pipelined EPSV (4xx:
// pure-ftpd's 425 when another session took the passive port it picked)
// fails that transfer, and the session goes on pipelining if its last
// pipelined EPSV worked; twice in a row, or on the session's first
// pipelined EPSV, it sends one command at a time from then on.
func TestPipelinedEPSVPassing(t *testing.T) {
	early := make(chan bool, 8)
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("FEAT")
		fc.Reply("211-Features:", " EPSV", "211 End")
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		// ok: a transfer that works; refuse: EPSV and RETR answered 425.
		for _, ok := range []bool{true, false, true, false, false, true} {
			fc.Expect("EPSV")
			fc.Timeout = 300 * time.Millisecond
			line, got := fc.ReadCommand()
			fc.Timeout = 0
			early <- got && line == "RETR f"
			if !ok {
				if !got {
					fc.Reply("425 Unable to identify the local data socket: Address already in use")
					continue // unpipelined: no RETR follows
				}
				fc.Reply("425 Unable to identify the local data socket: Address already in use", "425 No data connection")
				continue
			}
			pd := fc.Passive()
			fc.Reply(pd.EPSVReply())
			if !got {
				fc.Expect("RETR")
			}
			dc, err := pd.Accept()
			if err != nil {
				return
			}
			fc.Reply("150 here")
			io.WriteString(dc, "x")
			dc.Close()
			fc.Reply("226 done")
		}
	})
	c.Features(ctx)
	var pipelined []bool
	for i, ok := range []bool{true, false, true, false, false, true} {
		err := c.Retrieve(ctx, "f", io.Discard)
		if ok != (err == nil) || !ok && !errors.Is(err, ErrTemporary) {
			t.Fatalf("Retrieve %d = %v", i, err)
		}
		pipelined = append(pipelined, <-early)
	}
	// The second failure in a row ends pipelining.
	if want := []bool{true, true, true, true, true, false}; !slices.Equal(pipelined, want) {
		t.Errorf("pipelined = %v, want %v", pipelined, want)
	}
	wantCmds(t, f.Commands(), "FEAT", "TYPE I", "EPSV", "RETR f", "EPSV", "RETR f", "EPSV", "RETR f",
		"EPSV", "RETR f", "EPSV", "RETR f", "EPSV", "RETR f")
}
