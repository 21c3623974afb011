// Package ftpfs presents a directory tree on an FTP server as an fs.FS.
//
// An FS wraps one logged-in *ftp.Conn. It implements fs.FS, fs.StatFS,
// fs.ReadDirFS, fs.ReadFileFS and fs.SubFS, so that fs.WalkDir, fs.Glob,
// fs.ReadFile, template.ParseFS and http.FS work over FTP.
//
// A Conn serves one call at a time, so an FS serializes its calls with a
// mutex: an FS and the Files opened from it may be used from several
// goroutines, but their FTP exchanges run one after the other, and the
// Conn must not be used directly while the FS is in use.
//
// Files are streamed: Open sends no RETR; the first Read starts the
// download, which then holds the connection while it is read. Any other
// call on the FS (or a Read of another File) while a download is in
// progress aborts that download (ABOR); the File remembers its offset and
// its next Read resumes with REST. So Files never block each other, at
// the cost of an abort and a restart when reads interleave; read one
// file at a time for speed. Files implement io.Seeker the same way: a
// Seek to a new offset ends the download in progress and the next Read
// restarts at the offset with REST, which the server must support (REST
// STREAM, RFC 3659). Close aborts a download that was not read to its
// end.
package ftpfs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

// FS is a file system over an FTP connection. Names are resolved below a
// root directory on the server: the working directory of the Conn for an
// FS made by New, or the directory given to Sub.
type FS struct {
	s    *session
	ctx  context.Context
	root string // "" for the working directory, else a server path
}

// session is the state shared by an FS and those derived from it.
type session struct {
	mu     sync.Mutex
	c      *ftp.Conn
	holder *file // the File whose download holds the Conn, or nil
}

// New returns an FS over c, which must be logged in, rooted at the
// working directory of c. Its calls use context.Background; see
// WithContext.
func New(c *ftp.Conn) *FS {
	return &FS{s: &session{c: c}, ctx: context.Background()}
}

// WithContext returns an FS sharing f's connection and root whose calls,
// and the reads of the Files it opens, use ctx.
func (f *FS) WithContext(ctx context.Context) *FS {
	g := *f
	g.ctx = ctx
	return &g
}

// Sub returns an FS rooted at the directory dir of f. It checks that dir
// is a directory.
func (f *FS) Sub(dir string) (fs.FS, error) {
	if !fs.ValidPath(dir) {
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: fs.ErrInvalid}
	}
	if dir == "." {
		return f, nil
	}
	info, err := f.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: errors.New("not a directory")}
	}
	g := *f
	g.root = f.remote(dir)
	return &g, nil
}

// remote maps a valid name to the server path.
func (f *FS) remote(name string) string {
	switch {
	case f.root == "":
		return name
	case name == ".":
		return f.root
	}
	return path.Join(f.root, name)
}

