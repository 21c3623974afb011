package ftp_test

// Copy (FXP) between real servers. The clients connect from 127.0.0.2
// while the servers listen on 127.0.0.1, so that each server sees the
// other's address as foreign to its client: only servers configured for
// FXP (realserver.Config.AllowFXP) take part.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
)

// fxpClient is the loopback address the FXP tests' clients dial from.
const fxpClient = "127.0.0.2"

// fxpPortRefusals are the servers' refusals of PORT to a foreign
// address, without AllowFXP (internal/realserver's TestFXPForeign).
var fxpPortRefusals = map[realserver.Kind]string{
	realserver.Vsftpd:    "500 Illegal PORT command.",
	realserver.PureFTPd:  "500 I won't open a connection to 127.0.0.1 (only to 127.0.0.2)",
	realserver.ProFTPD:   "500 Illegal PORT command",
	realserver.Pyftpdlib: "501 Rejected data connection to foreign address 127.0.0.1:",
}

// fxpPasvRefusals are the replies of a passive server without AllowFXP
// to a data connection from another server's address; pure-ftpd says
// nothing (the active server reports the closed connection).
var fxpPasvRefusals = map[realserver.Kind]string{
	realserver.Vsftpd:    "425 Security: Bad IP connecting.",
	realserver.PureFTPd:  "",
	realserver.ProFTPD:   "425 Unable to build data connection: Permission denied",
	realserver.Pyftpdlib: "425 Rejected data connection from foreign address 127.0.0.1:",
}

// fxpRing pairs every kind once as source and once as destination.
var fxpRing = [][2]realserver.Kind{
	{realserver.Vsftpd, realserver.PureFTPd},
	{realserver.PureFTPd, realserver.ProFTPD},
	{realserver.ProFTPD, realserver.Pyftpdlib},
	{realserver.Pyftpdlib, realserver.Vsftpd},
}

func fxpSkipWithoutClientAddr(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(fxpClient, "0"))
	if err != nil {
		t.Skipf("cannot use %s: %v", fxpClient, err)
	}
	ln.Close()
}

// fxpFile is 3 MiB and a bit of pseudo-random data: more than the
// servers' socket buffers hold.
func fxpFile() []byte {
	b := make([]byte, 3<<20+12345)
	r := rand.NewChaCha8([32]byte{'f', 'x', 'p'})
	r.Read(b)
	return b
}

// fxpDial dials srv from fxpClient and logs in.
func fxpDial(t *testing.T, ctx context.Context, srv *realserver.Server, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	opts = append([]ftp.DialOption{ftp.WithLocalAddr(fxpClient)}, opts...)
	if srv.Config.TLS == realserver.Explicit {
		opts = append(opts, ftp.WithExplicitTLS(srv.TLSConfig()))
	}
	return rsDial(t, ctx, srv, opts...)
}

// fxpCheck checks that name on srv's disk is data.
func fxpCheck(t *testing.T, srv *realserver.Server, name string, data []byte) {
	t.Helper()
	got, err := os.ReadFile(srv.Path(name))
	if err != nil {
		t.Errorf("%s %s: %v", srv.Kind, name, err)
		return
	}
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Errorf("%s %s: %d bytes (sha256 %x), want %d bytes (sha256 %x)", srv.Kind, name, len(got), sha256.Sum256(got), len(data), sha256.Sum256(data))
	}
}

// fxpUsable checks that a session still transfers: it downloads name
// from it and compares it with data.
func fxpUsable(t *testing.T, ctx context.Context, c *ftp.Conn, kind realserver.Kind, name string, data []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := c.Retrieve(ctx, name, &b); err != nil {
		t.Errorf("%s: Retrieve %s after Copy: %v", kind, name, err)
	} else if !bytes.Equal(b.Bytes(), data) {
		t.Errorf("%s: Retrieve %s after Copy: %d bytes, want %d", kind, name, b.Len(), len(data))
	}
}

