package ftp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DataConn is an open data connection: the body of a download (read it)
// or of an upload (write it). Close finishes the transfer: it ends TLS
// properly, reads the server's completion reply and checks that a
// download is as long as the server announced. Until Close, the Conn
// that opened it is busy.
//
// A body that failed must not be committed: end an upload whose source
// failed with CloseWithError, which aborts the transfer so that the
// server cannot take the bytes sent so far for the whole file. Closing a
// download before its end aborts it (ABOR) too, and keeps the Conn
// usable. The context given when the DataConn was opened bounds the
// whole transfer; cancelling it aborts the transfer.
type DataConn struct {
	c      *Conn
	ctx    context.Context
	nc     net.Conn // tls or tcp
	tcp    net.Conn
	tls    *tls.Conn
	eofc   *eofConn // under tls: tells close_notify from a bare close
	stop   func()
	owner  bool // Close releases the session (the caller opened d alone)
	size   int64
	offset int64
	n      int64
	upload bool
	binary bool
	eof    bool
	cut    bool      // copyTo stopped at its limit, before the end
	armed  time.Time // when refresh last moved the deadline
	err    error     // first I/O error, or the cause given to CloseWithError
	done   bool
	cmd    string
	start  Reply
	reply  Reply
	result error
}

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

// Size returns the size the server announced in its 150 reply, or -1.
func (d *DataConn) Size() int64 { return d.size }

// Reply returns the server's completion reply once Close has read it:
// for an aborted transfer, the first reply after the abort, which is the
// server's verdict on the transfer (a 426, or a 226 if it had finished).
func (d *DataConn) Reply() Reply { return d.reply }

// refresh bounds the next read or write by the timeout and the context.
// The deadline is moved at most every eighth of the timeout, not at every
// read of a 16 KiB TLS record, so the idle bound is between 7/8 of the
// timeout and the timeout.
func (d *DataConn) refresh() error {
	if now := time.Now(); now.Sub(d.armed) > d.c.cfg.timeout/8 {
		d.nc.SetDeadline(d.c.deadline(d.ctx))
		d.armed = now
	}
	if err := d.ctx.Err(); err != nil {
		return context.Cause(d.ctx)
	}
	return nil
}

// ioError records and returns the error of a read or write on the data
// connection, described as a network failure of d's command.
func (d *DataConn) ioError(err error) error {
	err = d.c.netError(d.ctx, d.cmd, "data", err)
	if d.err == nil {
		d.err = err
	}
	return err
}

// Read reads the body of a download.
func (d *DataConn) Read(p []byte) (int, error) {
	if d.eof {
		return 0, io.EOF
	}
	if d.err != nil {
		return 0, d.err
	}
	if err := d.refresh(); err != nil {
		return 0, d.ioError(err)
	}
	n, err := d.nc.Read(p)
	d.n += int64(n)
	if err == io.EOF {
		d.eof = true
		return n, io.EOF
	}
	if err != nil {
		return n, d.ioError(err)
	}
	return n, nil
}

// Write writes the body of an upload.
func (d *DataConn) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if err := d.refresh(); err != nil {
		return 0, d.ioError(err)
	}
	n, err := d.nc.Write(p)
	d.n += int64(n)
	if err != nil {
		return n, d.ioError(err)
	}
	return n, nil
}

// WriteTo copies the rest of a download to w. When the data connection is
// plain TCP and w is an *os.File, the kernel splices the data with no
// copy through user space. An error of the network is an *OpError; an
// error writing to w is returned as w gave it.
func (d *DataConn) WriteTo(w io.Writer) (int64, error) {
	return d.copyTo(w, -1, nil)
}

// copyTo copies up to limit bytes of the download to w, or all of it
// when limit is negative, calling progress (if not nil) with the bytes
// written since its last call. A copy that stops at its limit before
// the end of the file leaves the transfer to be aborted by Close.
func (d *DataConn) copyTo(w io.Writer, limit int64, progress func(int64)) (int64, error) {
	var total int64
	want := func(n int64) int64 {
		if limit >= 0 {
			n = min(n, limit-total)
		}
		return n
	}
	chunk := int64(zeroCopyChunk)
	if progress != nil {
		chunk = progressChunk
	}
	if rf, ok := w.(io.ReaderFrom); ok && d.tls == nil {
		for !d.eof && d.err == nil && want(1) > 0 {
			if err := d.refresh(); err != nil {
				return total, d.ioError(err)
			}
			step := want(chunk)
			n, err := rf.ReadFrom(io.LimitReader(d.tcp, step))
			d.n += n
			total += n
			if progress != nil && n > 0 {
				progress(n)
			}
			if err != nil {
				if isNetworkError(err) {
					return total, d.ioError(unwrapPathError(err))
				}
				if d.err == nil {
					d.err = err
				}
				return total, err
			}
			if n < step {
				d.eof = true
			}
		}
		d.cut = !d.eof && d.err == nil
		return total, d.err
	}
	bp := getBuffer()
	defer putBuffer(bp)
	buf := *bp
	if d.tls != nil {
		buf = buf[:tlsReadBufferSize]
	}
	for want(1) > 0 {
		n, err := d.Read(buf[:want(int64(len(buf)))])
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				if d.err == nil {
					d.err = werr
				}
				return total, werr
			}
			if progress != nil {
				progress(int64(n))
			}
		}
		if err != nil {
			if d.eof {
				return total, nil
			}
			return total, err
		}
	}
	d.cut = !d.eof
	return total, nil
}

