package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// A FileOption adjusts a Client's Download or Upload.
type FileOption func(*fileConfig)

type fileConfig struct {
	entry       *listing.Entry
	progress    func(done, total int64)
	segments    int // 0: automatic
	noClobber   bool
	cont        bool
	keepPartial bool
	noModTime   bool
	tempName    bool
}

func fileOptions(opts []FileOption) fileConfig {
	var fc fileConfig
	for _, o := range opts {
		o(&fc)
	}
	return fc
}

// WithListedEntry gives Download what a listing said of the remote file
// (as a mirror has it): its size, and its time if the listing gives it
// to the second (MLSD). Download then asks the server for neither: the
// local file gets that time without MDTM, and a failed download's data
// can be kept for resuming (WithKeepPartial) even if the server has
// gone.
func WithListedEntry(e listing.Entry) FileOption {
	return func(c *fileConfig) { c.entry = &e }
}

// WithProgress calls f as a transfer goes, with the bytes done so far
// (counting those of a resumed partial file) and the file's size (-1
// when unknown). f may be called from several goroutines, never at once.
func WithProgress(f func(done, total int64)) FileOption {
	return func(c *fileConfig) { c.progress = f }
}

// WithSegments makes Download fetch the file in n ranges at once, each
// on a session of its own (as lftp's pget does); 1 turns segmenting off.
// By default a file of 64 MiB or more is fetched in up to 4 segments
// when its first 8 MiB show that the rest would take more than 2 s in
// one stream (a slow or throttled link; on a fast one, one stream is
// faster), the server announced the size in its 150 reply and offers
// REST STREAM, and the Client's limit allows more than one session.
// Download falls back to one stream when fewer sessions can be had at
// once.
func WithSegments(n int) FileOption {
	return func(c *fileConfig) { c.segments = max(n, 1) }
}

// WithNoClobber makes Download refuse a destination that exists as a
// regular file, and Upload a remote file that exists, with an error
// matching fs.ErrExist.
func WithNoClobber() FileOption {
	return func(c *fileConfig) { c.noClobber = true }
}

// WithContinue resumes into an existing destination: Download appends
// the rest of the remote file to a local file shorter than it (curl -C
// -, wget -c), and Upload sends the rest of the local file after the
// remote one's size (REST, STOR). The existing part is trusted to be
// the file's start.
func WithContinue() FileOption {
	return func(c *fileConfig) { c.cont = true }
}

// WithKeepPartial makes a failed Download keep the data it got, under
// its temporary name, for a later Download of the same unchanged remote
// file to resume. By default the temporary file is removed.
func WithKeepPartial() FileOption {
	return func(c *fileConfig) { c.keepPartial = true }
}

// WithoutModTime stops Download from setting the local file's time to
// the remote file's, and Upload the remote file's (MFMT) to the local
// one's.
func WithoutModTime() FileOption {
	return func(c *fileConfig) { c.noModTime = true }
}

