package ftp

import (
	"context"
	"errors"
	"io"
)

// Open opens the file name for reading (RETR) on a session of its own,
// which it holds until the reader is closed; WithOffset starts it there
// (REST). A read that fails for a passing reason is resumed on a new
// session where it stopped, within the Client's retries. Closing the
// reader before the end aborts the transfer and gives the session back,
// still usable.
func (c *Client) Open(ctx context.Context, name string, opts ...TransferOption) (*FileReader, error) {
	r := &FileReader{c: c, ctx: ctx, name: name, size: -1, n: transferOptions(opts).offset}
	err := c.retry(ctx, "Open", name, nil, r.open)
	if err != nil {
		return nil, pathError("open", name, err)
	}
	return r, nil
}

// A FileReader is a remote file opened by Client.Open.
type FileReader struct {
	c    *Client
	ctx  context.Context
	name string
	s    *session
	lent bool
	d    *DataConn
	n    int64 // bytes read so far
	size int64
	done bool
	err  error
}

// open starts the download at r.n on a session.
func (r *FileReader) open(ctx context.Context) error {
	s, lent, err := r.c.session(ctx)
	if err != nil {
		return err
	}
	d, err := s.Retr(ctx, r.name, WithOffset(r.n))
	if err != nil {
		if !lent {
			r.c.pool.put(s, broken(err))
		}
		return err
	}
	r.s, r.lent, r.d = s, lent, d
	if sz := d.Size(); sz >= 0 && r.size < 0 && r.n == 0 {
		r.size = sz
	}
	return nil
}

// Size returns the file's size: as the server announced it when the
// download began, or as Stat gives it; -1 if neither tells.
// Asking Stat ends the transfer in progress, if any, so as not to hold
// a second session: the next Read starts a new one where this stopped.
func (r *FileReader) Size() int64 {
	if r.size < 0 && !r.done {
		r.finish(nil)
		if e, err := r.c.Stat(r.ctx, r.name); err == nil && e.Size >= 0 {
			r.size = e.Size
		}
	}
	return r.size
}

// Seek sets the offset of the next Read (io.SeekStart, io.SeekCurrent,
// or io.SeekEnd, which needs the size). The transfer in progress, if
// any, is aborted, and the next Read starts a new one there (REST). So
// a FileReader is an io.ReadSeeker, for http.ServeContent say; every
// seek to a new place costs a transfer.
func (r *FileReader) Seek(offset int64, whence int) (int64, error) {
	if r.done {
		return 0, errReaderClosed
	}
	switch whence {
	case io.SeekCurrent:
		offset += r.n
	case io.SeekEnd:
		size := r.Size()
		if size < 0 {
			return r.n, pathError("seek", r.name, errors.New("size unknown"))
		}
		offset += size
	}
	if offset < 0 {
		return r.n, pathError("seek", r.name, errors.New("negative position"))
	}
	if offset == r.n {
		return offset, nil
	}
	r.finish(nil)
	r.n, r.err = offset, nil
	return offset, nil
}

// Read reads from the file.
func (r *FileReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.d == nil {
		if r.size >= 0 && r.n >= r.size {
			return 0, io.EOF
		}
		if err := r.c.retry(r.ctx, "Open", r.name, func() int64 { return r.n }, r.open); err != nil {
			r.err = pathError("read", r.name, err)
			return 0, r.err
		}
	}
	for {
		n, err := r.d.Read(p)
		r.n += int64(n)
		if err == nil || n > 0 {
			return n, nil
		}
		if err == io.EOF {
			// The transfer's verdict: the completion reply, the size.
			if err := r.finish(nil); err != nil {
				r.err = err
				return 0, err
			}
			r.err = io.EOF
			return 0, io.EOF
		}
		if err := r.resume(err); err != nil {
			r.err = pathError("read", r.name, err)
			return 0, r.err
		}
	}
}

// WriteTo copies the rest of the file to w, through the kernel's
// zero-copy path when w is an *os.File and the connection is not
// encrypted.
func (r *FileReader) WriteTo(w io.Writer) (int64, error) {
	if r.err != nil {
		if r.err == io.EOF {
			return 0, nil
		}
		return 0, r.err
	}
	if r.d == nil {
		if err := r.c.retry(r.ctx, "Open", r.name, func() int64 { return r.n }, r.open); err != nil {
			r.err = pathError("read", r.name, err)
			return 0, r.err
		}
	}
	var total int64
	for {
		n, err := r.d.WriteTo(w)
		r.n += n
		total += n
		if err == nil {
			if err := r.finish(nil); err != nil {
				r.err = err
				return total, err
			}
			r.err = io.EOF
			return total, nil
		}
		if !isReadFailure(err) {
			// w's own failure: no retry.
			r.err = err
			r.finish(err)
			return total, err
		}
		if err := r.resume(err); err != nil {
			r.err = pathError("read", r.name, err)
			return total, r.err
		}
	}
}

