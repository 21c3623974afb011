package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// maxAutoSegments is how many segments Download uses by itself.
const maxAutoSegments = 4

// minSegment is the smallest range worth a session of its own.
const minSegment = 1 << 20

// segmentCount decides how many segments a download from start uses:
// WithSegments' number, or by default up to maxAutoSegments for a file
// of the threshold size or more; 1 when the size is unknown, the
// server does not offer REST STREAM, or the Client allows one session.
func (dl *download) segmentCount(ctx context.Context, start int64) int {
	n := dl.fc.segments
	if n == 0 {
		if dl.size < dl.c.cfg.segThreshold {
			return 1
		}
		n = maxAutoSegments
	}
	n = min(n, dl.c.cfg.maxConns, int(max((dl.size-start)/minSegment, 1)))
	if n < 2 || dl.size < 0 {
		return 1
	}
	rest := false
	dl.c.onSession(ctx, func(ctx context.Context, s *Conn) error {
		f, err := s.Features(ctx)
		rest = err == nil && strings.Contains(strings.ToUpper(f["REST"]), "STREAM")
		return err
	})
	if !rest {
		return 1
	}
	return n
}

// A segment is one range of a segmented download.
type segment struct {
	start, end int64 // [start, end)
	pos        int64 // how far it got
	err        error
}

// segmented downloads [start, size) in n ranges at once, each on its
// own session and its own descriptor of the file part, positioned at
// its range, so that a plain connection splices into it. Each range
// ends at its boundary: the data connection is closed there and the
// transfer aborted (ABOR). A range that breaks is resumed where it
// stopped, on a new session. Ranges for which no session can be had at
// once are fetched in turn by the others. It returns the length of the
// file's start known to be complete.
func (dl *download) segmented(ctx context.Context, part string, start int64, n int) (int64, error) {
	span := (dl.size - start) / int64(n)
	segs := make([]*segment, n)
	for i := range segs {
		s := &segment{start: start + int64(i)*span, end: start + int64(i+1)*span}
		if i == n-1 {
			s.end = dl.size
		}
		s.pos = s.start
		segs[i] = s
	}
	// Sessions: the first may wait; the others only if free at once.
	first, lent, err := dl.c.session(ctx)
	if err != nil {
		return start, err
	}
	sessions := []*session{first}
	if !lent {
		for len(sessions) < n {
			s := dl.c.pool.tryGet(ctx)
			if s == nil {
				break
			}
			sessions = append(sessions, s)
		}
	}
	if len(sessions) < 2 {
		// One session is all there is: one stream, then.
		if !lent {
			dl.c.pool.put(first, false)
		}
		f, err := os.OpenFile(part, os.O_WRONLY, 0)
		if err != nil {
			return start, dl.t.localError(err)
		}
		defer f.Close()
		pos, err := dl.stream(ctx, f, start, true)
		if err == nil && pos != dl.size {
			err = fmt.Errorf("%w: %s: %d bytes written, the server's size is %d", ErrShortTransfer, dl.remote, pos, dl.size)
		}
		return pos, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu   sync.Mutex
		next = 0 // the next segment to start
		wg   sync.WaitGroup
	)
	take := func() *segment {
		mu.Lock()
		defer mu.Unlock()
		if next == len(segs) {
			return nil
		}
		next++
		return segs[next-1]
	}
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seg := take(); seg != nil; seg = take() {
				s = dl.fetchSegment(ctx, part, seg, s, lent)
				if seg.err != nil {
					cancel() // the download has failed: stop the others
					break
				}
			}
			if s != nil && !lent {
				dl.c.pool.put(s, false)
			}
		}()
	}
	wg.Wait()
	// The first failure, not the cancellations it caused.
	var failure error
	for _, s := range segs {
		if s.err != nil && (failure == nil || errors.Is(failure, context.Canceled)) {
			failure = s.err
		}
	}
	done := start
	for _, s := range segs {
		if s.err != nil || s.pos != s.end {
			break
		}
		done = s.end
	}
	if failure == nil && done != dl.size {
		failure = fmt.Errorf("%w: %s: %d of %d bytes arrived", ErrShortTransfer, dl.remote, done, dl.size)
	}
	return done, failure
}

// fetchSegment downloads seg on s, retrying from where it stopped on a
// new session after a passing failure. It returns the session to use for
// the next segment, or nil.
func (dl *download) fetchSegment(ctx context.Context, part string, seg *segment, s *session, lent bool) *session {
	f, err := os.OpenFile(part, os.O_WRONLY, 0)
	if err != nil {
		seg.err = dl.t.localError(err)
		return s
	}
	defer f.Close()
	seg.err = dl.c.retry(ctx, "Download", dl.remote, func() int64 { return seg.pos }, func(ctx context.Context) error {
		if s == nil {
			var err error
			if s, lent, err = dl.c.session(ctx); err != nil {
				return err
			}
		}
		if _, err := f.Seek(seg.pos, io.SeekStart); err != nil {
			return dl.t.localError(err)
		}
		limit := seg.end - seg.pos
		if seg.end == dl.size {
			limit = -1 // the last range reads to the end, and its 226
		}
		d, err := s.Retr(ctx, dl.remote, WithOffset(seg.pos))
		if err == nil {
			var n int64
			n, err = d.copyTo(f, limit, dl.progressFunc())
			seg.pos += n
			err = d.CloseWithError(err)
		}
		if err != nil {
			if !lent {
				dl.c.pool.put(s, broken(err))
			}
			s = nil
			return dl.t.localError(err)
		}
		return nil
	})
	return s
}