// Download copies the remote file to the local file, safely:
//
//   - A regular file (or a name not yet taken, or a symbolic link to a
//     regular file, whose target is updated) is written under a hidden
//     temporary name in its directory and renamed over it only when the
//     whole file has arrived; the file keeps its permissions, a new file
//     gets 0666 less the umask, and the modification time is the
//     remote file's (MDTM, one command after the transfer; see
//     WithoutModTime).
//   - Anything else (a character device such as /dev/null, a FIFO, a
//     link to one) is written in place, never replaced.
//   - A download retried after a break resumes where it stopped (REST).
//     WithKeepPartial keeps a failed download's data for the next
//     Download of the same remote file to resume, if the file's size and
//     time are unchanged.
//   - A large file is fetched in segments (WithSegments): by default one
//     of 64 MiB or more on a link where one stream would take long, when
//     the server's 150 reply announces the size (vsftpd and proftpd do;
//     pure-ftpd and pyftpdlib do not, and get segments only when asked).
//
// A download of a file costs the transfer's own two commands (EPSV,
// RETR) and MDTM: the size comes from the server's 150 reply, where it
// announces one, and is checked against the bytes that arrive. Errors
// name the local file as local, never a temporary name.
func (c *Client) Download(ctx context.Context, remote, local string, opts ...FileOption) error {
	fc := fileOptions(opts)
	t, err := examineTarget(local)
	if err != nil {
		return err
	}
	if fc.noClobber && t.exists && !t.inPlace {
		return &fs.PathError{Op: "open", Path: local, Err: fs.ErrExist}
	}
	dl := &download{c: c, remote: remote, fc: fc, t: t, size: -1}
	if e := fc.entry; e != nil {
		dl.size = e.Size
		if e.Precision >= listing.PrecisionSecond {
			dl.mtime = e.ModTime
		}
	}
	switch {
	case t.inPlace:
		return dl.inPlace(ctx)
	case fc.cont && t.exists:
		if err := dl.statRemote(ctx); err != nil {
			return err
		}
		return dl.appendExisting(ctx)
	}
	return dl.viaPart(ctx)
}

// A download is one Client.Download.
type download struct {
	c      *Client
	remote string
	fc     fileConfig
	t      *localTarget
	size   int64     // the remote size, or -1 while not known
	mtime  time.Time // the remote time, or zero while not known

	mu   sync.Mutex
	done int64 // for progress
}

// statRemote learns the remote file's size and time (MLST, or SIZE and
// MDTM).
func (dl *download) statRemote(ctx context.Context) error {
	e, err := dl.c.Stat(ctx, dl.remote)
	if err != nil {
		return err
	}
	if e.Type == listing.TypeDir {
		return &fs.PathError{Op: "download", Path: dl.remote, Err: syscall.EISDIR}
	}
	dl.size = e.Size
	if e.Precision >= listing.PrecisionSecond {
		dl.mtime = e.ModTime
	}
	return nil
}

// progress counts n more bytes done.
func (dl *download) progress(n int64) {
	dl.mu.Lock()
	dl.done += n
	dl.fc.progress(dl.done, dl.size)
	dl.mu.Unlock()
}

// progressFunc is progress, or nil without WithProgress (so that a
// download splices in its largest steps).
func (dl *download) progressFunc() func(int64) {
	if dl.fc.progress == nil {
		return nil
	}
	return dl.progress
}

