package ftp

// A port of CPython 3.13's Lib/test/test_ftplib.py (see
// docs/ftplib.md for the table of every test and where we differ), plus
// the behaviours of section 7.3 of the ftplib reference that upstream does
// not test. Every TestFTPClass test runs twice, over ftptest.NewDummy and,
// like TestTLS_FTPClassMixin, over ftptest.NewDummyTLS after AuthTLS and
// ProtP.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// env is the setUp of TestFTPClass: a Dummy and a connected client.
type env struct {
	d   *ftptest.Dummy
	c   *Conn
	ctx context.Context
	tls bool
	n0  int // commands sent during setup
}

func newEnv(t *testing.T, secure bool, opts ...DialOption) *env {
	t.Helper()
	var d *ftptest.Dummy
	if secure {
		d = ftptest.NewDummyTLS(t)
		opts = append([]DialOption{WithTLSConfig(d.ClientTLSConfig())}, opts...)
	} else {
		d = ftptest.NewDummy(t)
	}
	return dialEnv(t, d, secure, opts...)
}

func dialEnv(t *testing.T, d *ftptest.Dummy, secure bool, opts ...DialOption) *env {
	t.Helper()
	ctx := testCtx(t)
	c := mustDial(t, ctx, d.Addr, append([]DialOption{WithTimeout(10 * time.Second)}, opts...)...)
	if secure {
		if _, err := c.AuthTLS(ctx); err != nil {
			t.Fatalf("AuthTLS: %v", err)
		}
		if err := c.ProtP(ctx); err != nil {
			t.Fatalf("ProtP: %v", err)
		}
	}
	return &env{d: d, c: c, ctx: ctx, tls: secure, n0: len(d.Fake.Commands())}
}

// cmds returns the commands sent since setup.
func (e *env) cmds() []string { return e.d.Fake.Commands()[e.n0:] }

// both runs fn as TestFTPClass and as TestTLS_FTPClassMixin.
func both(t *testing.T, fn func(t *testing.T, e *env), opts ...DialOption) {
	for _, secure := range []bool{false, true} {
		name := "plain"
		if secure {
			name = "TLS"
		}
		t.Run(name, func(t *testing.T) { fn(t, newEnv(t, secure, opts...)) })
	}
}

var retrData = ftptest.Encode(ftptest.RetrData, "utf-8")

// ---- TestFTPClass (and, through both, TestTLS_FTPClassMixin) ----

func TestFTPLib_getwelcome(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if got := e.c.Welcome(); got.Text != "220 welcome" || got.Code != 220 {
			t.Errorf("Welcome() = %+v, want 220 welcome", got)
		}
	})
}

// Different: ftplib's sanitize replaces each character of the password by
// '*' and returns repr(); maskCommand hides it behind a fixed "****" (the
// length is not leaked) and masks PASS and ACCT in any letter case.
func TestFTPLib_sanitize(t *testing.T) {
	for in, want := range map[string]string{
		"foo":         "foo",
		"pass 12345":  "pass ****",
		"PASS 12345":  "PASS ****",
		"Pass 12345":  "Pass ****", // ftplib: not masked
		"ACCT secret": "ACCT ****", // ftplib: not masked
		"PASS":        "PASS",
	} {
		if got := maskCommand(in); got != want {
			t.Errorf("maskCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

// Same classes; CR/LF (and, unlike ftplib, NUL) give ErrInvalidCommand
// (ftplib: ValueError) and nothing reaches the server.
func TestFTPLib_exceptions(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		for _, bad := range []string{"echo 40\r\n0", "echo 40\n0", "echo 40\r0", "echo 40\x000"} {
			_, err := e.c.Cmd(e.ctx, "%s", bad)
			wantIs(t, err, ErrInvalidCommand)
		}
		wantCmds(t, e.cmds())
		for code, class := range map[string]error{"400": ErrTemporary, "499": ErrTemporary, "500": ErrPermanent, "599": ErrPermanent, "999": ErrProtocol} {
			_, err := e.c.Cmd(e.ctx, "echo %s", code)
			wantIs(t, err, class)
			var fe *Error
			if !errors.As(err, &fe) || fe.Text != code {
				t.Errorf("echo %s: %#v, want *Error with the reply text", code, err)
			}
		}
	})
}

// all_errors is IsSessionError; unlike ftplib's all_errors it excludes the
// caller's own mistakes (ErrInvalidCommand, ErrBusy) and cancellation.
func TestFTPLib_all_errors(t *testing.T) {
	e := newEnv(t, false)
	var errs []error
	for _, c := range []string{"echo 400", "echo 500", "echo 999"} {
		_, err := e.c.Cmd(e.ctx, "%s", c)
		errs = append(errs, err)
	}
	_, err := e.c.VoidCmd(e.ctx, "echo 300")
	wantIs(t, err, ErrUnexpectedReply)
	errs = append(errs, err, io.EOF, io.ErrUnexpectedEOF, &net.OpError{Op: "read", Err: syscall.ECONNRESET},
		ErrClosed, ErrShortTransfer, ErrLineTooLong, fmt.Errorf("wrapped: %w", ErrShortTransfer))
	for _, err := range errs {
		if !IsSessionError(err) {
			t.Errorf("IsSessionError(%v) = false", err)
		}
	}
	for _, err := range []error{nil, ErrInvalidCommand, ErrBusy, context.Canceled} {
		if IsSessionError(err) {
			t.Errorf("IsSessionError(%v) = true", err)
		}
	}
}

func TestFTPLib_set_pasv(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if !e.c.passive {
			t.Fatal("not passive by default")
		}
		if err := e.c.SetPassive(false); err != nil || e.c.passive {
			t.Fatalf("SetPassive(false): %v, passive=%v", err, e.c.passive)
		}
		if err := e.c.SetPassive(true); err != nil || !e.c.passive {
			t.Fatalf("SetPassive(true): %v, passive=%v", err, e.c.passive)
		}
	})
}

