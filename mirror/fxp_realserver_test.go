package mirror_test

// Mirrors between two real servers, from server to server (FXP) and
// through this machine when the servers refuse. One side's Client dials
// from 127.0.0.2 while the servers listen on 127.0.0.1, so that the
// server it reaches sees the other server's address as foreign: servers
// without AllowFXP refuse, as they would across the Internet.

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/mirror"
)

// foreignClient is the loopback address that one side's Client dials
// from.
const foreignClient = "127.0.0.2"

// fxpTree is a tree of 43 files in 6 directories (one empty): text
// files of 0 to 3 KiB, an empty file, UTF-8 and spaces in names, and
// 1 MiB and a bit of random data.
func fxpTree() map[string]string {
	files := map[string]string{}
	for i := range 4 {
		for j := range 10 {
			files[fmt.Sprintf("d%d/f%02d.txt", i, j)] = strings.Repeat(fmt.Sprintf("%d.%d ", i, j), i*j*20)
		}
	}
	big := make([]byte, 1<<20+4321)
	rand.NewChaCha8([32]byte{'m', 'x', 'p'}).Read(big)
	files["big.bin"] = string(big)
	files["empty"] = ""
	files["with space/ñandú €.txt"] = "utf-8\n"
	files["empty dir/"] = ""
	return files
}

// The files and directories of fxpTree, its root included.
const (
	fxpFiles = 43
	fxpDirs  = 7
)

// cmdLog collects a Client's debug output: the commands it sent.
type cmdLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *cmdLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// countText counts the occurrences of text.
func (l *cmdLog) countText(text string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), text)
}

// reset forgets what was written so far.
func (l *cmdLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

// count counts the commands with the verb v.
func (l *cmdLog) count(v string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), `*cmd* "`+v+` `) + strings.Count(l.b.String(), `*cmd* "`+v+`"`)
}

// fxpPair is two servers, the source's tree written, and a Client for
// each: the one of the side named foreign dials from foreignClient.
type fxpPair struct {
	src, dst       *realserver.Server
	srcC, dstC     *ftp.Client
	srcLog, dstLog *cmdLog
}

func startPair(t *testing.T, srcKind, dstKind realserver.Kind, cfg realserver.Config, foreign string, files map[string]string) *fxpPair {
	t.Helper()
	p := &fxpPair{src: realserver.Start(t, srcKind, cfg), dst: realserver.Start(t, dstKind, cfg), srcLog: &cmdLog{}, dstLog: &cmdLog{}}
	serverTree(t, p.src, "tree", files)
	// Times of long ago: vsftpd's LIST gives only their day.
	filepath.WalkDir(p.src.Path("tree"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			err = os.Chtimes(path, base, base)
		}
		return err
	})
	from := func(side string) []ftp.ClientOption {
		if side == foreign {
			return []ftp.ClientOption{ftp.WithLocalAddr(foreignClient)}
		}
		return nil
	}
	p.srcC = rsClient(t, p.src, 4, append(from("source"), ftp.WithDebug(1, p.srcLog))...)
	p.dstC = rsClient(t, p.dst, 4, append(from("destination"), ftp.WithDebug(1, p.dstLog))...)
	return p
}

func (p *fxpPair) trees() (src, dst mirror.Tree) {
	return mirror.Remote(p.srcC, "tree"), mirror.Remote(p.dstC, "copy")
}

// fxpNotes returns the notes about server-to-server copies.
func fxpNotes(sum mirror.Summary) []string {
	var out []string
	for _, n := range sum.Notes {
		if strings.Contains(n, "FXP") {
			out = append(out, n)
		}
	}
	return out
}

func skipWithoutForeignClient(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(foreignClient, "0"))
	if err != nil {
		t.Skipf("cannot use %s: %v", foreignClient, err)
	}
	ln.Close()
}

