package mirror

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/partname"
	"github.com/ftpkit/ftp/listing"
)

// Run mirrors src into dst: Apply of Plan.
func Run(ctx context.Context, src, dst Tree, opts Options) (Summary, error) {
	return Apply(ctx, src, dst, Plan(ctx, src, dst, opts), opts)
}

// Apply carries out plan (made by Plan with the same trees), up to
// Options.Parallel actions at once while the plan is still being made.
// A directory is made before anything is written in it. Every file is
// written under a temporary name in its directory and renamed when
// complete, so an interrupted mirror never leaves a partial file under
// a file's name, and the next run completes it (resuming the data of
// large files). Deletions wait for the end and happen only if nothing
// failed, the plan included.
//
// A failure does not stop the others (until Options.MaxErrors); Apply
// returns an *Error listing the failures, along with a Summary of what
// it did.
func Apply(ctx context.Context, src, dst Tree, plan iter.Seq2[Action, error], opts Options) (Summary, error) {
	ap := &applier{ctx: ctx, src: src, dst: dst, opts: opts, pending: map[string]*pendingDir{}, failedCopies: map[string]bool{}}
	start := time.Now()
	// Buffered, so that a worker finds small downloads waiting to take
	// together (batch.go).
	work := make(chan Action, 2*ftp.BatchFiles)
	var wg sync.WaitGroup
	for range opts.parallel() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				if ap.halted() {
					ap.drop(a)
					continue
				}
				ap.doBatch(ap.gather(a, work))
			}
		}()
	}
	var deletes, cleanups []Action
	stopped := false
	for a, err := range plan {
		if err != nil {
			ap.fail(a.Path, err)
		} else {
			switch a.Kind {
			case Note:
				ap.note(a.Reason)
			case Skip:
				ap.count(func(s *Summary) { s.Skipped++ })
			case Delete:
				if a.temp {
					cleanups = append(cleanups, a)
				} else {
					deletes = append(deletes, a)
				}
			case Mkdir:
				ap.mu.Lock()
				ap.pending[a.Path] = &pendingDir{done: make(chan struct{})}
				ap.mu.Unlock()
				fallthrough
			default:
				select {
				case work <- a:
				case <-ctx.Done():
				}
			}
		}
		if ctx.Err() != nil {
			break
		}
		if ap.tooMany() {
			stopped = true
			break
		}
	}
	close(work) // the workers drop what is left if the mirror halted
	wg.Wait()
	if stopped {
		ap.note(fmt.Sprintf("stopped after %d failures (--max-errors)", opts.MaxErrors))
	}
	if ctx.Err() != nil {
		ap.fail("", ctx.Err())
	}
	ap.mu.Lock()
	failed := ap.sum.Failed
	ap.mu.Unlock()
	switch {
	case len(deletes) == 0:
	case failed > 0:
		ap.note(fmt.Sprintf("%d deletions withheld: not every entry was mirrored", len(deletes)))
	default:
		ap.run(deletes, ap.delete)
	}
	if ctx.Err() == nil && !stopped {
		ap.run(cleanups, ap.cleanup)
	}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.sum.Elapsed = time.Since(start)
	if ap.sum.Failed > 0 {
		return ap.sum, &Error{Failed: ap.sum.Failed, Failures: ap.sum.Failures}
	}
	return ap.sum, nil
}

// An applier carries out one Apply.
type applier struct {
	ctx      context.Context
	src, dst Tree
	opts     Options

	mu           sync.Mutex
	sum          Summary
	pending      map[string]*pendingDir // directories being made, and those that failed
	failedCopies map[string]bool        // files whose copy failed: their partial data is kept
	fxpOff       atomic.Bool            // the servers refused a server-to-server copy (FXPAuto)
}

// halted reports whether actions not yet begun are to be dropped: the
// mirror was interrupted, or MaxErrors reached.
func (ap *applier) halted() bool {
	return ap.ctx.Err() != nil || ap.tooMany()
}

// errHalted is the end of a directory whose Mkdir was dropped.
var errHalted = errors.New("mirror stopped")

// drop leaves out a, an action queued but not begun when the mirror
// halted: it is neither done nor counted; a Mkdir's waiters (none should
// be under way: a directory's actions come after it) learn it failed.
func (ap *applier) drop(a Action) {
	if a.Kind != Mkdir {
		return
	}
	ap.mu.Lock()
	d := ap.pending[a.Path]
	ap.mu.Unlock()
	if d != nil {
		d.err = errHalted
		close(d.done)
	}
}

// A pendingDir is a directory of a Mkdir under way, or failed.
type pendingDir struct {
	done chan struct{}
	err  error
}

func (ap *applier) count(f func(*Summary)) {
	ap.mu.Lock()
	f(&ap.sum)
	ap.mu.Unlock()
}

func (ap *applier) note(s string) {
	ap.count(func(sum *Summary) { sum.Notes = append(sum.Notes, s) })
}

// fail records the failure err of rel.
func (ap *applier) fail(rel string, err error) {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.sum.Failed++
	if len(ap.sum.Failures) < maxFailures {
		ap.sum.Failures = append(ap.sum.Failures, Failure{Path: rel, Err: err})
	}
}