func TestFTPLib_voidcmd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		r, err := e.c.VoidCmd(e.ctx, "echo 200")
		if err != nil || r.Text != "200" || r.Code != 200 {
			t.Errorf("echo 200: %+v %v", r, err)
		}
		if _, err := e.c.VoidCmd(e.ctx, "echo 299"); err != nil {
			t.Error(err)
		}
		_, err = e.c.VoidCmd(e.ctx, "echo 199")
		wantIs(t, err, ErrUnexpectedReply)
		_, err = e.c.VoidCmd(e.ctx, "echo 300")
		wantIs(t, err, ErrUnexpectedReply)
	})
}

func TestFTPLib_login(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Login(e.ctx, "", ""); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "USER anonymous", "PASS anonymous@")
	})
}

func TestFTPLib_acct(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Account(e.ctx, "passwd"); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "ACCT passwd")
	})
}

func TestFTPLib_rename(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Rename(e.ctx, "a", "b"); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "RNFR a", "RNTO b")
		e.d.SetNextResponse("200")
		wantIs(t, e.c.Rename(e.ctx, "a", "b"), ErrUnexpectedReply)
	})
}

func TestFTPLib_delete(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Delete(e.ctx, "foo"); err != nil {
			t.Fatal(err)
		}
		e.d.SetNextResponse("199")
		wantIs(t, e.c.Delete(e.ctx, "foo"), ErrUnexpectedReply)
		wantCmds(t, e.cmds(), "DELE foo", "DELE foo")
	})
}

// Different: Size sends TYPE I first and a non-213 reply (the Dummy's
// "250 1000") is ErrUnexpectedReply; ftplib sends no TYPE and returns None.
func TestFTPLib_size(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		n, err := e.c.Size(e.ctx, "foo")
		wantIs(t, err, ErrUnexpectedReply)
		if n != -1 {
			t.Errorf("size %d, want -1", n)
		}
		wantCmds(t, e.cmds(), "TYPE I", "SIZE foo")
	})
}

func TestFTPLib_mkd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		dir, err := e.c.Mkd(e.ctx, "/foo")
		if err != nil || dir != "/foo" {
			t.Errorf("Mkd = %q, %v", dir, err)
		}
	})
}

func TestFTPLib_rmd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Rmd(e.ctx, "foo"); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "RMD foo")
	})
}

// Different: Cwd returns only an error; ftplib returns the reply text.
func TestFTPLib_cwd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Cwd(e.ctx, "/foo"); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "CWD /foo")
	})
}

func TestFTPLib_pwd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		dir, err := e.c.Pwd(e.ctx)
		if err != nil || dir != "pwd ok" {
			t.Errorf("Pwd = %q, %v", dir, err)
		}
	})
}

// Quit returns only an error (ftplib: the reply); the Conn is closed
// afterwards (ftplib: sock is None).
func TestFTPLib_quit(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.Quit(e.ctx); err != nil {
			t.Fatal(err)
		}
		wantIs(t, e.c.Noop(e.ctx), ErrClosed)
		wantCmds(t, e.cmds(), "QUIT")
		if err := e.c.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// Different: ABOR is sent in-band, never as TCP urgent data (ftplib uses
// MSG_OOB without TLS, which drops the final byte on servers without
// SO_OOBINLINE).
func TestFTPLib_abort(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		r, err := e.c.Abort(e.ctx)
		if err != nil || r.Text != "226 abor ok" {
			t.Errorf("Abort = %q, %v", r.Text, err)
		}
		wantCmds(t, e.cmds(), "ABOR")
	})
}

// Passive transfers use EPSV first on IPv4 too (ftplib: PASV); see
// TestFTPLib_makepasv for the PASV path.
func TestFTPLib_retrbinary(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		var buf bytes.Buffer
		blocks := 0
		err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", &buf, WithBlockFunc(func([]byte) { blocks++ }))
		if err != nil {
			t.Fatal(err)
		}
		wantBytes(t, buf.Bytes(), retrData)
		if blocks == 0 {
			t.Error("block callback never called")
		}
		c := e.cmds()
		wantCmds(t, c, "TYPE I", "EPSV", "RETR foo")
	})
}

// Different: an offset of 0 sends no REST (ftplib sends "REST 0").
// As in CPython the Dummy counts REST in characters.
func TestFTPLib_retrbinary_rest(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		for _, rest := range []int{0, 10, 20} {
			var buf bytes.Buffer
			if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", &buf, WithOffset(int64(rest))); err != nil {
				t.Fatal(err)
			}
			wantBytes(t, buf.Bytes(), ftptest.Encode(string([]rune(ftptest.RetrData)[rest:]), "utf-8"))
		}
		wantCmds(t, e.cmds(), "TYPE I", "EPSV", "RETR foo", "EPSV", "REST 10", "RETR foo", "EPSV", "REST 20", "RETR foo")
	})
}

