// Package realserver starts real FTP servers (vsftpd, pure-ftpd, proftpd and
// pyftpdlib) on the loopback interface for integration tests.
//
// The servers are installed by scripts/install-servers.sh. Each call to
// [Start] runs a fresh server with its own configuration, control port,
// passive port range, home directory and logs, and stops it when the test
// ends, so tests in parallel packages can use servers side by side.
//
// Every server logs in the same user ([User], [Password]), whose home
// directory "/" is [Server.Root]. Files created by the test should be made
// with [Server.WriteFile] and [Server.Mkdir] so that the FTP user owns them;
// [Server.WriteFileMode] and [Server.MkdirMode] make files and directories
// that the FTP user, and so every server, may not read, change or enter.
//
// [Config] can limit the sessions per client address, shorten the time an
// idle session is kept, and allow server-to-server (FXP) transfers.
// [Server.Kill] crashes a server with its sessions, and [Server.Restart]
// brings it back on the same port over the same files.
//
// testdata/replies.md records how each server words its refusals (missing
// path, permission denied, existing name, wrong type), as checked by
// TestReplyTexts.
package realserver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Kind names an FTP server implementation.
type Kind string

// The server kinds Start knows.
const (
	Vsftpd    Kind = "vsftpd"
	PureFTPd  Kind = "pure-ftpd"
	ProFTPD   Kind = "proftpd"
	Pyftpdlib Kind = "pyftpdlib"
)

// Kinds lists every server kind, in a stable order.
var Kinds = []Kind{Vsftpd, PureFTPd, ProFTPD, Pyftpdlib}

// TLSMode selects whether and how a server speaks TLS.
type TLSMode int

const (
	// None is plain FTP; the server offers no TLS.
	None TLSMode = iota
	// Explicit is FTPS with AUTH TLS (RFC 4217). TLS is required on the
	// control connection and, with PROT P, on data connections, where the
	// server can enforce it.
	Explicit
	// Implicit is FTPS with TLS from the first byte of every connection.
	// Only vsftpd, proftpd and pyftpdlib support it.
	Implicit
)

// String returns "none", "explicit" or "implicit".
func (m TLSMode) String() string {
	switch m {
	case None:
		return "none"
	case Explicit:
		return "explicit"
	case Implicit:
		return "implicit"
	}
	return fmt.Sprintf("TLSMode(%d)", int(m))
}

