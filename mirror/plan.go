package mirror

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
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

// entry plans the entry of one name: s in the source, t in the target,
// either nil when absent. It returns a check when the listings cannot
// decide.
func (p *planner) entry(j *dirJob, s, t *listing.Entry, add func(Action, error)) *check {
	var rel string
	if s != nil {
		rel = join(j.rel, s.Name)
	} else {
		rel = join(j.rel, t.Name)
	}
	if s == nil {
		switch {
		case isTempName(t.Name) && t.Type == listing.TypeFile:
			add(Action{Kind: Delete, Path: rel, Reason: "leftover temporary file", temp: true}, nil)
		case p.opts.Delete:
			add(Action{Kind: Delete, Path: rel, Reason: "not in the source", Dir: t.Type == listing.TypeDir}, nil)
		}
		return nil
	}
	switch {
	case isTempName(s.Name) && s.Type == listing.TypeFile:
		add(Action{Kind: Skip, Path: rel, Reason: "a temporary file of ftpkit"}, nil)
		return nil
	case isTempName(s.Name):
		// Made here, it could take the place of a file being written.
		add(Action{Path: rel}, &fs.PathError{Op: "refuse", Path: quotePath(rel), Err: fmt.Errorf("%w: a %s named as a temporary file", ErrUnsafe, s.Type)})
		return nil
	}
	switch s.Type {
	case listing.TypeDir:
		p.dir(j, rel, s, t, add)
		return nil
	case listing.TypeFile:
		return p.file(rel, s, t, add)
	case listing.TypeSymlink:
		return p.link(j, rel, s, t, add)
	}
	add(Action{Kind: Skip, Path: rel, Reason: "not a file, directory or link: " + s.Type.String()}, nil)
	return nil
}

// dir plans the source directory s.
func (p *planner) dir(j *dirJob, rel string, s, t *listing.Entry, add func(Action, error)) {
	sd := subdir{rel: rel, depth: j.depth + 1}
	switch {
	case t == nil || j.dstAbsent:
		add(Action{Kind: Mkdir, Path: rel, Reason: "new", ModTime: s.ModTime}, nil)
		sd.dstAbsent = true
	case t.Type != listing.TypeDir:
		add(Action{Kind: Mkdir, Path: rel, Reason: "replaces a " + t.Type.String(), ModTime: s.ModTime}, nil)
		sd.dstAbsent = true
	}
	j.subdirs = append(j.subdirs, sd)
}

// file plans the source file s against the target entry t.
func (p *planner) file(rel string, s, t *listing.Entry, add func(Action, error)) *check {
	a := Action{Kind: Copy, Path: rel, Size: s.Size, ModTime: s.ModTime, exact: exact(*s)}
	switch {
	case t == nil:
		a.Reason = "new"
		add(a, nil)
		return nil
	case t.Type == listing.TypeDir:
		add(Action{Path: rel}, &fs.PathError{Op: "copy", Path: quotePath(rel), Err: errors.New("the target is a directory, the source a file")})
		return nil
	case t.Type != listing.TypeFile:
		a.Reason = "replaces a " + t.Type.String()
		add(a, nil)
		return nil
	}
	o, coarse := compareTimes(*s, *t)
	if p.opts.OnlyNewer && o == older && !p.opts.IgnoreTime {
		add(Action{Kind: Skip, Path: rel, Reason: "the target is newer"}, nil)
		return nil
	}
	if s.Size >= 0 && t.Size >= 0 && s.Size != t.Size {
		a.Reason = "size differs"
		if p.opts.Continue && t.Size < s.Size && (o == older || o == same) {
			a.Reason = fmt.Sprintf("partial copy: %d of %d bytes", t.Size, s.Size)
			a.resume = true
		}
		add(a, nil)
		return nil
	}
	sized := s.Size >= 0 && t.Size >= 0
	switch {
	case p.algo != "":
		return &check{run: func() (Action, *subdir, error) { return p.compareSums(a, *s, *t, o) }}
	case p.sizeOnly && sized:
		add(Action{Kind: Skip, Path: rel, Reason: "same size"}, nil)
		return nil
	case p.sizeOnly:
		a.Reason = "size unknown"
		add(a, nil)
		return nil
	case o == same && sized:
		add(Action{Kind: Skip, Path: rel, Reason: "up to date"}, nil)
		return nil
	case o != unknown && !coarse:
		a.Reason = "modification time differs"
		add(a, nil)
		return nil
	}
	// A time missing, or coarse times that disagree: ask the exact ones.
	return &check{run: func() (Action, *subdir, error) { return p.compareExact(a, *s, *t, sized) }}
}

