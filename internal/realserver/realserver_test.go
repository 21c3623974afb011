package realserver

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

var modes = []TLSMode{None, Explicit, Implicit}

// tlsVersions are the versions every TLS server must accept.
var tlsVersions = map[string]uint16{"TLS1.2": tls.VersionTLS12, "TLS1.3": tls.VersionTLS13}

func clientTLS(s *Server, version uint16) *tls.Config {
	if s.Config.TLS == None {
		return nil
	}
	tc := s.TLSConfig()
	tc.MinVersion, tc.MaxVersion = version, version
	return tc
}

// TestSession runs a whole session on every kind in every TLS mode: greeting,
// login, PWD, FEAT, LIST and RETR of a file put in Root, STOR into Root.
func TestSession(t *testing.T) {
	for _, kind := range Kinds {
		for _, mode := range modes {
			t.Run(string(kind)+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				s := Start(t, kind, Config{TLS: mode})
				t.Logf("%s %v: started in %v on %s", kind, mode, s.StartupTime, s.Addr)
				want := []byte("hello from " + string(kind) + "\n")
				s.WriteFile("dir/hello.txt", want)
				versions := map[string]uint16{"plain": 0}
				if mode != None {
					versions = tlsVersions
				}
				for name, v := range versions {
					t.Run(name, func(t *testing.T) {
						session(t, s, clientTLS(s, v), want)
					})
				}
			})
		}
	}
}

func session(t *testing.T, s *Server, tc *tls.Config, want []byte) {
	c := dial(t, s, tc)
	if tc != nil {
		cs := c.Conn.(interface{ ConnectionState() tls.ConnectionState }).ConnectionState()
		if cs.Version != tc.MaxVersion || !cs.HandshakeComplete {
			t.Fatalf("control TLS: version %x, want %x", cs.Version, tc.MaxVersion)
		}
	}
	c.Login(User, Password)
	if got := c.PWD(); got != "/" {
		t.Errorf("PWD = %q, want /", got)
	}
	feat := c.Expect(211, "FEAT")
	c.Expect(250, "CWD /dir")
	list := c.MustXfer("LIST", nil)
	if !bytes.Contains(list.Data, []byte("hello.txt")) {
		t.Errorf("LIST: %q does not name hello.txt", list.Data)
	}
	retr := c.MustXfer("RETR hello.txt", nil)
	if !bytes.Equal(retr.Data, want) {
		t.Errorf("RETR: got %q, want %q", retr.Data, want)
	}
	up := bytes.Repeat([]byte("upload\n"), 10000)
	stor := c.MustXfer("STOR up.txt", up)
	got, err := os.ReadFile(s.Path("/dir/up.txt"))
	if err != nil || !bytes.Equal(got, up) {
		t.Errorf("STOR: file has %d bytes (%v), want %d", len(got), err, len(up))
	}
	c.Expect(221, "QUIT")
	if testing.Verbose() {
		t.Logf("FEAT: %s\nLIST: %q %q\n%s\nRETR: %q %q\nSTOR: %q %q",
			feat, list.Prelim, list.Final, list.Data, retr.Prelim, retr.Final, stor.Prelim, stor.Final)
	}
}

// TestAnonymous logs in as anonymous, lists Root and is refused an upload.
func TestAnonymous(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{Anonymous: true})
			s.WriteFile("pub.txt", []byte("public\n"))
			c := dial(t, s, nil)
			c.Login("anonymous", "test@example.com")
			list := c.MustXfer("NLST", nil)
			if !bytes.Contains(list.Data, []byte("pub.txt")) {
				t.Errorf("NLST: %q does not name pub.txt", list.Data)
			}
			r := c.Xfer("STOR evil.txt", []byte("x"), nil)
			if r.Code/100 != 5 {
				t.Errorf("anonymous STOR: %q %q, want a 5xx refusal", r.Prelim, r.Final)
			}
			if _, err := os.Stat(s.Path("evil.txt")); err == nil {
				t.Errorf("anonymous STOR created evil.txt")
			}
			// A normal user is still a normal user.
			c2 := dial(t, s, nil)
			c2.Login(User, Password)
			c2.MustXfer("STOR mine.txt", []byte("mine\n"))
		})
	}
}

// TestSessionReuse checks that vsftpd and proftpd refuse a TLS data
// connection that does not resume the control session, unless
// NoReuseRequired, and that the others accept it.
func TestSessionReuse(t *testing.T) {
	for _, kind := range Kinds {
		for _, noReuse := range []bool{false, true} {
			name := string(kind) + "/reuse-required"
			if noReuse {
				name = string(kind) + "/no-reuse-required"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := Start(t, kind, Config{TLS: Explicit, NoReuseRequired: noReuse})
				for vname, v := range tlsVersions {
					t.Run(vname, func(t *testing.T) {
						tc := clientTLS(s, v)
						c := dial(t, s, tc)
						c.Login(User, Password)
						fresh := tc.Clone()
						fresh.ClientSessionCache = nil
						r := c.Xfer("LIST", nil, fresh)
						required := !noReuse && (kind == Vsftpd || kind == ProFTPD)
						t.Logf("fresh TLS session on data: %q %q, data error %v", r.Prelim, r.Final, r.DataErr)
						if required && r.Code/100 == 2 {
							t.Errorf("server accepted a data connection without session reuse")
						}
						if !required && (r.Code/100 != 2 || r.DataErr != nil) {
							t.Errorf("server refused a data connection without session reuse")
						}
						// vsftpd drops the control connection after its 522,
						// proftpd keeps it.
						c.Text.PrintfLine("NOOP")
						code, msg, err := c.Text.ReadResponse(0)
						t.Logf("NOOP after it: %d %s %v", code, msg, err)
						if alive := err == nil && code == 200; alive != (kind != Vsftpd || noReuse) {
							t.Errorf("control connection alive = %v after data without reuse", alive)
						}
					})
				}
			})
		}
	}
}

