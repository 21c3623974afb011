package ftp_test

// TLS failure tests: certificates that must be refused, the opt-in to skip
// verification, data connections closed without close_notify, stalled
// handshakes and client certificates. Most use ftptest.NewFake; the
// certificate tests also run against a real server (vsftpd) presenting the
// bad certificates of testdata/certs.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
)

// tsTLSFake starts a Fake that speaks explicit TLS with cert, then runs
// session (if not nil) on the secured connection. With implicit the
// handshake starts at once.
func tsTLSFake(t *testing.T, cert tls.Certificate, implicit bool, session func(c *ftptest.FakeConn, cfg *tls.Config)) *ftptest.Fake {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	return ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		tsFakeStart(c, cfg, implicit)
		if session != nil {
			session(c, cfg)
		}
		tsDrain(c)
	})
}

// tsFakeStart greets and secures the control connection, server side.
// A client that refuses the certificate makes StartTLS fail; the handler
// then just waits for the client to hang up.
func tsFakeStart(c *ftptest.FakeConn, cfg *tls.Config, implicit bool) bool {
	if implicit {
		if c.StartTLS(cfg) != nil {
			return false
		}
		c.Reply("220 fake FTPS")
		return true
	}
	c.Reply("220 fake FTP")
	if line, ok := c.ReadCommand(); !ok || !strings.EqualFold(line, "AUTH TLS") {
		return false
	}
	c.Reply("234 AUTH TLS ok")
	return c.StartTLS(cfg) == nil
}

// tsDrain answers every further command with 200 until the client leaves.
func tsDrain(c *ftptest.FakeConn) {
	for {
		line, ok := c.ReadCommand()
		if !ok {
			return
		}
		if strings.EqualFold(line, "QUIT") {
			c.Reply("221 bye")
			return
		}
		c.Reply("200 ok")
	}
}

// tsLogin answers USER, PASS, PBSZ and PROT P.
func tsLogin(c *ftptest.FakeConn) {
	c.Expect("USER")
	c.Reply("331 password")
	c.Expect("PASS")
	c.Reply("230 in")
	c.Expect("PBSZ")
	c.Reply("200 PBSZ=0")
	c.Expect("PROT")
	c.Reply("200 PROT P")
}

func tsCA(t *testing.T) *ftptest.CA {
	t.Helper()
	ca, err := ftptest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func TestTLSCertificateRefused(t *testing.T) {
	ca := tsCA(t)
	other := tsCA(t)
	wrongHost, err := ca.Issue("wrong.example")
	if err != nil {
		t.Fatal(err)
	}
	expired, err := ca.IssueExpired()
	if err != nil {
		t.Fatal(err)
	}
	good, err := other.Issue() // valid, but from a CA the client does not trust
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cert  tls.Certificate
		check func(error) bool
	}{
		{"wrong-host", wrongHost, func(err error) bool {
			var e x509.HostnameError
			return errors.As(err, &e)
		}},
		{"expired", expired, func(err error) bool {
			var e x509.CertificateInvalidError
			return errors.As(err, &e) && e.Reason == x509.Expired
		}},
		{"untrusted-ca", good, func(err error) bool {
			var e x509.UnknownAuthorityError
			return errors.As(err, &e)
		}},
	} {
		for _, implicit := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "-explicit", true: "-implicit"}[implicit]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := tsTLSFake(t, tc.cert, implicit, nil)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				opt := ftp.WithExplicitTLS(ca.ClientConfig("127.0.0.1"))
				if implicit {
					opt = ftp.WithImplicitTLS(ca.ClientConfig("127.0.0.1"))
				}
				c, err := dial(ctx, f.Addr, opt)
				if err == nil {
					c.Close()
					t.Fatal("Dial succeeded with a bad certificate")
				}
				if !tc.check(err) {
					t.Errorf("Dial: %v (%T), not the expected certificate error", err, err)
				}
				if !ftp.IsSessionError(err) {
					t.Errorf("IsSessionError(%v) = false", err)
				}
				var cve *tls.CertificateVerificationError
				if !errors.As(err, &cve) {
					t.Errorf("Dial: %v is no *tls.CertificateVerificationError", err)
				}
			})
		}
	}
}

