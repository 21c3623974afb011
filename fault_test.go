package ftp

// Misbehaviour no real server shows on demand, scripted with
// ftptest.NewFake. Each case must end in an error of the right class,
// within its context's bound, never a hang or a panic.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// replyAll answers every command with the replies given for its verb
// (upper case), or "502 no" by default.
func replyAll(m map[string][]string) func(*ftptest.FakeConn) {
	return func(fc *ftptest.FakeConn) {
		for {
			line, ok := fc.ReadCommand()
			if !ok {
				return
			}
			verb, _, _ := strings.Cut(line, " ")
			r, ok := m[strings.ToUpper(verb)]
			if !ok {
				r = []string{"502 no"}
			}
			fc.Reply(r...)
		}
	}
}

func TestFault_wrong_reply_codes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		verb  string
		reply string
		call  func(ctx context.Context, c *Conn) error
		want  error
	}{
		{"cwd 150", "CWD", "150 what", func(ctx context.Context, c *Conn) error { return c.Cwd(ctx, "d") }, ErrUnexpectedReply},
		{"cwd 350", "CWD", "350 what", func(ctx context.Context, c *Conn) error { return c.Cwd(ctx, "d") }, ErrUnexpectedReply},
		{"rmd 331", "RMD", "331 what", func(ctx context.Context, c *Conn) error { return c.Rmd(ctx, "d") }, ErrUnexpectedReply},
		{"dele 350", "DELE", "350 what", func(ctx context.Context, c *Conn) error { return c.Delete(ctx, "d") }, ErrUnexpectedReply},
		{"rnfr 250", "RNFR", "250 what", func(ctx context.Context, c *Conn) error { return c.Rename(ctx, "a", "b") }, ErrUnexpectedReply},
		{"mkd 350", "MKD", "350 what", func(ctx context.Context, c *Conn) error { _, err := c.Mkd(ctx, "d"); return err }, ErrUnexpectedReply},
		{"pwd 150", "PWD", "150 what", func(ctx context.Context, c *Conn) error { _, err := c.Pwd(ctx); return err }, ErrUnexpectedReply},
		{"noop 600", "NOOP", "600 what", func(ctx context.Context, c *Conn) error { return c.Noop(ctx) }, ErrProtocol},
		{"noop garbage", "NOOP", "hello", func(ctx context.Context, c *Conn) error { return c.Noop(ctx) }, ErrProtocol},
		{"noop 421", "NOOP", "421 bye", func(ctx context.Context, c *Conn) error { return c.Noop(ctx) }, ErrTemporary},
		{"user 150", "USER", "150 what", func(ctx context.Context, c *Conn) error { return c.Login(ctx, "u", "p") }, ErrUnexpectedReply},
		{"user 530", "USER", "530 no", func(ctx context.Context, c *Conn) error { return c.Login(ctx, "u", "p") }, ErrPermanent},
		{"abor 200", "ABOR", "200 what", func(ctx context.Context, c *Conn) error { _, err := c.Abort(ctx); return err }, ErrProtocol},
		{"epsv 227", "EPSV", "227 what", func(ctx context.Context, c *Conn) error { return c.RetrBinaryCmd(ctx, "RETR x", io.Discard) }, ErrUnexpectedReply},
		{"epsv 229 malformed", "EPSV", "229 (|||x|)", func(ctx context.Context, c *Conn) error { return c.RetrBinaryCmd(ctx, "RETR x", io.Discard) }, ErrProtocol},
		{"type 500", "TYPE", "500 no", func(ctx context.Context, c *Conn) error { return c.RetrBinaryCmd(ctx, "RETR x", io.Discard) }, ErrPermanent},
		{"type 331", "TYPE", "331 what", func(ctx context.Context, c *Conn) error { return c.RetrBinaryCmd(ctx, "RETR x", io.Discard) }, ErrUnexpectedReply},
		{"size 213 junk", "SIZE", "213 lots", func(ctx context.Context, c *Conn) error { _, err := c.Size(ctx, "x"); return err }, ErrProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string][]string{"TYPE": {"200 ok"}, "SIZE": {"213 1"}}
			m[tc.verb] = []string{tc.reply}
			c, _, ctx := dialFake(t, replyAll(m))
			wantIs(t, tc.call(ctx, c), tc.want)
		})
	}
}

