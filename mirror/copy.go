package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/partname"
	"github.com/ftpkit/ftp/listing"
)

// copy copies the file of a from the source to the target and returns
// the bytes it copied.
func (ap *applier) copy(a Action) (int64, error) {
	switch s := ap.src.(type) {
	case *remoteTree:
		switch d := ap.dst.(type) {
		case *localTree:
			return ap.download(s, d, a)
		case *remoteTree:
			return ap.serverCopy(s, d, a)
		}
	case *localTree:
		switch d := ap.dst.(type) {
		case *localTree:
			return ap.localCopy(s, d, a)
		case *remoteTree:
			return ap.upload(s, d, a)
		}
	}
	return 0, fmt.Errorf("mirror: cannot copy from %T to %T", ap.src, ap.dst)
}

// progress returns a function reporting the bytes of a's copy.
func (ap *applier) progress(a Action) func(done, total int64) {
	if ap.opts.Report == nil {
		return nil
	}
	return func(done, total int64) {
		ap.report(Event{Action: a, State: Progress, Done: done, Total: total})
	}
}

// keepTime reports whether a copy gets the source's time a.ModTime set
// by mirror itself.
func (ap *applier) keepTime(a Action) bool {
	return a.exact && !ap.opts.IgnoreTime
}

// download copies a remote file into a local tree with Client.Download:
// a temporary name, renamed when complete; the data of a large file
// kept after a failure for the next run to resume.
func (ap *applier) download(s *remoteTree, d *localTree, a Action) (int64, error) {
	p, err := d.prepareWrite(a.Path)
	if err != nil {
		return 0, err
	}
	if err := s.c.Download(ap.ctx, s.path(a.Path), p, ap.downloadOptions(a)...); err != nil {
		return 0, err
	}
	return copiedSize(a, p)
}

// downloadOptions are the options of a's download.
func (ap *applier) downloadOptions(a Action) []ftp.FileOption {
	// What the listing said: no SIZE, MLST or MDTM is needed, the file
	// gets the listed time, and a large file's data is kept for the next
	// run to resume even if the server has gone.
	entry := listing.Entry{Size: a.Size}
	if ap.keepTime(a) {
		entry.ModTime, entry.Precision = a.ModTime, listing.PrecisionSecond
	}
	opts := []ftp.FileOption{ftp.WithListedEntry(entry)}
	if a.Size < 0 || a.Size >= largeFile {
		opts = append(opts, ftp.WithKeepPartial())
	}
	// Without an exact listed time, Download asks MDTM: a LIST time of
	// day is to the minute, and a copy given the time it was made would
	// be copied again by the next run.
	if ap.opts.IgnoreTime {
		opts = append(opts, ftp.WithoutModTime())
	}
	if a.resume {
		opts = append(opts, ftp.WithContinue())
	}
	if f := ap.progress(a); f != nil {
		opts = append(opts, ftp.WithProgress(f))
	}
	return opts
}

