package ftp

// Copy (FXP) against two scripted fakes: the commands each server gets,
// the address the active server is given, the order of STOR and RETR,
// refusals and the other direction, failures after STOR, a missing
// completion reply, cancellation, the TLS roles.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// fxpFake is a fake server that answers the commands of a Copy.
type fxpFake struct {
	*ftptest.Fake
	// replies maps a verb to the replies it gets in turn instead of the
	// usual one.
	replies map[string][]string
	feat    []string // FEAT lines
	pasvIP  net.IP   // the address a 227 names, if not the listener's
	data    []byte   // the file RETR sends
	sized   bool     // RETR's 150 announces the size
	tls     *tls.Config
	// xfer, if set, handles RETR and STOR (cmd, with its path); open
	// opens the data connection (accepts it after PASV, dials it after
	// PORT).
	xfer func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error))

	mu        sync.Mutex
	stored    [][]byte          // what each STOR received
	files     map[string][]byte // the last file STOR received under each name
	announced atomic.Bool       // a 150 was sent
}

// newFXPFake starts f listening on addr.
func newFXPFake(t *testing.T, addr string, f *fxpFake) *fxpFake {
	t.Helper()
	f.Fake = ftptest.NewFakeAt(t, addr, f.serve)
	return f
}

func (f *fxpFake) next(verb string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.replies[verb]
	if len(r) == 0 {
		return "", false
	}
	f.replies[verb] = r[1:]
	return r[0], true
}

func (f *fxpFake) serve(fc *ftptest.FakeConn) {
	fc.Reply("220 fake")
	var (
		pd  *ftptest.FakeData
		arg string // of the last PORT or EPRT
	)
	for {
		line, ok := fc.ReadCommand()
		if !ok {
			return
		}
		verb, rest, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		if r, ok := f.next(verb); ok {
			fc.Reply(r)
			continue
		}
		switch verb {
		case "AUTH":
			fc.Reply("234 ok")
			if fc.StartTLS(f.tls) != nil {
				return
			}
		case "USER":
			fc.Reply("331 password")
		case "PASS":
			fc.Reply("230 in")
		case "TYPE", "PBSZ", "PROT", "NOOP":
			fc.Reply("200 ok")
		case "SSCN":
			fc.Reply("200 SSCN:" + map[string]string{"ON": "CLIENT", "OFF": "SERVER"}[rest] + " METHOD")
		case "FEAT":
			lines := []string{"211-Features:"}
			for _, l := range f.feat {
				lines = append(lines, " "+l)
			}
			fc.Reply(append(lines, "211 End")...)
		case "ABOR":
			fc.Reply("225 No transfer to ABOR.")
		case "SIZE":
			if b, ok := f.file(rest); ok {
				fc.Reply("213 " + strconv.Itoa(len(b)))
			} else {
				fc.Reply("550 No such file.")
			}
		case "QUIT":
			fc.Reply("221 bye")
			return
		case "PASV", "CPSV":
			if pd != nil {
				pd.Close() // as servers do
			}
			pd = fc.Passive()
			ip := pd.Addr.IP
			if f.pasvIP != nil {
				ip = f.pasvIP
			}
			fc.Reply(ftptest.PASVReply(ip, pd.Addr.Port))
		case "EPSV":
			if pd != nil {
				pd.Close()
			}
			pd = fc.Passive()
			fc.Reply(pd.EPSVReply())
		case "PORT", "EPRT":
			pd, arg = nil, rest
			fc.Reply("200 ok")
		case "RETR", "STOR":
			d, a := pd, arg
			open := func() (net.Conn, error) {
				if d != nil {
					return d.Accept()
				}
				return fc.ActiveDial(a)
			}
			if f.xfer != nil {
				f.xfer(fc, verb+" "+rest, open)
			} else {
				f.transfer(fc, verb+" "+rest, open)
			}
			pd = nil
		default:
			fc.Reply("500 unknown")
		}
	}
}

