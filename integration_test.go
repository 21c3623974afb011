package ftp_test

// Integration tests against real servers (issue 2): vsftpd, pure-ftpd,
// proftpd and pyftpdlib in plain FTP, started by internal/realserver. A
// server that is not installed skips its test (run
// scripts/install-servers.sh), unless CI is set.
//
// The throughput benchmark BenchmarkRealServer runs only with
// FTPKIT_BENCH=1:
//
//	FTPKIT_BENCH=1 go test -run='^$' -bench=BenchmarkRealServer -benchtime=1x .

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
)

const (
	mib          = 1 << 20
	rsBigSize    = 100 * mib // the plain big file, once per server
	rsCancelRead = 1 * mib   // bytes read before a download is cancelled
)

// rsData returns n deterministic pseudo-random bytes for seed.
func rsData(seed uint64, n int) []byte {
	b := make([]byte, n)
	rsStream(seed).Read(b)
	return b
}

// rsStream is an endless deterministic byte stream for seed.
func rsStream(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return rand.NewChaCha8(s)
}

func rsSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// rsFileSum is the SHA-256 and size of the server-side file.
func rsFileSum(t testing.TB, path string) (string, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("server-side file: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		t.Fatalf("server-side file: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

// rsRoundTrip uploads data to name, checks the server's copy byte for byte
// (SHA-256 of the file under srv.Root) and SIZE, downloads it again and
// compares.
func rsRoundTrip(t testing.TB, ctx context.Context, c *ftp.Conn, srv *realserver.Server, name string, data []byte) {
	t.Helper()
	want := rsSum(data)
	if err := c.StorBinaryCmd(ctx, "STOR "+name, bytes.NewReader(data)); err != nil {
		t.Fatalf("STOR %s (%d bytes): %v", name, len(data), err)
	}
	if got, n := rsFileSum(t, srv.Path(name)); got != want || n != int64(len(data)) {
		t.Fatalf("server's %s: %d bytes sha256 %s, want %d bytes %s", name, n, got, len(data), want)
	}
	size, err := c.Size(ctx, name)
	if err != nil || size != int64(len(data)) {
		t.Fatalf("SIZE %s = %d, %v; want %d", name, size, err, len(data))
	}
	var buf bytes.Buffer
	if err := c.RetrBinaryCmd(ctx, "RETR "+name, &buf); err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	if got := rsSum(buf.Bytes()); got != want {
		t.Fatalf("RETR %s: %d bytes sha256 %s, want %d bytes %s", name, buf.Len(), got, len(data), want)
	}
}

// rsBigRoundTrip streams size bytes of seed up to name and back, hashing
// on the fly, and checks the server's copy.
func rsBigRoundTrip(t testing.TB, ctx context.Context, c *ftp.Conn, srv *realserver.Server, name string, seed uint64, size int64) {
	t.Helper()
	h := sha256.New()
	start := time.Now()
	src := io.TeeReader(io.LimitReader(rsStream(seed), size), h)
	if err := c.StorBinaryCmd(ctx, "STOR "+name, src); err != nil {
		t.Fatalf("STOR %s: %v", name, err)
	}
	up := time.Since(start)
	want := hex.EncodeToString(h.Sum(nil))
	if got, n := rsFileSum(t, srv.Path(name)); got != want || n != size {
		t.Fatalf("server's %s: %d bytes sha256 %s, want %d bytes %s", name, n, got, size, want)
	}
	h.Reset()
	start = time.Now()
	if err := c.RetrBinaryCmd(ctx, "RETR "+name, h); err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Fatalf("RETR %s: sha256 %s, want %s", name, got, want)
	}
	t.Logf("%s: %d MiB up in %v, down in %v", name, size/mib, up.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// rsHasMLSD reports whether the server kind implements MLSD.
func rsHasMLSD(k realserver.Kind) bool { return k != realserver.Vsftpd }

// rsListings checks LIST, NLST and MLSD of dir, which holds the files
// names (and nothing else).
func rsListings(t testing.TB, ctx context.Context, c *ftp.Conn, kind realserver.Kind, dir string, names ...string) {
	t.Helper()
	lines, err := c.List(ctx, dir)
	if err != nil {
		t.Fatalf("LIST %s: %v", dir, err)
	}
	for _, n := range names {
		found := false
		for _, l := range lines {
			if strings.HasSuffix(l, " "+n) {
				found = true
			}
		}
		if !found {
			t.Errorf("LIST %s: no line for %s in %q", dir, n, lines)
		}
	}
	nl, err := c.NameList(ctx, dir)
	if err != nil {
		t.Fatalf("NLST %s: %v", dir, err)
	}
	for i, n := range nl { // some servers list "dir/name"
		nl[i] = n[strings.LastIndex(n, "/")+1:]
	}
	for _, n := range names {
		if !slices.Contains(nl, n) {
			t.Errorf("NLST %s: %s missing from %q", dir, n, nl)
		}
	}
	var got []string
	var mlsdErr error
	for e, err := range c.MLSD(ctx, dir) {
		if err != nil {
			mlsdErr = err
			break
		}
		if e.Name != "." && e.Name != ".." {
			got = append(got, e.Name)
		}
	}
	if !rsHasMLSD(kind) {
		if !errors.Is(mlsdErr, ftp.ErrPermanent) {
			t.Errorf("MLSD on %s: %v, want ErrPermanent", kind, mlsdErr)
		}
		return
	}
	if mlsdErr != nil {
		t.Fatalf("MLSD %s: %v", dir, mlsdErr)
	}
	for _, n := range names {
		if !slices.Contains(got, n) {
			t.Errorf("MLSD %s: %s missing from %q", dir, n, got)
		}
	}
}

// rsCancelDownload starts downloading name (which must be large), reads a
// little, cancels the context and checks that the Conn still works.
func rsCancelDownload(t testing.TB, ctx context.Context, c *ftp.Conn, name string) {
	t.Helper()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d, err := c.Retr(cctx, name)
	if err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	if _, err := io.CopyN(io.Discard, d, rsCancelRead); err != nil {
		t.Fatalf("RETR %s: reading the first MiB: %v", name, err)
	}
	cancel()
	if _, err := io.Copy(io.Discard, d); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v, want context.Canceled", err)
	}
	start := time.Now()
	if err := d.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close after cancel: %v, want context.Canceled", err)
	}
	t.Logf("abort after cancel took %v (last reply %q)", time.Since(start).Round(time.Millisecond), d.Reply().Text)
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after a cancelled download: %v", err)
	}
}

