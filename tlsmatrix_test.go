package ftp_test

// The FTPS interoperability matrix (issue 3): every real server that speaks
// TLS, explicit and implicit, × TLS 1.2 and 1.3 × passive and active mode.
// The results are written up in docs/interop.md.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
)

// tmCase is one row of the matrix: a server kind and how it speaks TLS.
type tmCase struct {
	kind realserver.Kind
	tls  realserver.TLSMode
}

func (c tmCase) String() string {
	if c.tls == realserver.Implicit {
		return string(c.kind) + "-implicit"
	}
	return string(c.kind) + "-explicit"
}

// tmCases: vsftpd and proftpd require TLS session reuse on data
// connections (require_ssl_reuse=YES; proftpd's default); pure-ftpd runs
// with -Y 3 (TLS required on control and data). pure-ftpd has no implicit
// FTPS.
var tmCases = []tmCase{
	{realserver.Vsftpd, realserver.Explicit},
	{realserver.Vsftpd, realserver.Implicit},
	{realserver.ProFTPD, realserver.Explicit},
	{realserver.ProFTPD, realserver.Implicit},
	{realserver.PureFTPd, realserver.Explicit},
	{realserver.Pyftpdlib, realserver.Explicit},
	{realserver.Pyftpdlib, realserver.Implicit},
}

// tmHandshakes records every TLS handshake a configuration makes: its
// version and whether it resumed a session.
type tmHandshakes struct {
	mu  sync.Mutex
	all []tls.ConnectionState
}

// config returns a clone of base forced to version, with its own session
// cache, that records its handshakes in h.
func (h *tmHandshakes) config(base *tls.Config, version uint16) *tls.Config {
	cfg := base.Clone()
	cfg.MinVersion, cfg.MaxVersion = version, version
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		h.mu.Lock()
		h.all = append(h.all, cs)
		h.mu.Unlock()
		return nil
	}
	return cfg
}

// check verifies that every handshake used version, that the first (the
// control connection) was a full one and, if mustResume, that every later
// one (data connections) resumed it. It returns the number of data
// handshakes and how many of them resumed.
func (h *tmHandshakes) check(t testing.TB, version uint16, mustResume bool) (data, resumed int) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.all) == 0 {
		t.Fatal("no TLS handshake recorded")
	}
	for i, cs := range h.all {
		if cs.Version != version {
			t.Errorf("handshake %d: %s, want %s", i, tls.VersionName(cs.Version), tls.VersionName(version))
		}
		if i == 0 && cs.DidResume {
			t.Errorf("the control connection resumed a session")
		}
		if i > 0 && cs.DidResume {
			resumed++
		}
		if i > 0 && !cs.DidResume && mustResume {
			t.Errorf("data connection %d did not resume the control connection's TLS session", i)
		}
	}
	return len(h.all) - 1, resumed
}

// tmRequiresReuse reports whether the server kind, as realserver runs it,
// refuses data connections that do not resume the control connection's
// TLS session. pure-ftpd and pyftpdlib do not care (pure-ftpd issues no
// TLS 1.3 session tickets, so there is nothing to resume).
func tmRequiresReuse(k realserver.Kind) bool {
	return k == realserver.Vsftpd || k == realserver.ProFTPD
}

// tmTLSOption is the dial option for the row's kind of TLS.
func tmTLSOption(tc tmCase, cfg *tls.Config) ftp.DialOption {
	if tc.tls == realserver.Implicit {
		return ftp.WithImplicitTLS(cfg)
	}
	return ftp.WithExplicitTLS(cfg)
}

var tmVersions = []uint16{tls.VersionTLS12, tls.VersionTLS13}

