package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
)

// demoSize is the size of the file the demo sends and fetches back.
const demoSize = 8 << 20

func newDemoCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Show a session with an embedded FTP server",
		Long: `demo starts an FTP server on a loopback address, serving a new temporary
directory, and runs a session against it step by step: connect and log
in, upload a generated 8 MiB file, list the directory (MLSD), download the
file back, compare the SHA-256 of both copies and quit. The directory is
removed afterwards. With --tls the session uses explicit TLS (AUTH TLS)
with a certificate from a throwaway CA; --debug shows the protocol.`,
		Args: argsUsage(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.cacert != "" || o.insecure {
				return usageErrorf("--cacert and --insecure do not apply to demo")
			}
			if o.tls && o.active {
				// goftp.io/server ignores PROT P on active connections.
				return usageErrorf("the embedded server does not support --tls with --active")
			}
			return o.demo(cmd.Context())
		},
	}
}

// demo runs the demonstration session.
func (o *options) demo(ctx context.Context) (err error) {
	dir, err := os.MkdirTemp("", "ftpkit-demo-")
	if err != nil {
		return fail("demo", err)
	}
	defer os.RemoveAll(dir)
	root, local := filepath.Join(dir, "server"), filepath.Join(dir, "client")
	for _, d := range []string{root, local} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return fail("demo", err)
		}
	}

	var sopts []ftptest.Option
	if o.tls {
		sopts = append(sopts, ftptest.WithTLS(nil))
	}
	srv, err := ftptest.Start(root, sopts...)
	if err != nil {
		return fail("start the embedded server", err)
	}
	defer srv.Close()

	p := &printer{w: o.out}
	p.line("ftpkit demo: an FTP session with an embedded server")
	p.line("  server     goftp.io/server on %s, serving %s", srv.Addr, root)
	p.line("")

	opts := []ftp.DialOption{ftp.WithTimeout(o.timeout)}
	mode := "passive mode"
	if o.active {
		opts = append(opts, ftp.WithActiveMode())
		mode = "active mode"
	}
	if o.debug > 0 {
		opts = append(opts, ftp.WithDebug(o.debug, o.stderr))
	}
	if o.tlsReuse == "off" {
		opts = append(opts, ftp.WithoutTLSSessionReuse())
	}
	security := "clear text"
	if o.tls {
		opts = append(opts, ftp.WithExplicitTLS(srv.ClientTLSConfig()))
		security = "explicit TLS, data protected"
	}

	c, err := ftp.Dial(ctx, srv.Addr, opts...)
	if err != nil {
		return fail("connect to "+srv.Addr, err)
	}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	p.step("connect", "%s: %s", srv.Addr, c.Welcome().Text)
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		return fail("login as "+srv.User, err)
	}
	p.cont("login", "%s: ok (%s, %s)", srv.User, mode, security)

	const name = "demo.bin"
	src := filepath.Join(local, name)
	sent, err := generate(src, demoSize)
	if err != nil {
		return fail("generate "+src, err)
	}
	start := time.Now()
	n, err := upload(ctx, c, src, name)
	if err != nil {
		return fail("upload "+name, err)
	}
	p.step("upload", "%s: %s", name, rate(n, time.Since(start)))

	p.step("list", "MLSD of the login directory:")
	for e, err := range c.MLSD(ctx, "") {
		if err != nil {
			return fail("list", err)
		}
		if e.IsDotDir() {
			continue
		}
		p.cont("", "  %-12s %10d  %s", e.Name, e.Size, e.ModTime.UTC().Format("2006-01-02 15:04:05 UTC"))
	}

	dst := filepath.Join(local, "demo.copy.bin")
	start = time.Now()
	n, err = download(ctx, c, name, dst)
	if err != nil {
		return fail("download "+name, err)
	}
	p.step("download", "%s: %s", name, rate(n, time.Since(start)))

	got, err := hashFile(dst)
	if err != nil {
		return fail("hash "+dst, err)
	}
	p.step("compare", "SHA-256 sent      %x", sent)
	p.cont("", "SHA-256 received  %x", got)
	if !bytes.Equal(sent, got) {
		p.cont("", "MISMATCH")
		return fail("compare", errors.New("the downloaded file differs from the uploaded one"))
	}
	p.cont("", "match")

	if err := c.Quit(ctx); err != nil {
		return fail("quit", err)
	}
	p.step("quit", "ok")
	return nil
}

// generate writes size pseudo-random bytes to the new file name and
// returns their SHA-256.
func generate(name string, size int64) ([]byte, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	var seed [32]byte
	copy(seed[:], "ftpkit demo")
	r := rand.NewChaCha8(seed)
	_, err = io.CopyN(io.MultiWriter(f, h), r, size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return h.Sum(nil), err
}

// upload stores the local file src as remote.
func upload(ctx context.Context, c *ftp.Conn, src, remote string) (int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dc, err := c.Stor(ctx, remote)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(dc, f)
	return n, dc.CloseWithError(err)
}

// download retrieves remote into the new file dst, through the library's
// zero-copy path.
func download(ctx context.Context, c *ftp.Conn, remote, dst string) (int64, error) {
	f, err := os.Create(dst)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dc, err := c.Retr(ctx, remote)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, dc)
	if err = dc.CloseWithError(err); err != nil {
		return n, err
	}
	return n, f.Close()
}

// hashFile returns the SHA-256 of the file name.
func hashFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// rate describes n bytes moved in d.
func rate(n int64, d time.Duration) string {
	mib := float64(n) / (1 << 20)
	return fmt.Sprintf("%d bytes (%.1f MiB) in %v, %.0f MiB/s",
		n, mib, d.Round(time.Millisecond), mib/max(d.Seconds(), 1e-6))
}

// printer numbers the demo's steps.
type printer struct {
	w io.Writer
	n int
}

func (p *printer) line(format string, args ...any) {
	fmt.Fprintf(p.w, format+"\n", args...)
}

// step prints the next numbered step.
func (p *printer) step(verb, format string, args ...any) {
	p.n++
	fmt.Fprintf(p.w, "%d. %-9s %s\n", p.n, verb, fmt.Sprintf(format, args...))
}

// cont prints a line that continues the current step.
func (p *printer) cont(verb, format string, args ...any) {
	fmt.Fprintf(p.w, "   %-9s %s\n", verb, fmt.Sprintf(format, args...))
}