// rsCloseEarly reads part of name and closes the DataConn (ABOR without a
// cancelled context); the Conn must stay usable.
func rsCloseEarly(t testing.TB, ctx context.Context, c *ftp.Conn, name string) {
	t.Helper()
	d, err := c.Retr(ctx, name)
	if err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	if _, err := io.CopyN(io.Discard, d, rsCancelRead); err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	err = d.Close()
	t.Logf("early Close: %v (last reply %q)", err, d.Reply().Text)
	if _, err := c.Pwd(ctx); err != nil {
		t.Fatalf("PWD after an aborted download: %v", err)
	}
}

func TestRealServerPlain(t *testing.T) {
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, kind, realserver.Config{})
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()

			t.Run("big", func(t *testing.T) {
				c := rsDial(t, ctx, srv)
				size := int64(rsBigSize)
				if testing.Short() {
					size = 8 * mib
				}
				rsBigRoundTrip(t, ctx, c, srv, "big.bin", 100, size)
			})
			if _, err := os.Stat(srv.Path("big.bin")); err != nil {
				t.Fatal("no big.bin to abort downloads of")
			}

			for _, mode := range []string{"passive", "active"} {
				t.Run(mode, func(t *testing.T) {
					var opts []ftp.DialOption
					if mode == "active" {
						opts = append(opts, ftp.WithActiveMode())
					}
					c := rsDial(t, ctx, srv, opts...)
					rsSession(t, ctx, c, srv, mode)
					rsCancelDownload(t, ctx, c, "big.bin")
					rsCloseEarly(t, ctx, c, "big.bin")
					// The session is still good for a transfer.
					rsRoundTrip(t, ctx, c, srv, mode+"-after-abort.bin", rsData(7, 4096))
					if err := c.Quit(ctx); err != nil {
						t.Errorf("QUIT: %v", err)
					}
				})
			}
		})
	}
}