// transfer is a transfer as servers do it: the data connection, 150,
// the data, 226 (426 if the data connection fails). cmd is the verb,
// with the path of a STOR.
func (f *fxpFake) transfer(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
	verb, name, _ := strings.Cut(cmd, " ")
	nc, err := open()
	if err != nil {
		fc.Reply("425 Can't open data connection.")
		return
	}
	defer nc.Close()
	f.announced.Store(true)
	if f.sized && verb == "RETR" {
		fc.Reply(fmt.Sprintf("150 Opening BINARY mode data connection for %s (%d bytes).", name, len(f.data)))
	} else {
		fc.Reply("150 ok")
	}
	if verb == "RETR" {
		if _, err := nc.Write(f.data); err != nil {
			fc.Reply("426 Failure writing network stream.")
			return
		}
		nc.Close()
		fc.Reply("226 sent")
		return
	}
	b, err := io.ReadAll(nc)
	f.mu.Lock()
	f.stored = append(f.stored, b)
	if f.files == nil {
		f.files = map[string][]byte{}
	}
	f.files[name] = b
	f.mu.Unlock()
	if err != nil {
		fc.Reply("426 Failure reading network stream.")
		return
	}
	fc.Reply("226 stored")
}

// file returns the file name: one stored, else the file RETR sends.
func (f *fxpFake) file(name string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.files[name]; ok {
		return b, true
	}
	return f.data, f.data != nil
}

func (f *fxpFake) storedFiles() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.stored...)
}

// dialFXP dials f and logs in.
func dialFXP(t *testing.T, ctx context.Context, f *fxpFake, opts ...DialOption) *Conn {
	t.Helper()
	c := mustDial(t, ctx, f.Addr, opts...)
	if err := c.Login(ctx, "u", "p"); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// wireLog collects the debug output of several Conns in the order the
// client produced it.
type wireLog struct {
	mu    sync.Mutex
	lines []string
}

func (w *wireLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, strings.Split(strings.TrimSuffix(string(p), "\n"), "\n")...)
	return len(p), nil
}

// events returns the texts of the events named event ("cmd", "resp").
func (w *wireLog) events(event string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.lines {
		if rest, ok := strings.CutPrefix(l, "*"+event+"* "); ok {
			s, _ := strconv.Unquote(rest)
			out = append(out, s)
		}
	}
	return out
}

// order checks that the client sent first before second.
func (w *wireLog) order(t *testing.T, first, second string) {
	t.Helper()
	i, j := -1, -1
	for k, c := range w.events("cmd") {
		if c == first && i < 0 {
			i = k
		}
		if c == second && j < 0 {
			j = k
		}
	}
	if i < 0 || j < 0 || i > j {
		t.Errorf("client sent %q at %d and %q at %d, want the first first: %q", first, i, second, j, w.events("cmd"))
	}
}

// passivePort returns the port of the first 227 reply in the log.
func (w *wireLog) passivePort(t *testing.T) int {
	t.Helper()
	for _, r := range w.events("resp") {
		if strings.HasPrefix(r, "227 ") {
			_, port, ok := parse227(r)
			if ok {
				return port
			}
		}
	}
	t.Fatalf("no 227 reply in %q", w.events("resp"))
	return 0
}

func portArg(ip [4]byte, port int) string {
	return fmt.Sprintf("%d,%d,%d,%d,%d,%d", ip[0], ip[1], ip[2], ip[3], port>>8, port&0xff)
}

// noopBoth checks that both sessions are still usable.
func noopBoth(t *testing.T, ctx context.Context, cs ...*Conn) {
	t.Helper()
	for _, c := range cs {
		if err := c.Noop(ctx); err != nil {
			t.Errorf("NOOP after Copy: %v", err)
		}
	}
}

var fxpData = bytes.Repeat([]byte("server to server\n"), 20000)