func TestFTPLib_retrlines(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		var got strings.Builder
		err := e.c.RetrLinesCmd(e.ctx, "retr", func(l string) error { got.WriteString(l); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(ftptest.RetrData, "\r\n", ""); got.String() != want {
			t.Errorf("retrlines: %d chars, want %d", got.Len(), len(want))
		}
		wantCmds(t, e.cmds(), "TYPE A", "EPSV", "retr")
	})
}

func TestFTPLib_storbinary(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		called := 0
		if err := e.c.StorBinaryCmd(e.ctx, "stor", bytes.NewReader(retrData), WithBlockFunc(func([]byte) { called++ })); err != nil {
			t.Fatal(err)
		}
		got, _, _ := e.d.State()
		wantBytes(t, got, retrData)
		if called == 0 {
			t.Error("callback not called")
		}
		wantCmds(t, e.cmds(), "TYPE I", "EPSV", "stor")
	})
}

// Different: the offset is an int64 (ftplib also takes the string '30').
func TestFTPLib_storbinary_rest(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.StorBinaryCmd(e.ctx, "stor", bytes.NewReader(retrData), WithOffset(30)); err != nil {
			t.Fatal(err)
		}
		wantCmds(t, e.cmds(), "TYPE I", "EPSV", "REST 30", "stor")
	})
}

// The TypeError for a text-mode file has no Go counterpart: an io.Reader
// gives bytes.
func TestFTPLib_storlines(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		in := ftptest.Encode(strings.ReplaceAll(ftptest.RetrData, "\r\n", "\n"), "utf-8")
		called := 0
		if err := e.c.StorLinesCmd(e.ctx, "stor foo", bytes.NewReader(in), func([]byte) { called++ }); err != nil {
			t.Fatal(err)
		}
		got, _, _ := e.d.State()
		wantBytes(t, got, retrData)
		if called != 1000 {
			t.Errorf("callback called %d times, want 1000", called)
		}
		wantCmds(t, e.cmds(), "TYPE A", "EPSV", "stor foo")
	})
}

func TestFTPLib_nlst(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		got, err := e.c.NameList(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Split(ftptest.NLSTData, "\r\n")
		want = want[:len(want)-1]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("NameList = %q, want %q", got, want)
		}
	})
}

// Different: List returns the lines (ftplib's dir prints them or calls a
// callback, and returns None).
func TestFTPLib_dir(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		got, err := e.c.List(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "") != strings.ReplaceAll(ftptest.ListData, "\r\n", "") {
			t.Errorf("List = %q", got)
		}
		wantCmds(t, e.cmds(), "TYPE A", "EPSV", "LIST")
	})
}

func TestFTPLib_mlsd(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		for _, call := range []struct {
			path  string
			facts []string
		}{{"", nil}, {"/", nil}, {"/", []string{"type", "size", "perm"}}} {
			n := 0
			for ent, err := range e.c.MLSD(e.ctx, call.path, call.facts...) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				for _, k := range []string{"type", "perm", "unique"} {
					if _, ok := ent.Facts.Get(k); !ok {
						t.Errorf("%q: no fact %q", ent.Raw, k)
					}
				}
			}
			if n != 17 {
				t.Errorf("MLSD(%q, %q): %d entries, want 17", call.path, call.facts, n)
			}
		}
		// Different from ftplib: no TYPE A, since RFC 3659 (7.2) sends
		// MLSD data as TYPE L 8 whatever TYPE is.
		wantCmds(t, e.cmds(), "EPSV", "MLSD", "EPSV", "MLSD /", "OPTS MLST type;size;perm;", "EPSV", "MLSD /")

		entry := func(line, typ, perm, unique, name string) {
			t.Helper()
			e.d.SetNextData([]byte(line))
			n := 0
			for ent, err := range e.c.MLSD(e.ctx, "") {
				if err != nil {
					t.Fatal(err)
				}
				n++
				facts := maps.Collect(ent.Facts.All())
				if ent.Name != name || len(facts) != 3 || facts["type"] != typ || facts["perm"] != perm || facts["unique"] != unique {
					t.Errorf("%q: name %q facts %q", line, ent.Name, facts)
				}
			}
			if n != 1 {
				t.Errorf("%q: %d entries", line, n)
			}
		}
		const p = "type=type;perm=perm;unique=unique;"
		entry(p+" name\r\n", "type", "perm", "unique", "name")
		entry("type=ty=pe;perm=perm;unique=unique; name\r\n", "ty=pe", "perm", "unique", "name")
		entry("type==type;perm=perm;unique=unique; name\r\n", "=type", "perm", "unique", "name")
		entry("type=t=y=pe;perm=perm;unique=unique; name\r\n", "t=y=pe", "perm", "unique", "name")
		entry("type=====;perm=perm;unique=unique; name\r\n", "====", "perm", "unique", "name")
		for _, name := range []string{"na me", "name ", " name", "n am  e", "na;me", ";name", ";name;", ";;;;"} {
			entry(p+" "+name+"\r\n", "type", "perm", "unique", name)
		}
		e.d.SetNextData([]byte("Type=type;TyPe=perm;UNIQUE=unique; name\r\n"))
		for ent, err := range e.c.MLSD(e.ctx, "") {
			if err != nil {
				t.Fatal(err)
			}
			for k := range ent.Facts.All() {
				if k != strings.ToLower(k) {
					t.Errorf("fact key %q not lower-cased", k)
				}
			}
		}
		for range 2 {
			e.d.SetNextData([]byte{})
			for ent, err := range e.c.MLSD(e.ctx, "") {
				t.Errorf("empty listing yielded %+v, %v", ent, err)
			}
		}
	})
}