// rsSession runs the file and directory operations of one session in
// directory mode (which it creates and removes).
func rsSession(t *testing.T, ctx context.Context, c *ftp.Conn, srv *realserver.Server, dir string) {
	pwd, err := c.Pwd(ctx)
	if err != nil || pwd != "/" {
		t.Fatalf("PWD = %q, %v; want /", pwd, err)
	}
	made, err := c.Mkd(ctx, dir)
	if err != nil {
		t.Fatalf("MKD %s: %v", dir, err)
	}
	if strings.TrimPrefix(made, "/") != dir {
		t.Errorf("MKD %s reported %q", dir, made)
	}
	if fi, err := os.Stat(srv.Path(dir)); err != nil || !fi.IsDir() {
		t.Fatalf("MKD %s: no directory on the server: %v", dir, err)
	}
	var names []string
	for i, n := range []int{0, 1, mib} {
		name := fmt.Sprintf("f%d.bin", n)
		rsRoundTrip(t, ctx, c, srv, dir+"/"+name, rsData(uint64(i+1), n))
		names = append(names, name)
	}
	rsListings(t, ctx, c, srv.Kind, dir, names...)

	// Restart (REST) at several offsets, byte-exact.
	data := rsData(3, mib)
	for _, off := range []int64{1, 4096, mib/2 + 17, mib - 1} {
		var buf bytes.Buffer
		if err := c.RetrBinaryCmd(ctx, "RETR "+dir+"/f1048576.bin", &buf, ftp.WithOffset(off)); err != nil {
			t.Fatalf("RETR at %d: %v", off, err)
		}
		if !bytes.Equal(buf.Bytes(), data[off:]) {
			t.Fatalf("RETR at %d: got %d bytes, not the file's last %d", off, buf.Len(), int64(len(data))-off)
		}
	}

	// Rename, Delete, Rmd.
	from, to := dir+"/f1.bin", dir+"/renamed.bin"
	if err := c.Rename(ctx, from, to); err != nil {
		t.Fatalf("Rename: %v", err)
	}
	if _, err := os.Stat(srv.Path(to)); err != nil {
		t.Fatalf("Rename: %v", err)
	}
	if _, err := c.Size(ctx, from); !errors.Is(err, ftp.ErrPermanent) {
		t.Errorf("SIZE of the old name: %v, want ErrPermanent", err)
	}
	if err := c.Rmd(ctx, dir); !errors.Is(err, ftp.ErrPermanent) {
		t.Errorf("RMD of a full directory: %v, want ErrPermanent", err)
	}
	for _, n := range []string{"f0.bin", "renamed.bin", "f1048576.bin"} {
		if err := c.Delete(ctx, dir+"/"+n); err != nil {
			t.Fatalf("DELE %s: %v", n, err)
		}
	}
	if err := c.Delete(ctx, dir+"/f0.bin"); !errors.Is(err, ftp.ErrPermanent) {
		t.Errorf("DELE of a deleted file: %v, want ErrPermanent", err)
	}
	if err := c.Rmd(ctx, dir); err != nil {
		t.Fatalf("RMD: %v", err)
	}
	if _, err := os.Stat(srv.Path(dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("RMD left the directory: %v", err)
	}
}

func TestRealServerAnonymous(t *testing.T) {
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, kind, realserver.Config{Anonymous: true})
			data := rsData(11, 100<<10)
			srv.WriteFile("pub/readme.bin", data)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for _, mode := range []string{"passive", "active"} {
				t.Run(mode, func(t *testing.T) {
					opts := []ftp.DialOption{ftp.WithTimeout(rsTimeout)}
					if mode == "active" {
						opts = append(opts, ftp.WithActiveMode())
					}
					c := dialLogin(t, ctx, srv.Addr, "anonymous", "", opts...)
					var buf bytes.Buffer
					if err := c.RetrBinaryCmd(ctx, "RETR pub/readme.bin", &buf); err != nil {
						t.Fatalf("anonymous download: %v", err)
					}
					if !bytes.Equal(buf.Bytes(), data) {
						t.Fatalf("anonymous download: %d bytes, not the file", buf.Len())
					}
					if _, err := c.List(ctx, "pub"); err != nil {
						t.Errorf("anonymous LIST: %v", err)
					}
					err := c.StorBinaryCmd(ctx, "STOR pub/upload.bin", bytes.NewReader(data[:1000]))
					if !errors.Is(err, ftp.ErrPermanent) {
						t.Errorf("anonymous upload: %v, want ErrPermanent", err)
					}
					if _, err := os.Stat(srv.Path("pub/upload.bin")); err == nil {
						t.Errorf("anonymous upload created the file")
					}
					if _, err := c.Mkd(ctx, "pub/newdir"); !errors.Is(err, ftp.ErrPermanent) {
						t.Errorf("anonymous MKD: %v, want ErrPermanent", err)
					}
					if err := c.Delete(ctx, "pub/readme.bin"); !errors.Is(err, ftp.ErrPermanent) {
						t.Errorf("anonymous DELE: %v, want ErrPermanent", err)
					}
					if err := c.Noop(ctx); err != nil {
						t.Errorf("NOOP: %v", err)
					}
				})
			}
		})
	}
}