// TestCopyDestinationPassive: the default direction. The destination
// gets PASV, its 227 names another host, and the source gets PORT with
// the destination's control peer address (127.0.0.3), not the 227's;
// STOR goes before RETR, and both 226 are read.
func TestCopyDestinationPassive(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.3:0", &fxpFake{pasvIP: net.IPv4(192, 0, 2, 1)})
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{data: fxpData})
	log := &wireLog{}
	cd := dialFXP(t, ctx, dst, WithDebug(1, log))
	cs := dialFXP(t, ctx, src, WithDebug(1, log))
	if err := Copy(ctx, cd, "dst.bin", cs, "src.bin"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	noopBoth(t, ctx, cd, cs)
	port := log.passivePort(t)
	wantCmds(t, dst.Commands(), "USER u", "PASS p", "TYPE I", "PASV", "STOR dst.bin", "SIZE dst.bin", "NOOP")
	wantCmds(t, src.Commands(), "USER u", "PASS p", "TYPE I", "PORT "+portArg([4]byte{127, 0, 0, 3}, port), "RETR src.bin", "SIZE src.bin", "NOOP")
	log.order(t, "STOR dst.bin", "RETR src.bin")
	if got := dst.storedFiles(); len(got) != 1 {
		t.Fatalf("%d files stored, want 1", len(got))
	} else {
		wantBytes(t, got[0], fxpData)
	}
	for _, want := range []string{"226 stored", "226 sent"} {
		if !strings.Contains(strings.Join(log.events("resp"), "\n"), want) {
			t.Errorf("reply %q not read: %q", want, log.events("resp"))
		}
	}
}

// TestCopySourcePassive: WithPassiveSource, as ftpcp. The destination
// gets PORT with the source's control peer address, and RETR is sent
// only once the destination has answered STOR with 150.
func TestCopySourcePassive(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	src := newFXPFake(t, "127.0.0.3:0", &fxpFake{data: fxpData, pasvIP: net.IPv4(10, 1, 2, 3)})
	src.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
		if !dst.announced.Load() {
			t.Errorf("RETR came before the destination's 150")
		}
		src.transfer(fc, cmd, open)
	}
	log := &wireLog{}
	cd := dialFXP(t, ctx, dst, WithDebug(1, log))
	cs := dialFXP(t, ctx, src, WithDebug(1, log))
	if err := Copy(ctx, cd, "dst.bin", cs, "src.bin", WithPassiveSource()); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	noopBoth(t, ctx, cd, cs)
	port := log.passivePort(t)
	wantCmds(t, dst.Commands(), "USER u", "PASS p", "TYPE I", "PORT "+portArg([4]byte{127, 0, 0, 3}, port), "STOR dst.bin", "SIZE dst.bin", "NOOP")
	wantCmds(t, src.Commands(), "USER u", "PASS p", "TYPE I", "PASV", "RETR src.bin", "SIZE src.bin", "NOOP")
	if got := dst.storedFiles(); len(got) != 1 {
		t.Fatalf("%d files stored, want 1", len(got))
	} else {
		wantBytes(t, got[0], fxpData)
	}
}

// TestCopyIPv6: EPSV on the passive server, EPRT with its address on
// the other.
func TestCopyIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	ctx := testCtx(t)
	dst := newFXPFake(t, "[::1]:0", &fxpFake{})
	src := newFXPFake(t, "[::1]:0", &fxpFake{data: fxpData})
	log := &wireLog{}
	cd := dialFXP(t, ctx, dst, WithDebug(1, log))
	cs := dialFXP(t, ctx, src, WithDebug(1, log))
	if err := Copy(ctx, cd, "dst.bin", cs, "src.bin"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	var port int
	for _, r := range log.events("resp") {
		if p, ok := parse229(r); ok && strings.HasPrefix(r, "229 ") {
			port = p
		}
	}
	wantCmds(t, dst.Commands(), "USER u", "PASS p", "TYPE I", "EPSV", "STOR dst.bin", "SIZE dst.bin")
	wantCmds(t, src.Commands(), "USER u", "PASS p", "TYPE I", "EPRT |2|::1|"+strconv.Itoa(port)+"|", "RETR src.bin", "SIZE src.bin")
	if got := dst.storedFiles(); len(got) == 1 {
		wantBytes(t, got[0], fxpData)
	} else {
		t.Errorf("%d files stored, want 1", len(got))
	}
}