// TestCopyRealServers copies from server to server, each kind as source
// and as destination, each passive and active, with FXP allowed: the
// destination's file has the source's SHA-256. Then the destination
// refuses a STOR into a missing directory: the error is its refusal,
// and both sessions go on transferring afterwards (vsftpd and pure-ftpd
// keep their passive port listening after the refusal, so without the
// new PASV that closes it the source, sending into it, would hang).
func TestCopyRealServers(t *testing.T) {
	fxpSkipWithoutClientAddr(t)
	data := fxpFile()
	for _, pair := range fxpRing {
		t.Run(fmt.Sprintf("%s to %s", pair[0], pair[1]), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			src := realserver.Start(t, pair[0], realserver.Config{AllowFXP: true})
			dst := realserver.Start(t, pair[1], realserver.Config{AllowFXP: true})
			src.WriteFile("src.bin", data)
			cs, cd := fxpDial(t, ctx, src), fxpDial(t, ctx, dst)
			for _, passiveSource := range []bool{false, true} {
				var opts []ftp.CopyOption
				if passiveSource {
					opts = append(opts, ftp.WithPassiveSource(), ftp.WithFixedDirection())
				}
				name := fmt.Sprintf("dst-%v.bin", passiveSource)
				if err := ftp.Copy(ctx, cd, name, cs, "src.bin", opts...); err != nil {
					t.Errorf("Copy, source passive %v: %v", passiveSource, err)
					continue
				}
				fxpCheck(t, dst, name, data)
			}
			err := ftp.Copy(ctx, cd, "missing/dst.bin", cs, "src.bin")
			if !errors.Is(err, ftp.ErrPermanent) || !strings.Contains(err.Error(), "destination: ftp: STOR missing/dst.bin: 55") {
				t.Errorf("Copy into a missing directory: %v, want the destination's refusal", err)
			}
			fxpUsable(t, ctx, cs, src.Kind, "src.bin", data)
			fxpUsable(t, ctx, cd, dst.Kind, "dst-false.bin", data)
		})
	}
}

// TestCopyRealServersRefused: each kind without AllowFXP, as destination
// and as source, with a partner that allows FXP. The refusing server
// refuses PORT to its partner's address, and refuses (or, pure-ftpd,
// drops silently) its partner's connection to its passive port; Copy
// tries both directions and returns both refusals, with the server's
// texts, and both sessions stay usable.
func TestCopyRealServersRefused(t *testing.T) {
	fxpSkipWithoutClientAddr(t)
	data := []byte("server to server\n")
	for _, kind := range realserver.Kinds {
		partner := realserver.Vsftpd
		if kind == realserver.Vsftpd {
			partner = realserver.Pyftpdlib
		}
		for _, refuserIsDst := range []bool{true, false} {
			role := "source"
			if refuserIsDst {
				role = "destination"
			}
			t.Run(fmt.Sprintf("%s as %s", kind, role), func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				refuser := realserver.Start(t, kind, realserver.Config{})
				other := realserver.Start(t, partner, realserver.Config{AllowFXP: true})
				src, dst := refuser, other
				if refuserIsDst {
					src, dst = other, refuser
				}
				src.WriteFile("src.bin", data)
				// A short timeout: pure-ftpd's silence lasts that long.
				cs := fxpDial(t, ctx, src, ftp.WithTimeout(3*time.Second))
				cd := fxpDial(t, ctx, dst, ftp.WithTimeout(3*time.Second))
				start := time.Now()
				err := ftp.Copy(ctx, cd, "dst.bin", cs, "src.bin")
				t.Logf("%v after %v", err, time.Since(start).Round(time.Millisecond))
				if err == nil {
					t.Fatal("Copy succeeded")
				}
				if !errors.Is(err, ftp.ErrPermanent) {
					t.Errorf("error %v does not match ErrPermanent", err)
				}
				msg := err.Error()
				if want := fmt.Sprintf("%s: ftp: PORT 127,0,0,1,", role); !strings.Contains(msg, want) || !strings.Contains(msg, fxpPortRefusals[kind]) {
					t.Errorf("error %q: want the %s's refusal of PORT, %q", msg, role, fxpPortRefusals[kind])
				}
				if want := fxpPasvRefusals[kind]; want != "" && !strings.Contains(msg, want) {
					t.Errorf("error %q: want the %s's refusal of the data connection, %q", msg, role, want)
				}
				if kind == realserver.PureFTPd {
					// Its silence: the timeout on its transfer command,
					// once the partner has finished.
					cmd := map[bool]string{true: "STOR dst.bin", false: "RETR src.bin"}[refuserIsDst]
					var oe *ftp.OpError
					if !errors.As(err, &oe) || oe.Cmd != cmd || oe.Timeout != 3*time.Second {
						t.Errorf("error %v: want pure-ftpd's silence on %s", err, cmd)
					}
				}
				fxpUsable(t, ctx, cs, src.Kind, "src.bin", data)
				// Whatever reached the destination, it still transfers.
				if err := cd.Store(ctx, "after.bin", bytes.NewReader(data)); err != nil {
					t.Errorf("%s: Store after Copy: %v", dst.Kind, err)
				}
			})
		}
	}
}

