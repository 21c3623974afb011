package ftp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// A TransferOption adjusts one transfer.
type TransferOption func(*transferConfig)

type transferConfig struct {
	offset    int64
	blockFunc func([]byte)
	blockSize int
}

// WithOffset restarts a binary transfer at offset bytes (REST): a
// download skips that much of the remote file, an upload writes from
// there on. ftplib's rest argument.
func WithOffset(offset int64) TransferOption {
	return func(t *transferConfig) { t.offset = offset }
}

// WithBlockFunc calls f with each block after it has been written (to
// the writer of a download, or to the server for an upload): ftplib's
// callback. Transfers with a block function copy through a buffer of
// WithBlockSize bytes instead of the kernel's zero-copy paths.
func WithBlockFunc(f func(block []byte)) TransferOption {
	return func(t *transferConfig) { t.blockFunc = f }
}

// WithBlockSize sets the block size for WithBlockFunc (ftplib's
// blocksize). The default is 32 KiB.
func WithBlockSize(n int) TransferOption {
	return func(t *transferConfig) {
		if n > 0 {
			t.blockSize = n
		}
	}
}

func transferOptions(opts []TransferOption) transferConfig {
	t := transferConfig{blockSize: 32 << 10}
	for _, o := range opts {
		o(&t)
	}
	return t
}

// Retr opens a binary download of path (TYPE I, RETR). Read the file
// from the returned DataConn, then Close it: Close reports whether the
// whole file arrived.
func (c *Conn) Retr(ctx context.Context, path string, opts ...TransferOption) (*DataConn, error) {
	return c.openOwned(ctx, "RETR "+path, opts)
}

// Stor opens a binary upload to path (TYPE I, STOR). Write the file to
// the returned DataConn, then Close it: Close reports the server's
// verdict, and only a nil error means the file was stored. If the
// source of the body fails, end with CloseWithError instead, so that
// the server does not keep a partial file as if it were whole.
func (c *Conn) Stor(ctx context.Context, path string, opts ...TransferOption) (*DataConn, error) {
	return c.openOwned(ctx, "STOR "+path, opts)
}

// Append opens a binary upload that appends to path (APPE). It is
// finished like Stor.
func (c *Conn) Append(ctx context.Context, path string, opts ...TransferOption) (*DataConn, error) {
	return c.openOwned(ctx, "APPE "+path, opts)
}

// StoreUnique opens a binary upload to a new file whose name the server
// chooses (STOU). The name is taken from the server's 150 reply in the
// form of RFC 1123 ("150 FILE: name"); it is "" when the reply does not
// give it, in which case the completion reply, available from the
// DataConn's Reply after Close, may. Finish it like Stor.
func (c *Conn) StoreUnique(ctx context.Context) (*DataConn, string, error) {
	d, err := c.openOwned(ctx, "STOU", nil)
	if err != nil {
		return nil, "", err
	}
	return d, uniqueName(d.start), nil
}

// openOwned opens a binary transfer that holds the session until the
// caller closes the DataConn.
func (c *Conn) openOwned(ctx context.Context, cmd string, opts []TransferOption) (*DataConn, error) {
	t := transferOptions(opts)
	if err := c.acquire(); err != nil {
		return nil, err
	}
	d, err := c.openBinary(ctx, cmd, t.offset)
	if err != nil {
		c.release()
		return nil, err
	}
	d.owner = true
	return d, nil
}

// openBinary sends TYPE I if needed and opens the transfer, for a
// caller holding the session.
func (c *Conn) openBinary(ctx context.Context, cmd string, offset int64) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand // before TYPE is sent
	}
	if err := c.setType(ctx, "I"); err != nil {
		return nil, err
	}
	return c.transfer(ctx, cmd, offset)
}

// openLines sends TYPE A (accepting any 1xx-3xx reply, as ftplib's
// retrlines does) if needed and opens the transfer, for a caller
// holding the session.
func (c *Conn) openLines(ctx context.Context, cmd string) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand // before TYPE is sent
	}
	if c.typ != "A" {
		if _, err := c.cmd(ctx, "TYPE A"); err != nil {
			return nil, err
		}
	}
	return c.transfer(ctx, cmd, 0)
}

// setType sends TYPE t unless it is already in force. ftplib sends it
// before every transfer; skipping it saves a round trip per file.
func (c *Conn) setType(ctx context.Context, t string) error {
	if c.typ == t {
		return nil
	}
	_, err := c.voidCmd(ctx, "TYPE "+t)
	return err
}

// Retrieve downloads path in binary mode and copies it to w. It returns
// nil only if the whole file arrived and the server confirmed it. When
// w is an *os.File and the data connection is not encrypted, the kernel
// splices the data into the file.
func (c *Conn) Retrieve(ctx context.Context, path string, w io.Writer, opts ...TransferOption) error {
	return c.retrieve(ctx, "RETR "+path, w, opts)
}

// Store uploads the data read from r until its end to path, in binary
// mode. If reading r fails, the transfer is aborted (see
// DataConn.CloseWithError) and the error returned wraps r's.
func (c *Conn) Store(ctx context.Context, path string, r io.Reader, opts ...TransferOption) error {
	return c.store(ctx, "STOR "+path, r, opts)
}