func TestFault_multiline_oddities(t *testing.T) {
	for name, raw := range map[string]string{
		"unterminated then drop": "211-a\r\n211-b\r\n212 other\r\n",
		"drop mid line":          "211-a\r\n211 en",
		"single line cut":        "20",
	} {
		t.Run(name, func(t *testing.T) {
			c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
				fc.Expect("STAT")
				fc.WriteRaw([]byte(raw))
			})
			_, err := c.Cmd(ctx, "STAT")
			if err == nil || !IsSessionError(err) {
				t.Fatalf("err %v", err)
			}
			wantIs(t, c.Noop(ctx), ErrClosed)
		})
	}
	// A continuation line that looks like another reply's end does not
	// end the reply.
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("STAT")
		fc.Reply("211-a", "200 b", "211-c", " 211 d", "211 end")
	})
	r, err := c.Cmd(ctx, "STAT")
	if err != nil || r.Code != 211 || len(r.Lines()) != 5 {
		t.Errorf("%q %v", r.Text, err)
	}
}

// A server that sends an extra reply desynchronises the session; the
// next command reads the stale reply, and a class mismatch shows it.
func TestFault_extra_pipelined_reply(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.Reply("200 ok", "350 extra")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	})
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	wantIs(t, c.Noop(ctx), ErrUnexpectedReply)
}

// streamer writes prefix then x's until the connection fails.
func streamer(prefix string) func(*ftptest.FakeConn) {
	return func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.WriteRaw([]byte(prefix))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for fc.WriteRaw(chunk) == nil {
		}
	}
}

func TestFault_endless_reply_line(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, _, ctx := dialFake(t, streamer("200 "))
	err := c.Noop(ctx)
	runtime.ReadMemStats(&after)
	wantIs(t, err, ErrLineTooLong)
	wantIs(t, err, ErrProtocol)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("allocated %d bytes reading an endless line", grew)
	}
	c.Close()
}

func TestFault_endless_multiline_reply(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.WriteRaw([]byte("211-start\r\n"))
		chunk := bytes.Repeat([]byte("211-more\r\n"), 8<<10)
		for fc.WriteRaw(chunk) == nil {
		}
	})
	wantIs(t, c.Noop(ctx), ErrLineTooLong)
}

func TestFault_drop_mid_transfer(t *testing.T) {
	c, _, ctx := dialFake(t, passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
		fc.Reply("150 here (100 bytes)")
		dc.Write([]byte("0123456789"))
		fc.Close()
	}))
	err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard)
	if err == nil || !IsSessionError(err) {
		t.Fatalf("err %v", err)
	}
}

func TestFault_short_transfer_announced_size(t *testing.T) {
	c, _, ctx := dialFake(t, passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
		fc.Reply("150 here (100 bytes)")
		dc.Write([]byte("0123456789"))
		dc.Close()
		fc.Reply("226 done")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	}))
	err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard)
	wantIs(t, err, ErrShortTransfer)
	wantIs(t, err, ErrProtocol)
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after the short transfer: %v", err)
	}
}

func TestFault_no_completion_reply(t *testing.T) {
	c, _, ctx := dialFake(t, passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
		fc.Reply("150 here (10 bytes)")
		dc.Write([]byte("0123456789"))
		dc.Close()
		fc.Close()
	}))
	var buf bytes.Buffer
	err := c.RetrBinaryCmd(ctx, "RETR x", &buf)
	wantIs(t, err, ErrShortTransfer)
	if buf.String() != "0123456789" {
		t.Errorf("data %q", buf.String())
	}
}

func TestFault_stall(t *testing.T) {
	stall := func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.ReadCommand() // never replies; ends when the client closes
	}
	t.Run("context", func(t *testing.T) {
		c, _, ctx := dialFake(t, stall)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		wantIs(t, c.Noop(short), context.DeadlineExceeded)
		wantIs(t, c.Noop(ctx), ErrClosed)
	})
	t.Run("WithTimeout", func(t *testing.T) {
		c, _, ctx := dialFake(t, stall, WithTimeout(200*time.Millisecond))
		start := time.Now()
		err := c.Noop(ctx)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("err %v, want a timeout", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("greeting", func(t *testing.T) {
		f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) { fc.ReadCommand() })
		_, err := Dial(testCtx(t), f.Addr, WithTimeout(200*time.Millisecond))
		if err == nil {
			t.Fatal("Dial succeeded without a greeting")
		}
	})
}