func TestRealServerTLSMatrix(t *testing.T) {
	for _, tc := range tmCases {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, tc.kind, realserver.Config{TLS: tc.tls})
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			for _, version := range tmVersions {
				for _, mode := range []string{"passive", "active"} {
					name := strings.ReplaceAll(tls.VersionName(version), " ", "") + "-" + mode
					t.Run(name, func(t *testing.T) {
						var h tmHandshakes
						opts := []ftp.DialOption{tmTLSOption(tc, h.config(srv.TLSConfig(), version))}
						if mode == "active" {
							opts = append(opts, ftp.WithActiveMode())
						}
						c := rsDial(t, ctx, srv, opts...)
						dir := name
						if _, err := c.Mkd(ctx, dir); err != nil {
							t.Fatalf("MKD: %v", err)
						}
						var names []string
						for i, n := range []int{0, 1, mib} {
							f := fmt.Sprintf("f%d.bin", n)
							rsRoundTrip(t, ctx, c, srv, dir+"/"+f, rsData(uint64(i+20), n))
							names = append(names, f)
						}
						rsListings(t, ctx, c, tc.kind, dir, names...)
						if err := c.Quit(ctx); err != nil {
							t.Errorf("QUIT: %v", err)
						}
						n, r := h.check(t, version, tmRequiresReuse(tc.kind))
						t.Logf("%d data connections, %d resumed the control session", n, r)
					})
				}
			}

			// Once per server: a big file and many uploads of random
			// sizes, each checked by SIZE, on the server's disk and by
			// downloading it again: no truncation.
			t.Run("big", func(t *testing.T) {
				var h tmHandshakes
				c := rsDial(t, ctx, srv, tmTLSOption(tc, h.config(srv.TLSConfig(), tls.VersionTLS13)))
				size := int64(64 * mib)
				if testing.Short() {
					size = 8 * mib
				}
				rsBigRoundTrip(t, ctx, c, srv, "big.bin", 64, size)
				h.check(t, tls.VersionTLS13, tmRequiresReuse(tc.kind))
			})
			t.Run("uploads", func(t *testing.T) {
				var h tmHandshakes
				c := rsDial(t, ctx, srv, tmTLSOption(tc, h.config(srv.TLSConfig(), tls.VersionTLS13)))
				rng := rand.New(rand.NewPCG(uint64(len(tc.String())), 3))
				n, total := 50, 0
				if testing.Short() {
					n = 10
				}
				for i := range n {
					size := rng.IntN(2*mib + 1)
					if i == 0 {
						size = 0
					}
					total += size
					rsRoundTrip(t, ctx, c, srv, fmt.Sprintf("up%02d.bin", i), rsData(uint64(1000+i), size))
				}
				h.check(t, tls.VersionTLS13, tmRequiresReuse(tc.kind))
				t.Logf("%d uploads, %d bytes in all, none truncated", n, total)
			})
			if tc.tls == realserver.Explicit {
				t.Run("step-by-step", func(t *testing.T) { tmStepByStep(t, ctx, srv) })
			}
			t.Run("PROT-C", func(t *testing.T) { tmProtC(t, ctx, srv, tc) })
			if tc.kind == realserver.ProFTPD && tc.tls == realserver.Explicit {
				t.Run("CCC", func(t *testing.T) { tmCCC(t, ctx, srv) })
			}
		})
	}
}

// tmStepByStep secures the session by hand, as ftplib's FTP_TLS: Dial in
// clear text with WithTLSConfig, Login (which sends AUTH TLS first), ProtP;
// then again with an explicit AuthTLS before Login.
func tmStepByStep(t *testing.T, ctx context.Context, srv *realserver.Server) {
	for _, explicitAuth := range []bool{false, true} {
		c := mustDial(t, ctx, srv.Addr, ftp.WithTimeout(rsTimeout), ftp.WithTLSConfig(srv.TLSConfig()))
		if explicitAuth {
			if r, err := c.AuthTLS(ctx); err != nil || r.Code != 234 {
				t.Fatalf("AuthTLS: %v, %v", r, err)
			}
			if _, err := c.AuthTLS(ctx); err == nil {
				t.Errorf("a second AuthTLS succeeded")
			}
		}
		if err := c.Login(ctx, srv.User, srv.Password); err != nil {
			t.Fatalf("Login: %v", err)
		}
		// Data stays clear until ProtP; every server here requires TLS
		// on data connections, so a transfer now is refused.
		_, err := c.List(ctx)
		if err == nil {
			t.Errorf("LIST with clear data succeeded against a server requiring TLS data")
		} else if !ftp.IsSessionError(err) {
			t.Errorf("LIST with clear data: %v", err)
		}
		if err := c.Noop(ctx); err != nil {
			t.Fatalf("NOOP after a refused clear transfer: %v", err)
		}
		if err := c.ProtP(ctx); err != nil {
			t.Fatalf("ProtP: %v", err)
		}
		rsRoundTrip(t, ctx, c, srv, fmt.Sprintf("manual-%v.bin", explicitAuth), rsData(5, 100<<10))
		c.Quit(ctx)
	}
}

