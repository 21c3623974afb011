package mirror

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"sync"

	"github.com/ftpkit/ftp/listing"
)

// ErrUnsafe is matched by the errors of entries that mirror refuses: a
// name from a listing that is not a plain name ("..", a name with '/',
// '\', NUL or control characters, one listed twice), a listing line that
// could not be read, or a symbolic link that leads out of the tree.
var ErrUnsafe = errors.New("unsafe entry")

// maxDepth bounds how deep a mirror goes, against listings (or followed
// links) that nest forever.
const maxDepth = 128

// largeFile is the size from which a failed download keeps its data for
// the next run to resume.
const largeFile = 1 << 20

// Plan compares the source tree src with the target tree dst and returns
// the actions that make dst a copy of src: lazily, directory after
// directory in depth-first order, listing up to Options.Parallel
// directories (of both trees at once) ahead of the one returned. It
// holds the listings of at most a few directories per level, so its
// memory grows with the width of a directory and the depth of the tree,
// not with the tree's size. Ranging over the plan and ignoring it is a
// dry run: Plan changes nothing.
//
// Files are compared by size, then by modification time within the
// precision that each side's listing gives (MLSD and local times to the
// second, a LIST time of day to the minute, a LIST date to the day).
// When sizes agree but the listings cannot tell (a time missing, or a
// coarse time that does not agree, as a LIST in the wrong time zone
// gives), the exact time is asked (MDTM) for that file alone. See
// Options for other comparisons.
//
// An error that concerns one entry (a listing that failed, an unsafe
// name, a conflict between a directory and a file) is returned with an
// Action naming its Path, and the plan goes on; an error that concerns
// the whole mirror (bad Options, no checksum) is returned alone and ends
// it.
func Plan(ctx context.Context, src, dst Tree, opts Options) iter.Seq2[Action, error] {
	return func(yield func(Action, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		p := &planner{ctx: ctx, src: src, dst: dst, opts: opts, sem: make(chan struct{}, opts.parallel())}
		defer func() {
			cancel()
			p.wg.Wait()
		}()
		notes, err := p.setup()
		if err != nil {
			yield(Action{}, err)
			return
		}
		for _, n := range notes {
			if !yield(Action{Kind: Note, Reason: n}, nil) {
				return
			}
		}
		p.walk(p.start(subdir{}), yield)
	}
}

// A planner makes one Plan.
type planner struct {
	ctx      context.Context
	src, dst Tree
	opts     Options
	filter   *filter
	sizeOnly bool   // compare by size alone
	algo     string // the checksum, for Options.Checksum
	links    bool   // the target makes symbolic links
	sem      chan struct{}
	wg       sync.WaitGroup
}

// setup checks the options and the trees' abilities, and returns the
// notes the plan starts with.
func (p *planner) setup() (notes []string, err error) {
	if p.filter, err = newFilter(p.opts.Include, p.opts.Exclude); err != nil {
		return nil, err
	}
	if err := checkFXP(p.opts.FXP, p.src, p.dst); err != nil {
		return nil, err
	}
	_, p.links = p.dst.(*localTree)
	p.sizeOnly = p.opts.SizeOnly || p.opts.IgnoreTime
	if !p.opts.IgnoreTime {
		ok, err := p.dst.canSetTimes(p.ctx)
		if err != nil {
			return nil, fmt.Errorf("mirror: %s: %w", p.dst, err)
		}
		if !ok {
			notes = append(notes, fmt.Sprintf("%s cannot set modification times (no MFMT): files are compared by size only", p.dst))
			p.sizeOnly = true
		}
	}
	if p.opts.Checksum {
		if p.algo, err = p.checksum(); err != nil {
			return nil, err
		}
		notes = append(notes, "files of the same size are compared by "+p.algo+" checksum")
	}
	return notes, nil
}

// checksum picks the first algorithm both trees compute.
func (p *planner) checksum() (string, error) {
	sa, err := p.src.hashes(p.ctx)
	if err != nil {
		return "", fmt.Errorf("mirror: %s: %w", p.src, err)
	}
	da, err := p.dst.hashes(p.ctx)
	if err != nil {
		return "", fmt.Errorf("mirror: %s: %w", p.dst, err)
	}
	for _, a := range sa {
		for _, b := range da {
			if a == b {
				return a, nil
			}
		}
	}
	none := p.src
	if len(da) == 0 {
		none = p.dst
	}
	return "", fmt.Errorf("mirror: --checksum: %s offers no checksum command (HASH, XSHA256, XSHA512, XSHA1 or XMD5)", none)
}

// A subdir is a directory to plan.
type subdir struct {
	rel       string
	dstAbsent bool // the target lacks it: nothing to list there
	depth     int
}

// A dirJob plans one directory, in a goroutine of its own.
type dirJob struct {
	subdir
	done    chan struct{}
	items   []item
	subdirs []subdir
}

// An item is an action or an error of a plan.
type item struct {
	a   Action
	err error
}

// start begins planning d.
func (p *planner) start(d subdir) *dirJob {
	j := &dirJob{subdir: d, done: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(j.done)
		p.plan(j)
	}()
	return j
}

// walk yields j's actions, then those of its subdirectories, depth
// first, each listed while the ones before it are walked, up to
// Parallel at a time. It reports whether to go on.
func (p *planner) walk(j *dirJob, yield func(Action, error) bool) bool {
	select {
	case <-j.done:
	case <-p.ctx.Done():
		yield(Action{Path: j.rel}, p.ctx.Err())
		return false
	}
	for _, it := range j.items {
		if !yield(it.a, it.err) {
			return false
		}
	}
	subs := j.subdirs
	j.items, j.subdirs = nil, nil
	var ahead []*dirJob
	next := 0
	for i := range subs {
		for next < len(subs) && next < i+p.opts.parallel() {
			ahead = append(ahead, p.start(subs[next]))
			next++
		}
		sj := ahead[0]
		ahead = ahead[1:]
		if !p.walk(sj, yield) {
			return false
		}
	}
	return true
}

// acquire takes a slot for a listing or a check; release gives it back.
func (p *planner) acquire() bool {
	select {
	case p.sem <- struct{}{}:
		return true
	case <-p.ctx.Done():
		return false
	}
}

func (p *planner) release() { <-p.sem }

// list lists the directory rel of t within a slot.
func (p *planner) list(t Tree, rel string) ([]listing.Entry, error) {
	if !p.acquire() {
		return nil, p.ctx.Err()
	}
	defer p.release()
	return t.list(p.ctx, rel)
}

// plan lists j's directory on both sides and compares them.
func (p *planner) plan(j *dirJob) {
	add := func(a Action, err error) { j.items = append(j.items, item{a, err}) }
	if j.depth > maxDepth {
		add(Action{Path: j.rel}, &fs.PathError{Op: "list", Path: quotePath(j.rel), Err: errors.New("too deep (a loop?)")})
		return
	}
	var src, dst []listing.Entry
	var serr, derr error
	var wg sync.WaitGroup
	if !j.dstAbsent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst, derr = p.list(p.dst, j.rel)
		}()
	}
	src, serr = p.list(p.src, j.rel)
	wg.Wait()
	if serr != nil {
		add(Action{Path: j.rel}, &fs.PathError{Op: "list", Path: displayPath(p.src, j.rel), Err: unwrapPath(serr)})
		return
	}
	switch {
	case derr == nil:
	case errors.Is(derr, fs.ErrNotExist) && j.rel == "":
		add(Action{Kind: Mkdir, Path: "", Reason: "new"}, nil)
		j.dstAbsent = true
	case errors.Is(derr, fs.ErrNotExist):
		j.dstAbsent = true
	default:
		add(Action{Path: j.rel}, &fs.PathError{Op: "list", Path: displayPath(p.dst, j.rel), Err: unwrapPath(derr)})
		return
	}
	src = p.clean(j.rel, src, add)
	dst = p.clean(j.rel, dst, add)

	var checks []check
	i, k := 0, 0
	for i < len(src) || k < len(dst) {
		var s, t *listing.Entry
		switch {
		case k == len(dst) || i < len(src) && src[i].Name < dst[k].Name:
			s = &src[i]
			i++
		case i == len(src) || dst[k].Name < src[i].Name:
			t = &dst[k]
			k++
		default:
			s, t = &src[i], &dst[k]
			i++
			k++
		}
		if c := p.entry(j, s, t, add); c != nil {
			c.index = len(j.items)
			add(Action{}, nil) // replaced by the check's outcome
			checks = append(checks, *c)
		}
	}
	p.runChecks(j, checks)
}

