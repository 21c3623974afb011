package ftp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Server-to-server copies (FXP): one server listens, the other connects
// to it, and the file passes between them, never through the client.

// A CopyOption adjusts Copy.
type CopyOption func(*copyConfig)

type copyConfig struct {
	passiveSource bool
	fixed         bool
}

// WithPassiveSource makes the source server the passive one first (it
// gets PASV, the destination PORT), as ftplib's ftpcp always does and
// lftp does with ftp:fxp-passive-source. By default the destination is
// passive first, as in lftp.
func WithPassiveSource() CopyOption {
	return func(c *copyConfig) { c.passiveSource = true }
}

// WithFixedDirection makes Copy try only its first choice of passive
// server. By default a copy that fails at setup is tried once more with
// the other server passive, as lftp does.
func WithFixedDirection() CopyOption {
	return func(c *copyConfig) { c.fixed = true }
}

// Copy copies the file srcPath on src's server to dstPath on dst's
// server, from server to server (FXP; ftplib's ftpcp): the data never
// passes through the client. Both sessions switch to TYPE I. One
// server is made passive (PASV, or EPSV on IPv6); the other gets PORT
// (EPRT on IPv6) naming the passive server's port at the address of
// the client's own control connection to it, never the address in the
// PASV reply, which a hostile server could point at a third host (the
// SSRF of CPython's ftpcp, CVE-2026-8328; WithTrustedPASVAddress does
// not change this). STOR is sent to dst before RETR to src. Copy
// returns nil only when both servers have confirmed their half of the
// transfer with a 2xx reply and, where they tell it (the 150 reply to
// RETR, SIZE), the copy is as long as the source: a server can take a
// data connection cut short for the end of the file (ErrShortTransfer).
//
// By default dst is passive, as in lftp; WithPassiveSource makes src
// passive, as in ftpcp. If that fails at setup (a server refuses PASV,
// PORT, EPRT or SSCN; a transfer command draws 425; or the passive
// server never takes the other's data connection), Copy tries once more
// with the other server passive, unless WithFixedDirection is given;
// the error then reports both attempts. Copy never falls back to a copy
// through the client. Servers refuse server-to-server transfers unless
// configured for them (vsftpd pasv_promiscuous and port_promiscuous,
// proftpd AllowForeignAddress, pure-ftpd -w, pyftpdlib
// permit_foreign_addresses): the error matches ErrPermanent or
// ErrTemporary and carries the server's text, wrapped with the server
// ("source" or "destination") and the passive side. pure-ftpd drops a
// refused data connection without a word and waits on: that costs the
// timeout, and is reported as an *OpError.
//
// When both sessions protect their data (PROT P), so is the data
// connection between the servers, and one server must be its TLS
// client: dst if it can, else src, with CPSV (a passive server that
// lists CPSV in FEAT) or SSCN ON (turned off again after the copy). If
// neither server offers either, Copy sends no transfer command and
// returns an error matching ErrFeatureNotSupported; if only one session
// protects its data, an error too. The other server acts as TLS server
// to a client that cannot resume the client's TLS session, which
// vsftpd (require_ssl_reuse) and proftpd refuse by default.
//
// Copy holds both sessions until it returns: ErrBusy if either is in
// use, and src and dst must be different Conns. The servers say nothing
// while the file moves, so only ctx bounds the transfer itself; the
// timeout (WithTimeout) bounds each reply before it, and once one
// server has given its completion reply, the other has the timeout to
// give its own. On a failure or the end of ctx, each server still busy
// with the transfer, or whose transfer failed, gets ABOR, then NOOP. A
// passive server gets a data connection from the client first, since
// one still waiting for its data connection reads no command (vsftpd,
// pure-ftpd, proftpd) or runs the transfer on the session's next data
// connection even after ABOR (pyftpdlib); an upload it was waiting for
// then ends empty. A session that does not answer within the timeout
// (at most 10 seconds) is closed; the others stay usable. A failed copy
// may leave dstPath partial or empty: Copy deletes nothing.
func Copy(ctx context.Context, dst *Conn, dstPath string, src *Conn, srcPath string, opts ...CopyOption) error {
	var cfg copyConfig
	for _, o := range opts {
		o(&cfg)
	}
	if dst == src {
		return fmt.Errorf("ftp: Copy needs two sessions, not the same Conn twice: %w", ErrBusy)
	}
	if strings.ContainsAny(dstPath+srcPath, "\r\n\x00") {
		return ErrInvalidCommand
	}
	if err := dst.acquire(); err != nil {
		return err
	}
	defer dst.release()
	if err := src.acquire(); err != nil {
		return err
	}
	defer src.release()
	x := &fxp{
		dst: &fxpSide{c: dst, name: "destination", cmd: "STOR " + dstPath, path: dstPath},
		src: &fxpSide{c: src, name: "source", cmd: "RETR " + srcPath, path: srcPath},
	}
	return x.copy(ctx, cfg)
}

