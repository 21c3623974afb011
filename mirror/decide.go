package mirror

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/ftpkit/ftp/internal/partname"
	"github.com/ftpkit/ftp/listing"
)

// What to do with one name, seen in the source, the target or both.

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
		case partname.Is(t.Name) && t.Type == listing.TypeFile:
			add(Action{Kind: Delete, Path: rel, Reason: "leftover temporary file", temp: true}, nil)
		case p.opts.Delete:
			add(Action{Kind: Delete, Path: rel, Reason: "not in the source", Dir: t.Type == listing.TypeDir}, nil)
		}
		return nil
	}
	switch {
	case partname.Is(s.Name) && s.Type == listing.TypeFile:
		add(Action{Kind: Skip, Path: rel, Reason: "a temporary file of ftpkit"}, nil)
		return nil
	case partname.Is(s.Name):
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