// Different: there is no makeport; a transfer in active mode shows the
// PORT command, with the control connection's local IP.
func TestFTPLib_makeport(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", io.Discard); err != nil {
			t.Fatal(err)
		}
		c := e.cmds()
		if len(c) != 3 {
			t.Fatalf("commands %q", c)
		}
		wantPrefix(t, c[1], "PORT 127,0,0,1,")
		if c[0] != "TYPE I" || c[2] != "RETR foo" {
			t.Errorf("commands %q", c)
		}
	}, WithActiveMode())
}

// PASV (EPSV disabled for parity with ftplib on IPv4): the advertised
// 252.253.254.255 is replaced by the control peer and the data flows.
func TestFTPLib_makepasv(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		var buf bytes.Buffer
		if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", &buf); err != nil {
			t.Fatal(err)
		}
		wantBytes(t, buf.Bytes(), retrData)
		wantCmds(t, e.cmds(), "TYPE I", "PASV", "RETR foo")
	}, WithDisabledEPSV())
}

// Different (loopback only): the advertised address is 127.0.0.2, where
// nothing listens, instead of 252.253.254.255; trusting it makes the data
// connection go there and fail.
func TestFTPLib_makepasv_issue43285_security_disabled(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		e.d.Lock()
		e.d.PASVAddress = "127.0.0.2"
		e.d.Unlock()
		err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", io.Discard)
		if err == nil || !strings.Contains(err.Error(), "127.0.0.2") {
			t.Errorf("err %v, want a failed connection to 127.0.0.2", err)
		}
	}, WithDisabledEPSV(), WithTrustedPASVAddress())
}

func TestFTPLib_makepasv_issue43285_security_enabled_default(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if e.c.cfg.trustPASV {
			t.Fatal("PASV address trusted by default")
		}
		e.d.Lock()
		e.d.PASVAddress = "127.0.0.2"
		e.d.Unlock()
		if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", io.Discard); err != nil {
			t.Fatal(err)
		}
	}, WithDisabledEPSV())
}

// Different: Go has no with statement; defer c.Quit is the idiom. A
// failed QUIT is returned, with the reply, and the Conn is closed anyway
// (like ftplib's __exit__, unlike its quit()).
func TestFTPLib_with_statement(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		e.d.SetNextResponse("550 error on quit")
		err := e.c.Quit(e.ctx)
		wantIs(t, err, ErrPermanent)
		var fe *Error
		if !errors.As(err, &fe) || fe.Text != "550 error on quit" {
			t.Errorf("err %v", err)
		}
		wantIs(t, e.c.Noop(e.ctx), ErrClosed)
	})
}

func TestFTPLib_source_address(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprint("tls=", secure), func(t *testing.T) {
			port := freePort(t)
			var d *ftptest.Dummy
			opts := []DialOption{WithLocalAddr(fmt.Sprintf("127.0.0.1:%d", port))}
			if secure {
				d = ftptest.NewDummyTLS(t)
				opts = append(opts, WithTLSConfig(d.ClientTLSConfig()))
			} else {
				d = ftptest.NewDummy(t)
			}
			c, err := Dial(testCtx(t), d.Addr, opts...)
			if errors.Is(err, syscall.EADDRINUSE) {
				t.Skip("port in use")
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := c.raw.LocalAddr().(*net.TCPAddr).Port; got != port {
				t.Errorf("local port %d, want %d", got, port)
			}
		})
	}
}

// The source IP (127.0.0.2 here, to be observable) binds the passive data
// connection too.
func TestFTPLib_source_address_passive_connection(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		d, err := e.c.Retr(e.ctx, "foo")
		if err != nil {
			t.Fatal(err)
		}
		if ip := d.tcp.LocalAddr().(*net.TCPAddr).IP.String(); ip != "127.0.0.2" {
			t.Errorf("data connection from %s, want 127.0.0.2", ip)
		}
		io.Copy(io.Discard, d)
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}, WithLocalAddr("127.0.0.2"))
}

// parse257 is internal and does not check the code: its callers (Mkd,
// Pwd) give "" for a non-257 reply, where ftplib's parse257 raises
// error_reply and its mkd/pwd also give "".
func TestFTPLib_parse257(t *testing.T) {
	for in, want := range map[string]string{
		`257 "/foo/bar"`:           "/foo/bar",
		`257 "/foo/bar" created`:   "/foo/bar",
		`257 ""`:                   "",
		`257 "/foo/b""ar"`:         `/foo/b"ar`,
		`257 "/foo/b""ar" created`: `/foo/b"ar`,
		`257 "unterminated`:        "unterminated",
		`257 no quote`:             "",
	} {
		if got := parse257(in); got != want {
			t.Errorf("parse257(%q) = %q, want %q", in, got, want)
		}
	}
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("PWD")
		fc.Reply(`250 "/foo/bar"`)
		fc.Expect("MKD")
		fc.Reply(`250 "/foo/bar"`)
	})
	if dir, err := c.Pwd(ctx); dir != "" || err != nil {
		t.Errorf("Pwd = %q, %v", dir, err)
	}
	if dir, err := c.Mkd(ctx, "x"); dir != "" || err != nil {
		t.Errorf("Mkd = %q, %v", dir, err)
	}
}

