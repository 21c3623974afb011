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

// setType sends TYPE t unless it is already in force. ftplib sends it
// before every transfer; skipping it saves a round trip per file.
func (c *Conn) setType(ctx context.Context, t string) error {
	if c.typ == t {
		return nil
	}
	_, err := c.voidCmd(ctx, "TYPE "+t)
	return err
}

// Retr opens a binary download of path (TYPE I, RETR). Read the file
// from the returned DataConn, then Close it: Close reports whether the
// whole file arrived.
func (c *Conn) Retr(ctx context.Context, path string, opts ...TransferOption) (*DataConn, error) {
	return c.open(ctx, "RETR "+path, opts)
}

// Stor opens a binary upload to path (TYPE I, STOR). Write the file to
// the returned DataConn, then Close it: Close reports the server's
// verdict, and only a nil error means the file was stored.
func (c *Conn) Stor(ctx context.Context, path string, opts ...TransferOption) (*DataConn, error) {
	return c.open(ctx, "STOR "+path, opts)
}

// Append opens a binary upload that appends to path (APPE).
func (c *Conn) Append(ctx context.Context, path string) (*DataConn, error) {
	return c.open(ctx, "APPE "+path, nil)
}

func (c *Conn) open(ctx context.Context, cmd string, opts []TransferOption) (*DataConn, error) {
	t := transferOptions(opts)
	if err := c.acquire(); err != nil {
		return nil, err
	}
	d, err := c.binaryTransfer(ctx, cmd, t.offset)
	if err != nil {
		c.release()
		return nil, err
	}
	return d, nil
}

func (c *Conn) binaryTransfer(ctx context.Context, cmd string, offset int64) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand
	}
	if err := c.setType(ctx, "I"); err != nil {
		return nil, err
	}
	return c.transfer(ctx, cmd, offset)
}

// RetrBinary runs the download command cmd (such as "RETR name") in
// binary mode and copies the data to w (ftplib's retrbinary). It returns
// nil only if all the data arrived and the server confirmed it.
func (c *Conn) RetrBinary(ctx context.Context, cmd string, w io.Writer, opts ...TransferOption) error {
	t := transferOptions(opts)
	d, err := c.open(ctx, cmd, opts)
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
	return finishTransfer(d, err)
}

// StorBinary runs the upload command cmd (such as "STOR name") in binary
// mode with the data read from r until its end (ftplib's storbinary).
func (c *Conn) StorBinary(ctx context.Context, cmd string, r io.Reader, opts ...TransferOption) error {
	t := transferOptions(opts)
	d, err := c.open(ctx, cmd, opts)
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
	return finishTransfer(d, err)
}

// finishTransfer closes d and returns the first error: the copy's, if
// it failed (Close then aborts the transfer), else Close's.
func finishTransfer(d *DataConn, err error) error {
	if err != nil && d.err == nil {
		d.err = err
	}
	cerr := d.Close()
	if err != nil {
		return err
	}
	return cerr
}

// RetrLines runs cmd (such as "RETR name" or "LIST") in ASCII mode and
// calls fn with each line, without its line terminator (ftplib's
// retrlines). As in ftplib a line ends at LF, CRLF or a bare CR, and a
// line longer than the line limit is an error. If fn returns an error,
// the transfer is aborted and that error returned.
func (c *Conn) RetrLines(ctx context.Context, cmd string, fn func(line string) error) error {
	if err := c.acquire(); err != nil {
		return err
	}
	return c.retrLines(ctx, cmd, fn)
}

// linesTransfer sends TYPE A (accepting any 1xx-3xx reply, as ftplib's
// retrlines does) and opens the transfer.
func (c *Conn) linesTransfer(ctx context.Context, cmd string) (*DataConn, error) {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return nil, ErrInvalidCommand
	}
	if c.typ != "A" {
		if _, err := c.cmd(ctx, "TYPE A"); err != nil {
			return nil, err
		}
	}
	return c.transfer(ctx, cmd, 0)
}

// StorLines runs the upload command cmd in ASCII mode with the lines of
// r (ftplib's storlines): every line is sent with a CRLF terminator,
// whether it ended in LF, CR, CRLF or nothing. fn, if not nil, is called
// with each line as sent. A line longer than the line limit is an error.
func (c *Conn) StorLines(ctx context.Context, cmd string, r io.Reader, fn func(line []byte)) error {
	if err := c.acquire(); err != nil {
		return err
	}
	if strings.ContainsAny(cmd, "\r\n\x00") {
		c.release()
		return ErrInvalidCommand
	}
	err := c.setType(ctx, "A")
	var d *DataConn
	if err == nil {
		d, err = c.transfer(ctx, cmd, 0)
	}
	if err != nil {
		c.release()
		return err
	}
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
			err = fmt.Errorf("%w: a line to send is longer than %d bytes", ErrLineTooLong, c.cfg.maxLine)
			break
		}
		if len(line) > 0 {
			if !hasCRLF(line) {
				if n := len(line); line[n-1] == '\n' || line[n-1] == '\r' {
					line = line[:n-1]
				}
				line = append(line, '\r', '\n')
			}
			if _, err = bw.Write(line); err != nil {
				break
			}
			if fn != nil {
				fn(line)
			}
		}
		if rerr == io.EOF {
			err = bw.Flush()
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	return finishTransfer(d, err)
}

func hasCRLF(b []byte) bool {
	return len(b) >= 2 && b[len(b)-2] == '\r' && b[len(b)-1] == '\n'
}