// TestTLSInsecureSkipVerify: a caller that opts in with InsecureSkipVerify
// talks to a server whose certificate names another host.
func TestTLSInsecureSkipVerify(t *testing.T) {
	ca := tsCA(t)
	wrongHost, err := ca.Issue("wrong.example")
	if err != nil {
		t.Fatal(err)
	}
	f := tsTLSFake(t, wrongHost, false, func(c *ftptest.FakeConn, _ *tls.Config) { tsLogin(c) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := dialLogin(t, ctx, f.Addr, "u", "p", ftp.WithExplicitTLS(&tls.Config{InsecureSkipVerify: true}))
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP: %v", err)
	}
}

// TestTLSCertificateRealServer runs the certificate checks against vsftpd
// presenting testdata/certs/wrong-host.pem and expired.pem.
func TestTLSCertificateRealServer(t *testing.T) {
	for _, cert := range []string{"wrong-host", "expired"} {
		t.Run(cert, func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, realserver.Vsftpd, realserver.Config{TLS: realserver.Explicit, Cert: cert})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := dial(ctx, srv.Addr, ftp.WithExplicitTLS(srv.TLSConfig()))
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded with a bad certificate")
			}
			var (
				hne x509.HostnameError
				cie x509.CertificateInvalidError
			)
			switch {
			case cert == "wrong-host" && !errors.As(err, &hne):
				t.Errorf("Dial: %v, want a hostname error", err)
			case cert == "expired" && (!errors.As(err, &cie) || cie.Reason != x509.Expired):
				t.Errorf("Dial: %v, want an expiry error", err)
			}
			if !ftp.IsSessionError(err) {
				t.Errorf("IsSessionError(%v) = false", err)
			}
			// Opting out of verification works against the same server.
			cfg := srv.TLSConfig()
			cfg.InsecureSkipVerify = true
			c = rsDial(t, ctx, srv, ftp.WithExplicitTLS(cfg))
			if _, err := c.Pwd(ctx); err != nil {
				t.Fatalf("PWD with InsecureSkipVerify: %v", err)
			}
			_, err = c.List(ctx)
			switch {
			case cert == "expired":
				// crypto/tls never resumes a session whose certificate has
				// expired, InsecureSkipVerify or not, so vsftpd
				// (require_ssl_reuse=YES) refuses every data connection.
				t.Logf("LIST with an expired certificate: %v", err)
				if err != nil && !errors.Is(err, ftp.ErrPermanent) {
					t.Errorf("LIST: %v, want a 522 refusal", err)
				}
			case err != nil:
				t.Errorf("LIST with InsecureSkipVerify: %v", err)
			}
			c.Close()
		})
	}
}

