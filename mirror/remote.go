package mirror

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

// Remote returns the tree rooted at root on the server of c: a path
// relative to the login directory, or absolute; "" is the login
// directory. Listings, checks and transfers share c's sessions, whose
// limit (ftp.WithMaxConns) bounds how many run at once.
func Remote(c *ftp.Client, root string) Tree {
	if root != "/" {
		root = strings.TrimRight(root, "/")
	}
	return &remoteTree{c: c, root: root}
}

type remoteTree struct {
	c    *ftp.Client
	root string

	once sync.Once
	feat ftp.Features
	ferr error
}

func (t *remoteTree) String() string {
	if t.root == "" {
		return "the FTP login directory"
	}
	return "FTP " + t.root
}

// path returns the server path of rel. A relative path that starts
// with '-' is written "./-..." so that no server reads it as an option
// of LIST.
func (t *remoteTree) path(rel string) string {
	p := rel
	switch {
	case t.root == "":
	case rel == "":
		p = t.root
	case t.root == "/":
		p = "/" + rel
	default:
		p = t.root + "/" + rel
	}
	if strings.HasPrefix(p, "-") {
		p = "./" + p
	}
	return p
}

// features returns the server's FEAT set, asked once.
func (t *remoteTree) features(ctx context.Context) (ftp.Features, error) {
	t.once.Do(func() {
		t.ferr = t.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
			var err error
			t.feat, err = s.Features(ctx)
			return err
		})
	})
	return t.feat, t.ferr
}

func (t *remoteTree) list(ctx context.Context, dir string) ([]listing.Entry, error) {
	return t.c.ReadDir(ctx, t.path(dir))
}

func (t *remoteTree) stat(ctx context.Context, rel string) (listing.Entry, error) {
	return t.c.Stat(ctx, t.path(rel))
}

func (t *remoteTree) modTime(ctx context.Context, rel string) (time.Time, error) {
	var mt time.Time
	err := t.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		var err error
		mt, err = s.ModTime(ctx, t.path(rel))
		return err
	})
	return mt, err
}

func (t *remoteTree) canSetTimes(ctx context.Context) (bool, error) {
	f, err := t.features(ctx)
	return err == nil && f.Has("MFMT"), err
}

// hashes lists the algorithms of HASH (draft-bryan-ftp-hash) and of the
// XSHA256, XSHA512, XSHA1 and XMD5 commands that FEAT advertises.
func (t *remoteTree) hashes(ctx context.Context) ([]string, error) {
	f, err := t.features(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range []struct{ algo, x string }{{"SHA-256", "XSHA256"}, {"SHA-512", "XSHA512"}, {"SHA-1", "XSHA1"}, {"MD5", "XMD5"}} {
		listed := false
		for _, h := range strings.Split(f["HASH"], ";") {
			if strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(h), "*"), a.algo) {
				listed = true
			}
		}
		if listed || f.Has(a.x) {
			out = append(out, a.algo)
		}
	}
	return out, nil
}

func (t *remoteTree) hash(ctx context.Context, rel, algo string) (string, error) {
	var sum string
	err := t.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		var err error
		sum, err = s.Hash(ctx, t.path(rel), algo)
		return err
	})
	return sum, err
}

func (t *remoteTree) mkdir(ctx context.Context, rel string) error {
	if rel == "" {
		if t.root == "" || t.root == "/" {
			return nil
		}
		return t.c.MkdirAll(ctx, t.root)
	}
	err := t.c.Mkdir(ctx, t.path(rel))
	if err == nil {
		return nil
	}
	// An existing directory is success, whatever the reply said; a
	// file in the way is replaced.
	e, serr := t.c.Stat(ctx, t.path(rel))
	switch {
	case serr == nil && e.Type == listing.TypeDir:
		return nil
	case serr == nil:
		if rerr := t.c.Remove(ctx, t.path(rel)); rerr != nil {
			return rerr
		}
		return t.c.Mkdir(ctx, t.path(rel))
	}
	return err
}

func (t *remoteTree) remove(ctx context.Context, rel string) error {
	err := t.c.Remove(ctx, t.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func (t *remoteTree) chtimes(ctx context.Context, rel string, mt time.Time) error {
	return t.c.Chtimes(ctx, t.path(rel), time.Time{}, mt)
}

func (t *remoteTree) symlink(ctx context.Context, rel, target string) error {
	return &fs.PathError{Op: "symlink", Path: path.Join(t.root, rel), Err: errNoLinks}
}