// viaPart downloads into the temporary file and renames it over the
// destination.
func (dl *download) viaPart(ctx context.Context) (err error) {
	part := dl.part()
	start, err := dl.resumeKept(ctx, part)
	if err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE
	if start == 0 {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(part, flags, 0o666)
	if err != nil {
		return dl.t.localError(err)
	}
	f.Close()
	end, err := dl.fetch(ctx, part, start)
	if err != nil {
		dl.keepOrRemove(ctx, part, end)
		return err
	}
	mtime := time.Time{}
	if !dl.fc.noModTime {
		mtime = dl.remoteTime(ctx)
	}
	if err := dl.t.commit(part, mtime); err != nil {
		os.Remove(part)
		return err
	}
	return nil
}

// resumeKept looks for data kept from an earlier download of the same
// remote file (WithKeepPartial) under the temporary name part: if the
// remote file's size and time are those recorded beside it, the
// download resumes at its end. It costs one stat of part when there is
// nothing to resume, and a Stat of the remote file (unless
// WithListedEntry gave its size and time) when there is.
func (dl *download) resumeKept(ctx context.Context, part string) (int64, error) {
	fi, err := os.Stat(part)
	if err != nil {
		return 0, nil
	}
	id := dl.t.idName(part)
	size, mtime, ok := readIdentity(id)
	os.Remove(id) // written again if the data is kept again
	if !ok {
		return 0, nil // left by a process that died: start again
	}
	if dl.size < 0 || dl.mtime.IsZero() {
		if err := dl.statRemote(ctx); err != nil {
			return 0, err
		}
	}
	if dl.size != size || !dl.mtime.Equal(mtime) || fi.Size() > size {
		return 0, nil // changed since: start again
	}
	dl.done = fi.Size()
	return fi.Size(), nil
}

// keepOrRemove ends a failed download's temporary file: with
// WithKeepPartial and data worth resuming, its complete start is kept,
// with the remote file's size and time recorded beside it (asked with
// Stat if not known); else it is removed. An interrupted download (a
// cancelled context) keeps its data too.
func (dl *download) keepOrRemove(ctx context.Context, part string, end int64) {
	id := dl.t.idName(part)
	if dl.fc.keepPartial && end > 0 {
		if dl.size < 0 || dl.mtime.IsZero() {
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			dl.statRemote(cleanup)
			cancel()
		}
		if dl.size >= 0 && !dl.mtime.IsZero() && end <= dl.size && os.Truncate(part, end) == nil &&
			writeIdentity(id, dl.size, dl.mtime) == nil {
			return
		}
	}
	os.Remove(part)
	os.Remove(id)
}

// remoteTime returns the remote file's time, asking MDTM if it is not
// known yet; zero if the server cannot tell.
func (dl *download) remoteTime(ctx context.Context) time.Time {
	if dl.mtime.IsZero() {
		dl.c.run(ctx, "Download", dl.remote, func(ctx context.Context, s *Conn) error {
			t, err := s.ModTime(ctx, dl.remote)
			if err == nil {
				dl.mtime = t
			}
			if isRefusal(err) {
				return nil // no MDTM, or not for this file: no time
			}
			return err
		})
	}
	return dl.mtime
}

// inPlace downloads into a destination that is not a regular file,
// opened for writing as it is: a stream, which a retry continues at the
// byte where it stopped.
func (dl *download) inPlace(ctx context.Context) error {
	f, err := os.OpenFile(dl.t.real, os.O_WRONLY, 0)
	if err != nil {
		return dl.t.localError(err)
	}
	r := &segment{start: 0, end: -1}
	err = dl.fetchRange(ctx, &streamWriter{f: f}, r, nil, nil, false)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = dl.t.localError(cerr)
	}
	return err
}

// A streamWriter writes to a file that cannot be repositioned (a FIFO,
// a device): Seek succeeds only to where the stream already is.
type streamWriter struct {
	f *os.File
	n int64
}

func (s *streamWriter) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.n += int64(n)
	return n, err
}

// ReadFrom keeps the file's zero-copy path.
func (s *streamWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := s.f.ReadFrom(r)
	s.n += n
	return n, err
}

func (s *streamWriter) Seek(off int64, whence int) (int64, error) {
	if whence != io.SeekStart || off != s.n {
		return s.n, errNoResume
	}
	return s.n, nil
}

var errNoResume = errors.New("ftp: the destination cannot be rewound")

// appendExisting downloads the rest of the remote file onto the end of
// the existing destination (WithContinue).
func (dl *download) appendExisting(ctx context.Context) error {
	have := dl.t.size
	switch {
	case dl.size >= 0 && have > dl.size:
		return &fs.PathError{Op: "continue", Path: dl.t.name, Err: fmt.Errorf("the local file (%d bytes) is larger than the remote one (%d bytes)", have, dl.size)}
	case dl.size >= 0 && have == dl.size:
		return nil
	}
	f, err := os.OpenFile(dl.t.real, os.O_WRONLY, 0)
	if err != nil {
		return dl.t.localError(err)
	}
	dl.done = have
	r := &segment{start: have, end: -1, pos: have}
	err = dl.fetchRange(ctx, f, r, nil, nil, false)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = dl.t.localError(cerr)
	}
	if err == nil && !dl.mtime.IsZero() && !dl.fc.noModTime {
		err = dl.t.localError(os.Chtimes(dl.t.real, time.Time{}, dl.mtime))
	}
	return err
}
