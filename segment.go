package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// maxAutoSegments is how many segments Download uses by itself.
const maxAutoSegments = 4

// minSegment is the smallest range worth a session of its own.
const minSegment = 1 << 20

// A segment is a range of the remote file, [start, end), end -1 for the
// file's end; pos is how far it got.
type segment struct {
	start, end, pos int64
	err             error
}

// fetch downloads the remote file from start into part. The first
// stream is opened at once; when the size is known (the 150 reply
// announces it, or Stat gave it, as it does when WithSegments asks for
// segments) and WithSegments, or a size of the threshold or more, calls
// for segments, the stream becomes the
// first of several ranges, the others fetched at the same time on
// sessions that can be had without waiting. It returns the length of
// the file's start known to be complete.
func (dl *download) fetch(ctx context.Context, part string, start int64) (int64, error) {
	f, err := os.OpenFile(part, os.O_WRONLY, 0)
	if err != nil {
		return start, dl.t.localError(err)
	}
	defer f.Close()
	if dl.fc.segments > 1 && dl.size < 0 {
		// Segments were asked for: learn the size first rather than
		// hope for it in the 150 reply, which some servers leave out.
		if err := dl.statRemote(ctx); err != nil {
			return start, err
		}
	}
	var (
		s    *session
		lent bool
		d    *DataConn
	)
	err = dl.c.retry(ctx, "Download", dl.remote, func() int64 { return start }, func(ctx context.Context) error {
		var err error
		if s, lent, err = dl.c.session(ctx); err != nil {
			return err
		}
		if d, err = s.Retr(ctx, dl.remote, WithOffset(start)); err != nil {
			if !lent {
				dl.c.pool.put(s, broken(err))
			}
			return err
		}
		return nil
	})
	if err != nil {
		return start, err
	}
	if dl.size < 0 && start == 0 && d.Size() >= 0 {
		dl.size = d.Size()
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		d.Close()
		dl.release(s, lent, nil)
		return start, dl.t.localError(err)
	}
	n := dl.segmentCount(s, start)
	if n > 1 && dl.fc.segments == 0 {
		// Segments by default only when worth it: the first stream runs
		// a while, and the rest is split only if it would take long at
		// that rate. A fast link (loopback: 1 GiB in half a second) is
		// faster in one stream than in four.
		var worth bool
		var err error
		if start, worth, err = dl.probe(f, d, start); err != nil || !worth {
			n = 1
			if err != nil {
				d.CloseWithError(err)
				dl.release(s, lent, err)
				s, d = nil, nil
				if !transient(err) {
					return start, dl.t.localError(err)
				}
			}
		}
	}
	var extra []*session
	if n > 1 && !lent {
		for len(extra) < n-1 {
			x := dl.c.pool.tryGet(ctx)
			if x == nil {
				break
			}
			extra = append(extra, x)
		}
	}
	if len(extra) == 0 {
		r := &segment{start: start, end: -1, pos: start}
		if s == nil {
			lent = false
		}
		err := dl.fetchRange(ctx, f, r, s, d, lent)
		if err == nil && dl.size >= 0 && r.pos != dl.size {
			err = fmt.Errorf("%w: %s: %d bytes arrived, the server's size is %d", ErrShortTransfer, dl.remote, r.pos, dl.size)
		}
		return r.pos, err
	}
	return dl.segmented(ctx, part, f, start, s, d, extra)
}

// The probe of an automatic segmentation: the first stream copies up to
// probeBytes, and the rest is split when it would take longer than
// worthSegments at the rate the probe saw.
const (
	probeBytes    = 8 << 20
	worthSegments = 2 * time.Second
)

// probe copies up to probeBytes of the open download d into f and
// reports where it got and whether the rest is worth segments.
func (dl *download) probe(f *os.File, d *DataConn, start int64) (int64, bool, error) {
	t0 := time.Now()
	n, err := d.copyTo(f, min(probeBytes, dl.size-start), dl.progressFunc())
	start += n
	if err != nil || n == 0 || start >= dl.size {
		return start, false, err
	}
	rate := float64(n) / max(time.Since(t0).Seconds(), 1e-6)
	rest := time.Duration(float64(dl.size-start) / rate * float64(time.Second))
	return start, rest > worthSegments, nil
}

