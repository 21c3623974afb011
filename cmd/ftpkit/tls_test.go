package main

import (
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
)

// tlsServer starts an explicit or implicit FTPS server holding the file
// hello.txt, and returns it with the file name of its CA's PEM.
func tlsServer(t *testing.T, implicit bool) (*ftptest.Server, string) {
	t.Helper()
	opt := ftptest.WithTLS(nil)
	if implicit {
		opt = ftptest.WithImplicitTLS(nil)
	}
	s := ftptest.NewServer(t, opt)
	if err := os.WriteFile(filepath.Join(s.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, s.CA.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return s, ca
}

func TestExplicitTLS(t *testing.T) {
	s, ca := tlsServer(t, false)
	u := serverURL(s, "")
	for _, flags := range [][]string{
		{"--tls", "--cacert", ca},
		{"--tls", "--cacert", ca, "--tls-reuse=off"},
	} {
		args := append(flags, "--debug", "ls", u)
		out, stderr, code := ftpkit(t, args...)
		if code != 0 || strings.TrimSpace(out) != "hello.txt" {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s", args, code, out, stderr)
		}
		for _, cmd := range []string{`"AUTH TLS"`, `"PROT P"`} {
			if !strings.Contains(stderr, cmd) {
				t.Errorf("%q: no %s in the trace:\n%s", args, cmd, stderr)
			}
		}
	}

	dst := filepath.Join(t.TempDir(), "hello.txt")
	mustRun(t, "--tls", "--cacert", ca, "get", serverURL(s, "hello.txt"), dst)
	if b, _ := os.ReadFile(dst); string(b) != "hello\n" {
		t.Errorf("TLS download: %q", b)
	}

	if err := os.Mkdir(filepath.Join(s.Root, "up"), 0o755); err != nil {
		t.Fatal(err)
	}
	// goftp.io/server never closes a TLS data connection after STOR, and
	// DataConn.Close waits for that close until the timeout: keep it
	// short.
	mustRun(t, "--tls", "--cacert", ca, "--timeout=2s", "put", dst, serverURL(s, "up/"))
	if b, _ := os.ReadFile(filepath.Join(s.Root, "up", "hello.txt")); string(b) != "hello\n" {
		t.Errorf("TLS upload: %q", b)
	}
}

func TestTLSVerification(t *testing.T) {
	s, _ := tlsServer(t, false)
	u := serverURL(s, "")

	_, stderr, code := ftpkit(t, "--tls", "ls", u)
	if code != 4 || !strings.HasPrefix(stderr, "ftpkit: connect to "+s.Addr+": ") || !strings.Contains(stderr, "certificate") {
		t.Errorf("untrusted CA: exit %d, stderr %q", code, stderr)
	}

	out, stderr, code := ftpkit(t, "--tls", "--insecure", "ls", u)
	if code != 0 || strings.TrimSpace(out) != "hello.txt" {
		t.Errorf("--insecure: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if !strings.Contains(stderr, "warning: --insecure") {
		t.Errorf("--insecure printed no warning: %q", stderr)
	}

	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o644)
	_, stderr, code = ftpkit(t, "--tls", "--cacert", bad, "ls", u)
	if code != 4 || !strings.HasPrefix(stderr, "ftpkit: read --cacert: no PEM certificate in ") {
		t.Errorf("bad --cacert: exit %d, stderr %q", code, stderr)
	}
}

// implicitServer is a fake implicit-FTPS server (ftptest.Server with
// WithImplicitTLS refuses PBSZ, as goftp.io/server only knows TLS that
// AUTH TLS started) whose NLST lists hello.txt over protected data.
func implicitServer(t *testing.T) (*ftptest.Fake, string) {
	t.Helper()
	ca, err := ftptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		if err := c.StartTLS(cfg); err != nil {
			return
		}
		c.Reply("220 implicit ready")
		for {
			line, ok := c.ReadCommand()
			if !ok {
				return
			}
			verb, _, _ := strings.Cut(line, " ")
			switch strings.ToUpper(verb) {
			case "USER":
				c.Reply("331 password please")
			case "PASS", "PBSZ", "PROT", "TYPE":
				c.Reply("230 ok")
			case "PWD":
				c.Reply(`257 "/" is the current directory`)
			case "EPSV":
				d := c.Passive()
				c.Reply(d.EPSVReply())
				if _, ok := c.ReadCommand(); !ok {
					return
				}
				c.Reply("150 here it comes")
				if dc, err := d.Accept(); err == nil {
					tc := tls.Server(dc, cfg)
					tc.Write([]byte("hello.txt\r\n"))
					tc.Close()
				}
				c.Reply("226 done")
			case "QUIT":
				c.Reply("221 bye")
				return
			default:
				c.Reply("502 no")
			}
		}
	})
	pem := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(pem, ca.PEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return f, pem
}

func TestImplicitTLS(t *testing.T) {
	f, ca := implicitServer(t)
	u := "ftps://u:p@" + f.Addr + "/"
	out, stderr, code := ftpkit(t, "--cacert", ca, "ls", u)
	if code != 0 || strings.TrimSpace(out) != "hello.txt" {
		t.Errorf("ftps: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// Without the CA the handshake fails before anything is sent.
	_, stderr, code = ftpkit(t, "ls", u)
	if code != 4 || !strings.HasPrefix(stderr, "ftpkit: connect to "+f.Addr+": ") {
		t.Errorf("untrusted ftps: exit %d, stderr %q", code, stderr)
	}
}

func TestTLSConfig(t *testing.T) {
	o := &options{tlsReuse: "off"}
	if cfg, err := o.tlsConfig(); cfg != nil || err != nil {
		t.Errorf("defaults: %v, %v; want nil, nil (the library's defaults)", cfg, err)
	}
	o.insecure, o.stderr = true, io.Discard
	if cfg, err := o.tlsConfig(); err != nil || !cfg.InsecureSkipVerify {
		t.Errorf("--insecure: %v, %v", cfg, err)
	}
}

// TestTLSFlagsOneSide: --cacert goes with a command one of whose URLs
// uses TLS, even when another does not (a mirror from an ftpes:// server
// to an ftp:// one); it is refused only when none does.
func TestTLSFlagsOneSide(t *testing.T) {
	s, ca := tlsServer(t, false)
	plain := ftptest.NewServer(t)
	secure := strings.Replace(serverURL(s, ""), "ftp://", "ftpes://", 1)
	dst := serverURL(plain, "copy/")
	out, stderr, code := ftpkit(t, "-q", "--cacert", ca, "mirror", secure, dst)
	if code != 0 {
		t.Fatalf("mirror ftpes:// to ftp:// with --cacert: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(plain.Root, "copy", "hello.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("copied hello.txt: %q, %v", b, err)
	}
	_, stderr, code = ftpkit(t, "--cacert", ca, "mirror", serverURL(plain, "copy/"), t.TempDir())
	if code != exitUsage || !strings.HasPrefix(stderr, "ftpkit: --cacert, --insecure and --tls-reuse need --tls or an ftps:// or ftpes:// URL") {
		t.Errorf("--cacert without a TLS URL: exit %d, stderr %q", code, stderr)
	}
}
