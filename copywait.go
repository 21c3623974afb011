package ftp

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"time"
)

// The transfer of a Copy: the replies of both servers read as they come,
// and the abort of a failed transfer on both servers.

// send sends s's transfer command.
func (x *fxp) send(ctx context.Context, s *fxpSide) error {
	if err := s.c.send(ctx, s.cmd); err != nil {
		s.done = true
		return err
	}
	s.sent = true
	x.last = time.Now()
	return nil
}

// wait reads the replies to the transfer commands sent, as they come
// from either server, until done reports true. On a failure (a 4xx or
// 5xx reply, a broken session, a server silent for too long, the end of
// ctx) it aborts every transfer still running and returns the side that
// failed (nil for ctx) and the error.
func (x *fxp) wait(ctx context.Context, done func() bool) (*fxpSide, error) {
	defer x.stopWaits()
	for !done() {
		waiting := false
		for _, s := range x.sides() {
			if s.sent && !s.done {
				x.await(s)
				waiting = true
			}
		}
		if !waiting {
			return nil, nil
		}
		var (
			s   *fxpSide
			err error
		)
		select {
		case <-ctx.Done():
			x.stopWaits()
			x.abortAll()
			return nil, context.Cause(ctx)
		case err = <-x.dst.ready:
			s = x.dst
		case err = <-x.src.ready:
			s = x.src
		}
		s.ready = nil
		if err = x.receive(s, err); err != nil {
			x.stopWaits()
			x.abortAll()
			return s, err
		}
	}
	return nil, nil
}

// await starts waiting for s's next reply, or moves the deadline of the
// wait running. The wait peeks at the control connection without
// reading the reply, so that it can be stopped (stopWaits) with the
// session intact. The deadline is the timeout after the last event,
// except while both servers are transferring: then only ctx bounds it.
func (x *fxp) await(s *fxpSide) {
	var d time.Time
	if !x.dst.started || !x.src.started || x.dst.done || x.src.done {
		d = x.last.Add(s.c.cfg.timeout)
	}
	if s.ready != nil {
		if !d.Equal(s.deadline) {
			s.c.nc.SetReadDeadline(d)
			s.deadline = d
		}
		return
	}
	ch := make(chan error, 1)
	s.ready, s.deadline = ch, d
	c := s.c
	if len(c.rr.pending) > 0 || c.rr.r.Buffered() > 0 {
		ch <- nil
		return
	}
	c.nc.SetReadDeadline(d)
	go func() {
		_, err := c.rr.r.Peek(1)
		ch <- err
	}()
}

// stopWaits stops the waits running and waits for them to return.
func (x *fxp) stopWaits() {
	for _, s := range x.sides() {
		if s.ready != nil {
			s.c.nc.SetReadDeadline(time.Unix(1, 0))
			<-s.ready
			s.ready = nil
		}
	}
}

// receive reads the reply that s's wait found (peekErr nil) and updates
// s; it returns s's failure, if any.
func (x *fxp) receive(s *fxpSide, peekErr error) error {
	if errors.Is(peekErr, os.ErrDeadlineExceeded) {
		s.stuck = true // and aborted by wait
		return &OpError{Cmd: maskCommand(s.cmd), Conn: "control", Timeout: s.c.cfg.timeout, Err: peekErr}
	}
	// After another failure of the peek, read reports the broken session.
	r, err := s.c.read(context.Background(), s.cmd)
	if err != nil {
		s.done = true
		return err
	}
	x.last = time.Now()
	switch r.kind() {
	case '1':
		if !s.started {
			s.started, s.start = true, r
		}
		return nil
	case '2':
		if !s.started {
			return nil // skipped before the 1xx, as by transfer
		}
		s.done, s.verdict = true, r
		return nil
	}
	s.done, s.failed, s.verdict = true, true, r
	if err := replyError(s.cmd, r); err != nil {
		return err
	}
	return unexpected(s.cmd, r)
}