// Config selects the features of a server started by [Start]. The zero
// Config is plain FTP with user login only, on 127.0.0.1.
type Config struct {
	// TLS selects plain FTP, explicit or implicit FTPS.
	TLS TLSMode

	// NoReuseRequired lets data connections start a new TLS session. By
	// default servers that can (vsftpd, proftpd) require the data
	// connection to resume the control connection's TLS session.
	// pure-ftpd and pyftpdlib never require it.
	NoReuseRequired bool

	// Anonymous enables anonymous read-only login (user "anonymous", any
	// password) into Root. pure-ftpd does not support it here.
	Anonymous bool

	// IPv6 makes the server listen on [::1] instead of 127.0.0.1.
	IPv6 bool

	// Cert names the certificate pair in testdata/certs that the server
	// presents: "server" (the default, valid for 127.0.0.1, ::1 and
	// localhost), "wrong-host" (valid only for wrong.example) or
	// "expired". All are signed by the test CA in CAFile.
	Cert string

	// MaxSessionsPerIP limits the simultaneous sessions from one client
	// address; 0 is no limit (pure-ftpd: 100). vsftpd (max_per_ip),
	// pure-ftpd (-C) and pyftpdlib (max_cons_per_ip) count connections
	// and refuse one over the limit with their greeting, then close it
	// (with a limit of 2):
	//
	//	vsftpd:    421 There are too many connections from your internet address.
	//	pure-ftpd: 421 Too many connections (2) from this IP
	//	pyftpdlib: 421 Too many connections from the same IP address.
	//
	// proftpd (MaxClientsPerHost) counts only sessions that have logged
	// in: over the limit it greets with 220 and answers USER with 331 as
	// usual, then refuses PASS and closes the connection (with a limit of
	// 2):
	//
	//	proftpd:   530 Sorry, the maximum number of clients (2) from your host are already connected.
	//
	// A closed session counts for a moment after the connection closes
	// (see [Server.WaitSessions]). [Server.RefusedSessions] counts the
	// refusals. Whatever the limit, pure-ftpd takes at most 15 sessions in
	// all, half its passive ports, and answers the 16th with "421 15 users
	// (the maximum) are already logged in, sorry".
	MaxSessionsPerIP int

	// AllowFXP lets a session's data connections go to, and come from, an
	// address other than its client's (server-to-server transfers): vsftpd
	// pasv_promiscuous and port_promiscuous, pure-ftpd -w (FXP for
	// logged-in users; anonymous FXP would be -W), proftpd
	// AllowForeignAddress, pyftpdlib permit_foreign_addresses (still
	// refusing PORT to privileged ports).
	//
	// Servers compare addresses only, not ports: with every server and
	// client on 127.0.0.1 nothing is foreign and FXP works without
	// AllowFXP. Seen from a client on 127.0.0.2, without AllowFXP, PORT
	// with the address 127.0.0.1 is refused:
	//
	//	vsftpd:    500 Illegal PORT command.
	//	pure-ftpd: 500 I won't open a connection to 127.0.0.1 (only to 127.0.0.2)
	//	proftpd:   500 Illegal PORT command
	//	pyftpdlib: 501 Rejected data connection to foreign address 127.0.0.1:PORT.
	//
	// and a passive data connection from 127.0.0.1 is refused, in the
	// reply to the transfer command (RETR here):
	//
	//	vsftpd:    425 Security: Bad IP connecting.
	//	pure-ftpd: no reply; it closes the connection and waits on for one from the client
	//	proftpd:   425 Unable to build data connection: Permission denied
	//	pyftpdlib: 150 File status okay. About to open data connection.
	//	           425 Rejected data connection from foreign address 127.0.0.1:PORT.
	//
	// (pyftpdlib sends its 425 when the connection comes, even before
	// any transfer command.)
	AllowFXP bool

	// PassivePorts is the least number of ports in the server's passive
	// range; 0 means 31. A narrow range makes a server that connects
	// from a fixed port (pure-ftpd in active mode, from port 20) meet
	// the same connection (address and port at both ends) again within
	// a second, when the kernel refuses it: 425 Could not open data
	// connection to port N: Cannot assign requested address.
	PassivePorts int

	// IdleTimeout is how long a logged-in session may wait between
	// commands before the server ends it; 0 keeps the server's default
	// (vsftpd and pyftpdlib 5 minutes, proftpd 10, pure-ftpd 15). It
	// must be a whole number of seconds, and for pure-ftpd of minutes:
	// vsftpd idle_session_timeout, proftpd TimeoutIdle, pure-ftpd -I,
	// pyftpdlib's handler timeout. The time a transfer takes does not
	// count. When it strikes, vsftpd, proftpd and pyftpdlib send 421 and
	// close the connection (with 2 s):
	//
	//	vsftpd:    421 Timeout.
	//	proftpd:   421 Idle timeout (2 seconds): closing control connection
	//	pyftpdlib: 421 Control connection timed out.
	IdleTimeout time.Duration
}

// ErrUnsupported is returned (wrapped) by [Supported] for a configuration
// that a server kind cannot provide.
var ErrUnsupported = errors.New("realserver: unsupported configuration")

// Supported reports whether kind can run with cfg: nil, or an error wrapping
// [ErrUnsupported] that says why not.
func Supported(kind Kind, cfg Config) error {
	var why string
	switch {
	case kind == PureFTPd && cfg.TLS == Implicit:
		why = "Debian's pure-ftpd is built without implicit TLS"
	case kind == PureFTPd && cfg.Anonymous:
		why = "pure-ftpd serves anonymous users from the ftp account's fixed home"
	case cfg.TLS < None || cfg.TLS > Implicit:
		why = "unknown TLS mode " + cfg.TLS.String()
	case cfg.MaxSessionsPerIP < 0:
		why = "negative MaxSessionsPerIP"
	case cfg.IdleTimeout < 0 || cfg.IdleTimeout%time.Second != 0:
		why = "IdleTimeout must be a whole number of seconds"
	case kind == PureFTPd && cfg.IdleTimeout%time.Minute != 0:
		why = "pure-ftpd takes its idle timeout (-I) in whole minutes"
	}
	switch kind {
	case Vsftpd, PureFTPd, ProFTPD, Pyftpdlib:
	default:
		why = "unknown server kind"
	}
	if why != "" {
		return fmt.Errorf("%w: %s with TLS %v, Anonymous %v: %s",
			ErrUnsupported, kind, cfg.TLS, cfg.Anonymous, why)
	}
	return nil
}