// BenchmarkRealServer measures 1 GiB downloads and uploads against vsftpd,
// in clear text and over PROT P. It runs only with FTPKIT_BENCH=1
// (FTPKIT_BENCH_MIB sets another size in MiB):
//
//	FTPKIT_BENCH=1 go test -run='^$' -bench=BenchmarkRealServer -benchtime=1x .
func BenchmarkRealServer(b *testing.B) {
	if os.Getenv("FTPKIT_BENCH") != "1" {
		b.Skip("set FTPKIT_BENCH=1 to run")
	}
	size := int64(1024 * mib)
	if s := os.Getenv("FTPKIT_BENCH_MIB"); s != "" {
		var n int64
		fmt.Sscan(s, &n)
		size = n * mib
	}
	for _, tlsMode := range []string{"clear", "protp"} {
		b.Run(tlsMode, func(b *testing.B) {
			cfg := realserver.Config{}
			if tlsMode == "protp" {
				cfg.TLS = realserver.Explicit
			}
			srv := realserver.Start(b, realserver.Vsftpd, cfg)
			ctx := context.Background()
			var opts []ftp.DialOption
			if tlsMode == "protp" {
				opts = append(opts, ftp.WithExplicitTLS(srv.TLSConfig()))
			}
			c := rsDial(b, ctx, srv, opts...)
			// The source file for downloads is written locally first.
			f, err := os.Create(srv.Path("src.bin"))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(f, io.LimitReader(rsStream(1), size)); err != nil {
				b.Fatal(err)
			}
			f.Close()
			os.Chmod(srv.Path("src.bin"), 0o644)
			local := b.TempDir() + "/local.bin"
			b.Run("download", func(b *testing.B) {
				b.SetBytes(size)
				for range b.N {
					out, err := os.Create(local)
					if err != nil {
						b.Fatal(err)
					}
					if err := c.RetrBinaryCmd(ctx, "RETR src.bin", out); err != nil {
						b.Fatal(err)
					}
					out.Close()
				}
			})
			b.Run("upload", func(b *testing.B) {
				b.SetBytes(size)
				for range b.N {
					in, err := os.Open(local)
					if err != nil {
						b.Fatal(err)
					}
					if err := c.StorBinaryCmd(ctx, "STOR dst.bin", in); err != nil {
						b.Fatal(err)
					}
					in.Close()
				}
			})
		})
	}
}