// compareExact compares s and t by their exact times, asking MDTM for
// those the listings did not give.
func (p *planner) compareExact(a Action, s, t listing.Entry, sized bool) (Action, *subdir, error) {
	for _, side := range []struct {
		tree Tree
		e    *listing.Entry
	}{{p.src, &s}, {p.dst, &t}} {
		if exact(*side.e) {
			continue
		}
		mt, err := side.tree.modTime(p.ctx, a.Path)
		if err != nil {
			if p.ctx.Err() != nil {
				return Action{Path: a.Path}, nil, err
			}
			continue // no MDTM here: the time stays unknown
		}
		side.e.ModTime, side.e.Precision = mt, listing.PrecisionSecond
	}
	if exact(s) {
		a.ModTime, a.exact = s.ModTime, true
	}
	o, _ := compareTimes(s, t)
	switch {
	case p.opts.OnlyNewer && o == older:
		return Action{Kind: Skip, Path: a.Path, Reason: "the target is newer"}, nil, nil
	case o == same && sized:
		return Action{Kind: Skip, Path: a.Path, Reason: "up to date"}, nil, nil
	case o == unknown && sized:
		return Action{Kind: Skip, Path: a.Path, Reason: "same size, no time to compare"}, nil, nil
	case o == unknown:
		a.Reason = "size unknown"
	default:
		a.Reason = "modification time differs"
	}
	return a, nil, nil
}

// compareSums compares s and t, of the same size, by checksum.
func (p *planner) compareSums(a Action, s, t listing.Entry, o order) (Action, *subdir, error) {
	ss, err := p.src.hash(p.ctx, a.Path, p.algo)
	if err != nil {
		return Action{Path: a.Path}, nil, &fs.PathError{Op: "checksum", Path: displayPath(p.src, a.Path), Err: unwrapPath(err)}
	}
	ts, err := p.dst.hash(p.ctx, a.Path, p.algo)
	if err != nil {
		return Action{Path: a.Path}, nil, &fs.PathError{Op: "checksum", Path: displayPath(p.dst, a.Path), Err: unwrapPath(err)}
	}
	switch {
	case ss != ts:
		a.Reason = p.algo + " differs"
		return a, nil, nil
	case o != same && exact(s) && !p.sizeOnly:
		return Action{Kind: SetTime, Path: a.Path, ModTime: s.ModTime, Reason: "same " + p.algo + ", time differs", exact: true}, nil, nil
	}
	return Action{Kind: Skip, Path: a.Path, Reason: "same " + p.algo}, nil, nil
}

// link plans the source link s.
func (p *planner) link(j *dirJob, rel string, s, t *listing.Entry, add func(Action, error)) *check {
	if p.opts.Follow {
		return &check{run: func() (Action, *subdir, error) { return p.follow(j, rel, t) }}
	}
	switch {
	case !p.links:
		add(Action{Kind: Skip, Path: rel, Reason: "a symbolic link: FTP cannot make links (--follow copies what it leads to)"}, nil)
	case s.Target == "":
		add(Action{Kind: Skip, Path: rel, Reason: "a symbolic link whose target the listing does not give"}, nil)
	case !safeLinkTarget(j.rel, s.Target):
		add(Action{Path: rel}, &fs.PathError{Op: "refuse", Path: quotePath(rel), Err: fmt.Errorf("%w: a symbolic link to %s, out of the tree", ErrUnsafe, quotePath(s.Target))})
	case t != nil && t.Type == listing.TypeDir:
		add(Action{Path: rel}, &fs.PathError{Op: "link", Path: quotePath(rel), Err: errors.New("the target is a directory, the source a link")})
	case t != nil && t.Type == listing.TypeSymlink && t.Target == s.Target:
		add(Action{Kind: Skip, Path: rel, Reason: "up to date"}, nil)
	case t == nil:
		add(Action{Kind: Link, Path: rel, Target: s.Target, Reason: "new"}, nil)
	default:
		add(Action{Kind: Link, Path: rel, Target: s.Target, Reason: "replaces a " + t.Type.String()}, nil)
	}
	return nil
}

// follow plans what the source link rel leads to (Options.Follow).
func (p *planner) follow(j *dirJob, rel string, t *listing.Entry) (Action, *subdir, error) {
	e, err := p.src.stat(p.ctx, rel)
	if err != nil {
		return Action{Path: rel}, nil, &fs.PathError{Op: "follow", Path: displayPath(p.src, rel), Err: unwrapPath(err)}
	}
	e.Name = path.Base(rel)
	switch e.Type {
	case listing.TypeDir:
		var items []item
		fake := &dirJob{subdir: j.subdir}
		p.dir(fake, rel, &e, t, func(a Action, err error) { items = append(items, item{a, err}) })
		sd := fake.subdirs[0]
		if len(items) > 0 {
			return items[0].a, &sd, items[0].err
		}
		return Action{Kind: Skip, Path: rel, Reason: "a link to a directory, followed"}, &sd, nil
	case listing.TypeFile:
		var out *item
		c := p.file(rel, &e, t, func(a Action, err error) { out = &item{a, err} })
		if c != nil {
			return c.run()
		}
		return out.a, nil, out.err
	}
	return Action{Kind: Skip, Path: rel, Reason: "a link to neither a file nor a directory"}, nil, nil
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