// TestCopyActiveCommand: PORT for IPv4, EPRT for IPv6 or an active server
// reached over IPv6.
func TestCopyActiveCommand(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ext  bool
		want string
	}{
		{"127.0.0.3:1027", false, "PORT 127,0,0,3,4,3"},
		{"127.0.0.3:1027", true, "EPRT |1|127.0.0.3|1027|"},
		{"[::1]:65535", false, "EPRT |2|::1|65535|"},
	} {
		if got := activeCommand(netip.MustParseAddrPort(tc.addr), tc.ext); got != tc.want {
			t.Errorf("activeCommand(%s, %v) = %q, want %q", tc.addr, tc.ext, got, tc.want)
		}
	}
}

// TestCopyRefused: both servers refuse PORT to a foreign address. Copy
// tries both directions, returns both refusals (ErrPermanent, with the
// servers' texts), sends no transfer command, and both sessions stay
// usable. With WithFixedDirection there is one attempt.
func TestCopyRefused(t *testing.T) {
	const (
		refusedBySrc = "500 Illegal PORT command."
		refusedByDst = "500 I won't open a connection to 127.0.0.1 (only to 127.0.0.2)"
	)
	for _, fixed := range []bool{false, true} {
		t.Run(fmt.Sprintf("fixed=%v", fixed), func(t *testing.T) {
			ctx := testCtx(t)
			dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: map[string][]string{"PORT": {refusedByDst}}})
			src := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: map[string][]string{"PORT": {refusedBySrc}}, data: fxpData})
			cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
			var opts []CopyOption
			if fixed {
				opts = append(opts, WithFixedDirection())
			}
			err := Copy(ctx, cd, "dst.bin", cs, "src.bin", opts...)
			wantIs(t, err, ErrPermanent)
			var fe *Error
			if !errors.As(err, &fe) || fe.Text != refusedBySrc || !strings.HasPrefix(fe.Cmd, "PORT ") {
				t.Errorf("error %v: want the source's refusal of PORT first", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "(destination passive): source: ") || fixed == strings.Contains(msg, refusedByDst) {
				t.Errorf("error %q: want the step and server of each attempt", msg)
			}
			noopBoth(t, ctx, cd, cs)
			d, s := dst.Commands(), src.Commands()
			if fixed {
				wantCmds(t, d, "USER u", "PASS p", "TYPE I", "PASV", "NOOP")
				if len(s) != 5 || !strings.HasPrefix(s[3], "PORT 127,0,0,1,") {
					t.Errorf("source got %q", s)
				}
				return
			}
			if len(d) != 6 || d[3] != "PASV" || !strings.HasPrefix(d[4], "PORT 127,0,0,1,") {
				t.Errorf("destination got %q, want PASV then PORT", d)
			}
			if len(s) != 6 || !strings.HasPrefix(s[3], "PORT 127,0,0,1,") || s[4] != "PASV" {
				t.Errorf("source got %q, want PORT then PASV", s)
			}
		})
	}
}

