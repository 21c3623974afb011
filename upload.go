package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/ftpkit/ftp/internal/partname"
)

// WithTempName makes Upload write under a temporary name in the remote
// file's directory (".NAME.ftpkit-RANDOM.part") and rename it to the
// file's name only when the server has confirmed it whole, so that no
// partial file ever stands under the final name (some servers keep a
// broken upload's bytes and answer 226: pyftpdlib, proftpd over TLS).
// A failed upload's temporary file is removed.
func WithTempName() FileOption {
	return func(c *fileConfig) { c.tempName = true }
}

// Upload copies the local file to the remote file. A regular file whose
// upload broke for a passing reason is sent again, or resumed where the
// server's copy ends when the server offers REST STREAM (REST, STOR);
// other sources (a FIFO, a device) are not retried once bytes have gone.
// After the transfer the remote size is checked with SIZE and the
// remote time set to the local one with MFMT, where the server offers
// them (see WithoutModTime). See WithTempName, WithNoClobber and
// WithContinue.
func (c *Client) Upload(ctx context.Context, local, remote string, opts ...FileOption) error {
	fc := fileOptions(opts)
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return &fs.PathError{Op: "upload", Path: local, Err: syscall.EISDIR}
	}
	up := &upload{c: c, local: local, remote: remote, fc: fc, f: f, regular: fi.Mode().IsRegular(), size: -1}
	if up.regular {
		up.size, up.mtime = fi.Size(), fi.ModTime()
	}
	if fc.noClobber {
		if _, err := c.Stat(ctx, remote); err == nil {
			return &fs.PathError{Op: "upload", Path: remote, Err: fs.ErrExist}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return up.run(ctx)
}

// An upload is one Client.Upload.
type upload struct {
	c       *Client
	local   string
	remote  string
	fc      fileConfig
	f       *os.File
	regular bool
	size    int64 // the local size, or -1
	mtime   time.Time
	sent    int64 // bytes of f the server has had
}

func (up *upload) run(ctx context.Context) error {
	target := up.remote
	if up.fc.tempName {
		target = partname.Random(up.remote)
	}
	start := int64(0)
	if up.fc.cont && up.regular && !up.fc.tempName {
		if n, ok := up.remoteSize(ctx, target); ok && n <= up.size {
			start = n
		}
	}
	err := up.c.retry(ctx, "Upload", up.remote, func() int64 { return start }, func(ctx context.Context) error {
		if up.sent > 0 {
			if !up.regular {
				return errNoResume
			}
			start = up.resumePoint(ctx, target)
		}
		return up.send(ctx, target, start)
	})
	if errors.Is(err, errNoResume) {
		err = fmt.Errorf("ftp: %s: transfer broke and %s cannot be read again", up.remote, up.local)
	}
	if err == nil {
		err = up.finish(ctx, target)
	}
	if err != nil && up.fc.tempName {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		up.c.Remove(cleanup, target)
		cancel()
	}
	return pathError("upload", up.remote, err)
}

// send uploads f from start on a session.
func (up *upload) send(ctx context.Context, target string, start int64) error {
	if _, err := up.f.Seek(start, io.SeekStart); err != nil && up.regular {
		return err
	}
	return up.c.onSession(ctx, func(ctx context.Context, s *Conn) error {
		d, err := s.Stor(ctx, target, WithOffset(start))
		if err != nil {
			return err
		}
		var src io.Reader = up.f
		if up.fc.progress != nil {
			src = &progressReader{r: up.f, done: start, total: up.size, f: up.fc.progress}
		}
		n, err := d.ReadFrom(src)
		up.sent = start + n
		return d.CloseWithError(err)
	})
}

// resumePoint is where a retried upload starts: the size of the
// server's copy, when the server resumes uploads (REST STREAM) and that
// copy is no longer than what was sent; else 0.
func (up *upload) resumePoint(ctx context.Context, target string) int64 {
	n, ok := up.remoteSize(ctx, target)
	if ok && n <= up.sent {
		return n
	}
	return 0
}

// remoteSize returns the size of the remote file if the server offers
// SIZE and REST STREAM, so that an upload can resume after it.
func (up *upload) remoteSize(ctx context.Context, target string) (int64, bool) {
	var n int64
	ok := false
	up.c.onSession(ctx, func(ctx context.Context, s *Conn) error {
		f, err := s.Features(ctx)
		if err != nil || !f.Has("SIZE") || !strings.Contains(strings.ToUpper(f["REST"]), "STREAM") {
			return err
		}
		if n, err = s.Size(ctx, target); err == nil {
			ok = true
		}
		return nil
	})
	return n, ok
}

// finish checks the size of the upload where the server offers SIZE,
// renames a temporary name to the file's, and sets the remote time
// where the server offers MFMT.
func (up *upload) finish(ctx context.Context, target string) error {
	return up.c.run(ctx, "Upload", up.remote, func(ctx context.Context, s *Conn) error {
		f, err := s.Features(ctx)
		if err != nil {
			return err
		}
		if up.size >= 0 && f.Has("SIZE") {
			n, err := s.Size(ctx, target)
			if err != nil {
				return err
			}
			if n != up.size {
				return fmt.Errorf("%w: %s holds %d bytes after the upload of %d", ErrShortTransfer, target, n, up.size)
			}
		}
		if target != up.remote {
			if err := s.Rename(ctx, target, up.remote); err != nil {
				return err
			}
		}
		if !up.fc.noModTime && !up.mtime.IsZero() && f.Has("MFMT") {
			if err := s.SetModTime(ctx, up.remote, up.mtime); err != nil {
				return err
			}
		}
		return nil
	})
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r           io.Reader
	done, total int64
	f           func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.f(p.done, p.total)
	}
	return n, err
}
