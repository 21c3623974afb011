package ftptest

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// transferVerbs are the commands that use a data connection; upload
// tells which carry data from the client.
var (
	transferVerbs = map[string]bool{"RETR": true, "STOR": true, "APPE": true, "LIST": true, "NLST": true, "MLSD": true}
	uploadVerbs   = map[string]bool{"STOR": true, "APPE": true}
)

// passive answers PASV and EPSV with a listener of its own on the control
// connection's local address.
func (ss *session) passive(verb, arg string) {
	if !ss.loggedIn {
		ss.reply("530 not logged in")
		return
	}
	if verb == "EPSV" && strings.EqualFold(arg, "ALL") {
		ss.reply("200 EPSV ALL ok.")
		return
	}
	ip := ss.raw.LocalAddr().(*net.TCPAddr).IP
	if verb == "PASV" && ip.To4() == nil {
		ss.reply("550 Action not taken")
		return
	}
	ss.closeData()
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	if err != nil {
		ss.reply("425 Data connection failed")
		return
	}
	if !ss.track(ln) {
		return
	}
	ss.pasv = ln
	port := ln.Addr().(*net.TCPAddr).Port
	if verb == "PASV" {
		ss.reply(PASVReply(ip, port))
	} else {
		ss.reply(fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", port))
	}
}

// active answers PORT and EPRT; the session connects to the client's
// address when a transfer starts. Only loopback addresses are accepted.
func (ss *session) active(verb, arg string) {
	if !ss.loggedIn {
		ss.reply("530 not logged in")
		return
	}
	a, err := ParseActiveArg(arg)
	if err != nil || (verb == "PORT") != (arg != "" && arg[0] >= '0' && arg[0] <= '9') {
		ss.reply("501 Syntax error in parameters or arguments.")
		return
	}
	if !a.IP.IsLoopback() {
		ss.reply("500 Illegal " + verb + " command.")
		return
	}
	ss.closeData()
	ss.port = a
	ss.reply("200 " + verb + " command successful.")
}

// restart answers REST, which applies to the next RETR or STOR.
func (ss *session) restart(arg string) {
	if !ss.loggedIn {
		ss.reply("530 not logged in")
		return
	}
	n, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || n < 0 {
		ss.reply("501 REST needs a non-negative byte offset.")
		return
	}
	ss.rest = n
	ss.reply(fmt.Sprintf("350 Restart position accepted (%d).", n))
}

// closeData forgets the data connection set up by PASV, EPSV, PORT or
// EPRT.
func (ss *session) closeData() {
	if ss.pasv != nil {
		ss.release(ss.pasv)
	}
	ss.pasv, ss.port = nil, nil
}

// transfer runs a command that uses a data connection. The backend gets a
// data connection to the session (EPRT) and, if REST came before, the
// offset; once it has sent its preliminary reply, the session accepts or
// makes the client's data connection and relays the data between the two.
func (ss *session) transfer(verb, line string) bool {
	if !ss.loggedIn {
		return ss.forward(verb, line) // the backend says 530
	}
	rest := ss.rest
	ss.rest = 0
	pasv, port := ss.pasv, ss.port
	ss.pasv, ss.port = nil, nil
	if pasv == nil && port == nil {
		ss.reply("425 Use PORT or PASV first.")
		return true
	}
	if pasv != nil {
		defer ss.release(pasv)
	}
	back, err := ss.backendData()
	if err == errBackend {
		return false
	}
	if err != nil {
		ss.reply("425 Can't open data connection.")
		return true
	}
	defer ss.release(back)
	if rest > 0 && (verb == "RETR" || verb == "STOR") {
		if _, _, err := ss.roundTrip(fmt.Sprintf("REST %d", rest)); err != nil {
			return false
		}
	}
	code, raw, err := ss.roundTrip(line)
	if err != nil {
		return false
	}
	ss.write(raw)
	if code/100 != 1 {
		return true
	}
	client, err := ss.openData(pasv, port)
	if err != nil {
		back.Close() // the backend's transfer fails or ends unseen
		if _, _, err := ss.backendReply(ss.s.timeout); err != nil {
			return false
		}
		ss.reply("425 Can't open data connection.")
		return true
	}
	defer ss.release(client)
	x := ss.newRelay(verb, client, back)
	go x.run()
	code, raw, err = ss.backendReply(0)
	if err != nil || code/100 != 2 {
		x.abort()
	}
	<-x.done
	if err != nil {
		return false
	}
	if x.failed && code/100 == 2 {
		if x.cutAt >= 0 {
			ss.s.log.printf("%d : data connection reset after %d bytes", ss.id, x.n)
		}
		if x.upload {
			raw = []byte("426 Failure reading network stream.\r\n")
		} else {
			raw = []byte("426 Failure writing network stream.\r\n")
		}
	}
	ss.write(raw)
	return true
}

// backendData gives the backend session a data connection to the session
// (EPRT) and returns the session's end.
func (ss *session) backendData() (*net.TCPConn, error) {
	ip := ss.s.backendIP
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	af := 1
	if ip.To4() == nil {
		af = 2
	}
	code, raw, err := ss.roundTrip(fmt.Sprintf("EPRT |%d|%s|%d|", af, ip, ln.Addr().(*net.TCPAddr).Port))
	if err != nil {
		return nil, err
	}
	if code != 200 {
		return nil, fmt.Errorf("ftptest: backend EPRT: %s", raw)
	}
	_ = ln.SetDeadline(time.Now().Add(ss.s.timeout))
	c, err := ln.AcceptTCP()
	if err != nil {
		return nil, err
	}
	if !ss.track(c) {
		return nil, errBackend
	}
	return c, nil
}

// openData accepts the client's passive data connection or connects to
// its active address.
func (ss *session) openData(pasv *net.TCPListener, port *net.TCPAddr) (*net.TCPConn, error) {
	var c *net.TCPConn
	var err error
	if pasv != nil {
		_ = pasv.SetDeadline(time.Now().Add(ss.s.timeout))
		c, err = pasv.AcceptTCP()
	} else {
		d := net.Dialer{Timeout: ss.s.timeout}
		var nc net.Conn
		if nc, err = d.Dial("tcp", port.String()); err == nil {
			c = nc.(*net.TCPConn)
		}
	}
	if err != nil {
		return nil, err
	}
	if !ss.track(c) {
		return nil, errBackend
	}
	return c, nil
}