// TestCopyRetriesAfter425: the passive destination refuses the source's
// data connection (vsftpd's 425 without pasv_promiscuous); Copy resyncs
// both sessions and succeeds with the source passive.
func TestCopyRetriesAfter425(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	var stors atomic.Int32
	dst.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
		if stors.Add(1) > 1 {
			dst.transfer(fc, cmd, open)
			return
		}
		if nc, err := open(); err == nil {
			nc.Close()
		}
		fc.Reply("425 Security: Bad IP connecting.")
	}
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{data: fxpData})
	cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
	if err := Copy(ctx, cd, "dst.bin", cs, "src.bin"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	noopBoth(t, ctx, cd, cs)
	without := func(cmds []string) []string {
		var out []string
		for _, c := range cmds {
			if c != "ABOR" && c != "NOOP" {
				out = append(out, verb(c))
			}
		}
		return out
	}
	wantCmds(t, without(dst.Commands()), "USER", "PASS", "TYPE", "PASV", "STOR", "PORT", "STOR", "SIZE")
	wantCmds(t, without(src.Commands()), "USER", "PASS", "TYPE", "PORT", "RETR", "PASV", "RETR", "SIZE")
	if got := dst.storedFiles(); len(got) != 1 {
		t.Fatalf("%d files stored, want 1", len(got))
	} else {
		wantBytes(t, got[0], fxpData)
	}
}

// TestCopySourceFails: the source refuses RETR (550) after the
// destination accepted STOR. The destination's transfer is aborted
// (ABOR, then NOOP), so that it is not left waiting, and both sessions
// stay usable. A passive destination is waiting for its data connection
// and reads no command until it has one: the client gives it one first,
// which ends the upload empty.
func TestCopySourceFails(t *testing.T) {
	const missing = "550 src.bin: No such file or directory"
	t.Run("destination passive", func(t *testing.T) {
		ctx := testCtx(t)
		// Like vsftpd, the fake reads no command before the data
		// connection comes.
		dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
		src := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: map[string][]string{"RETR": {missing}}})
		cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
		start := time.Now()
		err := Copy(ctx, cd, "dst.bin", cs, "src.bin")
		wantIs(t, err, ErrPermanent)
		wantIs(t, err, fs.ErrNotExist)
		if !strings.Contains(err.Error(), "source: ftp: RETR src.bin: "+missing) {
			t.Errorf("error %q: want the source's refusal", err)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("Copy took %v", d)
		}
		noopBoth(t, ctx, cd, cs)
		wantCmds(t, dst.Commands(), "USER u", "PASS p", "TYPE I", "PASV", "STOR dst.bin", "ABOR", "NOOP", "NOOP")
		// The client's data connection ended the upload: empty.
		if !strings.Contains(err.Error(), "(destination: 226 stored)") {
			t.Errorf("error %q: want the destination's verdict", err)
		}
		if got := dst.storedFiles(); len(got) != 1 || len(got[0]) != 0 {
			t.Errorf("destination stored %d files, want one empty", len(got))
		}
	})
	t.Run("destination active", func(t *testing.T) {
		ctx := testCtx(t)
		dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
		dst.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
			nc, err := open()
			if err != nil {
				fc.Reply("425 Can't open data connection.")
				return
			}
			defer nc.Close()
			fc.Reply("150 ok")
			// No data comes: the source refused RETR. ABOR must.
			if line, _ := fc.ReadCommand(); line != "ABOR" {
				t.Errorf("destination got %q during STOR, want ABOR", line)
			}
			fc.Reply("426 Transfer aborted.", "226 ABOR successful.")
		}
		src := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: map[string][]string{"RETR": {missing}}})
		cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
		err := Copy(ctx, cd, "dst.bin", cs, "src.bin", WithPassiveSource())
		wantIs(t, err, fs.ErrNotExist)
		noopBoth(t, ctx, cd, cs)
		d := dst.Commands()
		if len(d) != 8 || d[4] != "STOR dst.bin" || d[5] != "ABOR" || d[6] != "NOOP" {
			t.Errorf("destination got %q, want STOR, ABOR, NOOP", d)
		}
		if !strings.Contains(err.Error(), "(destination: 426 Transfer aborted.)") {
			t.Errorf("error %q: want the destination's verdict", err)
		}
	})
}

