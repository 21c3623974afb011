package ftp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Opening data connections: passive (EPSV, PASV) or active (PORT,
// EPRT), the transfer command and its 1xx reply, TLS on the data
// connection, and resynchronising after a failure to open one.

// transfer opens a data connection, sends REST offset when offset is
// positive, sends cmd and returns the data connection once the server
// has answered 1xx, for a caller holding the session. A 2xx reply
// before the 1xx is skipped, as ftplib does.
func (c *Conn) transfer(ctx context.Context, cmd string, offset int64) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand
	}
	var (
		nc  net.Conn
		ln  *net.TCPListener
		err error
	)
	if c.passive {
		nc, err = c.openPassive(ctx, cmd)
	} else {
		ln, err = c.openActive(ctx)
	}
	if err != nil {
		return nil, err
	}
	if ln != nil {
		defer func() {
			c.untrack(ln)
			ln.Close()
		}()
	}
	fail := func(err error) (*DataConn, error) {
		if nc != nil {
			c.untrack(nc)
			nc.Close()
		}
		return nil, err
	}
	if offset > 0 {
		if _, err := c.cmd(ctx, "REST "+strconv.FormatInt(offset, 10)); err != nil {
			return fail(err)
		}
	}
	r, err := c.cmd(ctx, cmd)
	if err == nil && r.kind() == '2' {
		if r, err = c.read(ctx, cmd); err == nil {
			err = replyError(cmd, r)
		}
	}
	if err != nil {
		return fail(err)
	}
	if r.kind() != '1' {
		return fail(unexpected(cmd, r))
	}
	// From here the server owes a completion reply: on failure, read it
	// so the session stays in step.
	if ln != nil {
		if nc, err = c.accept(ctx, ln, cmd); err != nil {
			return nil, c.resync(ctx, err)
		}
	}
	var (
		tc *tls.Conn
		ec *eofConn
	)
	if c.protP {
		ec = &eofConn{Conn: nc}
		if tc, err = c.secureData(ctx, ec); err != nil {
			c.untrack(nc)
			nc.Close()
			return nil, c.resync(ctx, err)
		}
	}
	d := &DataConn{
		c:      c,
		ctx:    ctx,
		tcp:    nc,
		tls:    tc,
		eofc:   ec,
		size:   parse150(r.Text),
		offset: offset,
		upload: isUpload(cmd),
		binary: c.typ == "I",
		cmd:    cmd,
		start:  r,
	}
	d.nc = nc
	if tc != nil {
		d.nc = tc
	}
	d.stop = onCancel(ctx, func() { d.nc.SetDeadline(time.Unix(1, 0)) })
	return d, nil
}

// isUpload reports whether a transfer command sends data to the server.
func isUpload(cmd string) bool {
	switch strings.ToUpper(verb(cmd)) {
	case "STOR", "STOU", "APPE":
		return true
	}
	return false
}

// openPassive asks for a passive data address (EPSV, else PASV) and
// connects to it, before the transfer command cmd is sent (as ftplib
// does).
func (c *Conn) openPassive(ctx context.Context, cmd string) (net.Conn, error) {
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
		return nil, c.netError(ctx, cmd, "data", err)
	}
	if !c.track(nc) {
		return nil, ErrClosed
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
	if !c.track(ln) {
		return nil, ErrClosed
	}
	port := ln.Addr().(*net.TCPAddr).Port
	var cmd string
	if ip4 := local.IP.To4(); ip4 != nil {
		cmd = fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
	} else {
		cmd = "EPRT |2|" + local.IP.String() + "|" + strconv.Itoa(port) + "|"
	}
	if _, err := c.voidCmd(ctx, cmd); err != nil {
		c.untrack(ln)
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// accept waits, bounded by ctx and the timeout, for the server's data
// connection for cmd, and refuses one from an address other than the
// control connection's peer (as Commons Net's remote verification does).
func (c *Conn) accept(ctx context.Context, ln *net.TCPListener, cmd string) (net.Conn, error) {
	ln.SetDeadline(c.deadline(ctx))
	stop := onCancel(ctx, func() { ln.Close() })
	defer stop()
	nc, err := ln.AcceptTCP()
	if err != nil {
		return nil, c.netError(ctx, cmd, "data", fmt.Errorf("waiting for the server's data connection: %w", err))
	}
	want := c.raw.RemoteAddr().(*net.TCPAddr).IP
	if got := nc.RemoteAddr().(*net.TCPAddr).IP; !got.Equal(want) {
		nc.Close()
		return nil, protocolError(cmd, "data connection from "+got.String()+", not the server "+want.String())
	}
	if !c.track(nc) {
		return nil, ErrClosed
	}
	return nc, nil
}

// resync reads the reply the server owes after a failed data connection,
// within a short bound that never outlasts callCtx, and closes the Conn
// if it does not come. When callCtx is already done it does not wait at
// all: the Conn is closed.
func (c *Conn) resync(callCtx context.Context, cause error) error {
	bound := time.Now().Add(min(c.cfg.timeout, 5*time.Second))
	if dl, ok := callCtx.Deadline(); ok && dl.Before(bound) {
		bound = dl
	}
	if callCtx.Err() != nil || !time.Now().Before(bound) {
		c.Close()
		return cause
	}
	ctx, cancel := context.WithDeadline(context.Background(), bound)
	defer cancel()
	r, err := c.read(ctx, "")
	if err != nil {
		c.Close()
		return cause
	}
	return fmt.Errorf("%w (server: %s)", cause, r.Text)
}