func TestFault_passive_refused(t *testing.T) {
	port := freePort(t)
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		fc.Reply("229 (|||" + itoa(port) + "|)")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	})
	err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard)
	if err == nil || !IsSessionError(err) {
		t.Fatalf("err %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after the refused data connection: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// The listener exists (the kernel completes the connection) but the
// server never accepts nor answers RETR: the timeout bounds it.
func TestFault_passive_never_accepted(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		pd := fc.Passive()
		fc.Reply(pd.EPSVReply())
		fc.Expect("RETR")
		fc.ReadCommand()
	}, WithTimeout(300*time.Millisecond))
	start := time.Now()
	if err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard); err == nil {
		t.Fatal("no error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestFault_active_never_arrives(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("PORT")
		fc.Reply("200 ok")
		fc.Expect("RETR")
		fc.Reply("150 connecting")
		fc.ReadCommand()
	}, WithActiveMode(), WithTimeout(300*time.Millisecond))
	start := time.Now()
	if err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard); err == nil {
		t.Fatal("no error")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestFault_active_from_foreign_address(t *testing.T) {
	accepted := make(chan bool, 1)
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		arg := fc.Expect("PORT")
		fc.Reply("200 ok")
		fc.Expect("RETR")
		fc.Reply("150 connecting")
		addr, err := ftptest.ParseActiveArg(arg)
		if err != nil {
			t.Error(err)
			return
		}
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 2 * time.Second}
		dc, err := d.Dial("tcp", addr.String())
		if err != nil {
			t.Errorf("dial from 127.0.0.2: %v", err)
			return
		}
		defer dc.Close()
		dc.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, rerr := dc.Read(make([]byte, 1))
		accepted <- rerr == nil
		fc.Reply("426 closed")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	}, WithActiveMode())
	err := c.RetrBinaryCmd(ctx, "RETR x", io.Discard)
	wantIs(t, err, ErrProtocol)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.2") {
		t.Errorf("err %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after the refused data connection: %v", err)
	}
}

// The client connects to the control peer, not the address in the 227.
func TestFault_pasv_foreign_address(t *testing.T) {
	saw := make(chan string, 1)
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("PASV")
		pd := fc.Passive()
		fc.Reply(ftptest.PASVReply(net.IPv4(10, 9, 8, 7), pd.Addr.Port))
		dc, err := pd.Accept()
		if err != nil {
			saw <- "nothing"
			return
		}
		saw <- dc.LocalAddr().(*net.TCPAddr).IP.String()
		fc.Expect("RETR")
		fc.Reply("150 ok (3 bytes)")
		dc.Write([]byte("abc"))
		dc.Close()
		fc.Reply("226 ok")
	}, WithDisabledEPSV())
	var buf bytes.Buffer
	if err := c.RetrBinaryCmd(ctx, "RETR x", &buf); err != nil {
		t.Fatal(err)
	}
	if got := <-saw; got != "127.0.0.1" {
		t.Errorf("the fake's listener saw a connection to %s", got)
	}
	wantCmds(t, f.Commands(), "TYPE I", "PASV", "RETR x")
}