// fxpPairs are the pairs of servers, and the side whose Client dials
// from foreignClient: one whose refusals are quick (pure-ftpd drops a
// foreign data connection without a word, which costs the timeout).
var fxpPairs = []struct {
	src, dst realserver.Kind
	foreign  string // "source" or "destination"
}{
	{realserver.Vsftpd, realserver.ProFTPD, "source"},
	{realserver.PureFTPd, realserver.Pyftpdlib, "destination"},
}

// TestFXP mirrors a tree of 43 files between two servers that allow
// FXP: every file goes from server to server (the source gets a PORT
// per file, never a passive command: no data connection of its comes
// to this machine), the trees are alike byte for byte, and no
// temporary file is left. Where the target sets times (MFMT) and the
// source lists them exactly (MLSD), a rerun copies nothing. Then the
// same servers without AllowFXP: the first copies are refused, and
// every file goes through this machine, with one note saying so; and
// with FXPAlways the refusals are the files' failures.
func TestFXP(t *testing.T) {
	skipWithoutForeignClient(t)
	for _, pair := range fxpPairs {
		t.Run(fmt.Sprintf("%s to %s", pair.src, pair.dst), func(t *testing.T) {
			t.Parallel()
			t.Run("allowed", func(t *testing.T) {
				t.Parallel()
				ctx := ctxT(t, 2*time.Minute)
				p := startPair(t, pair.src, pair.dst, realserver.Config{AllowFXP: true, PassivePorts: 250}, pair.foreign, fxpTree())
				src, dst := p.trees()
				sum := run(t, ctx, src, dst, mirror.Options{})
				sameTrees(t, p.src.Path("tree"), p.dst.Path("copy"))
				// Two failures of the servers, not of the client, happen
				// now and then. pure-ftpd connects from port 20: when it
				// meets a passive port of the other server again within
				// a second, the kernel refuses the connection (425
				// Cannot assign requested address), and the copy is
				// retried with the source passive. And pure-ftpd can
				// report a file sent (226) whose connection pyftpdlib
				// never accepted: pyftpdlib ends the wait with 421, and
				// the file goes through this machine. Each costs the
				// source one more RETR and one more passive command.
				refused := p.srcLog.countText("425 Could not open data connection")
				lost := p.dstLog.countText("421 Passive data channel timed out")
				if refused+lost > 0 {
					t.Logf("servers' failures: %d connections refused by the kernel, %d lost by pyftpdlib", refused, lost)
				}
				if sum.Copied != fxpFiles || sum.FXP != fxpFiles-lost || len(fxpNotes(sum)) != 0 {
					t.Errorf("%d copied, %d server to server, notes %q; want %d, %d, none", sum.Copied, sum.FXP, sum.Notes, fxpFiles, fxpFiles-lost)
				}
				// The source's data connections: one to the other
				// server for each file, one to this machine for each
				// directory listed.
				if n := p.srcLog.count("PORT"); n != fxpFiles {
					t.Errorf("the source got %d PORT commands, want %d", n, fxpFiles)
				}
				if n := p.srcLog.count("RETR"); n != fxpFiles+refused+lost {
					t.Errorf("the source got %d RETR commands, want %d", n, fxpFiles+refused+lost)
				}
				if n := p.srcLog.count("PASV") + p.srcLog.count("EPSV"); n != fxpDirs+refused+lost {
					t.Errorf("the source got %d passive commands, want %d (the listings)", n, fxpDirs+refused+lost)
				}
				if n := p.dstLog.count("PASV"); n != fxpFiles {
					t.Errorf("the destination got %d PASV commands, want %d", n, fxpFiles)
				}
				// The target has the source's times (MFMT; from vsftpd's
				// LIST, after MDTM): a rerun copies nothing.
				if sum := run(t, ctx, src, dst, mirror.Options{}); sum.Copied != 0 || sum.Skipped != fxpFiles {
					t.Errorf("rerun: %d copied, %d skipped; want 0, %d", sum.Copied, sum.Skipped, fxpFiles)
				}
			})
			t.Run("refused", func(t *testing.T) {
				t.Parallel()
				ctx := ctxT(t, 2*time.Minute)
				p := startPair(t, pair.src, pair.dst, realserver.Config{}, pair.foreign, fxpTree())
				src, dst := p.trees()
				sum, err := mirror.Run(ctx, src, dst, mirror.Options{FXP: mirror.FXPAlways})
				var me *mirror.Error
				if !errors.As(err, &me) || sum.Failed != fxpFiles || sum.Copied != 0 || !errors.Is(err, ftp.ErrPermanent) {
					t.Fatalf("FXPAlways: %d copied, %d failed, error %v; want every file failed, refused", sum.Copied, sum.Failed, err)
				}
				t.Logf("FXPAlways: %v", me.Failures[0].Err)
				p.dstLog.reset()

				sum = run(t, ctx, src, dst, mirror.Options{})
				sameTrees(t, p.src.Path("tree"), p.dst.Path("copy"))
				notes := fxpNotes(sum)
				if sum.Copied != fxpFiles || sum.FXP != 0 || len(notes) != 1 || !strings.Contains(notes[0], "through this machine") {
					t.Fatalf("%d copied, %d server to server, notes %q; want %d, 0, one note", sum.Copied, sum.FXP, sum.Notes, fxpFiles)
				}
				t.Logf("note: %s", notes[0])
				if !strings.Contains(notes[0], "PORT 127,0,0,1,") {
					t.Errorf("note %q: want the refusal of PORT", notes[0])
				}
				// At most Parallel copies tried before the first refusal
				// was known; the rest went through this machine straight.
				if n := p.dstLog.count("STOR"); n < fxpFiles || n > fxpFiles+4 {
					t.Errorf("the destination got %d STOR commands, want %d to %d", n, fxpFiles, fxpFiles+4)
				}
			})
		})
	}
}

