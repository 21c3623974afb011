package ftptest

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// A FakeData is a passive-mode data listener opened by FakeConn.Passive.
type FakeData struct {
	// Addr is the listening address, on the control connection's local IP.
	Addr *net.TCPAddr

	c  *FakeConn
	ln *net.TCPListener
}

// Passive listens for one data connection on the control connection's
// local IP (127.0.0.1 or ::1) and an ephemeral port. The listener is closed
// with the FakeConn. It returns nil, after reporting a test error, if it
// cannot listen.
func (c *FakeConn) Passive() *FakeData {
	ip := c.raw.LocalAddr().(*net.TCPAddr).IP
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	if err != nil {
		c.f.tb.Errorf("ftptest: passive listen: %v", err)
		return nil
	}
	c.track(ln)
	return &FakeData{Addr: ln.Addr().(*net.TCPAddr), c: c, ln: ln}
}

// PASVReply returns a 227 reply advertising the listener's address.
func (d *FakeData) PASVReply() string {
	return PASVReply(d.Addr.IP, d.Addr.Port)
}

// EPSVReply returns a 229 reply advertising the listener's port.
func (d *FakeData) EPSVReply() string {
	return fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", d.Addr.Port)
}

// PASVReply formats a 227 reply for ip and port, for a test that wants to
// advertise an address other than the one it listens on. ip must be IPv4.
func PASVReply(ip net.IP, port int) string {
	ip4 := ip.To4()
	if ip4 == nil {
		ip4 = net.IPv4zero.To4()
	}
	return fmt.Sprintf("227 Entering Passive Mode (%d,%d,%d,%d,%d,%d).",
		ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
}

// Accept waits for the client's data connection, bounded by the FakeConn's
// Timeout, then stops listening.
func (d *FakeData) Accept() (net.Conn, error) {
	if t := d.c.deadline(); !t.IsZero() {
		_ = d.ln.SetDeadline(t)
	}
	conn, err := d.ln.Accept()
	d.ln.Close()
	if err != nil {
		return nil, err
	}
	d.c.track(conn)
	return conn, nil
}

// Close stops listening.
func (d *FakeData) Close() error { return d.ln.Close() }

// ActiveDial connects to the address in a PORT argument ("h1,h2,h3,h4,p1,p2")
// or an EPRT argument ("|1|127.0.0.1|port|"), bounded by the FakeConn's
// Timeout. It refuses addresses that are not loopback. The connection is
// closed with the FakeConn.
func (c *FakeConn) ActiveDial(arg string) (net.Conn, error) {
	addr, err := ParseActiveArg(arg)
	if err != nil {
		return nil, err
	}
	if !addr.IP.IsLoopback() {
		return nil, errNotLoopback
	}
	d := net.Dialer{}
	if t := c.timeout(); t > 0 {
		d.Timeout = t
	}
	conn, err := d.Dial("tcp", addr.String())
	if err != nil {
		return nil, err
	}
	c.track(conn)
	return conn, nil
}

// ParseActiveArg parses the argument of a PORT ("h1,h2,h3,h4,p1,p2") or
// EPRT ("|af|addr|port|", any delimiter) command.
func ParseActiveArg(arg string) (*net.TCPAddr, error) {
	arg = strings.TrimSpace(arg)
	if arg == "" {
		return nil, errors.New("ftptest: empty PORT/EPRT argument")
	}
	if c := arg[0]; c < '0' || c > '9' {
		f := strings.Split(arg, string(c))
		if len(f) != 5 || f[4] != "" {
			return nil, fmt.Errorf("ftptest: bad EPRT argument %q", arg)
		}
		ip := net.ParseIP(f[2])
		port, err := strconv.Atoi(f[3])
		if ip == nil || err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("ftptest: bad EPRT argument %q", arg)
		}
		return &net.TCPAddr{IP: ip, Port: port}, nil
	}
	f := strings.Split(arg, ",")
	if len(f) != 6 {
		return nil, fmt.Errorf("ftptest: bad PORT argument %q", arg)
	}
	var n [6]int
	for i, s := range f {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || v > 255 {
			return nil, fmt.Errorf("ftptest: bad PORT argument %q", arg)
		}
		n[i] = v
	}
	ip := net.IPv4(byte(n[0]), byte(n[1]), byte(n[2]), byte(n[3]))
	return &net.TCPAddr{IP: ip, Port: n[4]<<8 | n[5]}, nil
}