// TestTwoAtOnce runs two servers of each kind side by side.
func TestTwoAtOnce(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			a := Start(t, kind, Config{})
			b := Start(t, kind, Config{})
			if a.Addr == b.Addr || a.Root == b.Root || a.PasvMax >= b.PasvMin && b.PasvMax >= a.PasvMin {
				t.Fatalf("servers share resources: %+v %+v", a, b)
			}
			for i, s := range []*Server{a, b} {
				name := []string{"a.txt", "b.txt"}[i]
				s.WriteFile(name, nil)
				c := dial(t, s, nil)
				c.Login(User, Password)
				if l := c.MustXfer("NLST", nil); strings.Join(names(l.Data), ",") != name {
					t.Errorf("server %d lists %q, want %s", i, l.Data, name)
				}
			}
		})
	}
}

// TestIPv6 runs each kind on [::1] and transfers a listing over EPSV.
func TestIPv6(t *testing.T) {
	if !portsFree("::1", 1, 0) || !canListen("[::1]:0") {
		t.Skip("no IPv6 loopback")
	}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{IPv6: true})
			if !strings.HasPrefix(s.Addr, "[::1]:") {
				t.Fatalf("Addr = %s", s.Addr)
			}
			s.WriteFile("six.txt", nil)
			c := dial(t, s, nil)
			c.Login(User, Password)
			if l := c.MustXfer("NLST", nil); !bytes.Contains(l.Data, []byte("six.txt")) {
				t.Errorf("NLST: %q", l.Data)
			}
		})
	}
}

// TestStop checks that Stop ends the server and frees its port.
func TestStop(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{})
			c := dial(t, s, nil) // an open session must not delay Stop
			c.Login(User, Password)
			t0 := time.Now()
			s.Stop()
			if d := time.Since(t0); d > 2*time.Second {
				t.Errorf("Stop took %v", d)
			}
			if err := s.greet(); err == nil {
				t.Errorf("server still greets after Stop")
			}
		})
	}
}

func TestSupported(t *testing.T) {
	if err := Supported(PureFTPd, Config{TLS: Implicit}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("pure-ftpd implicit: %v", err)
	}
	if err := Supported(Vsftpd, Config{MaxSessionsPerIP: -1}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("negative MaxSessionsPerIP: %v", err)
	}
	if err := Supported("nope", Config{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown kind: %v", err)
	}
	for _, d := range []time.Duration{-time.Second, 1500 * time.Millisecond} {
		if err := Supported(Vsftpd, Config{IdleTimeout: d}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("IdleTimeout %v: %v", d, err)
		}
	}
	if err := Supported(PureFTPd, Config{IdleTimeout: 2 * time.Second}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("pure-ftpd IdleTimeout 2s: %v", err)
	}
	if err := Supported(PureFTPd, Config{IdleTimeout: time.Minute}); err != nil {
		t.Errorf("pure-ftpd IdleTimeout 1m: %v", err)
	}
	for _, k := range Kinds {
		if err := Supported(k, Config{TLS: Explicit}); err != nil {
			t.Errorf("%s explicit: %v", k, err)
		}
	}
}

// BenchmarkStart measures how long each server takes from exec to greeting.
func BenchmarkStart(b *testing.B) {
	for _, kind := range Kinds {
		for _, mode := range modes {
			b.Run(string(kind)+"/"+mode.String(), func(b *testing.B) {
				var total time.Duration
				for range b.N {
					s := Start(b, kind, Config{TLS: mode})
					total += s.StartupTime
					s.Stop()
				}
				b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/start")
			})
		}
	}
}

// TestTLSRequired checks that explicit-TLS servers refuse a login before
// AUTH TLS and a listing over a clear data connection.
func TestTLSRequired(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{TLS: Explicit})
			plain := &Server{Addr: s.Addr, Host: s.Host, PasvMin: s.PasvMin, PasvMax: s.PasvMax}
			c := dial(t, plain, nil)
			c.Text.PrintfLine("USER %s", User)
			code, msg, err := c.Text.ReadResponse(0)
			if err == nil && (code == 331 || code == 230) {
				t.Errorf("USER before AUTH TLS: %d %s, want a refusal", code, msg)
			}

			c = dial(t, s, s.TLSConfig())
			c.Login(User, Password)
			code, msg = c.Cmd("PROT C")
			prot := fmt.Sprintf("%d %s", code, msg)
			if code/100 != 2 {
				t.Logf("PROT C: %s", prot)
				return
			}
			// pyftpdlib refuses EPSV already, the others refuse LIST.
			if code, msg := c.Cmd("EPSV"); code != 229 {
				t.Logf("PROT C: %s; EPSV: %d %s", prot, code, msg)
				return
			}
			c.Cmd("ABOR")
			r := c.Xfer("LIST", nil, nil) // clear data connection
			t.Logf("PROT C: %s; LIST: %q %q", prot, r.Prelim, r.Final)
			if r.Code/100 == 2 {
				t.Errorf("LIST over a clear data connection succeeded")
			}
		})
	}
}
