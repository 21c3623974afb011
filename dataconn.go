package ftp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// openPassive asks for a passive data address (EPSV, else PASV) and
// connects to it, before the transfer command is sent (as ftplib does).
func (c *Conn) openPassive(ctx context.Context) (net.Conn, error) {
	peer := c.raw.RemoteAddr().(*net.TCPAddr)
	peerIP, _ := netip.AddrFromSlice(peer.IP)
	peerIP = peerIP.Unmap()
	port, host := 0, peerIP
	if !c.cfg.disableEPSV && !c.epsvFailed {
		r, err := c.cmd(ctx, "EPSV")
		var fe *Error
		switch {
		case err == nil && r.Code == 229:
			p, ok := parse229(r.Text)
			if !ok {
				return nil, protocolError("EPSV", "malformed 229 reply: "+r.Text)
			}
			port = p
		case err == nil:
			return nil, unexpected("EPSV", r)
		case errors.As(err, &fe) && fe.Code/100 == 5 && peerIP.Is4():
			c.epsvFailed = true // remembered: later transfers go straight to PASV
		default:
			return nil, err
		}
	}
	if port == 0 {
		if !peerIP.Is4() {
			return nil, protocolError("PASV", "PASV cannot be used over IPv6 and EPSV is disabled or refused")
		}
		r, err := c.cmd(ctx, "PASV")
		if err != nil {
			return nil, err
		}
		if r.Code != 227 {
			return nil, unexpected("PASV", r)
		}
		ip, p, ok := parse227(r.Text)
		if !ok {
			return nil, protocolError("PASV", "malformed or out-of-range 227 reply: "+r.Text)
		}
		port = p
		if c.cfg.trustPASV {
			host = ip
		}
	}
	d := net.Dialer{Timeout: c.cfg.timeout}
	if la, ok := c.cfg.dialer.LocalAddr.(*net.TCPAddr); ok {
		d.LocalAddr = &net.TCPAddr{IP: la.IP, Zone: la.Zone}
	}
	nc, err := d.DialContext(ctx, "tcp", netip.AddrPortFrom(host, uint16(port)).String())
	if err != nil {
		return nil, fmt.Errorf("ftp: data connection: %w", err)
	}
	return nc, nil
}

// openActive listens on the control connection's local address (not the
// wildcard) and announces it with PORT, or EPRT on IPv6.
func (c *Conn) openActive(ctx context.Context) (*net.TCPListener, error) {
	local := c.raw.LocalAddr().(*net.TCPAddr)
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: local.IP, Zone: local.Zone})
	if err != nil {
		return nil, fmt.Errorf("ftp: active mode listener: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	var cmd string
	if ip4 := local.IP.To4(); ip4 != nil {
		cmd = fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
	} else {
		cmd = "EPRT |2|" + local.IP.String() + "|" + strconv.Itoa(port) + "|"
	}
	if _, err := c.voidCmd(ctx, cmd); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// accept waits, bounded by ctx and the timeout, for the server's data
// connection, and refuses one from an address other than the control
// connection's peer (as Commons Net's remote verification does).
func (c *Conn) accept(ctx context.Context, ln *net.TCPListener) (net.Conn, error) {
	ln.SetDeadline(c.deadline(ctx))
	stop := onCancel(ctx, func() { ln.Close() })
	defer stop()
	nc, err := ln.AcceptTCP()
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("ftp: waiting for the server's data connection: %w", err)
	}
	want := c.raw.RemoteAddr().(*net.TCPAddr).IP
	if got := nc.RemoteAddr().(*net.TCPAddr).IP; !got.Equal(want) {
		nc.Close()
		return nil, protocolError("", "data connection from "+got.String()+", not the server "+want.String())
	}
	return nc, nil
}

// isUpload reports whether a transfer command sends data to the server.
func isUpload(cmd string) bool {
	verb, _, _ := strings.Cut(cmd, " ")
	switch strings.ToUpper(verb) {
	case "STOR", "STOU", "APPE":
		return true
	}
	return false
}