// fxp is one Copy in progress.
type fxp struct {
	dst, src *fxpSide
	last     time.Time // when the last transfer command was sent or reply came
}

// fxpSide is one server of a Copy.
type fxpSide struct {
	c    *Conn
	name string // "source" or "destination"
	cmd  string // the transfer command
	path string

	// The state of one attempt.
	passive  bool
	pasv     string     // the passive command, on the passive side
	port     int        // the passive port, on the passive side
	sent     bool       // the transfer command was sent
	started  bool       // its 1xx reply came
	done     bool       // its final reply came, or the exchange ended otherwise
	stuck    bool       // no reply within the timeout
	failed   bool       // the final reply refused the transfer
	running  bool       // the transfer was running when aborted
	start    Reply      // the 1xx reply
	verdict  Reply      // the final reply, if any (after an abort, the first one)
	ready    chan error // the wait for the next reply, nil when none runs
	deadline time.Time  // the read deadline of that wait
	abortBy  time.Time  // the end of its abort
}

func (x *fxp) sides() []*fxpSide { return []*fxpSide{x.dst, x.src} }

// tlsRole says which server is the TLS client of the data connection,
// and how: "CPSV" (its passive command) or "SSCN ON".
type tlsRole struct {
	side *fxpSide
	cmd  string
}

// copy runs the attempts of a Copy, holding both sessions.
func (x *fxp) copy(ctx context.Context, cfg copyConfig) error {
	protect := x.dst.c.protP
	if x.src.c.protP != protect {
		p, q := x.dst, x.src
		if !protect {
			p, q = q, p
		}
		return fmt.Errorf("ftp: copy: the %s's session protects its data connections (PROT P) and the %s's does not", p.name, q.name)
	}
	for _, s := range x.sides() {
		if err := s.c.setType(ctx, "I"); err != nil {
			return fmt.Errorf("ftp: copy: %s: %w", s.name, err)
		}
	}
	type plan struct {
		passiveSource bool
		role          tlsRole
	}
	var plans []plan
	for i, ps := range []bool{cfg.passiveSource, !cfg.passiveSource} {
		if i > 0 && cfg.fixed {
			break
		}
		var role tlsRole
		if protect {
			var err error
			if role, err = x.tlsRole(ctx, ps); err != nil {
				return err
			}
			if role.side == nil {
				continue
			}
		}
		plans = append(plans, plan{ps, role})
	}
	if len(plans) == 0 {
		return fmt.Errorf("ftp: copy over TLS: one server must be the TLS client of the data connection, and neither offers CPSV or SSCN: %w", ErrFeatureNotSupported)
	}
	var errs []error
	for i, p := range plans {
		retry, err := x.attempt(ctx, p.passiveSource, p.role)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
		if !retry || i == len(plans)-1 || ctx.Err() != nil || x.dst.c.closed.Load() || x.src.c.closed.Load() {
			break
		}
		x.dst.c.cfg.debug.print(1, "warn", "server-to-server copy failed at setup; trying with the other server passive")
	}
	if len(errs) == 2 {
		return fmt.Errorf("%w; then %w", errs[0], errs[1])
	}
	return errs[0]
}

