package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// A FileOption adjusts a Client's Download or Upload.
type FileOption func(*fileConfig)

type fileConfig struct {
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

// WithProgress calls f as a transfer goes, with the bytes done so far
// (counting those of a resumed partial file) and the file's size (-1
// when unknown). f may be called from several goroutines, never at once.
func WithProgress(f func(done, total int64)) FileOption {
	return func(c *fileConfig) { c.progress = f }
}

// WithSegments makes Download fetch the file in n ranges at once, each
// on a session of its own (as lftp's pget does); 1 turns segmenting off.
// By default a file of 64 MiB or more is fetched in up to 4 segments
// when the server offers REST STREAM and the Client's limit allows more
// than one session. Download falls back to one stream when fewer
// sessions can be had at once.
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
//     remote file's (MLST or MDTM; see WithoutModTime).
//   - Anything else (a character device such as /dev/null, a FIFO, a
//     link to one) is written in place, never replaced.
//   - A download retried after a break resumes where it stopped (REST);
//     a temporary file left by an interrupted Download (WithKeepPartial)
//     is resumed by the next Download of the same remote file, if its
//     size and time are unchanged.
//   - Large files are fetched in segments (WithSegments).
//
// Errors about the local file name local, never a temporary name.
func (c *Client) Download(ctx context.Context, remote, local string, opts ...FileOption) error {
	fc := fileOptions(opts)
	t, err := examineTarget(local)
	if err != nil {
		return err
	}
	if fc.noClobber && t.exists && !t.inPlace {
		return &fs.PathError{Op: "open", Path: local, Err: fs.ErrExist}
	}
	e, err := c.Stat(ctx, remote)
	if err != nil {
		return err
	}
	if e.Type == listing.TypeDir {
		return &fs.PathError{Op: "download", Path: remote, Err: syscall.EISDIR}
	}
	dl := &download{c: c, remote: remote, fc: fc, t: t, size: e.Size}
	if e.Precision >= listing.PrecisionSecond && !e.ModTime.IsZero() {
		dl.mtime = e.ModTime
	}
	switch {
	case t.inPlace:
		return dl.inPlace(ctx)
	case fc.cont && t.exists:
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
	size   int64     // the remote size, or -1
	mtime  time.Time // the remote time, or zero when not known to the second

	mu   sync.Mutex
	done int64 // for progress
}

// progress counts n more bytes done.
func (dl *download) progress(n int64) {
	if dl.fc.progress == nil {
		return
	}
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
	resumable := dl.size >= 0 && !dl.mtime.IsZero()
	key := dl.c.conn.Addr + "\x00" + dl.remote + "\x00" + strconv.FormatInt(dl.size, 10) + "\x00" + strconv.FormatInt(dl.mtime.UnixNano(), 10)
	part := dl.t.partName(key)
	for _, stale := range dl.t.staleParts(part) {
		os.Remove(stale)
	}
	f, err := createPart(part)
	if err != nil {
		return dl.t.localError(err)
	}
	keep := false // the part holds data worth resuming
	defer func() {
		f.Close()
		if err != nil && !keep {
			os.Remove(part)
		}
	}()
	var start int64
	if fi, err := f.Stat(); err == nil && resumable && fi.Size() <= dl.size {
		start = fi.Size()
	} else if err := f.Truncate(0); err != nil {
		return dl.t.localError(err)
	}
	dl.done = start
	end, err := dl.fetch(ctx, f, part, start)
	if err != nil {
		keep = dl.fc.keepPartial && resumable && dl.truncateTo(f, end)
		return err
	}
	if err := f.Close(); err != nil {
		return dl.t.localError(err)
	}
	mtime := dl.mtime
	if dl.fc.noModTime {
		mtime = time.Time{}
	}
	return dl.t.commit(part, mtime)
}

// truncateTo cuts the partial file at end, the length of its part known
// to be whole, and reports whether anything is left to resume.
func (dl *download) truncateTo(f *os.File, end int64) bool {
	return end > 0 && f.Truncate(end) == nil
}

// fetch downloads the remote file from start into f, the file named
// part, in segments or in one stream. It returns the length of the
// file's beginning known to be complete.
func (dl *download) fetch(ctx context.Context, f *os.File, part string, start int64) (int64, error) {
	if n := dl.segmentCount(ctx, start); n > 1 {
		return dl.segmented(ctx, part, start, n)
	}
	pos, err := dl.stream(ctx, f, start, true)
	if err == nil && dl.size >= 0 && pos != dl.size {
		err = fmt.Errorf("%w: %s: %d bytes written, the server's size is %d", ErrShortTransfer, dl.remote, pos, dl.size)
	}
	return pos, err
}

// stream downloads from start to the end into w, positioned at start,
// retrying after passing failures from where it stopped when seekable
// (w can be repositioned, or nothing was written yet). It returns the
// position reached.
func (dl *download) stream(ctx context.Context, w io.WriteSeeker, start int64, seekable bool) (int64, error) {
	pos := start
	err := dl.c.retry(ctx, "Download", dl.remote, func() int64 { return pos }, func(ctx context.Context) error {
		if pos != start && !seekable {
			return errNoResume
		}
		if _, err := w.Seek(pos, io.SeekStart); err != nil && seekable {
			return dl.t.localError(err)
		}
		return dl.c.onSession(ctx, func(ctx context.Context, s *Conn) error {
			d, err := s.Retr(ctx, dl.remote, WithOffset(pos))
			if err != nil {
				return err
			}
			n, err := d.copyTo(w, -1, dl.progressFunc())
			pos += n
			err = d.CloseWithError(err)
			return dl.t.localError(err)
		})
	})
	if errors.Is(err, errNoResume) {
		err = fmt.Errorf("ftp: %s: transfer broke and the destination cannot be rewound", dl.remote)
	}
	return pos, err
}

var errNoResume = errors.New("ftp: cannot resume")

// inPlace downloads into a destination that is not a regular file,
// opened for writing as it is.
func (dl *download) inPlace(ctx context.Context) error {
	f, err := os.OpenFile(dl.t.real, os.O_WRONLY, 0)
	if err != nil {
		return dl.t.localError(err)
	}
	_, err = dl.stream(ctx, seekless{f}, 0, false)
	if cerr := f.Close(); err == nil {
		err = dl.t.localError(cerr)
	}
	return err
}

// seekless is a writer whose Seek does nothing, for destinations
// written as a stream.
type seekless struct{ *os.File }

func (s seekless) Seek(int64, int) (int64, error) { return 0, nil }

// ReadFrom keeps the file's zero-copy path.
func (s seekless) ReadFrom(r io.Reader) (int64, error) { return s.File.ReadFrom(r) }

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
	pos, err := dl.stream(ctx, f, have, true)
	if err == nil && dl.size >= 0 && pos != dl.size {
		err = fmt.Errorf("%w: %s: %d bytes written, the server's size is %d", ErrShortTransfer, dl.remote, pos, dl.size)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = dl.t.localError(cerr)
	}
	if err == nil && !dl.mtime.IsZero() && !dl.fc.noModTime {
		err = dl.t.localError(os.Chtimes(dl.t.real, time.Time{}, dl.mtime))
	}
	return err
}

// onSession runs f on a session of the Client (the one lent by a Do, or
// one from the pool), without retrying.
func (c *Client) onSession(ctx context.Context, f func(ctx context.Context, s *Conn) error) error {
	s, lent, err := c.session(ctx)
	if err != nil {
		return err
	}
	err = f(ctx, s.Conn)
	if !lent {
		c.pool.put(s, broken(err))
	}
	return err
}
