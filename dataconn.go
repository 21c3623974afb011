package ftp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
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
	expect int64 // the size a batch's listing gave, or -1 (batch.go)
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
		if d.binary && d.size >= 0 && (d.n == d.size || d.n == d.size-d.offset) {
			d.awaitEOF() // all announced bytes are in: the end is due
		} else {
			d.peekEOF()
		}
	}
	if d.ctx.Err() != nil || d.err != nil || (!d.upload && !d.eof) {
		if d.c.queued > 0 {
			return d.discard()
		}
		return d.abort()
	}
	return d.complete()
}

// awaitEOF waits, within the timeout, for the end of a download whose
// announced bytes have all been read, so that Close reports the
// transfer's verdict rather than aborting it.
func (d *DataConn) awaitEOF() {
	var b [1]byte
	if n, err := d.Read(b[:]); n == 0 && err == io.EOF {
		d.eof = true
	}
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
	if d.expect >= 0 && r.Code != 226 && r.Code != 250 {
		// A batch's transfer (batch.go): any other reply may belong to
		// another command, and the session is out of step.
		err := replyError(d.cmd, r)
		if err == nil {
			err = unexpected(d.cmd, r)
		}
		if !inStep(err) {
			c.Close()
			c.queued = 0
		}
		return err
	}
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
	if d.expect >= 0 && d.n != d.expect {
		return fmt.Errorf("%w: %s: received %d bytes, the listing says %d", ErrShortTransfer, maskCommand(d.cmd), d.n, d.expect)
	}
	if !closeNotified && !announced && d.expect < 0 {
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