// tlsRole chooses the TLS client of the data connection with the source
// passive or not: the destination if it can, else the source. Its zero
// value means that neither can.
func (x *fxp) tlsRole(ctx context.Context, passiveSource bool) (tlsRole, error) {
	for _, s := range x.sides() {
		f, err := s.c.features(ctx)
		if err != nil {
			return tlsRole{}, fmt.Errorf("ftp: copy: %s: %w", s.name, err)
		}
		passive := (s == x.src) == passiveSource
		switch {
		case passive && f.Has("CPSV") && peerAddr(s.c).Is4():
			return tlsRole{s, "CPSV"}, nil
		case f.Has("SSCN"):
			return tlsRole{s, "SSCN ON"}, nil
		}
	}
	return tlsRole{}, nil
}

// attempt copies once with the given passive server. retry reports a
// failure at setup, after which the other direction may work.
func (x *fxp) attempt(ctx context.Context, passiveSource bool, role tlsRole) (retry bool, err error) {
	p, a := x.dst, x.src
	if passiveSource {
		p, a = a, p
	}
	for _, s := range x.sides() {
		*s = fxpSide{c: s.c, name: s.name, cmd: s.cmd, path: s.path}
	}
	p.passive = true
	wrap := func(s *fxpSide, err error) error {
		return fmt.Errorf("ftp: copy (%s passive): %s: %w", p.name, s.name, err)
	}
	if role.cmd == "SSCN ON" {
		if _, err := role.side.c.voidCmd(ctx, "SSCN ON"); err != nil {
			return isReplyError(err), wrap(role.side, err)
		}
		defer func() {
			if e := sscnOff(role.side.c); e != nil {
				e = wrap(role.side, fmt.Errorf("restoring SSCN OFF (session closed): %w", e))
				if err == nil {
					err = e
				} else {
					err = fmt.Errorf("%w; %w", err, e)
				}
			}
		}()
	}
	addr, err := x.passive(ctx, p, role.side == p && role.cmd == "CPSV")
	if err != nil {
		return isReplyError(err), wrap(p, err)
	}
	if _, err := a.c.voidCmd(ctx, activeCommand(addr, !peerAddr(a.c).Is4())); err != nil {
		return isReplyError(err), wrap(a, err)
	}

	// STOR first: the destination must be ready for the data before the
	// source sends it. An active destination answers once it has
	// connected to the source, whose kernel accepts before RETR: wait for
	// that answer (as ftpcp does), so that a refused STOR starts no RETR.
	// A passive destination answers only once the source has connected
	// (vsftpd, pure-ftpd, proftpd), after RETR.
	if err := x.send(ctx, x.dst); err != nil {
		return false, wrap(x.dst, err)
	}
	if !x.dst.passive {
		if s, err := x.wait(ctx, func() bool { return x.dst.started || x.dst.done }); err != nil {
			return x.retry(p, s, err), x.failure(p, s, err)
		}
	}
	if err := x.send(ctx, x.src); err != nil {
		x.abortAll()
		return false, wrap(x.src, err)
	}
	if s, err := x.wait(ctx, func() bool { return x.dst.done && x.src.done }); err != nil {
		return x.retry(p, s, err), x.failure(p, s, err)
	}
	if err := x.verify(ctx); err != nil {
		return false, fmt.Errorf("ftp: copy (%s passive): %w", p.name, err)
	}
	return false, nil
}

// verify compares the size of the copy with the source's (from the 150
// reply to RETR, else SIZE), when both servers tell it: a server can
// take a cut-off data connection for the end of the file, and does
// (pyftpdlib receiving from proftpd over TLS).
func (x *fxp) verify(ctx context.Context) error {
	size := func(s *fxpSide) (int64, error) {
		n, err := s.c.size(ctx, s.path)
		if isReplyError(err) {
			s.c.cfg.debug.print(1, "warn", "the size of the copy is not verified: "+err.Error())
			return -1, nil
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", s.name, err)
		}
		return n, err
	}
	want := parse150(x.src.start.Text)
	if want < 0 {
		var err error
		if want, err = size(x.src); want < 0 {
			return err
		}
	}
	got, err := size(x.dst)
	if got < 0 || got == want {
		return err
	}
	return fmt.Errorf("%w: the destination has %d bytes of %s, the source %d", ErrShortTransfer, got, x.dst.path, want)
}