func TestFault_epsv_refused_falls_back_and_remembers(t *testing.T) {
	serve := func(fc *ftptest.FakeConn) {
		fc.Expect("PASV")
		pd := fc.Passive()
		fc.Reply(pd.PASVReply())
		dc, err := pd.Accept()
		if err != nil {
			return
		}
		fc.Expect("RETR")
		fc.Reply("150 ok (2 bytes)")
		dc.Write([]byte("ok"))
		dc.Close()
		fc.Reply("226 ok")
	}
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("EPSV")
		fc.Reply("500 EPSV not understood")
		serve(fc)
		serve(fc)
	})
	for _, name := range []string{"a", "b"} {
		if err := c.RetrBinaryCmd(ctx, "RETR "+name, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	wantCmds(t, f.Commands(), "TYPE I", "EPSV", "PASV", "RETR a", "PASV", "RETR b")
}

func TestFault_control_characters_refused(t *testing.T) {
	for _, bad := range []string{"a\rb", "a\nb", "a\x00b", "a\r\nNOOP"} {
		c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) { fc.ReadCommand() })
		calls := map[string]error{
			"Cwd":          c.Cwd(ctx, bad),
			"Delete":       c.Delete(ctx, bad),
			"Rename from":  c.Rename(ctx, bad, "ok"),
			"Rename to":    c.Rename(ctx, "ok", bad),
			"Rmd":          c.Rmd(ctx, bad),
			"Login user":   c.Login(ctx, bad, "p"),
			"Login pass":   c.Login(ctx, "u", bad),
			"Login acct":   c.LoginAccount(ctx, "u", "p", bad),
			"Account":      c.Account(ctx, bad),
			"RetrBinary":   c.RetrBinaryCmd(ctx, "RETR "+bad, io.Discard),
			"StorBinary":   c.StorBinaryCmd(ctx, "STOR "+bad, strings.NewReader("x")),
			"RetrLines":    c.RetrLinesCmd(ctx, "RETR "+bad, func(string) error { return nil }),
			"StorLines":    c.StorLinesCmd(ctx, "STOR "+bad, strings.NewReader("x"), nil),
			"Noop via Cmd": func() error { _, err := c.Cmd(ctx, "%s", bad); return err }(),
			"VoidCmd":      func() error { _, err := c.VoidCmd(ctx, "SITE %s", bad); return err }(),
			"Mkd":          func() error { _, err := c.Mkd(ctx, bad); return err }(),
			"Size":         func() error { _, err := c.Size(ctx, bad); return err }(),
			"Retr":         func() error { _, err := c.Retr(ctx, bad); return err }(),
			"Stor":         func() error { _, err := c.Stor(ctx, bad); return err }(),
			"Append":       func() error { _, err := c.Append(ctx, bad); return err }(),
			"TransferCmd":  func() error { _, err := c.TransferCmd(ctx, "RETR "+bad); return err }(),
			"NameList":     func() error { _, err := c.NameList(ctx, bad); return err }(),
			"List":         func() error { _, err := c.List(ctx, bad); return err }(),
			"MLSD path": func() error {
				for _, err := range c.MLSD(ctx, bad, "type") {
					return err
				}
				return nil
			}(),
			"MLSD fact": func() error {
				for _, err := range c.MLSD(ctx, "", bad) {
					return err
				}
				return nil
			}(),
		}
		for name, err := range calls {
			if !errors.Is(err, ErrInvalidCommand) {
				t.Errorf("%s(%q): %v, want ErrInvalidCommand", name, bad, err)
			}
		}
		if err := c.Noop(ctx); err == nil {
			t.Error("the fake answered NOOP")
		}
		c.Close()
		f.Close()
		wantCmds(t, f.Commands(), "NOOP")
	}
}

func TestFault_concurrent_use_busy(t *testing.T) {
	release, got := make(chan struct{}), make(chan struct{})
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		close(got)
		<-release
		fc.Reply("200 ok")
		fc.Expect("NOOP")
		fc.Reply("200 ok")
	})
	var wg sync.WaitGroup
	var first error
	wg.Add(1)
	go func() { defer wg.Done(); first = c.Noop(ctx) }()
	<-got // the goroutine's NOOP is on the wire: it holds the Conn
	wantIs(t, c.Noop(ctx), ErrBusy)
	_, err := c.Retr(ctx, "x")
	wantIs(t, err, ErrBusy)
	close(release)
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}
	if err := c.Noop(ctx); err != nil {
		t.Errorf("Noop after the busy period: %v", err)
	}
	wantCmds(t, f.Commands(), "NOOP", "NOOP")
}

