package ftp

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// pathError wraps err, if not nil, for op on name, as package os does.
func pathError(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Stat returns the entry of name (see Conn.Stat). A missing name gives
// an error matching fs.ErrNotExist.
func (c *Client) Stat(ctx context.Context, name string) (listing.Entry, error) {
	var e listing.Entry
	err := c.run(ctx, "Stat", name, func(ctx context.Context, s *Conn) (err error) {
		e, err = s.Stat(ctx, name)
		return err
	})
	return e, pathError("stat", name, err)
}

// ReadDir returns the entries of the directory name, sorted by name,
// without "." and ".." (see Conn.ReadDir).
func (c *Client) ReadDir(ctx context.Context, name string) ([]listing.Entry, error) {
	var es []listing.Entry
	err := c.run(ctx, "ReadDir", name, func(ctx context.Context, s *Conn) (err error) {
		es, err = s.ReadDir(ctx, name)
		return err
	})
	return es, pathError("readdir", name, err)
}

// ReadDirFunc lists the directory name as ReadDir does, but calls fn
// with each entry as it arrives, in the server's order, without holding
// the listing (see Conn.ReadDirFunc). fn runs while the session is busy
// with the transfer: it must not call the Client, and an error from fn
// aborts the listing and is returned, wrapped. A listing that fails
// for a passing reason before fn was first called is retried; one that
// fails after is not, so fn never sees an entry twice.
func (c *Client) ReadDirFunc(ctx context.Context, name string, fn func(listing.Entry) error) error {
	called := false
	err := c.retry(ctx, "ReadDir", name, nil, func(ctx context.Context) error {
		err := c.onSession(ctx, func(ctx context.Context, s *Conn) error {
			return s.ReadDirFunc(ctx, name, func(e listing.Entry) error {
				called = true
				return fn(e)
			})
		})
		if err != nil && called {
			return noRetry{err}
		}
		return err
	})
	if nr, ok := err.(noRetry); ok {
		err = nr.err
	}
	return pathError("readdir", name, err)
}

// noRetry carries an error past the Client's retries: it does not
// unwrap, so no passing failure is seen in it.
type noRetry struct{ err error }

func (e noRetry) Error() string { return e.err.Error() }

// Walk walks the tree rooted at root as Conn.Walk does, calling fn for
// root and everything below it in lexical order. No session is held
// while fn runs, so fn may call the Client (download the file it is
// given, say) at any limit, WithMaxConns(1) included.
func (c *Client) Walk(ctx context.Context, root string, fn WalkFunc) error {
	return tree{c.Stat, c.ReadDir}.walkRoot(ctx, root, fn)
}

// Remove removes the file or empty directory name (DELE, then RMD if
// DELE fails), as os.Remove does. When both fail, the error is RMD's if
// Stat finds a directory (one that is not empty, say), else DELE's. A
// Remove retried after its first try's outcome was lost succeeds when
// the name is gone.
func (c *Client) Remove(ctx context.Context, name string) error {
	tries := 0
	err := c.run(ctx, "Remove", name, func(ctx context.Context, s *Conn) error {
		tries++
		err := s.Delete(ctx, name)
		if err != nil && !broken(err) {
			rerr := s.Rmd(ctx, name)
			if rerr == nil {
				return nil
			}
			if e, serr := s.Stat(ctx, name); serr == nil && e.Type == listing.TypeDir {
				err = rerr // a directory: RMD's reason
			}
		}
		if tries > 1 && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	return pathError("remove", name, err)
}

// Rename renames oldname to newname (RNFR, RNTO). Servers replace an
// existing file newname (all four tested do).
func (c *Client) Rename(ctx context.Context, oldname, newname string) error {
	tries := 0
	err := c.run(ctx, "Rename", oldname, func(ctx context.Context, s *Conn) error {
		tries++
		err := s.Rename(ctx, oldname, newname)
		if tries > 1 && errors.Is(err, fs.ErrNotExist) {
			// Perhaps the first try renamed it and its reply was lost.
			if _, serr := s.Stat(ctx, newname); serr == nil {
				return nil
			}
		}
		return err
	})
	if err != nil {
		return &LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return nil
}

// LinkError records an error of Rename, as os.LinkError does.
type LinkError struct {
	Op, Old, New string
	Err          error
}

func (e *LinkError) Error() string { return e.Op + " " + e.Old + " " + e.New + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *LinkError) Unwrap() error { return e.Err }

// Mkdir creates the directory name (MKD). An existing name gives an
// error matching fs.ErrExist where the server says so.
func (c *Client) Mkdir(ctx context.Context, name string) error {
	tries := 0
	err := c.run(ctx, "Mkdir", name, func(ctx context.Context, s *Conn) error {
		tries++
		_, err := s.Mkd(ctx, name)
		if err != nil && tries > 1 && !broken(err) {
			if e, serr := s.Stat(ctx, name); serr == nil && e.Type == listing.TypeDir {
				return nil // the first try made it
			}
		}
		return err
	})
	return pathError("mkdir", name, err)
}

// MkdirAll creates the directory name and any parents it lacks, as
// os.MkdirAll does. An existing directory is no error; an existing file
// in the way is.
func (c *Client) MkdirAll(ctx context.Context, name string) error {
	err := c.run(ctx, "MkdirAll", name, func(ctx context.Context, s *Conn) error {
		return mkdirAll(ctx, s, name)
	})
	return pathError("mkdir", name, err)
}

// mkdirAll makes name and its parents on s.
func mkdirAll(ctx context.Context, s *Conn, name string) error {
	clean := path.Clean(name)
	if clean == "." || clean == "/" {
		return nil
	}
	e, err := s.Stat(ctx, clean)
	switch {
	case err == nil && e.Type == listing.TypeDir:
		return nil
	case err == nil:
		return &Error{Text: clean + " exists and is not a directory", Cmd: "MKD " + clean, class: ErrPermanent, fs: fs.ErrExist}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := mkdirAll(ctx, s, path.Dir(clean)); err != nil {
		return err
	}
	if _, err := s.Mkd(ctx, clean); err != nil {
		// Made meanwhile by someone else, or refused for a reason the
		// reply does not tell (vsftpd): a directory there is success.
		if e, serr := s.Stat(ctx, clean); serr == nil && e.Type == listing.TypeDir {
			return nil
		}
		return err
	}
	return nil
}

// RemoveAll removes name and everything below it, as os.RemoveAll does:
// a missing name is no error. It does not follow symbolic links.
func (c *Client) RemoveAll(ctx context.Context, name string) error {
	err := c.run(ctx, "RemoveAll", name, func(ctx context.Context, s *Conn) error {
		return removeAll(ctx, s, name)
	})
	return pathError("removeall", name, err)
}

// removeAll removes p and everything below it on s.
func removeAll(ctx context.Context, s *Conn, p string) error {
	e, err := s.Stat(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.Type != listing.TypeDir {
		if err := s.Delete(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	entries, err := s.ReadDir(ctx, p)
	if err != nil {
		return err
	}
	for _, child := range entries {
		if !validName(child.Name) {
			return &Error{Text: "unsafe name in listing: " + child.Name, Cmd: "LIST " + p, class: ErrProtocol}
		}
		if err := removeAll(ctx, s, path.Join(p, child.Name)); err != nil {
			return err
		}
	}
	if err := s.Rmd(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// validName reports whether name, from a listing, names an entry of the
// listed directory: not empty, ".", ".." or anything with a '/' or NUL.
func validName(name string) bool {
	if name == "" || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '/' || name[i] == 0 {
			return false
		}
	}
	return true
}

// Chtimes sets the modification time of name to mtime (MFMT). FTP sets
// no access time: atime is ignored. It is os.Chtimes's shape, as in
// pkg/sftp.
func (c *Client) Chtimes(ctx context.Context, name string, atime, mtime time.Time) error {
	err := c.run(ctx, "Chtimes", name, func(ctx context.Context, s *Conn) error {
		return s.SetModTime(ctx, name, mtime)
	})
	return pathError("chtimes", name, err)
}