// passive sends the passive command to p and returns the address for
// the active server: p's control peer with the announced port.
func (x *fxp) passive(ctx context.Context, p *fxpSide, cpsv bool) (netip.AddrPort, error) {
	peer := peerAddr(p.c)
	cmd := "PASV"
	switch {
	case cpsv:
		cmd = "CPSV"
	case !peer.Is4():
		cmd = "EPSV"
	}
	p.pasv = cmd
	r, err := p.c.cmd(ctx, cmd)
	if err != nil {
		return netip.AddrPort{}, err
	}
	var ok bool
	switch {
	case cmd == "EPSV" && r.Code == 229:
		if p.port, ok = parse229(r.Text); !ok {
			return netip.AddrPort{}, protocolError(cmd, "malformed 229 reply: "+r.Text)
		}
	case cmd != "EPSV" && r.Code == 227:
		var ip netip.Addr
		if ip, p.port, ok = parse227(r.Text); !ok {
			return netip.AddrPort{}, protocolError(cmd, "malformed or out-of-range 227 reply: "+r.Text)
		}
		if ip != peer {
			p.c.cfg.debug.print(1, "warn", "the "+cmd+" reply names "+ip.String()+"; the other server gets the control connection's peer "+peer.String())
		}
	default:
		return netip.AddrPort{}, unexpected(cmd, r)
	}
	return netip.AddrPortFrom(peer, uint16(p.port)), nil
}

// activeCommand is the PORT command for addr, or EPRT for an IPv6
// address or when ext (the active server's control connection is IPv6).
func activeCommand(addr netip.AddrPort, ext bool) string {
	ip, port := addr.Addr(), int(addr.Port())
	if ip.Is4() && !ext {
		b := ip.As4()
		return fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", b[0], b[1], b[2], b[3], port>>8, port&0xff)
	}
	af := "2"
	if ip.Is4() {
		af = "1"
	}
	return "EPRT |" + af + "|" + ip.String() + "|" + strconv.Itoa(port) + "|"
}

// peerAddr is the address of c's server, as the control connection
// reaches it.
func peerAddr(c *Conn) netip.Addr {
	return c.raw.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap().WithZone("")
}

// isReplyError reports whether err is a reply the server gave (a refusal,
// an unexpected or malformed reply), not a broken session.
func isReplyError(err error) bool {
	var fe *Error
	return errors.As(err, &fe) && !errors.Is(err, ErrLineTooLong)
}

// retry reports whether the failure err of side s (nil when the context
// ended) happened before any data connection was made: a 425, the
// passive server's silence, or the active server's 426 while the
// passive server never took its connection; and no server refused its
// transfer command otherwise.
func (x *fxp) retry(p, s *fxpSide, err error) bool {
	for _, o := range x.sides() {
		if o.failed && o.verdict.Code != 425 && o.verdict.Code != 426 {
			return false
		}
	}
	var fe *Error
	switch {
	case s == nil:
		return false
	case errors.As(err, &fe) && fe.Code == 425:
		return true
	case p.started:
		return false
	case s == p:
		return s.stuck
	}
	return fe != nil && fe.Code == 426
}

// failure describes the failure err of side s (nil when the context
// ended), with what the other server said last.
func (x *fxp) failure(p, s *fxpSide, err error) error {
	if s == nil {
		err = fmt.Errorf("ftp: copy (%s passive): %w", p.name, err)
	} else {
		err = fmt.Errorf("ftp: copy (%s passive): %s: %w", p.name, s.name, err)
	}
	for _, o := range x.sides() {
		if o != s && o.verdict.Text != "" {
			err = fmt.Errorf("%w (%s: %s)", err, o.name, o.verdict.Text)
		}
	}
	return err
}

// sscnOff turns SSCN off again on c, unless c is closed, within the
// timeout (at most 10 seconds); it closes c if that fails, since the
// server would then take the TLS client's part in c's own transfers.
func sscnOff(c *Conn) error {
	if c.closed.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), min(c.cfg.timeout, 10*time.Second))
	defer cancel()
	if _, err := c.voidCmd(ctx, "SSCN OFF"); err != nil {
		c.Close()
		return err
	}
	return nil
}