// pathError wraps err for op on name: the ftp package's *ftp.Error
// already matches fs.ErrNotExist or fs.ErrPermission where the reply
// says which.
func pathError(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// lock claims the session, aborting the download in progress, if any.
func (s *session) lock() {
	s.mu.Lock()
	s.preempt()
}

// preempt ends the download that holds the connection.
func (s *session) preempt() {
	if h := s.holder; h != nil {
		h.dc.Close() // aborts: the File resumes with REST if read again
		h.dc, s.holder = nil, nil
	}
}

// hasMLST reports whether the server advertises MLST, from the Conn's
// cached FEAT set. The caller holds the session.
func (f *FS) hasMLST() (bool, error) {
	feat, err := f.s.c.Features(f.ctx)
	if err != nil {
		return false, err
	}
	return feat.Has("MLST"), nil
}

// stat returns the entry of a valid name. Without MLST a name is looked
// up in the listing of its parent, so that Stat and ReadDir agree on
// every field (LIST and SIZE/MDTM differ in the precision of times), and
// the root is a directory of unknown time. The caller holds the session.
func (f *FS) stat(op, name string) (listing.Entry, error) {
	mlst, err := f.hasMLST()
	if err != nil {
		return listing.Entry{}, pathError(op, name, err)
	}
	if mlst {
		e, err := f.s.c.Stat(f.ctx, f.remote(name))
		if err != nil {
			return listing.Entry{}, pathError(op, name, err)
		}
		e.Name = path.Base(name)
		return e, nil
	}
	if name == "." {
		return listing.Entry{Name: ".", Type: listing.TypeDir, Size: -1, Mode: fs.ModeDir | 0o555}, nil
	}
	dir, base := path.Split(name)
	entries, err := f.s.c.ReadDir(f.ctx, f.remote(path.Clean("./"+dir)))
	if err != nil {
		return listing.Entry{}, pathError(op, name, err)
	}
	if i, ok := slices.BinarySearchFunc(entries, base, func(e listing.Entry, n string) int { return strings.Compare(e.Name, n) }); ok {
		return entries[i], nil
	}
	return listing.Entry{}, pathError(op, name, fs.ErrNotExist)
}

// Stat returns information about the named file (fs.StatFS).
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, pathError("stat", name, fs.ErrInvalid)
	}
	f.s.lock()
	defer f.s.mu.Unlock()
	e, err := f.stat("stat", name)
	if err != nil {
		return nil, err
	}
	return FileInfo(e), nil
}

// readDir lists a valid name. The caller holds the session.
func (f *FS) readDir(name string) ([]fs.DirEntry, error) {
	entries, err := f.s.c.ReadDir(f.ctx, f.remote(name))
	if err != nil {
		return nil, pathError("readdir", name, err)
	}
	out := make([]fs.DirEntry, 0, len(entries))
	for _, e := range entries {
		if e.Name == "" || strings.Contains(e.Name, "/") {
			continue // not a name an fs.FS can serve
		}
		out = append(out, fs.FileInfoToDirEntry(FileInfo(e)))
	}
	return out, nil
}

// ReadDir reads the named directory and returns its entries sorted by
// name (fs.ReadDirFS). It checks that name is a directory first, since
// many servers list a file as a directory holding it, and a missing
// directory as an empty one.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, pathError("readdir", name, fs.ErrInvalid)
	}
	f.s.lock()
	defer f.s.mu.Unlock()
	e, err := f.stat("readdir", name)
	if err != nil {
		return nil, err
	}
	if e.Type != listing.TypeDir {
		return nil, pathError("readdir", name, errors.New("not a directory"))
	}
	return f.readDir(name)
}

// ReadFile reads the whole named file (fs.ReadFileFS).
func (f *FS) ReadFile(name string) ([]byte, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	info, _ := file.Stat()
	buf := make([]byte, 0, max(min(info.Size(), 64<<20), 0)+1)
	for {
		n, err := file.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
	}
}

// Open opens the named file or directory (fs.FS). It asks the server
// for the entry (MLST, or a listing of the parent directory); a
// directory's entries are listed by its first ReadDir, and a file's
// download starts with its first Read.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, pathError("open", name, fs.ErrInvalid)
	}
	f.s.lock()
	defer f.s.mu.Unlock()
	e, err := f.stat("open", name)
	if err != nil {
		return nil, err
	}
	if e.Type == listing.TypeDir {
		return &dir{fs: f, name: name, info: FileInfo(e)}, nil
	}
	return &file{fs: f, name: name, info: FileInfo(e)}, nil
}

// A file is an open regular file; dc, when not nil, is its download in
// progress, which holds the connection.
type file struct {
	fs     *FS
	name   string
	info   fs.FileInfo
	off    int64
	dc     *ftp.DataConn
	eof    bool // dc reached its end at off
	closed bool
}

func (fl *file) Stat() (fs.FileInfo, error) { return fl.info, nil }