// copiedSize is the size of the copy: the source's, else the local
// file's.
func copiedSize(a Action, local string) (int64, error) {
	if a.Size >= 0 {
		return a.Size, nil
	}
	fi, err := os.Stat(local)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// upload copies a local file into a remote tree with Client.Upload
// under a temporary name, renamed when the server confirmed it whole;
// Upload sets the time with MFMT where the server offers it.
func (ap *applier) upload(s *localTree, d *remoteTree, a Action) (int64, error) {
	opts := []ftp.FileOption{ftp.WithTempName()}
	if a.resume {
		opts = []ftp.FileOption{ftp.WithContinue()}
	}
	if ap.opts.IgnoreTime {
		opts = append(opts, ftp.WithoutModTime())
	}
	if f := ap.progress(a); f != nil {
		opts = append(opts, ftp.WithProgress(f))
	}
	p := s.path(a.Path)
	if err := d.c.Upload(ap.ctx, p, d.path(a.Path), opts...); err != nil {
		return 0, err
	}
	return copiedSize(a, p)
}

// relay copies a file between two servers through this machine: a
// stream from one Client to the other, or a local temporary file when
// both trees share a Client (whose limit might allow one session only).
func (ap *applier) relay(s, d *remoteTree, a Action) (n int64, err error) {
	tmp := partname.Random(d.path(a.Path))
	if s.c == d.c {
		n, err = ap.relaySpooled(s, d, a, tmp)
	} else {
		n, err = ap.relayStream(s, d, a, tmp)
	}
	if err == nil && a.Size >= 0 && n != a.Size {
		err = fmt.Errorf("%w: %d bytes copied, the source has %d", ftp.ErrShortTransfer, n, a.Size)
	}
	if err == nil {
		err = ap.install(s, d, a, tmp)
	}
	if err != nil {
		ap.removeTemp(d, tmp)
	}
	return n, err
}

// install renames the complete copy tmp to a's file in the remote tree
// d, and gives it the source's time where d can keep it (MFMT): the
// listed time if exact (MLSD), else the one MDTM gives, as a download
// does (a LIST time is to the minute or the day, and a copy left with
// the time it was made would be copied again by the next run).
func (ap *applier) install(s, d *remoteTree, a Action, tmp string) error {
	if err := d.c.Rename(ap.ctx, tmp, d.path(a.Path)); err != nil {
		return err
	}
	if ap.opts.IgnoreTime {
		return nil
	}
	if ok, _ := d.canSetTimes(ap.ctx); !ok {
		return nil
	}
	mt := a.ModTime
	if !ap.keepTime(a) {
		var err error
		mt, err = s.modTime(ap.ctx, a.Path)
		var fe *ftp.Error
		if errors.As(err, &fe) {
			return nil // no MDTM, or not for this file: no time
		}
		if err != nil {
			return err
		}
	}
	return d.chtimes(ap.ctx, a.Path, mt)
}

// removeTemp removes the temporary file tmp of a failed copy from the
// remote tree d, even after the end of the context.
func (ap *applier) removeTemp(d *remoteTree, tmp string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ap.ctx), 10*time.Second)
	defer cancel()
	d.c.Remove(ctx, tmp)
}

// relayStream streams the source file into tmp on the target.
func (ap *applier) relayStream(s, d *remoteTree, a Action, tmp string) (int64, error) {
	r, err := s.c.Open(ap.ctx, s.path(a.Path))
	if err != nil {
		return 0, err
	}
	defer r.Close()
	w, err := d.c.Create(ap.ctx, tmp)
	if err != nil {
		return 0, err
	}
	var src io.Reader = r
	if f := ap.progress(a); f != nil {
		src = &countReader{r: r, total: a.Size, f: f}
	}
	n, err := io.Copy(w, src)
	if err != nil {
		w.CloseWithError(err)
		return n, err
	}
	if err := w.Close(); err != nil {
		return n, err
	}
	return n, r.Close()
}

// relaySpooled copies the source file into a local temporary file, then
// from there into tmp on the target: one session at a time.
func (ap *applier) relaySpooled(s, d *remoteTree, a Action, tmp string) (int64, error) {
	dir, err := os.MkdirTemp("", "ftpkit-mirror-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, "f")
	opts := []ftp.FileOption{ftp.WithoutModTime()}
	if f := ap.progress(a); f != nil {
		opts = append(opts, ftp.WithProgress(f))
	}
	if err := s.c.Download(ap.ctx, s.path(a.Path), local, opts...); err != nil {
		return 0, err
	}
	fi, err := os.Stat(local)
	if err != nil {
		return 0, err
	}
	if err := d.c.Upload(ap.ctx, local, tmp, ftp.WithoutModTime()); err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// localCopy copies a file between local trees under a temporary name.
func (ap *applier) localCopy(s, d *localTree, a Action) (n int64, err error) {
	p, err := d.prepareWrite(a.Path)
	if err != nil {
		return 0, err
	}
	in, err := os.Open(s.path(a.Path))
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(p), partname.Pattern(filepath.Base(p)))
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	var src io.Reader = ctxReader{ap.ctx, in}
	if f := ap.progress(a); f != nil {
		src = &countReader{r: src, total: a.Size, f: f}
	}
	if n, err = io.Copy(out, src); err != nil {
		return n, err
	}
	if err = out.Close(); err != nil {
		return n, err
	}
	if !ap.opts.IgnoreTime {
		if err = os.Chtimes(out.Name(), time.Time{}, a.ModTime); err != nil {
			return n, err
		}
	}
	if err = os.Rename(out.Name(), p); err != nil {
		return n, err
	}
	return n, nil
}

// countReader reports the bytes read through it.
type countReader struct {
	r     io.Reader
	n     int64
	total int64
	f     func(done, total int64)
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		c.f(c.n, c.total)
	}
	return n, err
}