// progressChunk is the most a splice moves between two progress reports.
const progressChunk = 1 << 20

// isNetworkError reports whether err, from a copy between the data
// connection and a local file, came from the network side: a timeout,
// a closed connection, or an errno only sockets give. A splice names
// the file in its error whichever side failed.
func isNetworkError(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne *net.OpError
	if errors.As(err, &ne) {
		return true
	}
	for _, e := range []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.ETIMEDOUT,
		syscall.ENOTCONN, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN, syscall.ENETRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// unwrapPathError strips the *os.PathError by which a splice names the
// destination file, when the failure was the network's.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadFrom copies r to an upload until r's end, through a 256 KiB
// buffer. An error reading r is returned as r gave it, and the transfer
// is then aborted by Close, as by CloseWithError.
//
// Uploads do not use sendfile, even from an *os.File: on loopback, where
// the benchmarks run, the server's copy out of its socket then reads the
// file's pages from memory on the server's core, while a copy on the
// client's side leaves them in the cache for it. A 1 GiB upload took
// 1.07 s to vsftpd and 0.76 s to pure-ftpd with sendfile, 0.72 s and
// 0.71 s with this copy (medians of 8; docs/performance.md).
func (d *DataConn) ReadFrom(r io.Reader) (int64, error) {
	bp := getBuffer()
	defer putBuffer(bp)
	buf := *bp
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := d.Write(buf[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			if d.err == nil {
				d.err = err
			}
			return total, err
		}
	}
}

// Close finishes the transfer and releases the Conn. For an upload it
// sends TLS close_notify and waits for the server to close, so no server
// drops the tail of the file; then it reads the completion reply, which
// must be 2xx. A download closed before its end is aborted. A download
// shorter than the size the server announced is ErrShortTransfer, and so
// is a TLS download that ended without close_notify when nothing else
// proves it whole (see WithLaxTLSClose). Close returns the same result
// if called again.
func (d *DataConn) Close() error {
	return d.CloseWithError(nil)
}

// CloseWithError ends the transfer as Close does when cause is nil.
// With a non-nil cause, the body failed (its source returned an error,
// say): the transfer is aborted without an orderly end of the data
// connection (a TCP reset, and no TLS close_notify), so that the server
// cannot take what arrived for the whole file, and the returned error
// wraps cause. Every upload path of this module ends with it.
func (d *DataConn) CloseWithError(cause error) error {
	if d.done {
		return d.result
	}
	if cause != nil && d.err == nil {
		d.err = cause
	}
	d.result = d.finish()
	if d.owner {
		d.owner = false
		d.c.release()
	}
	return d.result
}

// finish ends the transfer for Close, without releasing the session.
func (d *DataConn) finish() error {
	d.done = true
	defer d.stop()
	defer d.c.untrack(d.tcp)
	if !d.upload && !d.eof && !d.cut && d.err == nil && d.ctx.Err() == nil {
		d.peekEOF()
	}
	if d.ctx.Err() != nil || d.err != nil || (!d.upload && !d.eof) {
		return d.abort()
	}
	return d.complete()
}

// peekEOF checks whether a download the caller stopped reading has in
// fact ended (say, after io.ReadFull of exactly its size), so that Close
// need not abort it.
func (d *DataConn) peekEOF() {
	var b [1]byte
	d.nc.SetDeadline(time.Now().Add(min(d.c.cfg.timeout, 200*time.Millisecond)))
	n, err := d.nc.Read(b[:])
	if n == 0 && err == io.EOF {
		d.eof = true
	}
}

// complete ends a transfer that ran to its end.
func (d *DataConn) complete() error {
	c := d.c
	closeNotified := true
	var drained chan struct{}
	if d.tls != nil {
		if d.upload {
			// close_notify, then keep reading the data connection (the
			// server's close_notify, TLS 1.3 tickets) until the server
			// has answered: closing with unread data would reset the
			// connection and could cost the file's tail. Close when the
			// server closes TLS, or when its completion reply comes,
			// whichever is first: proftpd replies only after the client
			// closes, goftp never closes, and the reply proves the
			// server has read everything.
			d.tcp.SetDeadline(c.deadline(d.ctx))
			d.tls.CloseWrite()
			drained = make(chan struct{})
			go func() {
				defer close(drained)
				io.Copy(io.Discard, d.tls)
				// The server's close_notify or close: some servers
				// (proftpd) reply only once the client has closed.
				d.tcp.Close()
			}()
		} else {
			closeNotified = !d.eofc.eof
		}
	}
	if drained == nil {
		d.tcp.Close()
	}
	r, err := c.read(d.ctx, d.cmd)
	if drained != nil {
		d.tcp.Close()
		<-drained
	}
	if err != nil {
		return fmt.Errorf("%w: no completion reply to %s: %w", ErrShortTransfer, maskCommand(d.cmd), err)
	}
	d.reply = r
	if err := replyError(d.cmd, r); err != nil {
		return err
	}
	if r.kind() != '2' {
		return unexpected(d.cmd, r)
	}
	announced := d.binary && d.size >= 0
	if !d.upload && announced && d.n != d.size && d.n != d.size-d.offset {
		return fmt.Errorf("%w: %s: received %d bytes, server announced %d", ErrShortTransfer, maskCommand(d.cmd), d.n, d.size)
	}
	if !closeNotified && !announced {
		return d.proveWhole()
	}
	return nil
}

// proveWhole decides a TLS download that ended without close_notify and
// without an announced size: anyone on the path can end a TCP
// connection, so the 2xx reply alone does not prove that every byte
// came. For a binary RETR, SIZE gives the proof in one round trip.
func (d *DataConn) proveWhole() error {
	c := d.c
	if c.cfg.laxTLSClose {
		c.cfg.debug.print(1, "warn", "data connection closed without TLS close_notify; accepted (WithLaxTLSClose)")
		return nil
	}
	short := func(why string) error {
		return fmt.Errorf("%w: %s: the TLS data connection ended without close_notify and %s", ErrShortTransfer, maskCommand(d.cmd), why)
	}
	v, path, _ := strings.Cut(d.cmd, " ")
	if !d.binary || !strings.EqualFold(v, "RETR") {
		return short("no size was announced (WithLaxTLSClose accepts this)")
	}
	size, err := c.size(d.ctx, path)
	if err != nil {
		return short(fmt.Sprintf("SIZE failed: %v", err))
	}
	if got := d.offset + d.n; got != size {
		return short(fmt.Sprintf("%d bytes arrived of %d", got, size))
	}
	return nil
}

// abort ends a transfer early: the data connection is reset (so the
// server cannot take a cut-off upload for a complete one), then ABOR is
// sent, its reply read (and a second one after a 4xx), then NOOP, and
// replies are read up to the NOOP's, which leaves the session in step
// whatever the server answers to the transfer and to ABOR (426 then 226,
// or 226 then 225, or only one of them).
func (d *DataConn) abort() error {
	c := d.c
	if tcp, ok := d.tcp.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	d.tcp.Close()
	cause := d.err
	if d.ctx.Err() != nil {
		cause = context.Cause(d.ctx)
	}
	ctx, cancel := context.WithTimeout(context.Background(), min(c.cfg.timeout, 10*time.Second))
	defer cancel()
	// The NOOP is sent only once the first reply to ABOR is in: a server
	// still transferring reads the control connection for ABOR and may
	// discard whatever came with it (pure-ftpd drops a pipelined NOOP and
	// the session then waits forever for its 200).
	// The first reply is the transfer's verdict (Reply returns it).
	var r Reply
	err := c.send(ctx, "ABOR")
	if err == nil {
		r, err = c.read(ctx, "ABOR")
		d.reply = r
	}
	if err == nil && r.kind() == '4' {
		// 426 (or 451) for the transfer; the 226 or 225 for ABOR follows.
		r, err = c.read(ctx, "ABOR")
	}
	if err == nil {
		err = c.send(ctx, "NOOP")
	}
	for i := 0; err == nil && i < 4; i++ {
		if r, err = c.read(ctx, "ABOR"); err == nil && r.Code == 200 {
			break
		}
	}
	if err != nil {
		c.Close()
		if cause == nil {
			cause = err
		}
	}
	var oe *OpError
	switch {
	case cause == nil:
		return nil
	case errors.As(cause, &oe):
		return cause // it names the command already
	}
	return fmt.Errorf("ftp: %s aborted: %w", maskCommand(d.cmd), cause)
}

// zeroCopyChunk is how much one splice step of a download moves between
// two refreshes of the deadline.
const zeroCopyChunk = 16 << 20

// copyBufferSize is the buffer of uploads and of the downloads that do
// not splice (TLS, or a writer without ReadFrom).
const copyBufferSize = 256 << 10

// buffers holds copy buffers of copyBufferSize, so that a session moving
// many small files does not allocate 256 KiB for each.
var buffers = sync.Pool{New: func() any {
	b := make([]byte, copyBufferSize)
	return &b
}}

func getBuffer() *[]byte  { return buffers.Get().(*[]byte) }
func putBuffer(b *[]byte) { buffers.Put(b) }

// tlsReadBufferSize is the buffer of a TLS download's copy. A TLS read
// returns one record, at most 16 KiB, and writing each record at once,
// while its plaintext is still in the CPU cache, costs less system time
// than gathering 256 KiB first (1 GiB from vsftpd: about 1.1 s against
// 1.3-2.2 s of system time; see docs/performance.md).
const tlsReadBufferSize = 32 << 10