// TestTLSDataNoCloseNotify: the server ends a PROT P download by closing
// the TCP connection without close_notify. With a size announced in the
// 150 reply, all of it arriving is a success and less is ErrShortTransfer.
func TestTLSDataNoCloseNotify(t *testing.T) {
	ca := tsCA(t)
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, tc := range []struct {
		name string
		sent int
	}{{"complete", len(data)}, {"short", len(data) - 1000}, {"nothing", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := tsTLSFake(t, cert, false, func(c *ftptest.FakeConn, cfg *tls.Config) {
				tsLogin(c)
				passiveXfer(t, "RETR", func(c *ftptest.FakeConn, nc net.Conn) {
					c.Reply(fmt.Sprintf("150 Opening BINARY mode data connection for f (%d bytes)", len(data)))
					sc := tls.Server(nc, cfg)
					if err := sc.Handshake(); err != nil {
						t.Errorf("fake: data handshake: %v", err)
						return
					}
					if _, err := sc.Write(data[:tc.sent]); err != nil {
						t.Errorf("fake: %v", err)
					}
					nc.Close() // no close_notify
					c.Reply("226 Transfer complete")
				})(c)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c := dialLogin(t, ctx, f.Addr, "u", "p", ftp.WithExplicitTLS(ca.ClientConfig("127.0.0.1")))
			var buf bytes.Buffer
			err := c.RetrBinaryCmd(ctx, "RETR f", &buf)
			if buf.Len() != tc.sent || !bytes.Equal(buf.Bytes(), data[:tc.sent]) {
				t.Errorf("received %d bytes, server sent %d", buf.Len(), tc.sent)
			}
			if tc.sent == len(data) {
				if err != nil {
					t.Fatalf("RETR of the whole announced size: %v", err)
				}
			} else if !errors.Is(err, ftp.ErrShortTransfer) {
				t.Fatalf("RETR of %d of %d bytes: %v, want ErrShortTransfer", tc.sent, len(data), err)
			}
			if err := c.Noop(ctx); err != nil {
				t.Errorf("NOOP after the transfer: %v", err)
			}
		})
	}
}

// TestTLSDataNoCloseNotifyNoSize checks a TLS download that ends without
// close_notify and whose 150 reply announces no size: a binary RETR is
// accepted only when SIZE confirms the bytes that arrived; a listing,
// which nothing can confirm, is ErrShortTransfer unless WithLaxTLSClose.
func TestTLSDataNoCloseNotifyNoSize(t *testing.T) {
	ca := tsCA(t)
	cert, err := ca.Issue()
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcde\n"), 4096) // 64 KiB of lines
	for _, tc := range []struct {
		name    string
		list    bool
		size    string // reply to SIZE; "" means SIZE must not be sent
		lax     bool
		wantErr bool
	}{
		{"size confirms", false, "213 65536", false, false},
		{"size differs", false, "213 70000", false, true},
		{"size refused", false, "502 no SIZE", false, true},
		{"listing", true, "", false, true},
		{"listing lax", true, "", true, false},
		{"retr lax", false, "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			verb := "RETR"
			if tc.list {
				verb = "LIST"
			}
			f := tsTLSFake(t, cert, false, func(c *ftptest.FakeConn, cfg *tls.Config) {
				tsLogin(c)
				passiveXfer(t, verb, func(c *ftptest.FakeConn, nc net.Conn) {
					c.Reply("150 Here it comes")
					sc := tls.Server(nc, cfg)
					if err := sc.Handshake(); err != nil {
						t.Errorf("fake: data handshake: %v", err)
						return
					}
					sc.Write(data)
					nc.Close() // no close_notify
					c.Reply("226 Transfer complete")
					if tc.size != "" {
						c.Expect("SIZE")
						c.Reply(tc.size)
					}
				})(c)
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			opts := []ftp.DialOption{ftp.WithExplicitTLS(ca.ClientConfig("127.0.0.1"))}
			if tc.lax {
				opts = append(opts, ftp.WithLaxTLSClose())
			}
			c := dialLogin(t, ctx, f.Addr, "u", "p", opts...)
			var err error
			if tc.list {
				_, err = c.List(ctx)
			} else {
				err = c.Retrieve(ctx, "f", io.Discard)
			}
			if tc.wantErr != errors.Is(err, ftp.ErrShortTransfer) || (!tc.wantErr && err != nil) {
				t.Fatalf("err = %v, want ErrShortTransfer: %v", err, tc.wantErr)
			}
			if err := c.Noop(ctx); err != nil {
				t.Errorf("NOOP after the transfer: %v", err)
			}
		})
	}
}

// TestTLSHandshakeStall: a server that accepts the TCP connection and never
// answers the ClientHello holds the client only until its context's
// deadline, on the control connection (implicit, and after AUTH TLS) and
// on a PROT P data connection.
func TestTLSHandshakeStall(t *testing.T) {
	const deadline = 700 * time.Millisecond
	stall := func(c *ftptest.FakeConn) { // read and ignore until the client leaves
		for {
			if _, ok := c.ReadCommand(); !ok {
				return
			}
		}
	}
	t.Run("implicit", func(t *testing.T) {
		t.Parallel()
		f := ftptest.NewFake(t, stall)
		tsStallDial(t, deadline, f.Addr, ftp.WithImplicitTLS(&tls.Config{ServerName: "127.0.0.1"}))
	})
	t.Run("explicit", func(t *testing.T) {
		t.Parallel()
		f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
			c.Reply("220 fake")
			c.Expect("AUTH")
			c.Reply("234 go ahead")
			stall(c)
		})
		tsStallDial(t, deadline, f.Addr, ftp.WithExplicitTLS(&tls.Config{ServerName: "127.0.0.1"}))
	})
	t.Run("data", func(t *testing.T) {
		t.Parallel()
		ca := tsCA(t)
		cert, err := ca.Issue()
		if err != nil {
			t.Fatal(err)
		}
		f := tsTLSFake(t, cert, false, func(c *ftptest.FakeConn, _ *tls.Config) {
			tsLogin(c)
			passiveXfer(t, "RETR", func(c *ftptest.FakeConn, _ net.Conn) {
				c.Reply("150 here it comes (5 bytes)")
				stall(c) // never handshakes, never replies
			})(c)
		})
		ctx := context.Background()
		c := dialLogin(t, ctx, f.Addr, "u", "p", ftp.WithExplicitTLS(ca.ClientConfig("127.0.0.1")))
		dctx, cancel := context.WithTimeout(ctx, deadline)
		defer cancel()
		start := time.Now()
		err = c.RetrBinaryCmd(dctx, "RETR f", new(bytes.Buffer))
		elapsed := time.Since(start)
		if err == nil {
			t.Fatal("RETR succeeded without a data handshake")
		}
		if elapsed > deadline+time.Second {
			t.Errorf("RETR returned after %v, deadline %v", elapsed, deadline)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("RETR: %v, want context.DeadlineExceeded", err)
		}
		t.Logf("RETR: %v after %v", err, elapsed.Round(time.Millisecond))
	})
}