// tmProtC tries PROT C after PROT P. Every server here is configured to
// require TLS on data connections: it refuses PROT C (proftpd: 534), or
// accepts it and then refuses the clear data connection (vsftpd 522,
// pure-ftpd 521, pyftpdlib 550). Either way the session must go on, and
// PROT P must work again.
func tmProtC(t *testing.T, ctx context.Context, srv *realserver.Server, tc tmCase) {
	c := rsDial(t, ctx, srv, tmTLSOption(tc, srv.TLSConfig()))
	err := c.ProtC(ctx)
	switch {
	case err == nil:
		err := c.StorBinaryCmd(ctx, "STOR clear.bin", bytes.NewReader(rsData(6, 64<<10)))
		switch {
		case err == nil:
			t.Logf("%s accepts PROT C and clear data", tc)
		case errors.Is(err, ftp.ErrPermanent):
			t.Logf("%s accepts PROT C, refuses the clear transfer: %v", tc, err)
		default:
			t.Fatalf("clear STOR: %v", err)
		}
		if err := c.ProtP(ctx); err != nil {
			t.Fatalf("ProtP again: %v", err)
		}
	case errors.Is(err, ftp.ErrPermanent):
		t.Logf("%s refuses PROT C: %v", tc, err)
	default:
		t.Fatalf("ProtC: %v", err)
	}
	rsRoundTrip(t, ctx, c, srv, "protected.bin", rsData(6, 64<<10))
}

// tmCCC clears the control connection after login (proftpd advertises
// CCC). proftpd with "TLSRequired on", as realserver runs it, refuses CCC
// with 534; the session must then go on over TLS. A server that accepts it
// must go on in clear text with data connections still protected.
func tmCCC(t *testing.T, ctx context.Context, srv *realserver.Server) {
	c := rsDial(t, ctx, srv, ftp.WithExplicitTLS(srv.TLSConfig()))
	r, err := c.Cmd(ctx, "FEAT")
	if err != nil || !strings.Contains(r.Text, "CCC") {
		t.Fatalf("FEAT does not list CCC: %q, %v", r.Text, err)
	}
	err = c.CCC(ctx)
	var fe *ftp.Error
	switch {
	case err == nil:
		t.Logf("CCC accepted; control connection in clear text")
	case errors.As(err, &fe) && fe.Code == 534:
		t.Logf("CCC refused (TLSRequired on): %v", err)
	default:
		t.Fatalf("CCC: %v", err)
	}
	if _, err := c.Pwd(ctx); err != nil {
		t.Fatalf("PWD after CCC: %v", err)
	}
	rsRoundTrip(t, ctx, c, srv, "after-ccc.bin", rsData(8, 256<<10))
	if err := c.Quit(ctx); err != nil {
		t.Errorf("QUIT: %v", err)
	}
}

// TestProtCAfterProtP checks PROT C after PROT P against a server that
// allows clear data connections (ftptest's Dummy; none of the real servers
// is run that way, and ftptest.Server answers 536 "Only P level"): the
// data goes in clear text, and PROT P protects it again.
func TestProtCAfterProtP(t *testing.T) {
	d := ftptest.NewDummyTLS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var h tmHandshakes
	c := dialLogin(t, ctx, d.Addr, "user", "pass", ftp.WithTimeout(10*time.Second), ftp.WithExplicitTLS(h.config(d.ClientTLSConfig(), tls.VersionTLS13)))
	handshakes := func() int {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.all)
	}
	retr := func() {
		t.Helper()
		var buf bytes.Buffer
		if err := c.RetrBinaryCmd(ctx, "RETR x", &buf); err != nil {
			t.Fatalf("RETR: %v", err)
		}
		if buf.String() != ftptest.RetrData {
			t.Fatalf("RETR: %d bytes, not the Dummy's data", buf.Len())
		}
	}
	retr()
	if n := handshakes(); n != 2 {
		t.Fatalf("%d handshakes after a PROT P transfer, want 2", n)
	}
	if err := c.ProtC(ctx); err != nil {
		t.Fatalf("ProtC: %v", err)
	}
	retr()
	if n := handshakes(); n != 2 {
		t.Errorf("the PROT C transfer made a TLS handshake")
	}
	if err := c.ProtP(ctx); err != nil {
		t.Fatalf("ProtP: %v", err)
	}
	retr()
	if n := handshakes(); n != 3 {
		t.Errorf("%d handshakes after PROT P again, want 3", n)
	}
}