// TestCopyRealServersTLS: proftpd is the only one of the four servers
// that offers SSCN (none offers CPSV), so TLS server-to-server copies
// need it on one side: as destination it is the TLS client (SSCN ON),
// as source too when the destination has no SSCN. Servers as TLS server
// of the data connection must not require TLS session reuse
// (NoReuseRequired). Afterwards proftpd's SSCN is off again: its session
// downloads as usual. Without proftpd Copy refuses with
// ErrFeatureNotSupported.
func TestCopyRealServersTLS(t *testing.T) {
	fxpSkipWithoutClientAddr(t)
	data := fxpFile()
	cfg := realserver.Config{TLS: realserver.Explicit, AllowFXP: true, NoReuseRequired: true}
	t.Run("FEAT", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, kind := range realserver.Kinds {
			srv := realserver.Start(t, kind, cfg)
			f, err := fxpDial(t, ctx, srv).Features(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.Has("CPSV") || f.Has("SSCN") != (kind == realserver.ProFTPD) {
				t.Errorf("%s: CPSV %v, SSCN %v; want only proftpd to offer SSCN", kind, f.Has("CPSV"), f.Has("SSCN"))
			}
		}
	})
	// proftpd as the TLS client sending the data cuts it short into
	// vsftpd (which answers 426) and pyftpdlib (which answers 226: the
	// size check catches it); such a copy must fail, or be whole.
	pairs := []struct {
		src, dst   realserver.Kind
		unreliable bool
	}{
		{realserver.Vsftpd, realserver.ProFTPD, false},
		{realserver.PureFTPd, realserver.ProFTPD, false},
		{realserver.Pyftpdlib, realserver.ProFTPD, false},
		{realserver.ProFTPD, realserver.ProFTPD, false},
		{realserver.ProFTPD, realserver.PureFTPd, false},
		{realserver.ProFTPD, realserver.Pyftpdlib, true},
		{realserver.ProFTPD, realserver.Vsftpd, true},
	}
	for _, pair := range pairs {
		t.Run(fmt.Sprintf("%s to %s", pair.src, pair.dst), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			src := realserver.Start(t, pair.src, cfg)
			dst := realserver.Start(t, pair.dst, cfg)
			src.WriteFile("src.bin", data)
			cs, cd := fxpDial(t, ctx, src), fxpDial(t, ctx, dst)
			for _, passiveSource := range []bool{false, true} {
				var opts []ftp.CopyOption
				if passiveSource {
					opts = append(opts, ftp.WithPassiveSource(), ftp.WithFixedDirection())
				}
				name := fmt.Sprintf("dst-%v.bin", passiveSource)
				err := ftp.Copy(ctx, cd, name, cs, "src.bin", opts...)
				switch {
				case err == nil:
					fxpCheck(t, dst, name, data)
				case pair.unreliable && (errors.Is(err, ftp.ErrShortTransfer) || errors.Is(err, ftp.ErrTemporary)):
					t.Logf("Copy, source passive %v: %v", passiveSource, err)
				default:
					t.Errorf("Copy, source passive %v: %v", passiveSource, err)
				}
			}
			fxpUsable(t, ctx, cs, src.Kind, "src.bin", data)
			if err := cd.Store(ctx, "after.bin", bytes.NewReader(data)); err != nil {
				t.Errorf("%s: Store after Copy: %v", dst.Kind, err)
			}
			fxpCheck(t, dst, "after.bin", data)
		})
	}
	t.Run("vsftpd to pure-ftpd", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		src := realserver.Start(t, realserver.Vsftpd, cfg)
		dst := realserver.Start(t, realserver.PureFTPd, cfg)
		src.WriteFile("src.bin", data)
		cs, cd := fxpDial(t, ctx, src), fxpDial(t, ctx, dst)
		if err := ftp.Copy(ctx, cd, "dst.bin", cs, "src.bin"); !errors.Is(err, ftp.ErrFeatureNotSupported) {
			t.Errorf("Copy: %v, want ErrFeatureNotSupported", err)
		}
		if _, err := os.Stat(dst.Path("dst.bin")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dst.bin: %v, want no file", err)
		}
		fxpUsable(t, ctx, cs, src.Kind, "src.bin", data)
		if err := cd.Store(ctx, "after.bin", io.LimitReader(bytes.NewReader(data), 100)); err != nil {
			t.Errorf("Store after Copy: %v", err)
		}
	})
}