func tsStallDial(t *testing.T, deadline time.Duration, addr string, opt ftp.DialOption) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	c, err := ftp.Dial(ctx, addr, opt) // default timeout (30 s): the context must win
	elapsed := time.Since(start)
	if err == nil {
		c.Close()
		t.Fatal("Dial succeeded against a stalled handshake")
	}
	if elapsed > deadline+time.Second {
		t.Errorf("Dial returned after %v, deadline %v", elapsed, deadline)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial: %v, want context.DeadlineExceeded", err)
	}
	t.Logf("Dial: %v after %v", err, elapsed.Round(time.Millisecond))
}

// TestTLSClientCertificate: a server that requires a client certificate
// gets testdata/certs/client.pem; without one the handshake fails.
func TestTLSClientCertificate(t *testing.T) {
	caPEM, err := os.ReadFile("testdata/certs/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA in testdata/certs/ca.pem")
	}
	serverCert, err := tls.LoadX509KeyPair("testdata/certs/server.pem", "testdata/certs/server-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	clientCert, err := tls.LoadX509KeyPair("testdata/certs/client.pem", "testdata/certs/client-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	peers := make(chan string, 4)
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		cfg := &tls.Config{
			Certificates: []tls.Certificate{serverCert},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    pool,
		}
		if !tsFakeStart(c, cfg, false) {
			peers <- ""
			tsDrain(c)
			return
		}
		st, _ := c.TLS()
		peers <- st.PeerCertificates[0].Subject.CommonName
		tsLogin(c)
		passiveXfer(t, "LIST", func(c *ftptest.FakeConn, nc net.Conn) {
			c.Reply("150 listing")
			tc := tls.Server(nc, cfg)
			if err := tc.Handshake(); err != nil {
				t.Errorf("fake: data handshake: %v", err)
				return
			}
			st = tc.ConnectionState()
			peers <- st.PeerCertificates[0].Subject.CommonName
			tc.Write([]byte("-rw-r--r-- 1 u g 5 Jan 1 00:00 f\r\n"))
			tc.Close()
			nc.Close()
			c.Reply("226 done")
			tsDrain(c)
		})(c)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	cfg := &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{clientCert}}
	c := mustDial(t, ctx, f.Addr, ftp.WithExplicitTLS(cfg))
	if got := <-peers; got != "ftpkit-client" {
		t.Errorf("server saw client certificate %q, want ftpkit-client", got)
	}
	if err := c.Login(ctx, "u", "p"); err != nil {
		t.Fatal(err)
	}
	lines, err := c.List(ctx)
	if err != nil || len(lines) != 1 {
		t.Fatalf("LIST: %q, %v", lines, err)
	}
	if got := <-peers; got != "ftpkit-client" {
		t.Errorf("data connection: server saw client certificate %q", got)
	}
	c.Quit(ctx)

	// Without a certificate the server refuses the handshake. Under TLS
	// 1.3 the client learns it on its first read after the handshake, so
	// Dial (which reads nothing more) may succeed; Login must not.
	c2, err := dial(ctx, f.Addr, ftp.WithExplicitTLS(&tls.Config{RootCAs: pool}))
	if err == nil {
		err = c2.Login(ctx, "u", "p")
		c2.Close()
	}
	if err == nil {
		t.Fatal("a session without a client certificate succeeded")
	}
	if !ftp.IsSessionError(err) {
		t.Errorf("IsSessionError(%v) = false", err)
	}
	<-peers
	t.Logf("without a client certificate: %v", err)
}
