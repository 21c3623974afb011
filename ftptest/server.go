package ftptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	ftpserver "goftp.io/server/v2"
	"goftp.io/server/v2/driver/file"
)

// A Server is a real FTP server, goftp.io/server/v2 serving a directory on
// a loopback address, for tests and demonstrations.
type Server struct {
	// Addr is the control address, "127.0.0.1:port" by default.
	Addr string
	// Root is the directory served.
	Root string
	// User and Password log in with full access.
	User, Password string
	// Anonymous reports whether "anonymous" may log in, read-only.
	Anonymous bool
	// TLS is the server's TLS configuration, nil for plain FTP.
	TLS *tls.Config
	// ImplicitTLS reports whether TLS starts with the connection.
	ImplicitTLS bool
	// CA issued the server's certificate when the server generated it.
	CA *CA

	srv   *ftpserver.Server
	ln    net.Listener
	done  chan struct{}
	log   *logger
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
	wg    sync.WaitGroup // one per session whose control connection is open
	once  sync.Once

	closing  bool  // guarded by mu: Close has begun, accept no more
	closeErr error // set by Close
}

// NewServer starts a Server over tb.TempDir(). It is closed by tb.Cleanup.
func NewServer(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(tb.TempDir(), opts...)
	if err != nil {
		tb.Fatalf("ftptest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("ftptest: close: %v", err)
		}
	})
	return s
}

// Start starts a Server over the directory root, for use outside tests
// (a demonstration server, say). The caller must call Close.
func Start(root string, opts ...Option) (*Server, error) {
	c := config{addr: "127.0.0.1:0", user: "test", password: "test"}
	for _, o := range opts {
		o(&c)
	}
	host, _, err := net.SplitHostPort(c.addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("ftptest: %q is not a loopback address", c.addr)
	}
	if fi, err := os.Stat(root); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("ftptest: %s is not a directory", root)
	}
	s := &Server{
		Root:        root,
		User:        c.user,
		Password:    c.password,
		Anonymous:   c.anonymous,
		ImplicitTLS: c.implicit,
		done:        make(chan struct{}),
		conns:       make(map[*trackedConn]struct{}),
		log:         &logger{w: c.log},
	}
	if c.tls {
		s.TLS = c.tlsConfig
		if s.TLS == nil {
			if s.CA, err = NewCA(); err != nil {
				return nil, err
			}
			cert, err := s.CA.Issue()
			if err != nil {
				return nil, err
			}
			s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		}
	}
	drv, err := file.NewDriver(root)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, err
	}
	s.Addr = ln.Addr().String()
	tcp := ln.Addr().(*net.TCPAddr)
	s.srv, err = ftpserver.NewServer(&ftpserver.Options{
		Driver:         &readOnlyDriver{Driver: drv},
		Auth:           &auth{s: s},
		Perm:           ftpserver.NewSimplePerm("ftptest", "ftptest"),
		Name:           "ftptest",
		Hostname:       tcp.IP.String(),
		Port:           tcp.Port,
		TLS:            c.tls,
		TLSConfig:      s.TLS,
		ExplicitFTPS:   c.tls && !c.implicit,
		WelcomeMessage: "ftptest ready",
		Logger:         s.log,
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	if c.tls {
		// goftp sets its TLS configuration only in ListenAndServe, which
		// cannot listen on port 0. Our listener holds the port, so this
		// call sets the configuration and fails with "address in use".
		if err := s.srv.ListenAndServe(); err == nil {
			ln.Close()
			return nil, errors.New("ftptest: unexpected ListenAndServe success")
		}
	}
	s.ln = &trackingListener{Listener: ln, s: s}
	var sl net.Listener = s.ln
	if c.implicit {
		sl = tls.NewListener(s.ln, s.TLS)
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(sl)
	}()
	return s, nil
}

// Certificate returns the server's leaf certificate, or nil without TLS.
func (s *Server) Certificate() *x509.Certificate {
	if s.TLS == nil || len(s.TLS.Certificates) == 0 {
		return nil
	}
	c := s.TLS.Certificates[0]
	if c.Leaf != nil {
		return c.Leaf
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return nil
	}
	return leaf
}

// ClientTLSConfig returns a client configuration that trusts the server's
// generated CA, verifies the name 127.0.0.1 (or the listening IP) and
// caches TLS sessions. It returns nil without TLS or with a TLS
// configuration given by the caller.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.CA == nil {
		return nil
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	return s.CA.ClientConfig(host)
}

// Close stops the server, closes every control connection and waits for
// the sessions to end. goftp.io/server/v2 keeps a passive listener open
// for up to 60 seconds waiting for its client; Close unblocks those
// still waiting by connecting to them. A session still blocked after
// DefaultTimeout (in a data transfer whose client neither reads nor
// closes) is reported as an error instead of hanging.
func (s *Server) Close() error {
	s.once.Do(func() {
		// Close our listener rather than calling goftp's Shutdown: Shutdown
		// reads fields that Serve sets in its own goroutine, so a Close
		// right after Start raced with Serve, found no listener to close
		// and then waited for s.done forever.
		_ = s.ln.Close()
		<-s.done
		s.mu.Lock()
		s.closing = true
		conns := make([]*trackedConn, 0, len(s.conns))
		for c := range s.conns {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		// Close the TCP connections under the sessions, not the
		// trackedConns: each session notices, ends its Serve loop and
		// closes its trackedConn itself, which is what s.wg waits for.
		for _, c := range conns {
			c.Conn.Close()
		}
		host, _, _ := net.SplitHostPort(s.Addr)
		for _, p := range s.log.pendingPassive() {
			if c, err := net.DialTimeout("tcp", net.JoinHostPort(host, fmt.Sprint(p)), time.Second); err == nil {
				c.Close()
			}
		}
		done := make(chan struct{})
		go func() {
			s.wg.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(DefaultTimeout):
			s.mu.Lock()
			n := len(s.conns)
			s.mu.Unlock()
			s.closeErr = fmt.Errorf("ftptest: %d session(s) still running %v after Close (blocked in a data transfer?)", n, DefaultTimeout)
		}
	})
	return s.closeErr
}

// trackingListener records accepted connections so that Close can close
// them: goftp's Shutdown leaves sessions running.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, s: l.s}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.closing {
		c.Close()
		return nil, net.ErrClosed
	}
	l.s.conns[tc] = struct{}{}
	l.s.wg.Add(1)
	return tc, nil
}

// A trackedConn is a control connection; closing it (which goftp's
// session does when its Serve loop ends) marks the session done. s.mu is
// never held while a connection is closed or waited for.
type trackedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
		c.s.wg.Done()
	})
	return err
}