// TestFXPTLS mirrors from vsftpd over TLS, both servers allowing FXP.
// To pure-ftpd: neither offers CPSV or SSCN, so no server can be the
// TLS client of the data connection between them, and every file goes
// through this machine, with one note. To proftpd, which offers SSCN:
// every file goes from server to server over TLS, proftpd the TLS
// client (SSCN ON, and OFF after each copy). Such a copy takes 0.6 s
// however small (both servers' 226 come that late), so the tree is
// small. From vsftpd over TLS to proftpd in clear text, Copy refuses
// at once: files go through this machine.
func TestFXPTLS(t *testing.T) {
	cfg := realserver.Config{TLS: realserver.Explicit, AllowFXP: true, NoReuseRequired: true}
	files := map[string]string{"big.bin": fxpTree()["big.bin"], "empty": "", "d/a": "a", "d/b": "bb", "d/c": "ccc", "with space/ñandú €.txt": "utf-8\n"}
	const n = 6
	for _, c := range []struct {
		dst realserver.Kind
		fxp bool
	}{{realserver.PureFTPd, false}, {realserver.ProFTPD, true}} {
		t.Run("vsftpd to "+string(c.dst), func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t, 2*time.Minute)
			p := startPair(t, realserver.Vsftpd, c.dst, cfg, "", files)
			src, dst := p.trees()
			sum := run(t, ctx, src, dst, mirror.Options{})
			sameTrees(t, p.src.Path("tree"), p.dst.Path("copy"))
			notes := fxpNotes(sum)
			switch {
			case c.fxp && (sum.Copied != n || sum.FXP != n || len(notes) != 0):
				t.Errorf("%d copied, %d server to server, notes %q; want %d server to server, no note", sum.Copied, sum.FXP, sum.Notes, n)
			case !c.fxp && (sum.Copied != n || sum.FXP != 0 || len(notes) != 1 || !strings.Contains(notes[0], ftp.ErrFeatureNotSupported.Error())):
				t.Errorf("%d copied, %d server to server, notes %q; want %d through this machine, a note with %q", sum.Copied, sum.FXP, sum.Notes, n, ftp.ErrFeatureNotSupported)
			}
			if len(notes) > 0 {
				t.Logf("note: %s", notes[0])
			}
			if c.fxp {
				if got := p.dstLog.count("SSCN"); got != 2*n {
					t.Errorf("proftpd got %d SSCN commands, want %d (on and off for each file)", got, 2*n)
				}
			}
		})
	}
	t.Run("vsftpd over TLS to proftpd in clear text", func(t *testing.T) {
		t.Parallel()
		ctx := ctxT(t, 2*time.Minute)
		src := realserver.Start(t, realserver.Vsftpd, cfg)
		dst := realserver.Start(t, realserver.ProFTPD, realserver.Config{AllowFXP: true})
		serverTree(t, src, "tree", files)
		sum := run(t, ctx, mirror.Remote(rsClient(t, src, 4), "tree"), mirror.Remote(rsClient(t, dst, 4), "copy"), mirror.Options{})
		sameTrees(t, src.Path("tree"), dst.Path("copy"))
		if notes := fxpNotes(sum); sum.Copied != n || sum.FXP != 0 || len(notes) != 1 || !strings.Contains(notes[0], "(PROT P)") {
			t.Errorf("%d copied, %d server to server, notes %q; want %d through this machine, a note on PROT P", sum.Copied, sum.FXP, sum.Notes, n)
		}
	})
}

