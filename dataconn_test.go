package ftp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// failingReader yields n bytes, then err.
type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	m := min(len(p), r.n)
	for i := range p[:m] {
		p[i] = 'x'
	}
	r.n -= m
	return m, nil
}

var errBody = errors.New("body source failed")

// TestUploadBodyFailureAborts checks that an upload whose body fails is
// never ended in order: the data connection is reset (the server sees
// ECONNRESET, not EOF), ABOR is sent, and the caller gets the body's
// error, by Store and by Stor with CloseWithError alike.
func TestUploadBodyFailureAborts(t *testing.T) {
	for _, how := range []string{"Store", "Stor+CloseWithError", "StorBinaryCmd"} {
		t.Run(how, func(t *testing.T) {
			var sawReset atomic.Bool
			var received atomic.Int64
			c, f, ctx := dialFake(t, passiveXfer("STOR", func(fc *ftptest.FakeConn, dc net.Conn) {
				fc.Reply("150 go ahead")
				n, err := io.Copy(io.Discard, dc)
				received.Store(n)
				sawReset.Store(err != nil && strings.Contains(err.Error(), "reset"))
				dc.Close()
				if err != nil {
					fc.Reply("426 Failure reading network stream.")
				} else {
					fc.Reply("226 OK, received the file") // what an orderly close earns
				}
				fc.Expect("ABOR")
				fc.Reply("226 ABOR ok")
				for range 2 {
					fc.Expect("NOOP")
					fc.Reply("200 ok")
				}
			}))
			body := &failingReader{n: 50000, err: errBody}
			var err error
			switch how {
			case "Store":
				err = c.Store(ctx, "f", body)
			case "StorBinaryCmd":
				err = c.StorBinaryCmd(ctx, "STOR f", body)
			default:
				d, oerr := c.Stor(ctx, "f")
				if oerr != nil {
					t.Fatal(oerr)
				}
				_, cerr := io.Copy(d, body)
				if !errors.Is(cerr, errBody) {
					t.Fatalf("copy: %v", cerr)
				}
				err = d.CloseWithError(cerr)
				if d.Reply().Code != 426 {
					t.Errorf("transfer verdict %q, want the 426", d.Reply().Text)
				}
			}
			if !errors.Is(err, errBody) {
				t.Fatalf("err = %v, want the body's error", err)
			}
			if !sawReset.Load() {
				t.Errorf("the server saw an orderly end of the data connection after %d bytes", received.Load())
			}
			if err := c.Noop(ctx); err != nil {
				t.Errorf("session after the abort: %v", err)
			}
			wantCmds(t, f.Commands()[:4], "TYPE I", "EPSV", "STOR f", "ABOR")
		})
	}
}

// TestCloseInterruptsDownload checks that Close, from another goroutine,
// ends a download in progress within 100 ms: into an *os.File (splice)
// and into a plain writer, passive and active.
func TestCloseInterruptsDownload(t *testing.T) {
	for _, tc := range []struct {
		name   string
		active bool
		file   bool
	}{{"passive splice", false, true}, {"passive copy", false, false}, {"active splice", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("d"), 64<<10)
			send := func(dc net.Conn) {
				defer dc.Close()
				for i := 0; i < 3200; i++ { // 200 MiB at 64 KiB per 10 ms
					if _, err := dc.Write(chunk); err != nil {
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			script := passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
				fc.Reply("150 here (209715200 bytes)")
				send(dc)
			})
			var opts []DialOption
			if tc.active {
				opts = append(opts, WithActiveMode())
				script = func(fc *ftptest.FakeConn) {
					fc.Expect("TYPE")
					fc.Reply("200 ok")
					arg := fc.Expect("PORT")
					fc.Reply("200 ok")
					fc.Expect("RETR")
					fc.Reply("150 here (209715200 bytes)")
					dc, err := fc.ActiveDial(arg)
					if err != nil {
						return
					}
					send(dc)
				}
			}
			c, _, ctx := dialFake(t, script, opts...)
			var w io.Writer = io.Discard
			if tc.file {
				f, err := os.Create(filepath.Join(t.TempDir(), "f"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				w = f
			}
			done := make(chan error, 1)
			go func() { done <- c.Retrieve(ctx, "f", w) }()
			time.Sleep(200 * time.Millisecond)
			closed := time.Now()
			c.Close()
			select {
			case err := <-done:
				if d := time.Since(closed); d > 100*time.Millisecond {
					t.Errorf("Retrieve returned %v after Close", d)
				}
				if !errors.Is(err, ErrClosed) {
					t.Errorf("Retrieve = %v, want ErrClosed", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Retrieve still running 5 s after Close")
			}
		})
	}
}

// TestDataErrorsNameTheirSide checks that a stalled or reset data
// connection is reported as a network failure of the command (an
// *OpError naming RETR, the data connection and the timeout), never as
// an error of the local file, and that a failing local file is reported
// with its own path.
func TestDataErrorsNameTheirSide(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "f.bin")
	for _, tc := range []struct {
		name    string
		then    func(fc *ftptest.FakeConn, dc net.Conn)
		timeout time.Duration
	}{
		{"stall", func(fc *ftptest.FakeConn, dc net.Conn) {
			fc.Reply("150 here (1000000 bytes)")
			dc.Write(make([]byte, 1000))
			time.Sleep(1500 * time.Millisecond)
			dc.Close()
		}, 300 * time.Millisecond},
		{"reset", func(fc *ftptest.FakeConn, dc net.Conn) {
			fc.Reply("150 here (1000000 bytes)")
			dc.Write(make([]byte, 1000))
			time.Sleep(50 * time.Millisecond)
			dc.(*net.TCPConn).SetLinger(0)
			dc.Close()
			fc.Reply("426 broken")
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []DialOption
			if tc.timeout > 0 {
				opts = append(opts, WithTimeout(tc.timeout))
			}
			c, _, ctx := dialFake(t, passiveXfer("RETR", tc.then), opts...)
			f, err := os.Create(target)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			err = c.Retrieve(ctx, "f.bin", f)
			var oe *OpError
			if !errors.As(err, &oe) || oe.Conn != "data" || oe.Cmd != "RETR f.bin" {
				t.Fatalf("err = %v (%T), want an *OpError of RETR on the data connection", err, err)
			}
			if tc.timeout > 0 && oe.Timeout != tc.timeout {
				t.Errorf("Timeout = %v, want %v", oe.Timeout, tc.timeout)
			}
			if strings.Contains(err.Error(), dir) {
				t.Errorf("a network failure names the local file: %v", err)
			}
			var pe *os.PathError
			if errors.As(err, &pe) {
				t.Errorf("a network failure is an *os.PathError: %v", err)
			}
		})
	}
	t.Run("local", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip(err)
		}
		defer full.Close()
		c, _, ctx := dialFake(t, passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
			fc.Reply("150 here (1000000 bytes)")
			dc.Write(make([]byte, 1000000))
			dc.Close()
			fc.Expect("ABOR")
			fc.Reply("226 ok")
			fc.Expect("NOOP")
			fc.Reply("200 ok")
		}))
		err = c.Retrieve(ctx, "f.bin", full)
		var pe *os.PathError
		var oe *OpError
		if !errors.As(err, &pe) || pe.Path != "/dev/full" || errors.As(err, &oe) {
			t.Fatalf("err = %v, want the *os.PathError of /dev/full", err)
		}
	})
}