// TestCopyRealServersIPv6: on ::1 the passive server gets EPSV and the
// other EPRT |2|.
func TestCopyRealServersIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	data := fxpFile()
	for _, pair := range fxpRing {
		t.Run(fmt.Sprintf("%s to %s", pair[0], pair[1]), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			src := realserver.Start(t, pair[0], realserver.Config{IPv6: true, AllowFXP: true})
			dst := realserver.Start(t, pair[1], realserver.Config{IPv6: true, AllowFXP: true})
			src.WriteFile("src.bin", data)
			log := &fxpLog{}
			cs := rsDial(t, ctx, src, ftp.WithDebug(1, log))
			cd := rsDial(t, ctx, dst, ftp.WithDebug(1, log))
			if err := ftp.Copy(ctx, cd, "dst.bin", cs, "src.bin"); err != nil {
				t.Fatalf("Copy: %v", err)
			}
			fxpCheck(t, dst, "dst.bin", data)
			if cmds := log.String(); !strings.Contains(cmds, `*cmd* "EPSV"`) || !strings.Contains(cmds, `*cmd* "EPRT |2|::1|`) {
				t.Errorf("want EPSV and EPRT |2|::1|: %s", cmds)
			}
		})
	}
}

// fxpLog collects debug output.
type fxpLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *fxpLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *fxpLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ExampleCopy copies a file from one server to another, directly.
func ExampleCopy() {
	ctx := context.Background()
	src, err := ftp.Dial(ctx, "ftp.example.com:21", ftp.WithExplicitTLS(nil))
	if err != nil {
		return
	}
	defer src.Close()
	dst, err := ftp.Dial(ctx, "backup.example.net:21", ftp.WithExplicitTLS(nil))
	if err != nil {
		return
	}
	defer dst.Close()
	if src.Login(ctx, "user", "secret") != nil || dst.Login(ctx, "user", "secret") != nil {
		return
	}
	// Both servers must allow server-to-server transfers; over TLS one of
	// them must offer SSCN or CPSV.
	if err := ftp.Copy(ctx, dst, "archive/report.pdf", src, "pub/report.pdf"); err != nil {
		fmt.Println(err)
	}
}