// Server is a running FTP server. Its fields must not be modified.
type Server struct {
	Kind   Kind
	Config Config

	Addr string // host:port of the control connection, e.g. "127.0.0.1:20480"
	Host string // "127.0.0.1" or "::1"
	Port int    // control port

	// PasvMin and PasvMax bound the server's passive data ports.
	PasvMin, PasvMax int

	User, Password string // the login; anonymous login uses "anonymous"

	// Root is the local directory that the FTP user sees as "/".
	Root string

	// CAFile is the PEM file of the test CA that signed the server's
	// certificate; CertPool holds the same CA.
	CAFile   string
	CertPool *x509.CertPool

	// StartupTime is how long the server took from exec to its greeting,
	// the last time it started (see Restart).
	StartupTime time.Duration

	tb       testing.TB
	dir      string    // work dir: configs, logs, certs, root
	logFile  string    // protocol log, "" if the server writes none
	outFile  string    // the server's stdout and stderr
	uid, gid int       // owner of files in Root
	command  *exec.Cmd // what runs the server; copied for each run
	release  func()    // frees the port block

	mu   sync.Mutex // guards proc
	proc *process   // the running server, nil once stopped
}

// TLSConfig returns a client configuration for the server: it trusts the
// test CA, verifies the name Host, and has its own session cache so that a
// data connection can resume the control connection's session. Use the same
// *tls.Config for the control and data connections of one session.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{
		RootCAs:            s.CertPool,
		ServerName:         s.Host,
		ClientSessionCache: tls.NewLRUClientSessionCache(8),
		MinVersion:         tls.VersionTLS12,
	}
}

// Log returns the server's protocol log so far (the commands it received and
// for most servers its replies), or "" when the server writes none
// (pure-ftpd, which logs only to syslog).
func (s *Server) Log() string {
	if s.logFile == "" {
		return ""
	}
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

// Output returns what the server process wrote to stdout and stderr so far.
func (s *Server) Output() string {
	b, _ := os.ReadFile(s.outFile)
	return string(b)
}

// Path returns the local path of the slash-separated FTP path name.
func (s *Server) Path(name string) string {
	return filepath.Join(s.Root, filepath.FromSlash(strings.TrimPrefix(name, "/")))
}

// WriteFile writes data to the FTP path name below Root, creating parent
// directories, all owned by the FTP user. It returns the local path.
func (s *Server) WriteFile(name string, data []byte) string {
	s.tb.Helper()
	p := s.Path(name)
	s.mkdirAll(filepath.Dir(p))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		s.tb.Fatalf("realserver: %v", err)
	}
	s.chown(p)
	return p
}

// Mkdir creates the FTP path name below Root and its parents, owned by the
// FTP user. It returns the local path.
func (s *Server) Mkdir(name string) string {
	s.tb.Helper()
	p := s.Path(name)
	s.mkdirAll(p)
	return p
}

func (s *Server) mkdirAll(p string) {
	s.tb.Helper()
	rel, err := filepath.Rel(s.Root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		s.tb.Fatalf("realserver: %s is outside Root %s", p, s.Root)
	}
	d := s.Root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if part == "." {
			continue
		}
		d = filepath.Join(d, part)
		if err := os.Mkdir(d, 0o755); err == nil {
			s.chown(d)
		} else if !os.IsExist(err) {
			s.tb.Fatalf("realserver: %v", err)
		}
	}
}

func (s *Server) chown(p string) {
	s.tb.Helper()
	if os.Geteuid() != 0 {
		return
	}
	if err := os.Lchown(p, s.uid, s.gid); err != nil {
		s.tb.Fatalf("realserver: %v", err)
	}
}