// The over-long reply is ErrLineTooLong, which matches ErrProtocol
// (ftplib: Error). The Conn is then closed: the rest of the line is unread.
func TestFTPLib_line_too_long(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		_, err := e.c.Cmd(e.ctx, "%s", strings.Repeat("x", DefaultMaxLineLength*2))
		wantIs(t, err, ErrLineTooLong)
		wantIs(t, err, ErrProtocol)
		wantIs(t, e.c.Noop(e.ctx), ErrClosed)
	})
}

func TestFTPLib_retrlines_too_long(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		if _, err := e.c.Cmd(e.ctx, "SETLONGRETR %d", DefaultMaxLineLength*2); err != nil {
			t.Fatal(err)
		}
		err := e.c.RetrLinesCmd(e.ctx, "retr", func(string) error { return nil })
		wantIs(t, err, ErrLineTooLong)
		wantIs(t, err, ErrProtocol)
		// Better than ftplib: the aborted transfer left the session in step.
		if err := e.c.Noop(e.ctx); err != nil {
			t.Errorf("Noop after the failed transfer: %v", err)
		}
	})
}

func TestFTPLib_storlines_too_long(t *testing.T) {
	both(t, func(t *testing.T, e *env) {
		err := e.c.StorLinesCmd(e.ctx, "stor", bytes.NewReader(bytes.Repeat([]byte("x"), DefaultMaxLineLength*2)), nil)
		wantIs(t, err, ErrLineTooLong)
		if err := e.c.Noop(e.ctx); err != nil {
			t.Errorf("Noop after the failed transfer: %v", err)
		}
	})
}

// Different: there is no encoding parameter. Commands, replies and lines
// are bytes, passed through unchanged, so latin-1 and utf-8 both round
// trip.
func TestFTPLib_encoding_param(t *testing.T) {
	for _, enc := range []string{"latin-1", "utf-8"} {
		t.Run(enc, func(t *testing.T) {
			both(t, func(t *testing.T, e *env) {
				e.d.Lock()
				e.d.Encoding = enc
				e.d.Unlock()
				want := ftptest.Encode(ftptest.RetrData, enc)
				var buf bytes.Buffer
				if err := e.c.RetrBinaryCmd(e.ctx, "retr", &buf); err != nil {
					t.Fatal(err)
				}
				wantBytes(t, buf.Bytes(), want)
				e.d.Lock()
				e.d.Received = nil
				e.d.Unlock()
				if err := e.c.StorBinaryCmd(e.ctx, "stor", bytes.NewReader(want)); err != nil {
					t.Fatal(err)
				}
				got, _, _ := e.d.State()
				wantBytes(t, got, want)
				var lines []string
				if err := e.c.RetrLinesCmd(e.ctx, "retr", func(l string) error { lines = append(lines, l); return nil }); err != nil {
					t.Fatal(err)
				}
				if strings.Join(lines, "") != string(bytes.ReplaceAll(want, []byte("\r\n"), nil)) {
					t.Error("retrlines mismatch")
				}
				name := string(ftptest.Encode("/non-ascii dir \u00ae", enc))
				if dir, err := e.c.Mkd(e.ctx, name); err != nil || dir != name {
					t.Errorf("Mkd(%q) = %q, %v", name, dir, err)
				}
			})
		})
	}
}

// ---- TestIPv6Environment ----

func newEnv6(t *testing.T, opts ...DialOption) *env {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("IPv6 loopback unavailable: %v", err)
	}
	ln.Close()
	return dialEnv(t, ftptest.NewDummyAt(t, "[::1]:0"), false, opts...)
}

func TestFTPLib_IPv6_af(t *testing.T) {
	e := newEnv6(t)
	if ip := e.c.raw.RemoteAddr().(*net.TCPAddr).IP; ip.To4() != nil || !ip.Equal(net.IPv6loopback) {
		t.Errorf("peer %v, want ::1", ip)
	}
}

func TestFTPLib_IPv6_makeport(t *testing.T) {
	e := newEnv6(t, WithActiveMode())
	if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", io.Discard); err != nil {
		t.Fatal(err)
	}
	c := e.cmds()
	if len(c) != 3 {
		t.Fatalf("commands %q", c)
	}
	wantPrefix(t, c[1], "EPRT |2|::1|")
}

func TestFTPLib_IPv6_makepasv(t *testing.T) {
	e := newEnv6(t)
	if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", io.Discard); err != nil {
		t.Fatal(err)
	}
	wantCmds(t, e.cmds(), "TYPE I", "EPSV", "RETR foo")
}

func TestFTPLib_IPv6_transfer(t *testing.T) {
	e := newEnv6(t)
	for _, passive := range []bool{true, false} {
		if err := e.c.SetPassive(passive); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.c.RetrBinaryCmd(e.ctx, "RETR foo", &buf); err != nil {
			t.Fatal(err)
		}
		wantBytes(t, buf.Bytes(), retrData)
	}
	c := e.cmds()
	if len(c) != 5 || c[1] != "EPSV" || !strings.HasPrefix(c[3], "EPRT |2|::1|") {
		t.Errorf("commands %q", c)
	}
}

// ---- TestTLS_FTPClass ----

func newTLSEnv(t *testing.T, opts ...DialOption) *env {
	d := ftptest.NewDummyTLS(t)
	return dialEnv(t, d, false, append([]DialOption{WithTLSConfig(d.ClientTLSConfig())}, opts...)...)
}