// TestCopyVerifiesSize: after both 226, the destination's SIZE must be
// the source's (from its 150 reply, else SIZE): ErrShortTransfer
// otherwise. Without SIZE nothing is verified.
func TestCopyVerifiesSize(t *testing.T) {
	for _, tc := range []struct {
		name       string
		src        *fxpFake
		dstReplies map[string][]string
		srcCmds    []string // after TYPE I and PORT
		dstCmds    []string // after TYPE I and PASV
		short      bool
	}{
		{name: "short", src: &fxpFake{replies: map[string][]string{"SIZE": {"213 999999"}}},
			srcCmds: []string{"RETR src.bin", "SIZE src.bin"}, dstCmds: []string{"STOR dst.bin", "SIZE dst.bin"}, short: true},
		{name: "announced", src: &fxpFake{sized: true},
			srcCmds: []string{"RETR src.bin"}, dstCmds: []string{"STOR dst.bin", "SIZE dst.bin"}},
		{name: "no SIZE", src: &fxpFake{replies: map[string][]string{"SIZE": {"502 Command not implemented."}}},
			srcCmds: []string{"RETR src.bin", "SIZE src.bin"}, dstCmds: []string{"STOR dst.bin"}},
		{name: "no SIZE on the destination", src: &fxpFake{sized: true}, dstReplies: map[string][]string{"SIZE": {"500 Unknown command."}},
			srcCmds: []string{"RETR src.bin"}, dstCmds: []string{"STOR dst.bin", "SIZE dst.bin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: tc.dstReplies})
			tc.src.data = fxpData
			src := newFXPFake(t, "127.0.0.1:0", tc.src)
			cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
			err := Copy(ctx, cd, "dst.bin", cs, "src.bin")
			if tc.short {
				wantIs(t, err, ErrShortTransfer)
				if want := fmt.Sprintf("the destination has %d bytes of dst.bin, the source 999999", len(fxpData)); err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want %q", err, want)
				}
			} else if err != nil {
				t.Fatalf("Copy: %v", err)
			}
			wantCmds(t, src.Commands()[4:], tc.srcCmds...)
			wantCmds(t, dst.Commands()[4:], tc.dstCmds...)
		})
	}
}

// TestCopyDestinationRefuses: the passive destination refuses STOR at
// once (vsftpd's 553) but its port still listens, with the active
// source's data connection in its queue: the source, sending into it,
// would block. A new PASV makes the destination close that port, the
// source's connection is reset, and both sessions resynchronise; no
// second attempt follows a refusal that is not about connections.
func TestCopyDestinationRefuses(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{replies: map[string][]string{"STOR": {"553 Could not create file."}}})
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	src.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
		nc, err := open()
		if err != nil {
			fc.Reply("425 Can't open data connection.")
			return
		}
		defer nc.Close()
		fc.Reply("150 ok")
		// Nobody accepts: wait for the end of the connection.
		io.Copy(io.Discard, nc)
		fc.Reply("426 Failure writing network stream.")
	}
	cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
	err := Copy(ctx, cd, "dst.bin", cs, "src.bin")
	wantIs(t, err, ErrPermanent)
	if !strings.Contains(err.Error(), "destination: ftp: STOR dst.bin: 553 Could not create file.") {
		t.Errorf("error %q: want the destination's refusal", err)
	}
	noopBoth(t, ctx, cd, cs)
	wantCmds(t, dst.Commands(), "USER u", "PASS p", "TYPE I", "PASV", "STOR dst.bin", "PASV", "ABOR", "NOOP", "NOOP")
	if c := src.Commands(); len(c) != 8 || c[4] != "RETR src.bin" || c[5] != "ABOR" || c[6] != "NOOP" {
		t.Errorf("source got %q, want RETR, ABOR, NOOP", c)
	}
}