// RetrieveLines downloads path in ASCII mode and calls fn with each
// line, without its line terminator. A line ends at LF, CRLF or a bare
// CR, and a line longer than the line limit is an error. If fn returns
// an error, the transfer is aborted and that error returned.
func (c *Conn) RetrieveLines(ctx context.Context, path string, fn func(line string) error) error {
	return c.retrieveLines(ctx, "RETR "+path, fn)
}

// StoreLines uploads the lines of r to path in ASCII mode: every line is
// sent with a CRLF terminator, whether it ended in LF, CR, CRLF or
// nothing. fn, if not nil, is called with each line as sent. A line
// longer than the line limit is an error.
func (c *Conn) StoreLines(ctx context.Context, path string, r io.Reader, fn func(line []byte)) error {
	return c.storeLines(ctx, "STOR "+path, r, fn)
}

func (c *Conn) retrieve(ctx context.Context, cmd string, w io.Writer, opts []TransferOption) error {
	t := transferOptions(opts)
	return c.do(func() error {
		d, err := c.openBinary(ctx, cmd, t.offset)
		if err != nil {
			return err
		}
		if t.blockFunc == nil {
			_, err = io.Copy(w, d)
		} else {
			buf := make([]byte, t.blockSize)
			for err == nil {
				var n int
				n, err = d.Read(buf)
				if n > 0 {
					if _, werr := w.Write(buf[:n]); werr != nil {
						err = werr
						break
					}
					t.blockFunc(buf[:n])
				}
			}
			if err == io.EOF {
				err = nil
			}
		}
		return d.CloseWithError(err)
	})
}

func (c *Conn) store(ctx context.Context, cmd string, r io.Reader, opts []TransferOption) error {
	t := transferOptions(opts)
	return c.do(func() error {
		d, err := c.openBinary(ctx, cmd, t.offset)
		if err != nil {
			return err
		}
		if t.blockFunc == nil {
			_, err = io.Copy(d, r)
		} else {
			buf := make([]byte, t.blockSize)
			for err == nil {
				var n int
				n, err = io.ReadFull(r, buf)
				if n > 0 {
					if _, werr := d.Write(buf[:n]); werr != nil {
						err = werr
						break
					}
					t.blockFunc(buf[:n])
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				err = nil
			}
		}
		return d.CloseWithError(err)
	})
}

func (c *Conn) retrieveLines(ctx context.Context, cmd string, fn func(string) error) error {
	return c.do(func() error { return c.lineTransfer(ctx, cmd, fn) })
}

// lineTransfer runs a line-mode download and calls fn with each line,
// for a caller holding the session.
func (c *Conn) lineTransfer(ctx context.Context, cmd string, fn func(string) error) error {
	d, err := c.openLines(ctx, cmd)
	if err != nil {
		return err
	}
	return c.readLines(d, fn)
}

// readLines calls fn with each line of the line-mode transfer d, then
// finishes it.
func (c *Conn) readLines(d *DataConn, fn func(string) error) error {
	var err error
	rr := replyReader{r: bufio.NewReaderSize(d, 64<<10), maxLine: c.cfg.maxLine}
	for {
		line, rerr := rr.readLine()
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
		c.cfg.debug.print(3, "retr", line)
		if err = fn(line); err != nil {
			break
		}
	}
	return d.CloseWithError(err)
}

func (c *Conn) storeLines(ctx context.Context, cmd string, r io.Reader, fn func(line []byte)) error {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return ErrInvalidCommand // before TYPE is sent
	}
	return c.do(func() error {
		if err := c.setType(ctx, "A"); err != nil {
			return err
		}
		d, err := c.transfer(ctx, cmd, 0)
		if err != nil {
			return err
		}
		return d.CloseWithError(c.writeLines(d, r, fn))
	})
}

// writeLines copies the lines of r to d with CRLF terminators.
func (c *Conn) writeLines(d *DataConn, r io.Reader, fn func(line []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(d, 64<<10)
	var line []byte
	for {
		chunk, rerr := br.ReadSlice('\n')
		line = append(line[:0], chunk...)
		for rerr == bufio.ErrBufferFull && len(line) <= c.cfg.maxLine {
			chunk, rerr = br.ReadSlice('\n')
			line = append(line, chunk...)
		}
		if len(line) > c.cfg.maxLine {
			return fmt.Errorf("%w: a line to send is longer than %d bytes", ErrLineTooLong, c.cfg.maxLine)
		}
		if len(line) > 0 {
			if !hasCRLF(line) {
				if n := len(line); line[n-1] == '\n' || line[n-1] == '\r' {
					line = line[:n-1]
				}
				line = append(line, '\r', '\n')
			}
			if _, err := bw.Write(line); err != nil {
				return err
			}
			if fn != nil {
				fn(line)
			}
		}
		if rerr == io.EOF {
			return bw.Flush()
		}
		if rerr != nil {
			return rerr
		}
	}
}

func hasCRLF(b []byte) bool {
	return len(b) >= 2 && b[len(b)-2] == '\r' && b[len(b)-1] == '\n'
}
