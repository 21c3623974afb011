package realserver

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// refusalMarks are the log lines by which each server records a session it
// refused for MaxSessionsPerIP: vsftpd in its protocol log, proftpd on
// stderr (its output), pyftpdlib in its debug log (its output).
var refusalMarks = map[Kind]string{
	Vsftpd:    `"Connection refused: too many sessions for this address."`,
	ProFTPD:   "Connection refused (MaxClientsPerHost ",
	Pyftpdlib: "-> 421 Too many connections from the same IP address.",
}

// RefusedSessions returns how many sessions the server has refused so far
// because of [Config.MaxSessionsPerIP], counted in its logs. For pure-ftpd,
// which writes no log here, it returns an error wrapping [ErrUnsupported].
func (s *Server) RefusedSessions() (int, error) {
	mark, ok := refusalMarks[s.Kind]
	if !ok {
		return 0, fmt.Errorf("%w: %s logs nothing to count refused sessions in", ErrUnsupported, s.Kind)
	}
	log := s.Log()
	if s.Kind == ProFTPD {
		log = s.Output()
	}
	return strings.Count(log, mark), nil
}

// WaitSessions waits until the server counts at most n sessions, and
// fails the test if that takes more than a few seconds. A session still
// counts against [Config.MaxSessionsPerIP] for a moment after its
// connection has closed: until the server has reaped the session's process
// (vsftpd, pure-ftpd, proftpd) or seen the close (pyftpdlib). vsftpd in
// particular often refuses a session opened right after another one was
// closed; tests that reopen sessions up to the limit wait for the closed
// ones first.
func (s *Server) WaitSessions(tb testing.TB, n int) {
	tb.Helper()
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return
	}
	deadline := time.Now().Add(stopTimeout)
	for {
		got := s.sessions(p)
		if got <= n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("realserver: %s still has %d sessions after %v, want at most %d", s.Kind, got, stopTimeout, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// sessions counts the sessions of the server process p: the daemon's child
// processes, or for pyftpdlib, which runs in one process, the connections
// to its control port that it has not closed.
func (s *Server) sessions(p *process) int {
	if s.Kind == Pyftpdlib {
		return s.openControlConns()
	}
	pid := p.cmd.Process.Pid
	n := 0
	for _, q := range procs() {
		// vsftpd never reaps its sessions when it has no limit to keep.
		if q.ppid == pid && (q.state != 'Z' || s.Config.MaxSessionsPerIP > 0) {
			n++
		}
	}
	return n
}

// openControlConns counts the server's ends of control connections that
// are established or that the client has closed and the server not yet
// (CLOSE_WAIT), from /proc/net/tcp or tcp6.
func (s *Server) openControlConns() int {
	file, ip := "/proc/net/tcp", net.ParseIP(s.Host).To4()
	if ip == nil {
		file, ip = "/proc/net/tcp6", net.ParseIP(s.Host)
	}
	// The kernel prints an address as its 32-bit words in host order
	// (little-endian here), each as 8 hex digits.
	var hexIP strings.Builder
	for i := 0; i < len(ip); i += 4 {
		fmt.Fprintf(&hexIP, "%02X%02X%02X%02X", ip[i+3], ip[i+2], ip[i+1], ip[i])
	}
	local := fmt.Sprintf("%s:%04X", hexIP.String(), s.Port)
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st ...
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[1] != local {
			continue
		}
		st, _ := strconv.ParseUint(fields[3], 16, 8)
		if st == 0x01 || st == 0x08 { // ESTABLISHED, CLOSE_WAIT
			n++
		}
	}
	return n
}