// abortingRetr serves RETR with an endless body until ABOR, answers 426
// and 226, then NOOP and PWD.
func abortingRetr(fc *ftptest.FakeConn, dc net.Conn) {
	fc.Reply("150 here")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		chunk := bytes.Repeat([]byte("d"), 32<<10)
		for {
			select {
			case <-stop:
				return
			default:
			}
			dc.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := dc.Write(chunk); err != nil {
				return
			}
		}
	}()
	fc.Expect("ABOR")
	close(stop)
	dc.Close()
	wg.Wait()
	fc.Reply("426 transfer aborted", "226 abort ok")
	fc.Expect("NOOP")
	fc.Reply("200 ok")
	fc.Expect("PWD")
	fc.Reply(`257 "/d"`)
}

type cancelAfter struct {
	n      int
	cancel func()
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > 100<<10 {
		w.cancel()
	}
	return len(p), nil
}

func TestFault_cancel_mid_download(t *testing.T) {
	c, f, ctx := dialFake(t, passiveXfer("RETR", abortingRetr))
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := c.RetrBinaryCmd(dctx, "RETR x", &cancelAfter{cancel: cancel})
	wantIs(t, err, context.Canceled)
	if dir, err := c.Pwd(ctx); err != nil || dir != "/d" {
		t.Fatalf("Pwd after the cancelled download: %q %v", dir, err)
	}
	wantCmds(t, f.Commands(), "TYPE I", "EPSV", "RETR x", "ABOR", "NOOP", "PWD")
}

func TestFault_close_download_early(t *testing.T) {
	c, f, ctx := dialFake(t, passiveXfer("RETR", abortingRetr))
	d, err := c.Retr(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(d, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close of an early-closed download: %v", err)
	}
	if dir, err := c.Pwd(ctx); err != nil || dir != "/d" {
		t.Fatalf("Pwd after the early close: %q %v", dir, err)
	}
	wantCmds(t, f.Commands(), "TYPE I", "EPSV", "RETR x", "ABOR", "NOOP", "PWD")
}

func TestFault_password_never_shown(t *testing.T) {
	const secret = "s3cr3t-PW"
	for level := 1; level <= 3; level++ {
		var dbg bytes.Buffer
		c, _, ctx := dialFake(t, replyAll(map[string][]string{
			"USER": {"331 pass"}, "PASS": {"332 acct"}, "ACCT": {"530 " + "no"},
		}), WithDebug(level, &dbg))
		err := c.LoginAccount(ctx, "u", secret, secret)
		wantIs(t, err, ErrPermanent)
		_, err2 := c.Cmd(ctx, "pass %s", secret)
		_, err3 := c.Cmd(ctx, "Acct %s", secret)
		for _, e := range []error{err, err2, err3} {
			if e != nil && strings.Contains(e.Error(), secret) {
				t.Errorf("level %d: error shows the password: %v", level, e)
			}
		}
		if strings.Contains(dbg.String(), secret) {
			t.Errorf("level %d: debug output shows the password:\n%s", level, dbg.String())
		}
		if !strings.Contains(dbg.String(), "PASS ****") {
			t.Errorf("level %d: no masked PASS in:\n%s", level, dbg.String())
		}
	}
}

func TestFault_auth_tls_injection(t *testing.T) {
	f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		fc.Reply("220 hi")
		fc.Expect("AUTH")
		fc.WriteRaw([]byte("234 ok\r\n220 injected\r\n"))
		fc.ReadCommand()
	})
	_, err := Dial(testCtx(t), f.Addr, WithExplicitTLS(nil), WithTimeout(2*time.Second))
	wantIs(t, err, ErrProtocol)
	wantCmds(t, f.Commands(), "AUTH TLS")
}

func TestFault_auth_tls_refused_no_downgrade(t *testing.T) {
	for _, reply := range []string{"530 no", "500 AUTH not understood", "431 later"} {
		f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
			fc.Reply("220 hi")
			fc.Expect("AUTH")
			fc.Reply(reply)
			fc.ReadCommand()
		})
		c, err := Dial(testCtx(t), f.Addr, WithExplicitTLS(nil), WithTimeout(2*time.Second))
		if err == nil {
			c.Close()
			t.Fatalf("%q: Dial succeeded in clear text", reply)
		}
		if !errors.Is(err, ErrPermanent) && !errors.Is(err, ErrTemporary) {
			t.Errorf("%q: %v", reply, err)
		}
		f.Close()
		wantCmds(t, f.Commands(), "AUTH TLS")
	}
}
