package ftptest

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	ftpserver "goftp.io/server/v2"
)

var errReadOnly = errors.New("read-only for anonymous users")

// A driver is goftp's file driver, read-only for anonymous sessions, whose
// errors name FTP paths rather than the served directory's file names
// (goftp puts some errors in its replies).
type driver struct {
	ftpserver.Driver
	root string
}

func anon(ctx *ftpserver.Context) bool {
	return ctx != nil && ctx.Sess != nil && isAnonymous(ctx.Sess.LoginUser())
}

// hide replaces the served directory in the file names of err.
func (d *driver) hide(err error) error {
	ftpPath := func(name string) string {
		if rel, err := filepath.Rel(d.root, name); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return "/" + filepath.ToSlash(strings.TrimPrefix(rel, "."))
		}
		return name
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return &fs.PathError{Op: pe.Op, Path: ftpPath(pe.Path), Err: pe.Err}
	case errors.As(err, &le):
		return &os.LinkError{Op: le.Op, Old: ftpPath(le.Old), New: ftpPath(le.New), Err: le.Err}
	}
	return err
}

func (d *driver) Stat(ctx *ftpserver.Context, p string) (os.FileInfo, error) {
	fi, err := d.Driver.Stat(ctx, p)
	return fi, d.hide(err)
}

func (d *driver) ListDir(ctx *ftpserver.Context, p string, f func(os.FileInfo) error) error {
	return d.hide(d.Driver.ListDir(ctx, p, f))
}

func (d *driver) GetFile(ctx *ftpserver.Context, p string, off int64) (int64, io.ReadCloser, error) {
	n, r, err := d.Driver.GetFile(ctx, p, off)
	return n, r, d.hide(err)
}

func (d *driver) DeleteDir(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.hide(d.Driver.DeleteDir(ctx, p))
}

func (d *driver) DeleteFile(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.hide(d.Driver.DeleteFile(ctx, p))
}

func (d *driver) Rename(ctx *ftpserver.Context, from, to string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.hide(d.Driver.Rename(ctx, from, to))
}

func (d *driver) MakeDir(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.hide(d.Driver.MakeDir(ctx, p))
}

func (d *driver) PutFile(ctx *ftpserver.Context, p string, r io.Reader, off int64) (int64, error) {
	if anon(ctx) {
		return 0, errReadOnly
	}
	fi, err := d.Driver.Stat(ctx, p)
	switch {
	case err != nil || !fi.Mode().IsRegular() || ctx == nil:
	case ctx.Cmd == "APPE":
		// goftp's APPE replaces the file unless REST came before.
		off = fi.Size()
	case off > 0 && off < fi.Size():
		// goftp appends after REST; real servers write from the
		// offset, replacing the rest.
		if err := os.Truncate(filepath.Join(d.root, filepath.FromSlash(p)), off); err != nil {
			return 0, d.hide(err)
		}
	}
	n, err := d.Driver.PutFile(ctx, p, r, off)
	return n, d.hide(err)
}