// segmentCount is how many segments a download from start should use:
// WithSegments' number, or up to maxAutoSegments for a file of the
// threshold size or more; 1 when the size is unknown, the server does
// not offer REST STREAM (s's FEAT, read at login), or the Client allows
// one session.
func (dl *download) segmentCount(s *session, start int64) int {
	n := dl.fc.segments
	if n == 0 {
		if dl.size < dl.c.cfg.segThreshold {
			return 1
		}
		n = maxAutoSegments
	}
	if dl.size < 0 || !strings.Contains(strings.ToUpper(s.feat["REST"]), "STREAM") {
		return 1
	}
	return min(n, dl.c.cfg.maxConns, int(max((dl.size-start)/minSegment, 1)))
}

// segmented downloads [start, size) in 1+len(extra) ranges at once:
// the first over d, already open at start on s, each other on one of
// extra, every range through its own descriptor of part (so that a
// plain connection splices into it). A range ends at its boundary: the
// data connection is closed there and the transfer aborted (ABOR). A
// range that breaks resumes where it stopped, on a new session.
func (dl *download) segmented(ctx context.Context, part string, f *os.File, start int64, s *session, d *DataConn, extra []*session) (int64, error) {
	n := 1 + len(extra)
	span := (dl.size - start) / int64(n)
	segs := make([]*segment, n)
	for i := range segs {
		r := &segment{start: start + int64(i)*span, end: start + int64(i+1)*span}
		if i == n-1 {
			r.end = dl.size
		}
		r.pos = r.start
		segs[i] = r
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	run := func(r *segment, w io.WriteSeeker, s *session, d *DataConn) {
		defer wg.Done()
		if r.err = dl.fetchRange(ctx, w, r, s, d, false); r.err != nil {
			cancel() // the download has failed: stop the others
		}
	}
	wg.Add(n)
	go run(segs[0], f, s, d)
	for i, x := range extra {
		fi, err := os.OpenFile(part, os.O_WRONLY, 0)
		if err != nil {
			segs[i+1].err = dl.t.localError(err)
			dl.c.pool.put(x, false)
			wg.Done()
			cancel()
			continue
		}
		defer fi.Close()
		go run(segs[i+1], fi, x, nil)
	}
	wg.Wait()
	// The first failure, not the cancellations it caused.
	var failure error
	for _, r := range segs {
		if r.err != nil && (failure == nil || errors.Is(failure, context.Canceled)) {
			failure = r.err
		}
	}
	done := start
	for _, r := range segs {
		if r.err != nil || r.pos != r.end {
			break
		}
		done = r.end
	}
	if failure == nil && done != dl.size {
		failure = fmt.Errorf("%w: %s: %d of %d bytes arrived", ErrShortTransfer, dl.remote, done, dl.size)
	}
	return done, failure
}

// fetchRange downloads r into w, over d if it is open (at r.pos on s),
// else on s or another session, retrying from where it stopped after a
// passing failure. It gives its session back when done.
func (dl *download) fetchRange(ctx context.Context, w io.WriteSeeker, r *segment, s *session, d *DataConn, lent bool) error {
	err := dl.c.retry(ctx, "Download", dl.remote, func() int64 { return r.pos }, func(ctx context.Context) error {
		if d == nil {
			if _, err := w.Seek(r.pos, io.SeekStart); err != nil {
				return dl.t.localError(err)
			}
			if s == nil {
				var err error
				if s, lent, err = dl.c.session(ctx); err != nil {
					return err
				}
			}
			var err error
			if d, err = s.Retr(ctx, dl.remote, WithOffset(r.pos)); err != nil {
				dl.release(s, lent, err)
				s = nil
				return err
			}
		}
		limit := int64(-1)
		if r.end >= 0 && r.end != dl.size {
			limit = r.end - r.pos // ends before the file does: stop there
		}
		n, err := d.copyTo(w, limit, dl.progressFunc())
		r.pos += n
		err = d.CloseWithError(err)
		d = nil
		if err != nil {
			dl.release(s, lent, err)
			s = nil
			return dl.t.localError(err)
		}
		return nil
	})
	if d != nil {
		d.Close()
	}
	if s != nil {
		dl.release(s, lent, err)
	}
	return err
}

// release gives s back after a failure err (nil: none), unless it is
// lent by a Do.
func (dl *download) release(s *session, lent bool, err error) {
	if !lent {
		dl.c.pool.put(s, broken(err))
	}
}
