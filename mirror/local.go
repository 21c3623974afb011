package mirror

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// Local returns the tree of the local directory dir. As a target, it is
// made if missing; nothing is ever written through a symbolic link in
// it: a link where a file is to be written is replaced, and a path
// whose parent is a link is refused.
func Local(dir string) Tree {
	return &localTree{dir: filepath.Clean(dir)}
}

type localTree struct {
	dir string
}

func (t *localTree) String() string { return t.dir }

// path returns the local name of rel.
func (t *localTree) path(rel string) string {
	if rel == "" {
		return t.dir
	}
	return filepath.Join(t.dir, filepath.FromSlash(rel))
}

// errLinkInPath is the error of a write whose path crosses a link.
var errLinkInPath = errors.New("path crosses a symbolic link")

// checkParents checks that every parent of rel below the root is a
// directory and not a link, so that a write to rel stays in the tree.
func (t *localTree) checkParents(rel string) error {
	p := t.dir
	elems := strings.Split(rel, "/")
	for _, e := range elems[:len(elems)-1] {
		p = filepath.Join(p, e)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &fs.PathError{Op: "write", Path: p, Err: errLinkInPath}
		}
		if !fi.IsDir() {
			return &fs.PathError{Op: "write", Path: p, Err: syscall.ENOTDIR}
		}
	}
	return nil
}

// prepareWrite makes rel ready to be written as a new file: its parents
// are checked, and a link or other non-directory at rel is removed.
func (t *localTree) prepareWrite(rel string) (string, error) {
	if err := t.checkParents(rel); err != nil {
		return "", err
	}
	p := t.path(rel)
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p, nil
	case err != nil:
		return "", err
	case fi.IsDir():
		return "", &fs.PathError{Op: "write", Path: p, Err: syscall.EISDIR}
	case !fi.Mode().IsRegular():
		// A link, a FIFO, a device: replaced, never written through.
		if err := os.Remove(p); err != nil {
			return "", err
		}
	}
	return p, nil
}

func (t *localTree) list(ctx context.Context, dir string) ([]listing.Entry, error) {
	if dir != "" {
		if err := t.checkParents(dir + "/x"); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(t.path(dir))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []listing.Entry
	for {
		des, err := f.ReadDir(1024)
		for _, de := range des {
			e, err := t.entry(filepath.Join(t.path(dir), de.Name()), de.Name())
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed meanwhile
			}
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	slices.SortFunc(out, func(a, b listing.Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// entry describes the local file p, named name, without following a link.
func (t *localTree) entry(p, name string) (listing.Entry, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return listing.Entry{}, err
	}
	e := entryOf(fi, name)
	if e.Type == listing.TypeSymlink {
		e.Target, _ = os.Readlink(p)
	}
	return e, nil
}

// entryOf makes a listing entry of a local file's information.
func entryOf(fi fs.FileInfo, name string) listing.Entry {
	e := listing.Entry{Name: name, Size: -1, ModTime: fi.ModTime(), Precision: listing.PrecisionSubsecond, Mode: fi.Mode()}
	switch m := fi.Mode(); {
	case m.IsRegular():
		e.Type, e.Size = listing.TypeFile, fi.Size()
	case m.IsDir():
		e.Type = listing.TypeDir
	case m&fs.ModeSymlink != 0:
		e.Type = listing.TypeSymlink
	case m&fs.ModeNamedPipe != 0:
		e.Type = listing.TypePipe
	case m&fs.ModeSocket != 0:
		e.Type = listing.TypeSocket
	case m&fs.ModeCharDevice != 0:
		e.Type = listing.TypeCharDevice
	case m&fs.ModeDevice != 0:
		e.Type = listing.TypeBlockDevice
	default:
		e.Type = listing.TypeOther
	}
	return e
}

func (t *localTree) stat(ctx context.Context, rel string) (listing.Entry, error) {
	fi, err := os.Stat(t.path(rel))
	if err != nil {
		return listing.Entry{}, err
	}
	return entryOf(fi, filepath.Base(rel)), nil
}

func (t *localTree) modTime(ctx context.Context, rel string) (time.Time, error) {
	fi, err := os.Lstat(t.path(rel))
	if err != nil {
		return time.Time{}, err
	}
	return fi.ModTime(), nil
}

func (t *localTree) canSetTimes(ctx context.Context) (bool, error) { return true, nil }

func (t *localTree) hashes(ctx context.Context) ([]string, error) {
	return []string{"SHA-256", "SHA-512", "SHA-1", "MD5"}, nil
}

func (t *localTree) hash(ctx context.Context, rel, algo string) (string, error) {
	var h hash.Hash
	switch algo {
	case "SHA-256":
		h = sha256.New()
	case "SHA-512":
		h = sha512.New()
	case "SHA-1":
		h = sha1.New()
	case "MD5":
		h = md5.New()
	default:
		return "", fmt.Errorf("mirror: unknown checksum %s", algo)
	}
	f, err := os.Open(t.path(rel))
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader stops a long read when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

func (t *localTree) mkdir(ctx context.Context, rel string) error {
	if rel == "" {
		return os.MkdirAll(t.dir, 0o777)
	}
	if err := t.checkParents(rel); err != nil {
		return err
	}
	p := t.path(rel)
	err := os.Mkdir(p, 0o777)
	if errors.Is(err, fs.ErrExist) {
		fi, lerr := os.Lstat(p)
		if lerr == nil && fi.IsDir() {
			return nil
		}
		if lerr == nil && !fi.IsDir() {
			// A file or link where the source has a directory.
			if err := os.Remove(p); err != nil {
				return err
			}
			return os.Mkdir(p, 0o777)
		}
	}
	return err
}

func (t *localTree) remove(ctx context.Context, rel string) error {
	if err := t.checkParents(rel); err != nil {
		return err
	}
	err := os.Remove(t.path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func (t *localTree) chtimes(ctx context.Context, rel string, mt time.Time) error {
	if err := t.checkParents(rel); err != nil {
		return err
	}
	p := t.path(rel)
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil // os.Chtimes would follow it
	}
	return os.Chtimes(p, time.Time{}, mt)
}

func (t *localTree) symlink(ctx context.Context, rel, target string) error {
	p, err := t.prepareWrite(rel)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Symlink(target, p)
}