// TestFXPOptions: FXPAlways needs two remote trees with a Client each;
// FXPNever sends files through this machine.
func TestFXPOptions(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	srv := realserver.Start(t, realserver.ProFTPD, realserver.Config{})
	c, other := rsClient(t, srv, 2), rsClient(t, srv, 2)
	serverTree(t, srv, "tree", map[string]string{"a": "a", "d/b": "bb"})
	for _, tc := range []struct {
		src, dst mirror.Tree
		want     string
	}{
		{mirror.Remote(c, "tree"), mirror.Remote(c, "copy"), "both trees share one"},
		{mirror.Remote(c, "tree"), mirror.Local(t.TempDir()), "need two remote trees"},
		{mirror.Local(t.TempDir()), mirror.Remote(c, "copy"), "need two remote trees"},
	} {
		_, errs := planOf(t, ctx, tc.src, tc.dst, mirror.Options{FXP: mirror.FXPAlways})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("FXPAlways from %s to %s: %v, want an error saying %q", tc.src, tc.dst, errs, tc.want)
		}
	}
	if _, errs := planOf(t, ctx, mirror.Remote(c, "tree"), mirror.Remote(other, "copy"), mirror.Options{FXP: 7}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "unknown FXP mode FXPMode(7)") {
		t.Errorf("FXP 7: %v, want an unknown mode", errs)
	}
	sum := run(t, ctx, mirror.Remote(c, "tree"), mirror.Remote(other, "never"), mirror.Options{FXP: mirror.FXPNever})
	sameTrees(t, srv.Path("tree"), srv.Path("never"))
	if sum.Copied != 2 || sum.FXP != 0 {
		t.Errorf("FXPNever: %d copied, %d server to server; want 2, 0", sum.Copied, sum.FXP)
	}
	sum = run(t, ctx, mirror.Remote(c, "tree"), mirror.Remote(other, "auto"), mirror.Options{})
	sameTrees(t, srv.Path("tree"), srv.Path("auto"))
	if sum.Copied != 2 || sum.FXP != 2 {
		t.Errorf("FXPAuto: %d copied, %d server to server; want 2, 2", sum.Copied, sum.FXP)
	}
	for m, want := range map[mirror.FXPMode]string{mirror.FXPAuto: "auto", mirror.FXPNever: "never", mirror.FXPAlways: "always"} {
		if m.String() != want {
			t.Errorf("%d: %q, want %q", m, m, want)
		}
	}
}