// TestCopyMissingCompletion: the source sends the file but never its
// completion reply. Once the destination has given its own, the source
// has the timeout to answer; then it is aborted and Copy fails with a
// timeout naming RETR, and the destination's verdict.
func TestCopyMissingCompletion(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{data: fxpData})
	src.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
		nc, err := open()
		if err != nil {
			fc.Reply("425 Can't open data connection.")
			return
		}
		fc.Reply("150 ok")
		nc.Write(src.data)
		nc.Close()
		// No 226.
	}
	cd := dialFXP(t, ctx, dst)
	cs := dialFXP(t, ctx, src, WithTimeout(300*time.Millisecond))
	err := Copy(ctx, cd, "dst.bin", cs, "src.bin")
	var oe *OpError
	if !errors.As(err, &oe) || oe.Cmd != "RETR src.bin" || oe.Timeout != 300*time.Millisecond {
		t.Fatalf("error %v: want an *OpError timing out RETR", err)
	}
	if !strings.Contains(err.Error(), "(destination: 226 stored)") {
		t.Errorf("error %q: want the destination's verdict", err)
	}
	noopBoth(t, ctx, cd, cs)
	if c := src.Commands(); len(c) != 8 || c[4] != "RETR src.bin" || c[5] != "ABOR" || c[6] != "NOOP" {
		t.Errorf("source got %q, want RETR, ABOR, NOOP", c)
	}
}

// TestCopyCancel: cancelling ctx while both servers transfer aborts
// both, returns the context's error and leaves both sessions usable.
func TestCopyCancel(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	sending := make(chan struct{})
	src.xfer = func(fc *ftptest.FakeConn, cmd string, open func() (net.Conn, error)) {
		nc, err := open()
		if err != nil {
			fc.Reply("425 Can't open data connection.")
			return
		}
		fc.Reply("150 ok")
		close(sending)
		// Send nothing until ABOR, like a server whose disk stalls.
		if line, _ := fc.ReadCommand(); line != "ABOR" {
			t.Errorf("source got %q during RETR, want ABOR", line)
		}
		nc.Close()
		fc.Reply("426 Transfer aborted.", "226 ABOR successful.")
	}
	cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		<-sending
		time.Sleep(100 * time.Millisecond) // the client reads the 150s
		cancel()
	}()
	err := Copy(cctx, cd, "dst.bin", cs, "src.bin")
	wantIs(t, err, context.Canceled)
	noopBoth(t, ctx, cd, cs)
	for _, f := range []*fxpFake{dst, src} {
		if c := f.Commands(); len(c) < 3 || c[len(c)-3] != "ABOR" {
			t.Errorf("commands %q, want ABOR, NOOP, NOOP at the end", c)
		}
	}
}

// TestCopyBusy: both sessions are held for the copy.
func TestCopyBusy(t *testing.T) {
	ctx := testCtx(t)
	dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	src := newFXPFake(t, "127.0.0.1:0", &fxpFake{})
	cd, cs := dialFXP(t, ctx, dst), dialFXP(t, ctx, src)
	wantIs(t, Copy(ctx, cd, "a", cd, "b"), ErrBusy)
	for _, c := range []*Conn{cd, cs} {
		if err := c.acquire(); err != nil {
			t.Fatal(err)
		}
		wantIs(t, Copy(ctx, cd, "a", cs, "b"), ErrBusy)
		c.release()
	}
	wantIs(t, Copy(ctx, cd, "a\r\nDELE x", cs, "b"), ErrInvalidCommand)
	wantCmds(t, dst.Commands(), "USER u", "PASS p")
	wantCmds(t, src.Commands(), "USER u", "PASS p")
}

