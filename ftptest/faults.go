package ftptest

import (
	"fmt"
	"strings"
	"time"
)

// Fault hooks make a Server misbehave on demand, so that a test can check
// a client's handling of failures without scripting a Fake. Each hook
// applies to the commands of every session, from the next matching
// command on, until it has been used n times (n <= 0: until ClearFaults).
// A hook set again for the same verb replaces the previous one. verb is
// matched, case-insensitively, against the command's first word exactly
// as the client sent it (XMKD is not MKD); "" stands for the greeting.
// Hooks work the same with plain FTP and with explicit and implicit TLS:
// the Server, not goftp, handles TLS and data connections.

type faultKind int

const (
	failFault faultKind = iota
	stallFault
	cutFault
	pauseFault
)

type faultKey struct {
	kind faultKind
	verb string
}

type fault struct {
	left  int // uses left; <= 0: for ever
	reply string
	after int64
	d     time.Duration
}

// Fail makes the Server answer the next n commands verb with reply instead
// of carrying them out. reply is a complete reply line such as
// "451 Local error" or "421 Too many connections"; after a 421 reply the
// Server closes the session, as real servers do. For the greeting (verb
// ""), a 1xx reply such as "120 Ready in 5 minutes" comes before the usual
// 220 greeting, a 2xx reply replaces it, and after any other reply the
// Server closes the connection. A failed transfer command also forgets its data connection
// (and REST), as after a real refusal. Fail panics if reply does not start
// with a three-digit code.
func (s *Server) Fail(verb string, n int, reply string) {
	if len(reply) < 3 || strings.Trim(reply[:3], "0123456789") != "" || len(reply) > 3 && reply[3] != ' ' {
		panic(fmt.Sprintf("ftptest: Fail: reply %q is not a reply line", reply))
	}
	s.setFault(failFault, verb, fault{left: n, reply: reply})
}

// CutData makes the next n transfers by verb (RETR, STOR, APPE, LIST,
// NLST or MLSD) end abruptly after after bytes of data, in either
// direction: the Server resets the client's data connection (a TCP RST, no
// orderly close; under TLS, no close_notify) once the client has received
// those bytes, and answers 426, as vsftpd does when a data connection
// fails: "426 Failure writing network stream." for a download, "426
// Failure reading network stream." for an upload, which keeps the after
// bytes received. A transfer of fewer bytes ends normally.
func (s *Server) CutData(verb string, n int, after int64) {
	s.setFault(cutFault, verb, fault{left: n, after: after})
}

// Stall makes the Server wait d before it acts on the next n commands
// verb (before the greeting, for verb ""): the reply, and for a transfer
// its data, come d late. Close interrupts a stall.
func (s *Server) Stall(verb string, n int, d time.Duration) {
	s.setFault(stallFault, verb, fault{left: n, d: d})
}

// StallData makes the next n transfers by verb stop for d after after
// bytes of data: the preliminary reply comes at once, then the data
// connection is silent (neither sending nor reading) for d, then the
// transfer goes on. Close interrupts a stall.
func (s *Server) StallData(verb string, n int, after int64, d time.Duration) {
	s.setFault(pauseFault, verb, fault{left: n, after: after, d: d})
}

// ClearFaults removes every fault hook (Fail, CutData, Stall, StallData).
func (s *Server) ClearFaults() {
	s.mu.Lock()
	clear(s.faults)
	s.mu.Unlock()
}

func (s *Server) setFault(kind faultKind, verb string, f fault) {
	s.mu.Lock()
	s.faults[faultKey{kind, strings.ToUpper(verb)}] = &f
	s.mu.Unlock()
}

// takeFault uses the fault of that kind set for verb, if any.
func (s *Server) takeFault(kind faultKind, verb string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := faultKey{kind, verb}
	f := s.faults[k]
	if f == nil {
		return fault{}, false
	}
	if f.left > 0 {
		if f.left--; f.left == 0 {
			delete(s.faults, k)
		}
	}
	return *f, true
}

// Commands returns every command line received so far, across sessions,
// in order, without line ends; PASS commands read "PASS ****".
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

func (s *Server) record(id int, line string) {
	if v, _, _ := strings.Cut(line, " "); strings.EqualFold(v, "PASS") {
		line = "PASS ****"
	}
	s.mu.Lock()
	s.commands = append(s.commands, line)
	s.mu.Unlock()
	s.log.printf("%d > %s", id, line)
}

// PeakSessions returns the largest number of sessions the Server has held
// at once. A session counts from its 220 greeting until its control
// connection closes; connections refused by WithMaxSessions or by a Fail
// on the greeting never count.
func (s *Server) PeakSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// admit counts a new session unless that would exceed the limit, which it
// returns.
func (s *Server) admit(ss *session) (limit int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxSessions > 0 && s.active >= s.maxSessions {
		return s.maxSessions, false
	}
	s.active++
	s.peak = max(s.peak, s.active)
	ss.admitted = true
	return 0, true
}

// leave forgets a session that ends.
func (s *Server) leave(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, ss)
	if ss.admitted {
		s.active--
	}
}