// TestCompoundCallKeepsSession checks that ReadDir, whose LIST -a
// fallback takes two transfers, never lets another goroutine in between
// them. While the fake is between "LIST -a" and the fallback "LIST",
// another goroutine keeps calling Noop: it must always get ErrBusy, so
// no NOOP reaches the server in between, and ReadDir never fails.
func TestCompoundCallKeepsSession(t *testing.T) {
	const rounds = 50
	var window atomic.Bool // the fake is between LIST -a and LIST
	f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		fc.Reply("220 hi")
		for {
			line, ok := fc.ReadCommand()
			if !ok {
				return
			}
			switch verb, _, _ := strings.Cut(line, " "); verb {
			case "FEAT":
				fc.Reply("211-Features:", " SIZE", "211 End")
			case "SYST":
				fc.Reply("215 UNIX Type: L8")
			case "TYPE", "NOOP":
				fc.Reply("200 ok")
			case "EPSV":
				pd := fc.Passive()
				fc.Reply(pd.EPSVReply())
				dc, err := pd.Accept()
				if err != nil {
					return
				}
				l, _ := fc.ReadCommand()
				window.Store(l == "LIST -a")
				fc.Reply("150 here")
				if l == "LIST" {
					io.WriteString(dc, "-rw-r--r-- 1 u g 5 Jan 02 2024 f\r\n")
				} // LIST -a: nothing, as from a server taking -a for a name
				dc.Close()
				fc.Reply("226 done")
			default:
				fc.Reply("502 no")
			}
		}
	})
	ctx := testCtx(t)
	c, err := Dial(ctx, f.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stop := make(chan struct{})
	tries := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				tries <- n
				return
			default:
			}
			if window.Load() {
				c.Noop(ctx)
				n++
			} else {
				runtime.Gosched()
			}
		}
	}()
	var readErr error
	for i := 0; i < rounds; {
		c.noListAll = false // ask with -a each time
		before := len(f.Commands())
		es, err := c.ReadDir(ctx, "")
		if errors.Is(err, ErrBusy) && !slices.Contains(f.Commands()[before:], "LIST -a") {
			continue // the other goroutine held the session when the call began
		}
		if err == nil && len(es) != 1 {
			err = fmt.Errorf("%d entries, want 1", len(es))
		}
		if err != nil {
			readErr = fmt.Errorf("round %d: %w", i, err)
			break
		}
		i++
	}
	close(stop)
	t.Logf("the other goroutine tried %d times inside the window", <-tries)
	if readErr != nil {
		t.Fatalf("ReadDir: %v", readErr)
	}
	cmds := f.Commands()
	for i, cmd := range cmds {
		if cmd == "LIST -a" && (i+2 >= len(cmds) || cmds[i+1] != "EPSV" || cmds[i+2] != "LIST") {
			t.Fatalf("another call came between LIST -a and its fallback: %q", cmds[i:min(i+4, len(cmds))])
		}
	}
}
