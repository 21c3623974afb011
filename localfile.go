package ftp

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftpkit/ftp/internal/partname"
)

// A localTarget is the destination of a download on the local machine,
// examined before anything is transferred. A regular file (or a
// symbolic link to one, or a name not yet taken) is written under a
// temporary name in its directory and renamed over the file at the end;
// anything else (a character device such as /dev/null, a FIFO, a link
// to one) is written in place and never replaced.
type localTarget struct {
	name    string      // as the caller gave it, for errors
	real    string      // the file renamed over: name, or where its links lead
	inPlace bool        // written through, never replaced
	exists  bool        // real (or the in-place target) exists
	size    int64       // its size when it is a regular file
	mode    fs.FileMode // the permissions to keep, when exists
}

// examineTarget looks at the destination name of a download.
func examineTarget(name string) (*localTarget, error) {
	t := &localTarget{name: name, real: name}
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return t, t.checkDir()
	}
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := resolveLinks(name)
		if err != nil {
			return nil, err
		}
		t.real = real
		if fi, err = os.Lstat(real); errors.Is(err, fs.ErrNotExist) {
			return t, t.checkDir() // a dangling link: its target is made
		} else if err != nil {
			return nil, err
		}
	}
	switch {
	case fi.IsDir():
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EISDIR}
	case fi.Mode().IsRegular():
		t.exists, t.size, t.mode = true, fi.Size(), fi.Mode().Perm()
	default:
		t.inPlace, t.exists = true, true
	}
	return t, nil
}

// checkDir checks that the directory of t.real exists, so that a
// download to a missing directory fails before it starts.
func (t *localTarget) checkDir() error {
	dir := filepath.Dir(t.real)
	fi, err := os.Stat(dir)
	if err != nil {
		return &fs.PathError{Op: "open", Path: t.name, Err: unwrapPathError(err)}
	}
	if !fi.IsDir() {
		return &fs.PathError{Op: "open", Path: t.name, Err: syscall.ENOTDIR}
	}
	return nil
}

// resolveLinks follows the chain of symbolic links at name to the name
// of what it leads to, which need not exist.
func resolveLinks(name string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		target, err := os.Readlink(name)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		name = target
	}
	return "", &fs.PathError{Op: "open", Path: name, Err: syscall.ELOOP}
}

// partName is the temporary name of a download of the remote file
// identified by key (server and path) to t: hidden, beside the file it
// will replace.
func (t *localTarget) partName(key string) string {
	return t.sibling(partname.For(filepath.Base(t.real), fmt.Sprintf("%016x", keyHash(key))))
}

// idName is the name of the file that records, beside the kept data
// part, the size and time of the remote file it is the start of.
func (t *localTarget) idName(part string) string {
	return strings.TrimSuffix(part, ".part") + "-id.part"
}

// writeIdentity records size and mtime in the file name.
func writeIdentity(name string, size int64, mtime time.Time) error {
	return os.WriteFile(name, []byte(fmt.Sprintf("%d %d\n", size, mtime.UnixNano())), 0o666)
}

// readIdentity reads what writeIdentity wrote.
func readIdentity(name string) (size int64, mtime time.Time, ok bool) {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, time.Time{}, false
	}
	s, m, found := strings.Cut(strings.TrimSpace(string(b)), " ")
	size, err1 := strconv.ParseInt(s, 10, 64)
	ns, err2 := strconv.ParseInt(m, 10, 64)
	if !found || err1 != nil || err2 != nil {
		return 0, time.Time{}, false
	}
	return size, time.Unix(0, ns), true
}

// sibling is name in the directory of t.real.
func (t *localTarget) sibling(name string) string {
	return filepath.Join(filepath.Dir(t.real), name)
}

func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// commit gives the finished temporary file p the permissions of the
// file it replaces and the remote modification time (unless zero), and
// renames it over t.real.
func (t *localTarget) commit(p string, mtime time.Time) error {
	if t.exists && !t.inPlace {
		if err := os.Chmod(p, t.mode); err != nil {
			return t.localError(err)
		}
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(p, time.Time{}, mtime); err != nil {
			return t.localError(err)
		}
	}
	if err := os.Rename(p, t.real); err != nil {
		return t.localError(err)
	}
	return nil
}

// localError names t's destination, as the caller gave it, in err, an
// error of a file under a temporary name.
func (t *localTarget) localError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: t.name, Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return &fs.PathError{Op: le.Op, Path: t.name, Err: le.Err}
	}
	return err
}