func TestFTPLib_TLS_control_connection(t *testing.T) {
	e := newTLSEnv(t)
	if _, ok := e.c.nc.(*tls.Conn); ok || e.c.secure {
		t.Fatal("secure before AuthTLS")
	}
	if _, err := e.c.AuthTLS(e.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.c.nc.(*tls.Conn); !ok || !e.c.secure {
		t.Fatal("not secure after AuthTLS")
	}
	wantCmds(t, e.cmds(), "AUTH TLS")
}

func TestFTPLib_TLS_data_connection(t *testing.T) {
	e := newTLSEnv(t)
	if _, err := e.c.AuthTLS(e.ctx); err != nil {
		t.Fatal(err)
	}
	retr := func(wantTLS bool) {
		t.Helper()
		d, err := e.c.Retr(e.ctx, "foo")
		if err != nil {
			t.Fatal(err)
		}
		if (d.tls != nil) != wantTLS {
			t.Errorf("data connection TLS = %v, want %v", d.tls != nil, wantTLS)
		}
		b, _ := io.ReadAll(d)
		wantBytes(t, b, retrData)
		if err := d.Close(); err != nil || d.Reply().Text != "226 transfer complete" {
			t.Errorf("Close: %v, reply %q", err, d.Reply().Text)
		}
	}
	retr(false)
	if err := e.c.ProtP(e.ctx); err != nil {
		t.Fatal(err)
	}
	retr(true)
	if err := e.c.ProtC(e.ctx); err != nil {
		t.Fatal(err)
	}
	retr(false)
}

func TestFTPLib_TLS_login(t *testing.T) {
	e := newTLSEnv(t)
	for range 2 {
		if err := e.c.Login(e.ctx, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if !e.c.secure {
		t.Error("Login did not secure the control connection")
	}
	wantCmds(t, e.cmds(), "AUTH TLS", "USER anonymous", "PASS anonymous@", "USER anonymous", "PASS anonymous@")
}

// Different: a plain error (ftplib: ValueError), not a session error.
func TestFTPLib_TLS_auth_issued_twice(t *testing.T) {
	e := newTLSEnv(t)
	if _, err := e.c.AuthTLS(e.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.AuthTLS(e.ctx); err == nil || IsSessionError(err) {
		t.Errorf("second AuthTLS: %v", err)
	}
	wantCmds(t, e.cmds(), "AUTH TLS")
}

// keyfile/certfile do not exist (a compile error, not a TypeError). The
// given configuration serves the control and the data connections: both
// verify the Dummy's certificate against its CA.
func TestFTPLib_TLS_context(t *testing.T) {
	e := newTLSEnv(t)
	if _, err := e.c.AuthTLS(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.c.ProtP(e.ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.c.nc.(*tls.Conn).ConnectionState(); len(st.VerifiedChains) == 0 {
		t.Error("control connection not verified with the given CA")
	}
	d, err := e.c.Retr(e.ctx, "foo")
	if err != nil {
		t.Fatal(err)
	}
	if d.tls == nil {
		t.Fatal("clear data connection")
	}
	if st := d.tls.ConnectionState(); len(st.VerifiedChains) == 0 && !st.DidResume {
		t.Error("data connection not verified with the given CA")
	}
	io.Copy(io.Discard, d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFTPLib_TLS_ccc(t *testing.T) {
	e := newTLSEnv(t)
	if err := e.c.CCC(e.ctx); err == nil {
		t.Fatal("CCC before TLS succeeded")
	}
	if err := e.c.Login(e.ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.c.CCC(e.ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.c.nc.(*tls.Conn); ok || e.c.secure {
		t.Fatal("still TLS after CCC")
	}
	if err := e.c.Noop(e.ctx); err != nil {
		t.Fatalf("Noop in clear text after CCC: %v", err)
	}
	wantCmds(t, e.cmds(), "AUTH TLS", "USER anonymous", "PASS anonymous@", "CCC", "NOOP")
}

// Different: skipped upstream (bpo-32706); here the host name is checked
// and a mismatch fails before anything else is sent.
func TestFTPLib_TLS_check_hostname(t *testing.T) {
	d := ftptest.NewDummyTLS(t)
	ctx := testCtx(t)
	for name, ok := range map[string]bool{"localhost": true, "example.com": false} {
		c := mustDial(t, ctx, d.Addr, WithTLSConfig(d.CA.ClientConfig(name)))
		_, err := c.AuthTLS(ctx)
		if ok && err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if !ok && err == nil {
			t.Errorf("%s: hostname mismatch accepted", name)
		}
		c.Close()
	}
}

// ---- TestTimeouts (adapted: options at Dial, not attributes) ----

func TestFTPLib_TimeoutDefault(t *testing.T) {
	e := newEnv(t, false)
	if e.c.cfg.timeout != DefaultTimeout && e.c.cfg.timeout != 10*time.Second {
		t.Errorf("timeout %v", e.c.cfg.timeout)
	}
	var cfg = defaultConfig()
	if cfg.timeout != DefaultTimeout || DefaultTimeout != 30*time.Second {
		t.Errorf("default timeout %v", cfg.timeout)
	}
}

// Different: there is no blocking mode (timeout=None); every wait is
// bounded, and a zero or negative timeout is refused before dialling.
func TestFTPLib_TimeoutNone(t *testing.T) {
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) { t.Error("connection made") })
	for _, d := range []time.Duration{0, -1} {
		if _, err := Dial(testCtx(t), f.Addr, WithTimeout(d)); err == nil {
			t.Errorf("WithTimeout(%v) accepted", d)
		}
	}
}

func TestFTPLib_TimeoutValue(t *testing.T) {
	d := ftptest.NewDummy(t)
	c, err := Dial(testCtx(t), d.Addr, WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.cfg.timeout != 30*time.Second {
		t.Errorf("timeout %v", c.cfg.timeout)
	}
	if _, err := Dial(testCtx(t), d.Addr, WithTimeout(0)); err == nil {
		t.Error("timeout 0 accepted")
	}
}

// Different: CPython's server greets with "1 Hola mundo\n" and shuts
// down; ftplib takes the 1xx line as the welcome. Dial waits for the final
// greeting, so it fails; WithTimeout bounds a server that then stalls.
func TestFTPLib_TimeoutConnect(t *testing.T) {
	for _, stall := range []bool{false, true} {
		f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
			c.WriteRaw([]byte("1 Hola mundo\n"))
			if stall {
				c.ReadCommand()
			}
		})
		start := time.Now()
		_, err := Dial(testCtx(t), f.Addr, WithTimeout(300*time.Millisecond))
		if err == nil {
			t.Fatal("Dial succeeded on a 1xx greeting without a final one")
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("Dial took %v", time.Since(start))
		}
	}
}

// Different: options have no order (ftplib: the constructor's timeout
// applies to a later connect).
func TestFTPLib_TimeoutDifferentOrder(t *testing.T) {
	d := ftptest.NewDummy(t)
	for _, opts := range [][]DialOption{
		{WithTimeout(7 * time.Second), WithDisabledEPSV()},
		{WithDisabledEPSV(), WithTimeout(7 * time.Second)},
	} {
		c, err := Dial(testCtx(t), d.Addr, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.cfg.timeout != 7*time.Second {
			t.Errorf("timeout %v", c.cfg.timeout)
		}
		c.Close()
	}
}

// Different: no mutable timeout attribute; the context deadline is the
// per-call knob and wins when sooner.
func TestFTPLib_TimeoutDirectAccess(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.ReadCommand() // then stall
		fc.ReadCommand()
	}, WithTimeout(10*time.Second))
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Noop(short)
	wantIs(t, err, context.DeadlineExceeded)
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

// ---- MiscTestCase ----

// test__all__: the error classes are the exported counterparts; each
// server error matches exactly one of the four classes.
func TestFTPLib_misc__all__(t *testing.T) {
	classes := []error{ErrTemporary, ErrPermanent, ErrUnexpectedReply, ErrProtocol}
	for _, c := range classes {
		err := &Error{class: c, Text: "x"}
		n := 0
		for _, k := range classes {
			if errors.Is(err, k) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%v matches %d classes", c, n)
		}
	}
}

// ---- 7.3: behaviours not tested upstream ----

func TestFTPLib_gap_multiline_bare_code_terminator(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("STAT")
		fc.Reply("211-a", "212 not the end", "211-still not", "211")
	})
	r, err := c.Cmd(ctx, "STAT")
	if err != nil || r.Text != "211-a\n212 not the end\n211-still not\n211" {
		t.Errorf("%q %v", r.Text, err)
	}
}

func TestFTPLib_gap_bare_CR_splits_reply(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.WriteRaw([]byte("200 a\rb\r\n"))
		fc.Expect("NOOP")
	})
	r, err := c.Cmd(ctx, "NOOP")
	if err != nil || r.Text != "200 a" {
		t.Errorf("%q %v", r.Text, err)
	}
	_, err = c.Cmd(ctx, "NOOP")
	wantIs(t, err, ErrProtocol)
}

func TestFTPLib_gap_empty_reply_line(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("NOOP")
		fc.Reply("")
	})
	_, err := c.Cmd(ctx, "NOOP")
	wantIs(t, err, ErrProtocol)
}

func TestFTPLib_gap_dash_password_and_empty_acct(t *testing.T) {
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("USER")
		fc.Reply("331 pass")
		fc.Expect("PASS")
		fc.Reply("332 need account")
		fc.Expect("ACCT")
		fc.Reply("230 ok")
	})
	if err := c.Login(ctx, "anonymous", "-"); err != nil {
		t.Fatal(err)
	}
	wantCmds(t, f.Commands(), "USER anonymous", "PASS -anonymous@", "ACCT ")
}