// tooMany reports whether MaxErrors is reached.
func (ap *applier) tooMany() bool {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	return ap.opts.MaxErrors > 0 && ap.sum.Failed >= ap.opts.MaxErrors
}

func (ap *applier) report(e Event) {
	if ap.opts.Report != nil {
		ap.opts.Report(e)
	}
}

// waitParents waits for the Mkdirs of rel's parents under way, and
// returns the error of one that failed.
func (ap *applier) waitParents(rel string) error {
	for q := rel; q != ""; {
		if i := lastSlash(q); i >= 0 {
			q = q[:i]
		} else {
			q = ""
		}
		ap.mu.Lock()
		d := ap.pending[q]
		ap.mu.Unlock()
		if d == nil {
			continue
		}
		select {
		case <-d.done:
		case <-ap.ctx.Done():
			return ap.ctx.Err()
		}
		if d.err != nil {
			return fmt.Errorf("directory %s not made", displayPath(ap.dst, q))
		}
	}
	return nil
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// do carries out a.
func (ap *applier) do(a Action) {
	ap.report(Event{Action: a, State: Started, Total: a.Size})
	var err error
	var n int64
	if ap.ctx.Err() != nil {
		err = ap.ctx.Err()
	} else if a.Path != "" {
		err = ap.waitParents(a.Path)
	}
	if err == nil {
		switch a.Kind {
		case Mkdir:
			err = ap.dst.mkdir(ap.ctx, a.Path)
		case Copy:
			n, err = ap.copy(a)
		case Link:
			err = ap.dst.symlink(ap.ctx, a.Path, a.Target)
		case SetTime:
			err = ap.dst.chtimes(ap.ctx, a.Path, a.ModTime)
		}
	}
	ap.finish(a, n, err)
}

// finish records the end of a, which copied n bytes or failed with err.
func (ap *applier) finish(a Action, n int64, err error) {
	if a.Kind == Mkdir {
		ap.mu.Lock()
		d := ap.pending[a.Path]
		d.err = err
		if err == nil {
			delete(ap.pending, a.Path)
		}
		ap.mu.Unlock()
		close(d.done)
	}
	ap.report(Event{Action: a, State: Finished, Done: n, Total: a.Size, Err: err})
	if err != nil {
		if a.Kind == Copy {
			ap.mu.Lock()
			ap.failedCopies[a.Path] = true
			ap.mu.Unlock()
		}
		var pe *fs.PathError
		if !errors.As(err, &pe) {
			err = &fs.PathError{Op: a.Kind.String(), Path: quotePath(a.Path), Err: err}
		}
		ap.fail(a.Path, err)
		return
	}
	ap.count(func(s *Summary) {
		switch a.Kind {
		case Mkdir:
			s.Made++
		case Copy:
			s.Copied++
			s.Bytes += n
		case Link:
			s.Linked++
		case SetTime:
			s.Timed++
		}
	})
}

// run runs f on each of as, Parallel at a time.
func (ap *applier) run(as []Action, f func(Action)) {
	sem := make(chan struct{}, ap.opts.parallel())
	var wg sync.WaitGroup
	for _, a := range as {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(a)
		}()
	}
	wg.Wait()
}

// delete removes the target entry of a, a directory with its contents.
func (ap *applier) delete(a Action) {
	ap.report(Event{Action: a, State: Started})
	var err error
	if a.Dir {
		err = ap.removeAll(a.Path, 0)
	} else {
		err = ap.dst.remove(ap.ctx, a.Path)
	}
	ap.report(Event{Action: a, State: Finished, Err: err})
	if err != nil {
		ap.fail(a.Path, &fs.PathError{Op: "delete", Path: displayPath(ap.dst, a.Path), Err: unwrapPath(err)})
		return
	}
	ap.count(func(s *Summary) { s.Deleted++ })
}

// removeAll removes the target directory rel and its contents, never
// following a link, and refuses a directory holding unsafe names.
func (ap *applier) removeAll(rel string, depth int) error {
	if depth > maxDepth {
		return errors.New("too deep")
	}
	es, err := ap.dst.list(ap.ctx, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range es {
		if !validName(e.Name) {
			return fmt.Errorf("%w: %s holds %s", ErrUnsafe, quotePath(rel), quotePath(e.Name))
		}
		child := join(rel, e.Name)
		if e.Type == listing.TypeDir {
			err = ap.removeAll(child, depth+1)
		} else {
			err = ap.dst.remove(ap.ctx, child)
		}
		if err != nil {
			return err
		}
	}
	return ap.dst.remove(ap.ctx, rel)
}

// cleanup removes a leftover temporary file, unless the copy of its
// file failed in this run (its data is kept for the next).
func (ap *applier) cleanup(a Action) {
	base := join(path.Dir(a.Path), partname.Original(path.Base(a.Path)))
	if path.Dir(a.Path) == "." {
		base = partname.Original(a.Path)
	}
	ap.mu.Lock()
	keep := ap.failedCopies[base]
	ap.mu.Unlock()
	if keep {
		return
	}
	if err := ap.dst.remove(ap.ctx, a.Path); err != nil {
		ap.fail(a.Path, &fs.PathError{Op: "delete", Path: displayPath(ap.dst, a.Path), Err: unwrapPath(err)})
		return
	}
	ap.count(func(s *Summary) { s.Cleaned++ })
}
