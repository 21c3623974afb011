package ftptest

import (
	"bufio"
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sync"
	"time"

	ftpserver "goftp.io/server/v2"
)

// A Server is a real FTP server serving a directory on a loopback address,
// for tests and demonstrations. goftp.io/server/v2 carries out the file
// commands; the Server itself handles TLS (explicit or implicit), data
// connections (passive and active, clear or protected, on loopback only),
// REST, and the fault hooks (Fail, CutData, Stall, StallData,
// WithMaxSessions).
//
// It answers as the usual Unix servers (vsftpd, proftpd, pure-ftpd,
// pyftpdlib) where goftp differs: 550 for a missing file or a directory
// given to RETR or SIZE, for MKD of an existing name or RMD of a non-empty
// directory, and, before any 1xx reply, for an upload it cannot write
// (into a missing directory, onto a directory, by an anonymous user); RNTO
// replaces an existing file.
type Server struct {
	// Addr is the control address, "127.0.0.1:port" by default.
	Addr string
	// URL is "ftp://USER:PASSWORD@Addr/", with the scheme "ftpes" for
	// explicit TLS (AUTH TLS, as FileZilla names it) or "ftps" for
	// implicit TLS, and the user name and password percent-encoded. It
	// carries the test credentials: do not log it where they matter.
	URL string
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

	backend     *ftpserver.Server
	backendIP   net.IP // where backend sessions connect for data
	pipes       *pipeListener
	ln          net.Listener
	log         *transcript
	maxSessions int
	timeout     time.Duration // bounds each wait for a peer
	quit        chan struct{} // closed by Close
	done        chan struct{} // closed when the accept loop ends
	backendDone chan struct{} // closed when the backend stops serving
	wg          sync.WaitGroup
	once        sync.Once
	closeErr    error

	mu       sync.Mutex // guards the fields below
	nextID   int
	sessions map[*session]struct{}
	active   int
	peak     int
	faults   map[faultKey]*fault
	commands []string
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
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
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
		ImplicitTLS: c.tls && c.implicit,
		backendIP:   ip,
		pipes:       newPipeListener(),
		log:         &transcript{w: c.log},
		maxSessions: c.maxSessions,
		timeout:     cmp.Or(c.timeout, DefaultTimeout),
		quit:        make(chan struct{}),
		done:        make(chan struct{}),
		backendDone: make(chan struct{}),
		sessions:    make(map[*session]struct{}),
		faults:      make(map[faultKey]*fault),
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
	if s.backend, err = newBackend(s); err != nil {
		return nil, err
	}
	if s.ln, err = net.Listen("tcp", c.addr); err != nil {
		return nil, err
	}
	s.Addr = s.ln.Addr().String()
	s.URL = s.url()
	go func() {
		defer close(s.backendDone)
		_ = s.backend.Serve(s.pipes)
	}()
	go s.serve()
	return s, nil
}

func (s *Server) url() string {
	scheme := "ftp"
	switch {
	case s.ImplicitTLS:
		scheme = "ftps"
	case s.TLS != nil:
		scheme = "ftpes"
	}
	u := url.URL{Scheme: scheme, User: url.UserPassword(s.User, s.Password), Host: s.Addr, Path: "/"}
	return u.String()
}

// serve accepts control connections until Close.
func (s *Server) serve() {
	defer close(s.done)
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.nextID++
		ss := &session{s: s, id: s.nextID, raw: c, conn: c, r: bufio.NewReader(c), open: make(map[io.Closer]struct{})}
		s.sessions[ss] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go ss.run()
	}
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

// Close stops the server: it stops listening, ends every stall, closes
// every control and data connection and waits for the sessions to end. A
// session still running DefaultTimeout later is reported as an error
// rather than waited for.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.quit)
		s.ln.Close()
		<-s.done
		s.mu.Lock()
		sessions := make([]*session, 0, len(s.sessions))
		for ss := range s.sessions {
			sessions = append(sessions, ss)
		}
		s.mu.Unlock()
		for _, ss := range sessions {
			ss.abort()
		}
		s.pipes.Close()
		<-s.backendDone
		if !waitTimeout(&s.wg, DefaultTimeout) {
			s.mu.Lock()
			n := len(s.sessions)
			s.mu.Unlock()
			s.closeErr = fmt.Errorf("ftptest: %d session(s) still running %v after Close", n, DefaultTimeout)
			return
		}
		if !waitTimeout(&s.pipes.wg, DefaultTimeout) {
			s.closeErr = fmt.Errorf("ftptest: goftp session(s) still running %v after Close", DefaultTimeout)
		}
	})
	return s.closeErr
}

// waitTimeout waits for wg, at most d; it reports whether wg is done.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}
