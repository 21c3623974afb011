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
	return c.startTransfer(ctx, cmd, offset, false)
}

// startTransfer is transfer; sent says that a batch already sent cmd
// with its EPSV (batch.go), whose replies are next. Such a transfer
// cannot start again step by step: a refused EPSV fails it with
// errUnpipelined.
func (c *Conn) startTransfer(ctx context.Context, cmd string, offset int64, sent bool) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand
	}
	var (
		nc  net.Conn
		ln  *net.TCPListener
		err error
	)
	pipelined := sent || c.passive && offset == 0 && c.canPipeline()
	if pipelined {
		nc, err = c.openPipelined(ctx, cmd, sent)
		if err == errUnpipelined && !sent {
			pipelined = false // EPSV refused; cmd's reply read: again, step by step
		}
	}
	switch {
	case pipelined:
	case c.passive:
		nc, err = c.openPassive(ctx, cmd)
	default:
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
	var r Reply
	if pipelined {
		// cmd went with EPSV: its reply is next.
		if r, err = c.read(ctx, cmd); err == nil {
			err = replyError(cmd, r)
		}
	} else {
		r, err = c.cmd(ctx, cmd)
	}
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
			return nil, c.resync(ctx, err, "")
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
			return nil, c.resync(ctx, err, "")
		}
	}
	d := &DataConn{
		c:      c,
		ctx:    ctx,
		tcp:    nc,
		tls:    tc,
		eofc:   ec,
		size:   parse150(r.Text),
		expect: -1,
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

// canPipeline reports whether a passive transfer may send EPSV and the
// transfer command together: EPSV is known to work (the server listed it
// in FEAT, or answered it before), and neither WithoutPipelining nor an
// EPSV failure stopped it.
func (c *Conn) canPipeline() bool {
	return !c.cfg.noPipelining && !c.cfg.disableEPSV && !c.epsvFailed && !c.noPipeline &&
		(c.epsvOK || c.feat.Has("EPSV"))
}

// openPipelined sends EPSV and cmd in one write, reads the 229 reply and
// connects to the data port, while the server already has cmd: the
// transfer starts one round trip sooner than when cmd waits for the data
// connection. The caller reads cmd's reply. If the server refuses EPSV,
// cmd's reply (the server answers it without a data connection) is
// read, this session sends its commands one at a time from then on, and
// the result is errUnpipelined: the caller starts the transfer again,
// step by step (PASV after a refused EPSV, as without pipelining). A
// passing failure of EPSV (a 4xx reply, such as pure-ftpd's 425 when
// another session took the passive port it picked) fails this transfer
// only, if the session's last pipelined EPSV worked: otherwise it too
// ends pipelining on this session. With sent, a batch has sent both
// already.
func (c *Conn) openPipelined(ctx context.Context, cmd string, sent bool) (net.Conn, error) {
	if !sent {
		if err := c.send(ctx, "EPSV", cmd); err != nil {
			return nil, err
		}
	}
	r, err := c.read(ctx, "EPSV")
	worked := c.pipeOK
	c.pipeOK = false
	if err == nil && r.Code == 229 {
		port, ok := parse229(r.Text)
		if ok {
			c.pipeOK = true
			nc, err := c.dialData(ctx, cmd, c.peerIP(), port)
			if err != nil {
				// The server may have refused cmd at once and closed
				// its port: then its reply is the reason.
				return nil, c.resync(ctx, err, cmd)
			}
			return nc, nil
		}
		err = protocolError("EPSV", "malformed 229 reply: "+r.Text)
	} else if err == nil {
		if err = replyError("EPSV", r); err == nil {
			err = unexpected("EPSV", r)
		}
	}
	var fe *Error
	passing := errors.As(err, &fe) && fe.Code/100 == 4
	if !passing || !worked {
		c.noPipeline = true
	}
	if c.closed.Load() {
		return nil, err
	}
	refused := errors.As(err, &fe) && fe.Code/100 == 5
	if refused && c.peerIP().Is4() {
		c.epsvFailed = true // as openPassive does: PASV from now on
	}
	if err = c.resync(ctx, err, ""); refused && !c.closed.Load() {
		return nil, errUnpipelined
	}
	return nil, err
}

// errUnpipelined is openPipelined's outcome when EPSV was refused and the
// session is in step, for the transfer to be started again step by step.
var errUnpipelined = errors.New("ftp: EPSV refused in a pipeline")

// peerIP is the address of the control connection's peer, to which
// passive data connections go unless WithTrustedPASVAddress says
// otherwise.
func (c *Conn) peerIP() netip.Addr {
	peer := c.raw.RemoteAddr().(*net.TCPAddr)
	ip, _ := netip.AddrFromSlice(peer.IP)
	return ip.Unmap()
}

// dialData connects a passive data connection for cmd to host:port,
// from the source address of WithLocalAddr, and tracks it for Close.
func (c *Conn) dialData(ctx context.Context, cmd string, host netip.Addr, port int) (net.Conn, error) {
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

// openPassive asks for a passive data address (EPSV, else PASV) and
// connects to it, before the transfer command cmd is sent (as ftplib
// does).
func (c *Conn) openPassive(ctx context.Context, cmd string) (net.Conn, error) {
	peerIP := c.peerIP()
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
			c.epsvOK = true
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
	return c.dialData(ctx, cmd, host, port)
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
// all: the Conn is closed. If cmd is not empty and the reply refuses it
// (4xx, 5xx), that refusal is the error: a server that refused a
// pipelined command at once closed its data port, which made the
// connection fail.
func (c *Conn) resync(callCtx context.Context, cause error, cmd string) error {
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
	if cmd != "" {
		if rerr := replyError(cmd, r); rerr != nil {
			return rerr
		}
	}
	return fmt.Errorf("%w (server: %s)", cause, r.Text)
}