// isReadFailure reports whether err came from reading the network.
func isReadFailure(err error) bool {
	var oe *OpError
	return errors.As(err, &oe)
}

// resume reopens the download where it stopped after the failure err,
// if err is passing and retries remain.
func (r *FileReader) resume(err error) error {
	r.finish(err)
	if !transient(err) || r.lent {
		return err
	}
	tries := 0
	return r.c.retry(r.ctx, "Open", r.name, func() int64 { return r.n }, func(ctx context.Context) error {
		if tries++; tries == 1 {
			return err // the failure that brought us here
		}
		return r.open(ctx)
	})
}

// finish closes the data connection (aborting it with cause, if any)
// and gives the session back.
func (r *FileReader) finish(cause error) error {
	if r.d == nil {
		return nil
	}
	if cause == nil && r.size >= 0 && r.n >= r.size {
		// The whole file is in: wait for its end and the server's
		// verdict rather than abort.
		var b [1]byte
		r.d.Read(b[:])
	}
	err := r.d.CloseWithError(cause)
	if !r.lent {
		r.c.pool.put(r.s, broken(err))
	}
	r.d, r.s = nil, nil
	if cause != nil {
		return cause
	}
	return err
}

// Close ends the download: before the end it is aborted, and the
// session stays usable. After the end, Close returns nil if the whole
// file arrived.
// If the whole file was read, Close returns the transfer's verdict
// (the completion reply, the size check) even if Read never returned
// io.EOF.
func (r *FileReader) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	var err error
	if r.d != nil {
		err = r.finish(nil)
	}
	if r.err != nil && r.err != io.EOF && !errors.Is(r.err, errReaderClosed) {
		err = r.err
	}
	r.err = errReaderClosed
	return err
}

var errReaderClosed = errors.New("ftp: read of a closed file")

// Create opens the file name for writing (STOR) on a session of its
// own, which it holds until the writer is closed. Close commits the
// file: it returns nil only when the server confirmed it whole. A body
// whose source fails never commits: if io.Copy to the writer (its
// ReadFrom) meets a failing source, or CloseWithError is called, the
// transfer is aborted (the data connection reset, with no TLS
// close_notify), so the server never takes it for a complete file. The
// servers tried (vsftpd, pure-ftpd, proftpd, pyftpdlib) still keep the
// bytes that arrived under name: write to a temporary name and Rename
// it after Close, or use Upload with WithTempName, where a partial file
// must never show under the final name. Create does not retry a
// transfer under way (its body cannot be read twice); use Upload for a
// local file.
func (c *Client) Create(ctx context.Context, name string) (*FileWriter, error) {
	var w *FileWriter
	err := c.retry(ctx, "Create", name, nil, func(ctx context.Context) error {
		s, lent, err := c.session(ctx)
		if err != nil {
			return err
		}
		d, err := s.Stor(ctx, name)
		if err != nil {
			if !lent {
				c.pool.put(s, broken(err))
			}
			return err
		}
		w = &FileWriter{c: c, name: name, s: s, lent: lent, d: d}
		return nil
	})
	if err != nil {
		return nil, pathError("create", name, err)
	}
	return w, nil
}

// A FileWriter is a remote file opened by Client.Create.
type FileWriter struct {
	c    *Client
	name string
	s    *session
	lent bool
	d    *DataConn
	err  error
	done bool
}

// Write writes to the file.
func (w *FileWriter) Write(p []byte) (int, error) {
	return w.d.Write(p)
}

// ReadFrom copies r to the file until r's end. If reading r fails, the
// upload is marked failed: Close will abort it.
func (w *FileWriter) ReadFrom(r io.Reader) (int64, error) {
	return w.d.ReadFrom(r)
}

// Close commits the file, or aborts the upload if its body failed.
func (w *FileWriter) Close() error { return w.CloseWithError(nil) }

// CloseWithError aborts the upload with cause, which the returned error
// wraps; with a nil cause it is Close.
func (w *FileWriter) CloseWithError(cause error) error {
	if w.done {
		return w.err
	}
	w.done = true
	err := w.d.CloseWithError(cause)
	if !w.lent {
		w.c.pool.put(w.s, broken(err))
	}
	w.err = pathError("close", w.name, err)
	return w.err
}
