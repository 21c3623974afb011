package realserver

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Startup and shutdown limits.
const (
	readyTimeout = 15 * time.Second
	stopTimeout  = 5 * time.Second

	startAttempts = 3
)

// Start starts a server of the given kind with cfg on the loopback interface
// and returns it once it has greeted a client. The server is stopped, and
// its work directory removed, when the test and its subtests end; if the
// test failed, the server's log is logged first.
//
// Start skips the test if kind does not support cfg (see [Supported]). If
// the server is not installed (see scripts/install-servers.sh) it skips the
// test too, or fails it when the environment variable CI is set.
func Start(tb testing.TB, kind Kind, cfg Config) *Server {
	tb.Helper()
	if err := Supported(kind, cfg); err != nil {
		tb.Skip(err)
	}
	bin, err := binary(kind)
	if err == nil && kind != Pyftpdlib && os.Geteuid() != 0 {
		err = errors.New("it must be started as root")
	}
	var uid, gid int
	if err == nil {
		uid, gid, err = ftpUser()
	}
	if err != nil {
		msg := fmt.Sprintf("realserver: %s unavailable (run scripts/install-servers.sh as root): %v", kind, err)
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	// A server that loses a race for a port (or anything else) at startup
	// gets a fresh directory and port block.
	for attempt := 1; ; attempt++ {
		s := &Server{
			Kind:     kind,
			Config:   cfg,
			User:     User,
			Password: Password,
			tb:       tb,
			uid:      uid,
			gid:      gid,
		}
		err := s.start(bin)
		if err == nil {
			tb.Cleanup(s.cleanup)
			return s
		}
		s.Stop()
		s.free()
		if attempt == startAttempts {
			tb.Fatalf("realserver: starting %s: %v", kind, err)
		}
		tb.Logf("realserver: starting %s (attempt %d): %v", kind, attempt, err)
	}
}

// ftpUser returns the ids that own Root: the FTP user's when running as
// root, else the caller's own.
func ftpUser() (uid, gid int, err error) {
	if os.Geteuid() != 0 {
		return os.Geteuid(), os.Getegid(), nil
	}
	u, err := user.Lookup(User)
	if err != nil {
		return 0, 0, err
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid, nil
}

func (s *Server) start(bin string) error {
	cfg := s.Config
	s.Host = "127.0.0.1"
	if cfg.IPv6 {
		s.Host = "::1"
	}
	var err error
	s.dir, err = os.MkdirTemp("", "ftpkit-"+string(s.Kind)+"-")
	if err != nil {
		return err
	}
	// The FTP user must be able to reach Root.
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return err
	}
	s.Root = filepath.Join(s.dir, "root")
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		return err
	}
	s.chown(s.Root)
	if err := s.copyCerts(); err != nil {
		return err
	}

	blocks := max(1, (cfg.PassivePorts+1+blockSize-1)/blockSize)
	first, release, err := portBlocks(s.Host, blocks)
	if err != nil {
		return err
	}
	s.release = release
	s.Port, s.PasvMin, s.PasvMax = first, first+1, first+blocks*blockSize-1
	s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))

	s.outFile = filepath.Join(s.dir, "output.log")
	var cmd *exec.Cmd
	switch s.Kind {
	case Vsftpd:
		cmd, err = s.vsftpd(bin)
	case PureFTPd:
		cmd, err = s.pureFTPd(bin)
	case ProFTPD:
		cmd, err = s.proFTPD(bin)
	case Pyftpdlib:
		cmd, err = s.pyftpdlib(bin)
	}
	if err != nil {
		return err
	}
	s.command = cmd
	return s.run()
}

// copyCerts copies the CA and the server's key pair into the work
// directory, readable by servers that run as the FTP user.
func (s *Server) copyCerts() error {
	dir, err := certsDir()
	if err != nil {
		return err
	}
	name := s.Config.Cert
	if name == "" {
		name = "server"
	}
	for _, f := range []string{"ca.pem", name + ".pem", name + "-key.pem"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		if f == "ca.pem" {
			s.CertPool = x509.NewCertPool()
			if !s.CertPool.AppendCertsFromPEM(b) {
				return fmt.Errorf("no certificate in %s", f)
			}
		}
		dst := filepath.Join(s.dir, "tls-"+f)
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			return err
		}
		s.chown(dst)
	}
	s.CAFile = filepath.Join(s.dir, "tls-ca.pem")
	return nil
}

func (s *Server) certFile() string { return filepath.Join(s.dir, "tls-"+s.certName()+".pem") }
func (s *Server) keyFile() string  { return filepath.Join(s.dir, "tls-"+s.certName()+"-key.pem") }

func (s *Server) certName() string {
	if s.Config.Cert == "" {
		return "server"
	}
	return s.Config.Cert
}

// greet connects once, reads the greeting, quits and waits for the server
// to close the connection.
func (s *Server) greet() error {
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if s.Config.TLS == Implicit {
		// Readiness only: the certificate may be a deliberately bad one.
		tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
		if err := tc.Handshake(); err != nil {
			return err
		}
		c = tc
	}
	r := textproto.NewReader(bufio.NewReader(c))
	if _, _, err := r.ReadResponse(220); err != nil {
		return err
	}
	fmt.Fprintf(c, "QUIT\r\n")
	r.ReadResponse(221)
	io.Copy(io.Discard, r.R)
	return nil
}

// free releases the port block and removes the work directory.
func (s *Server) free() {
	if s.release != nil {
		s.release()
	}
	if s.dir != "" {
		removeAll(s.dir)
	}
}

func (s *Server) cleanup() {
	s.Stop()
	if s.tb.Failed() {
		if l := s.Log(); l != "" && s.logFile != s.outFile {
			s.tb.Logf("realserver: %s protocol log (%s):\n%s", s.Kind, s.logFile, l)
		}
		s.tb.Logf("realserver: %s output (%s):\n%s", s.Kind, s.outFile, s.Output())
	}
	if os.Getenv("FTPKIT_KEEP_SERVER_DIR") != "" {
		s.tb.Logf("realserver: kept %s", s.dir)
		s.dir = ""
	}
	s.free()
}