// abortAll aborts the transfers still running, and resynchronises the
// sessions whose transfer failed: pyftpdlib, passive, refuses a foreign
// data connection with a 425 before the transfer command comes, and
// answers the command later. ABOR goes to every server first, then
// their replies are read, since one server may be unable to answer
// before the other has stopped (a destination reading the data reads no
// command until the source stops sending).
func (x *fxp) abortAll() {
	var aborted []*fxpSide
	for _, s := range x.sides() {
		if s.sent && (!s.done || s.failed) {
			s.running, s.done = !s.done, true
			if x.sendAbort(s) {
				aborted = append(aborted, s)
			}
		}
	}
	for _, s := range aborted {
		x.readAbort(s)
	}
}

// abortBound bounds the abort of c's transfer, after which c is closed.
func abortBound(c *Conn) time.Duration { return min(c.cfg.timeout, 10*time.Second) }

// sendAbort sends ABOR to s, reporting whether it went. A passive server
// first gets a data connection from the client (see rescue), unless it
// refused its transfer command outright (not with 425): then no
// transfer waits for its port, but the port still listens (vsftpd,
// pure-ftpd), and the other server's connection to it would wait in the
// queue, blocking the other server. A new passive command closes it.
func (x *fxp) sendAbort(s *fxpSide) bool {
	c := s.c
	if c.closed.Load() {
		return false
	}
	s.abortBy = time.Now().Add(abortBound(c))
	ctx, cancel := context.WithDeadline(context.Background(), s.abortBy)
	defer cancel()
	switch {
	case !s.passive:
	case s.failed && !s.started && s.verdict.Code != 425:
		if c.send(ctx, s.pasv) == nil {
			c.read(ctx, s.pasv)
		}
	default:
		x.rescue(ctx, s)
	}
	return !c.closed.Load() && c.send(ctx, "ABOR") == nil
}

// rescue connects to the port of s, a passive server, from the client's
// address, in case the server still waits for its data connection: then
// it reads no command (vsftpd, pure-ftpd, proftpd; pure-ftpd waits on
// silently after refusing a foreign connection), and pyftpdlib, which
// has answered 150 and queued the transfer, would otherwise run it on
// the session's next data connection, even after ABOR. Once the server
// has taken the connection, which shows on it (the file's first bytes,
// or the end of an empty upload), it is reset. A server that no longer
// listens refuses it at once.
func (x *fxp) rescue(ctx context.Context, s *fxpSide) {
	c := s.c
	local := c.raw.LocalAddr().(*net.TCPAddr)
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: local.IP, Zone: local.Zone}}
	nc, err := d.DialContext(ctx, "tcp", netip.AddrPortFrom(peerAddr(c), uint16(s.port)).String())
	if err != nil {
		return
	}
	tc := nc.(*net.TCPConn)
	if isUpload(s.cmd) {
		tc.CloseWrite()
	}
	tc.SetReadDeadline(time.Now().Add(min(abortBound(c), 2*time.Second)))
	var b [1]byte
	tc.Read(b[:])
	tc.SetLinger(0)
	tc.Close()
}

// readAbort reads the replies to the transfer and to ABOR, then sends
// NOOP and reads up to its reply, within the bound of the abort; it
// closes the session if that fails. The NOOP goes only after the first
// reply to ABOR: pure-ftpd drops a command sent with ABOR (see
// DataConn.abort).
func (x *fxp) readAbort(s *fxpSide) {
	c := s.c
	ctx, cancel := context.WithDeadline(context.Background(), s.abortBy)
	defer cancel()
	var (
		r   Reply
		err error
	)
	for {
		if r, err = c.read(ctx, "ABOR"); err != nil || r.kind() != '1' {
			break
		}
	}
	if err == nil {
		if s.running {
			s.verdict = r
		}
		if r.kind() == '4' {
			// 426 (or 451) for the transfer; ABOR's 226 or 225 follows.
			r, err = c.read(ctx, "ABOR")
		}
	}
	if err == nil {
		err = c.send(ctx, "NOOP")
	}
	synced := false
	for i := 0; err == nil && i < 4 && !synced; i++ {
		r, err = c.read(ctx, "NOOP")
		synced = err == nil && r.Code == 200
	}
	if !synced {
		c.Close()
	}
}