func TestFTPLib_gap_delete_only_250_200(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("DELE")
		fc.Reply("200 ok")
		fc.Expect("DELE")
		fc.Reply("226 odd")
	})
	if err := c.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	wantIs(t, c.Delete(ctx, "b"), ErrUnexpectedReply)
}

func TestFTPLib_gap_cwd_dotdot_and_empty(t *testing.T) {
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("CDUP")
		fc.Reply("500 CDUP unknown")
		fc.Expect("CWD")
		fc.Reply("250 ok")
		fc.Expect("CWD")
		fc.Reply("250 ok")
		fc.Expect("CDUP")
		fc.Reply("550 no")
	})
	if err := c.Cwd(ctx, ".."); err != nil {
		t.Fatal(err)
	}
	if err := c.Cwd(ctx, ""); err != nil {
		t.Fatal(err)
	}
	wantIs(t, c.Cwd(ctx, ".."), ErrPermanent)
	wantCmds(t, f.Commands(), "CDUP", "CWD ..", "CWD .", "CDUP")
}

func TestFTPLib_gap_greetings(t *testing.T) {
	for greeting, want := range map[string]error{"421 busy": ErrTemporary, "120 soon\r\n220 now": nil, "530 no": ErrPermanent} {
		f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
			c.WriteRaw([]byte(greeting + "\r\n"))
			c.ReadCommand()
		})
		c, err := Dial(testCtx(t), f.Addr, WithTimeout(2*time.Second))
		if want == nil {
			if err != nil || c.Welcome().Text != "220 now" {
				t.Errorf("%q: %v", greeting, err)
			}
		} else {
			wantIs(t, err, want)
		}
		if c != nil {
			c.Close()
		}
	}
}