// clean drops the entries that the filter leaves out and reports, as
// errors, those whose names are unsafe or listed twice, or whose lines
// were not understood.
func (p *planner) clean(dir string, es []listing.Entry, add func(Action, error)) []listing.Entry {
	out := es[:0]
	for i, e := range es {
		rel := join(dir, e.Name)
		switch {
		case e.Unparsed():
			add(Action{Path: rel}, &fs.PathError{Op: "list", Path: quotePath(dir), Err: fmt.Errorf("%w: unreadable listing line %s", ErrUnsafe, quotePath(e.Raw))})
			continue
		case !validName(e.Name):
			add(Action{Path: rel}, &fs.PathError{Op: "refuse", Path: quotePath(rel), Err: fmt.Errorf("%w: not a plain file name", ErrUnsafe)})
			continue
		case i+1 < len(es) && es[i+1].Name == e.Name || i > 0 && es[i-1].Name == e.Name:
			add(Action{Path: rel}, &fs.PathError{Op: "refuse", Path: quotePath(rel), Err: fmt.Errorf("%w: listed more than once", ErrUnsafe)})
			continue
		case p.filter.skip(rel, e.Type == listing.TypeDir):
			continue
		}
		out = append(out, e)
	}
	return out
}

// A check is a comparison that needs the network (MDTM, a checksum, a
// link followed); its outcome replaces the placeholder at index.
type check struct {
	index int
	run   func() (Action, *subdir, error)
}

// runChecks runs j's checks, Parallel at a time.
func (p *planner) runChecks(j *dirJob, checks []check) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, c := range checks {
		if !p.acquire() {
			j.items[c.index] = item{Action{Path: j.rel}, p.ctx.Err()}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.release()
			a, sd, err := c.run()
			mu.Lock()
			j.items[c.index] = item{a, err}
			if sd != nil {
				j.subdirs = append(j.subdirs, *sd)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// displayPath names rel in t for an error message.
func displayPath(t Tree, rel string) string {
	switch t := t.(type) {
	case *remoteTree:
		return quotePath(t.path(rel))
	case *localTree:
		return quotePath(t.path(rel))
	}
	return quotePath(rel)
}

// unwrapPath returns the error inside a *fs.PathError, so that errors
// are not named twice.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