// TestCopyTLS: with PROT P on both sessions, one server is the TLS
// client of the data connection: the destination if it offers SSCN or,
// passive, CPSV; else the source (with the source passive when only its
// CPSV can do it). Neither: ErrFeatureNotSupported before any transfer
// command; PROT P on one session only: an error before anything is sent.
func TestCopyTLS(t *testing.T) {
	ca, err := ftptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	login := []string{"AUTH TLS", "USER u", "PASS p", "PBSZ 0", "PROT P"}
	for _, tc := range []struct {
		name               string
		dstFeat, srcFeat   []string
		clearSrc           bool
		dst, src           []string // the commands after login; "PORT" stands for PORT and its argument
		feature, plainOnly bool     // the errors expected
	}{
		{name: "destination SSCN", dstFeat: []string{"SSCN"}, srcFeat: []string{"SSCN"},
			dst: []string{"TYPE I", "FEAT", "SSCN ON", "PASV", "STOR dst.bin", "SIZE dst.bin", "SSCN OFF"},
			src: []string{"TYPE I", "PORT", "RETR src.bin", "SIZE src.bin"}},
		{name: "destination CPSV", dstFeat: []string{"CPSV", "SSCN"},
			dst: []string{"TYPE I", "FEAT", "CPSV", "STOR dst.bin", "SIZE dst.bin"},
			src: []string{"TYPE I", "PORT", "RETR src.bin", "SIZE src.bin"}},
		{name: "source SSCN", srcFeat: []string{"SSCN"},
			dst: []string{"TYPE I", "FEAT", "PASV", "STOR dst.bin", "SIZE dst.bin"},
			src: []string{"TYPE I", "FEAT", "SSCN ON", "PORT", "RETR src.bin", "SIZE src.bin", "SSCN OFF"}},
		{name: "source CPSV", srcFeat: []string{"CPSV"},
			dst: []string{"TYPE I", "FEAT", "PORT", "STOR dst.bin", "SIZE dst.bin"},
			src: []string{"TYPE I", "FEAT", "CPSV", "RETR src.bin", "SIZE src.bin"}},
		{name: "neither", dstFeat: []string{"PROT"}, srcFeat: []string{"PROT"}, feature: true,
			dst: []string{"TYPE I", "FEAT"},
			src: []string{"TYPE I", "FEAT"}},
		{name: "PROT P on one side", clearSrc: true, plainOnly: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			dst := newFXPFake(t, "127.0.0.1:0", &fxpFake{feat: tc.dstFeat, tls: serverTLS})
			src := newFXPFake(t, "127.0.0.1:0", &fxpFake{feat: tc.srcFeat, tls: serverTLS, data: fxpData})
			cd := dialFXP(t, ctx, dst, WithExplicitTLS(ca.ClientConfig("127.0.0.1")))
			srcOpts := []DialOption{WithExplicitTLS(ca.ClientConfig("127.0.0.1"))}
			srcLogin := login
			if tc.clearSrc {
				srcOpts = append(srcOpts, WithClearData())
				srcLogin = login[:3]
			}
			cs := dialFXP(t, ctx, src, srcOpts...)
			err := Copy(ctx, cd, "dst.bin", cs, "src.bin")
			switch {
			case tc.feature:
				wantIs(t, err, ErrFeatureNotSupported)
			case tc.plainOnly:
				if err == nil || !strings.Contains(err.Error(), "PROT P") {
					t.Errorf("Copy: %v, want an error about PROT P", err)
				}
			case err != nil:
				t.Fatalf("Copy: %v", err)
			}
			check := func(name string, got, login, want []string) {
				t.Helper()
				want = append(append([]string(nil), login...), want...)
				if len(got) == len(want) {
					for i, w := range want {
						if w == "PORT" && strings.HasPrefix(got[i], "PORT 127,0,0,1,") {
							want[i] = got[i]
						}
					}
				}
				t.Logf("%s: %q", name, got)
				wantCmds(t, got, want...)
			}
			check("destination", dst.Commands(), login, tc.dst)
			check("source", src.Commands(), srcLogin, tc.src)
		})
	}
}
