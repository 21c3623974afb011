package ftptest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A session is one client's control connection to a Server. It reads the
// client's commands, answers itself those about TLS and data connections
// and those a fault hook claims, and passes the others to its backend
// session (goftp), whose replies it forwards.
type session struct {
	s    *Server
	id   int
	raw  net.Conn      // the accepted TCP connection
	conn net.Conn      // raw, or TLS over it
	r    *bufio.Reader // commands from conn
	back net.Conn      // to the backend session; set under mu
	br   *bufio.Reader // replies from back

	admitted bool  // counted in Server.active; guarded by Server.mu
	secure   bool  // the control connection is in TLS
	protect  bool  // PROT P: data connections in TLS
	loggedIn bool  // the backend accepted a PASS
	renaming bool  // the previous command was an accepted RNFR
	rest     int64 // REST offset for the next transfer
	pasv     *net.TCPListener
	port     *net.TCPAddr

	mu     sync.Mutex // guards back, open and closed
	open   map[io.Closer]struct{}
	closed bool
}

// errBackend ends a session whose backend session failed.
var errBackend = errors.New("ftptest: backend session failed")

func (ss *session) run() {
	defer ss.end()
	setOOBInline(ss.raw)
	if ss.s.ImplicitTLS && !ss.startTLS() {
		return
	}
	if !ss.greet() {
		return
	}
	for ss.serveCommand() {
	}
}

// end closes the session. It leaves the Server's count of sessions first,
// so that a client that sees its connection close can count on it.
func (ss *session) end() {
	ss.s.leave(ss)
	ss.abort()
	ss.s.wg.Done()
}

// abort closes every connection and listener of the session, which ends
// whatever it is blocked in. It is safe to call from any goroutine.
func (ss *session) abort() {
	ss.mu.Lock()
	if ss.closed {
		ss.mu.Unlock()
		return
	}
	ss.closed = true
	back, open := ss.back, ss.open
	ss.open = nil
	ss.mu.Unlock()
	ss.raw.Close()
	if back != nil {
		back.Close()
	}
	for c := range open {
		c.Close()
	}
}

// track registers c to be closed by abort; it reports false, having closed
// c, if the session is already closed.
func (ss *session) track(c io.Closer) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		c.Close()
		return false
	}
	ss.open[c] = struct{}{}
	return true
}

// release closes c and forgets it.
func (ss *session) release(c io.Closer) {
	ss.mu.Lock()
	delete(ss.open, c)
	ss.mu.Unlock()
	c.Close()
}

// sleep waits d, or less if the Server closes; it reports whether it
// waited all of d.
func (ss *session) sleep(d time.Duration) bool { return sleep(d, ss.s.quit) }

func sleep(d time.Duration, quit <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-quit:
		return false
	}
}

// greet applies the greeting's faults and the session limit, starts the
// backend session and forwards its greeting.
func (ss *session) greet() bool {
	if f, ok := ss.s.takeFault(stallFault, ""); ok && !ss.sleep(f.d) {
		return false
	}
	var greeting string // replaces the backend's
	if f, ok := ss.s.takeFault(failFault, ""); ok {
		switch f.reply[0] {
		case '1':
			ss.reply(f.reply)
		case '2':
			greeting = f.reply
		default:
			ss.reply(f.reply)
			return false
		}
	}
	if limit, ok := ss.s.admit(ss); !ok {
		ss.reply(fmt.Sprintf("421 Too many connections (%d)", limit))
		return false
	}
	back, err := ss.s.pipes.dial(ss.raw.LocalAddr(), ss.raw.RemoteAddr())
	if err != nil {
		ss.reply("421 Service not available, closing control connection.")
		return false
	}
	ss.mu.Lock()
	if ss.closed {
		ss.mu.Unlock()
		back.Close()
		return false
	}
	ss.back, ss.br = back, bufio.NewReader(back)
	ss.mu.Unlock()
	_, raw, err := ss.backendReply(ss.s.timeout)
	if err != nil {
		return false
	}
	if greeting != "" {
		raw = []byte(greeting + "\r\n")
	}
	ss.write(raw)
	return true
}

// serveCommand reads and answers one command; it reports whether the
// session goes on.
func (ss *session) serveCommand() bool {
	line, err := ss.readCommand()
	if err != nil {
		return false
	}
	ss.s.record(ss.id, line)
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	renaming := ss.renaming
	ss.renaming = false

	if f, ok := ss.s.takeFault(stallFault, verb); ok && !ss.sleep(f.d) {
		return false
	}
	if f, ok := ss.s.takeFault(failFault, verb); ok {
		if transferVerbs[verb] {
			ss.closeData()
			ss.rest = 0
		}
		ss.reply(f.reply)
		return !strings.HasPrefix(f.reply, "421")
	}
	switch verb {
	case "AUTH":
		return ss.auth(arg)
	case "PBSZ":
		ss.pbsz()
	case "PROT":
		ss.prot(arg)
	case "PASV", "EPSV":
		ss.passive(verb, arg)
	case "PORT", "EPRT":
		ss.active(verb, arg)
	case "REST":
		ss.restart(arg)
	case "ABOR":
		ss.reply("225 No transfer to ABOR.")
	case "RNTO":
		if !renaming {
			ss.reply("503 RNFR required first.")
			return true
		}
		return ss.forward(verb, line)
	default:
		if transferVerbs[verb] {
			return ss.transfer(verb, line)
		}
		return ss.forward(verb, line)
	}
	return true
}