// Different: no decoding, so no decode error; invalid UTF-8 passes.
func TestFTPLib_gap_undecodable_reply(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("PWD")
		fc.WriteRaw([]byte("257 \"\xff\xfe\"\r\n"))
	})
	dir, err := c.Pwd(ctx)
	if err != nil || dir != "\xff\xfe" {
		t.Errorf("%q %v", dir, err)
	}
}

// Different: parse227 rejects out-of-range numbers and port 0; parse229
// a non-numeric port (ftplib: ValueError) — both ErrProtocol at the caller.
func TestFTPLib_gap_parse227_parse229_ranges(t *testing.T) {
	if _, _, ok := parse227("227 (10,0,0,1,300,2)"); ok {
		t.Error("parse227 accepted 300")
	}
	if _, p, ok := parse227("227 =10,0,0,1,4,2"); !ok || p != 1026 {
		t.Error("parse227 without parentheses")
	}
	if _, ok := parse229("229 (|||abc|)"); ok {
		t.Error("parse229 accepted a non-numeric port")
	}
	if p, ok := parse229("229 (!!!6446!)"); !ok || p != 6446 {
		t.Error("parse229 with ! delimiter")
	}
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("TYPE")
		fc.Reply("200 ok")
		fc.Expect("PASV")
		fc.Reply("227 (127,0,0,1,300,2)")
	}, WithDisabledEPSV())
	_, err := c.Retr(ctx, "x")
	wantIs(t, err, ErrProtocol)
}

func TestFTPLib_gap_dir_nlst_empty_args(t *testing.T) {
	e := newEnv(t, false)
	if _, err := e.c.List(e.ctx, "", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.NameList(e.ctx, "", "x"); err != nil {
		t.Fatal(err)
	}
	wantCmds(t, e.cmds(), "TYPE A", "EPSV", "LIST x", "EPSV", "NLST  x")
}

func TestFTPLib_gap_mlsd_lazy_and_no_space(t *testing.T) {
	e := newEnv(t, false)
	seq := e.c.MLSD(e.ctx, "", "type")
	wantCmds(t, e.cmds())
	e.d.SetNextData([]byte("nofacts\r\n"))
	for ent, err := range seq {
		if facts := maps.Collect(ent.Facts.All()); err != nil || ent.Name != "" || !reflect.DeepEqual(facts, map[string]string{"nofact": ""}) {
			t.Errorf("%q %q %v", ent.Name, facts, err)
		}
	}
}

func TestFTPLib_gap_200_before_150(t *testing.T) {
	payload := []byte("hello")
	c, f, ctx := dialFake(t, passiveXfer("RETR", func(fc *ftptest.FakeConn, dc net.Conn) {
		fc.Reply("200 odd", "150 here (5 bytes)")
		dc.Write(payload)
		dc.Close()
		fc.Reply("226 done")
	}))
	var buf bytes.Buffer
	if err := c.RetrBinaryCmd(ctx, "RETR x", &buf); err != nil {
		t.Fatal(err)
	}
	wantBytes(t, buf.Bytes(), payload)
	wantCmds(t, f.Commands(), "TYPE I", "EPSV", "RETR x")
}

// Different: Abort reads the 226 after a 426 (ftplib leaves it for the
// next command); a 500 is ErrProtocol as in ftplib.
func TestFTPLib_gap_abort_426_then_226_and_500(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("ABOR")
		fc.Reply("426 aborted", "226 closed")
		fc.Expect("NOOP")
		fc.Reply("200 noop")
		fc.Expect("ABOR")
		fc.Reply("500 what")
	})
	r, err := c.Abort(ctx)
	if err != nil || r.Code != 226 {
		t.Errorf("%q %v", r.Text, err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Error(err)
	}
	_, err = c.Abort(ctx)
	wantIs(t, err, ErrProtocol)
}

// Different: the active listener binds the control connection's local IP,
// not the wildcard.
func TestFTPLib_gap_makeport_not_wildcard(t *testing.T) {
	c, f, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("PORT")
		fc.Reply("200 ok")
	})
	ln, err := c.openActive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("listener on %v", ip)
	}
	wantPrefix(t, f.Commands()[0], "PORT 127,0,0,1,")
}

// Different: a failed QUIT closes the Conn anyway; Close twice is safe.
func TestFTPLib_gap_failed_quit_closes(t *testing.T) {
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("QUIT")
		fc.Reply("550 no")
	})
	wantIs(t, c.Quit(ctx), ErrPermanent)
	if !c.closed.Load() {
		t.Error("Conn open after a failed QUIT")
	}
	if err1, err2 := c.Close(), c.Close(); err1 != nil || err2 != nil {
		t.Error("Close after Quit failed")
	}
}

// Different: the default TLS configuration verifies certificates
// (ftplib's default context does not).
func TestFTPLib_gap_tls_verifies_by_default(t *testing.T) {
	e := dialEnv(t, ftptest.NewDummyTLS(t), false)
	if _, err := e.c.AuthTLS(e.ctx); err == nil || !IsSessionError(err) {
		t.Errorf("AuthTLS with an untrusted certificate: %v", err)
	}
}