// Read reads from the download, starting it (at the offset, with REST)
// if none is in progress.
func (fl *file) Read(p []byte) (int, error) {
	s := fl.fs.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if fl.closed {
		return 0, pathError("read", fl.name, fs.ErrClosed)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if fl.eof {
		return 0, io.EOF
	}
	if s.holder != fl {
		s.preempt()
		var opts []ftp.TransferOption
		if fl.off > 0 {
			opts = append(opts, ftp.WithOffset(fl.off))
		}
		dc, err := s.c.Retr(fl.fs.ctx, fl.fs.remote(fl.name), opts...)
		if err != nil {
			return 0, pathError("read", fl.name, err)
		}
		fl.dc, s.holder = dc, fl
	}
	n, err := fl.dc.Read(p)
	fl.off += int64(n)
	if err == nil {
		return n, nil
	}
	// The end of the download, or its failure: finish it, which checks
	// the server's verdict and releases the connection.
	cerr := fl.dc.Close()
	fl.dc, s.holder = nil, nil
	if err == io.EOF {
		if cerr != nil {
			return n, pathError("read", fl.name, cerr)
		}
		fl.eof = true
		return n, io.EOF
	}
	return n, pathError("read", fl.name, err)
}

// Seek sets the offset of the next Read; the download in progress, if
// the offset changes, is aborted and the next Read restarts it there.
// io.SeekEnd is relative to the size the server reported.
func (fl *file) Seek(offset int64, whence int) (int64, error) {
	s := fl.fs.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if fl.closed {
		return 0, pathError("seek", fl.name, fs.ErrClosed)
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += fl.off
	case io.SeekEnd:
		offset += fl.info.Size()
	default:
		return 0, pathError("seek", fl.name, fs.ErrInvalid)
	}
	if offset < 0 {
		return 0, pathError("seek", fl.name, fs.ErrInvalid)
	}
	if offset != fl.off {
		if s.holder == fl {
			s.preempt()
		}
		fl.off, fl.eof = offset, false
	}
	return offset, nil
}

// Close ends the download in progress, if any.
func (fl *file) Close() error {
	s := fl.fs.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if fl.closed {
		return pathError("close", fl.name, fs.ErrClosed)
	}
	fl.closed = true
	if s.holder == fl {
		s.preempt()
	}
	return nil
}

// A dir is an open directory.
type dir struct {
	fs      *FS
	name    string
	info    fs.FileInfo
	entries []fs.DirEntry
	listed  bool
	closed  bool
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }

func (d *dir) Read([]byte) (int, error) {
	return 0, pathError("read", d.name, errors.New("is a directory"))
}

func (d *dir) Close() error {
	if d.closed {
		return pathError("close", d.name, fs.ErrClosed)
	}
	d.closed = true
	return nil
}

// ReadDir returns the next n entries, or all the remaining ones if n <=
// 0, as fs.ReadDirFile says. The directory is listed on the first call.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.closed {
		return nil, pathError("readdir", d.name, fs.ErrClosed)
	}
	if !d.listed {
		d.fs.s.lock()
		entries, err := d.fs.readDir(d.name)
		d.fs.s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		d.entries, d.listed = entries, true
	}
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n:n]
	d.entries = d.entries[n:]
	return out, nil
}

// FileInfo returns e as an fs.FileInfo. Its Mode has the type bits of
// e.Type, its Size is 0 when unknown, and its Sys returns the
// listing.Entry.
func FileInfo(e listing.Entry) fs.FileInfo { return fileInfo{e} }

type fileInfo struct{ e listing.Entry }

func (fi fileInfo) Name() string { return fi.e.Name }

func (fi fileInfo) Size() int64 { return max(fi.e.Size, 0) }

func (fi fileInfo) Mode() fs.FileMode {
	m := fi.e.Mode
	switch fi.e.Type {
	case listing.TypeDir:
		m |= fs.ModeDir
	case listing.TypeSymlink:
		m |= fs.ModeSymlink
	}
	return m
}

func (fi fileInfo) ModTime() time.Time { return fi.e.ModTime }

func (fi fileInfo) IsDir() bool { return fi.e.Type == listing.TypeDir }

func (fi fileInfo) Sys() any { return fi.e }