// readCommand reads a command line without its line end and without the
// Telnet interrupt sequence (IAC IP IAC DM) that may precede ABOR.
func (ss *session) readCommand() (string, error) {
	line, err := ss.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	for len(line) > 0 && (line[0] == 0xff || line[0] == 0xf4 || line[0] == 0xf2) {
		line = line[1:]
	}
	return line, nil
}

// reply sends one reply line made by the session.
func (ss *session) reply(line string) {
	ss.write([]byte(line + "\r\n"))
}

// write sends a reply as it is, logging its lines.
func (ss *session) write(raw []byte) {
	for _, l := range strings.SplitAfter(string(raw), "\n") {
		if l != "" {
			ss.s.log.printf("%d < %s", ss.id, strings.TrimRight(l, "\r\n"))
		}
	}
	_, _ = ss.conn.Write(raw)
}

// forward passes a command to the backend and its reply to the client.
func (ss *session) forward(verb, line string) bool {
	code, raw, err := ss.roundTrip(line)
	if err != nil {
		return false
	}
	switch {
	case verb == "PASS" && code == 230:
		ss.loggedIn = true
	case verb == "RNFR" && code == 350:
		ss.renaming = true
	case verb == "FEAT" && code == 211:
		raw = withFeatures(raw, "MDTM", "REST STREAM", "SIZE")
	}
	ss.write(raw)
	return !(verb == "QUIT" && code == 221)
}

// withFeatures adds to a multi-line FEAT reply the features the server
// has but goftp does not list, as real servers list them: SIZE and MDTM,
// which goftp carries out, and REST STREAM, which the session does.
func withFeatures(raw []byte, feats ...string) []byte {
	text := string(raw)
	i := strings.LastIndex(strings.TrimRight(text, "\r\n"), "\n")
	if i < 0 {
		return raw
	}
	var add strings.Builder
	for _, f := range feats {
		if !strings.Contains(text, " "+f+"\r\n") {
			add.WriteString(" " + f + "\r\n")
		}
	}
	return []byte(text[:i+1] + add.String() + text[i+1:])
}

// roundTrip sends a command to the backend and reads its reply, which
// must come within the Server's timeout.
func (ss *session) roundTrip(line string) (int, []byte, error) {
	_ = ss.back.SetWriteDeadline(time.Now().Add(ss.s.timeout))
	if _, err := io.WriteString(ss.back, line+"\r\n"); err != nil {
		return 0, nil, errBackend
	}
	return ss.backendReply(ss.s.timeout)
}

// backendReply reads a reply, all its lines, from the backend, waiting at
// most timeout, or for ever if timeout is zero.
func (ss *session) backendReply(timeout time.Duration) (int, []byte, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	_ = ss.back.SetReadDeadline(deadline)
	code, raw, err := readReply(ss.br)
	if err != nil {
		return 0, nil, errBackend
	}
	return code, raw, nil
}

// readReply reads one reply, single or multi-line, with its line ends.
func readReply(r *bufio.Reader) (int, []byte, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 4 {
		return 0, nil, fmt.Errorf("ftptest: malformed reply %q", line)
	}
	code, err := strconv.Atoi(line[:3])
	if err != nil {
		return 0, nil, fmt.Errorf("ftptest: malformed reply %q", line)
	}
	raw := []byte(line)
	if line[3] == '-' {
		for end := line[:3] + " "; ; {
			l, err := r.ReadString('\n')
			if err != nil {
				return 0, nil, err
			}
			raw = append(raw, l...)
			if strings.HasPrefix(l, end) {
				break
			}
		}
	}
	return code, raw, nil
}

// auth answers AUTH TLS (or SSL, TLS-C) and secures the connection.
func (ss *session) auth(arg string) bool {
	switch strings.ToUpper(arg) {
	case "TLS", "TLS-C", "SSL":
	default:
		ss.reply("504 Unknown AUTH type.")
		return true
	}
	switch {
	case ss.s.TLS == nil:
		ss.reply("550 Action not taken")
		return true
	case ss.secure:
		ss.reply("503 Already using TLS.")
		return true
	}
	ss.reply("234 AUTH command OK")
	return ss.startTLS()
}

// startTLS runs the server side of a TLS handshake on the control
// connection.
func (ss *session) startTLS() bool {
	tc := tls.Server(withPrefix(ss.raw, ss.r), ss.s.TLS)
	_ = ss.raw.SetDeadline(time.Now().Add(ss.s.timeout))
	if err := tc.Handshake(); err != nil {
		ss.s.log.printf("%d : TLS handshake: %v", ss.id, err)
		return false
	}
	_ = ss.raw.SetDeadline(time.Time{})
	ss.conn, ss.r, ss.secure = tc, bufio.NewReader(tc), true
	return true
}

func (ss *session) pbsz() {
	if !ss.secure {
		ss.reply("503 PBSZ needs a secure connection.")
		return
	}
	ss.reply("200 PBSZ=0")
}

func (ss *session) prot(arg string) {
	switch {
	case !ss.secure:
		ss.reply("503 PROT needs a secure connection.")
	case strings.EqualFold(arg, "P"):
		ss.protect = true
		ss.reply("200 PROT now Private.")
	case strings.EqualFold(arg, "C"):
		ss.protect = false
		ss.reply("200 PROT now Clear.")
	case strings.EqualFold(arg, "S"), strings.EqualFold(arg, "E"):
		ss.reply("536 PROT level not supported.")
	default:
		ss.reply("504 Unknown PROT level.")
	}
}
