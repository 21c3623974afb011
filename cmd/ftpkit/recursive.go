package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
	"github.com/ftpkit/ftp/mirror"
)

// get -r and put -r copy directories through the mirror engine, as
// lftp's mirror and mirror -R do, with the rules of get and put: they
// add and update, and never delete nor replace an entry of another
// type.

// getRecursive downloads the files and directories the URLs name (see
// get): a directory is copied, with everything below it, to the local
// directory of the same name, or to LOCAL.
func (o *options) getRecursive(ctx context.Context, urls []string, local string, f getFlags) error {
	switch {
	case local == "-":
		return usageErrorf("get -r cannot write to standard output")
	case f.segments > 0:
		return usageErrorf("--segments does not apply to get -r")
	}
	fails := &failures{o: o}
	var files []getJob
	type remoteDir struct {
		c    *ftp.Client
		path string
	}
	var dirs []remoteDir
	several := len(urls) > 1
	for _, raw := range urls {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r, err := o.remote(ctx, raw)
		if err != nil {
			fails.add(err)
			continue
		}
		ms := []match{{path: r.u.Path}}
		if pattern, glob := urlPattern(raw, r.u); glob {
			several = true
			if ms, err = expand(ctx, r.c, pattern); err != nil {
				fails.add(err)
				continue
			}
		}
		for _, m := range ms {
			dir, err := isRemoteDir(ctx, r.c, m)
			switch {
			case err != nil:
				fails.add(fail("get -r "+safe(displayPath(m.path)), unwrapPath(err, m.path)))
			case dir:
				dirs = append(dirs, remoteDir{r.c, m.path})
			default:
				files = append(files, getJob{c: r.c, remote: m.path, entry: m.entry, known: m.known && m.entry.Type == listing.TypeFile})
			}
		}
	}
	if len(files)+len(dirs) == 0 {
		return fails.err()
	}

	// Several sources, or LOCAL written as a directory ("dir/"), go
	// into the directory LOCAL under their names; one directory is
	// copied to LOCAL itself, by default to its name in the current
	// directory.
	into := several || local == "" || strings.HasSuffix(local, "/") || strings.HasSuffix(local, string(filepath.Separator))
	if into && local != "" {
		if fi, err := os.Stat(local); err != nil || !fi.IsDir() {
			if err == nil {
				err = syscall.ENOTDIR
			}
			fails.add(fail("get -r", &fs.PathError{Op: "open", Path: local, Err: unwrapErrno(err)}))
			return fails.err()
		}
	}
	seen := map[string]string{}
	for _, j := range files {
		if into {
			seen[filepath.Join(local, path.Base(j.remote))] = j.remote
		}
	}
	opts := mirror.Options{Parallel: f.jobs, Continue: f.cont, IgnoreTime: !f.keepTime}
	var trees []func()
	for _, d := range dirs {
		target := local
		if into {
			base := path.Base(d.path)
			if !validName(base) {
				fails.add(usageErrorf("get -r: %s has no name to copy it to: give the local directory (get -r URL DIR)", safe(dirName(d.path))))
				continue
			}
			target = filepath.Join(local, base)
		}
		if prev, ok := seen[target]; ok {
			fails.add(exitErrorf(exitUsage, "get -r %s: %s is written already, from %s", safe(displayPath(d.path)), safe(target), safe(prev)))
			continue
		}
		seen[target] = d.path
		if fi, err := os.Stat(target); err == nil && !fi.IsDir() {
			fails.add(fail("get -r "+safe(displayPath(d.path)), &fs.PathError{Op: "open", Path: safe(target), Err: syscall.ENOTDIR}))
			continue
		}
		trees = append(trees, func() {
			fails.add(o.copyTree(ctx, "get -r", safe(target), mirror.Remote(d.c, d.path), mirror.Local(target), opts, f.noClobber))
		})
	}
	if len(files) > 0 {
		fails.add(o.getJobs(ctx, files, local, into, f))
	}
	for _, do := range trees {
		if ctx.Err() != nil {
			break
		}
		do()
	}
	return fails.err()
}

// dirName names the remote directory p in messages.
func dirName(p string) string {
	switch strings.Trim(p, "/") {
	case "", ".":
		if strings.HasPrefix(p, "/") {
			return "the root directory"
		}
		return "the login directory"
	}
	return p
}

// isRemoteDir reports whether the remote path of m is a directory, or
// a link to one.
func isRemoteDir(ctx context.Context, c *ftp.Client, m match) (bool, error) {
	e := m.entry
	if !m.known {
		var err error
		if e, err = c.Stat(ctx, m.path); err != nil {
			return false, err
		}
	}
	switch e.Type {
	case listing.TypeDir:
		return true, nil
	case listing.TypeFile:
		return false, nil
	}
	// A link, or a type the server does not tell: a directory if it can
	// be entered.
	e, err := c.Stat(ctx, joinRemote(m.path, "."))
	return err == nil && e.Type == listing.TypeDir, nil
}

// putRecursive uploads the local files and directories locals to the
// URL raw (see put): a directory is copied, with everything below it,
// to the remote directory of the same name in URL if URL ends in "/" or
// there are several, else to URL itself.
func (o *options) putRecursive(ctx context.Context, locals []string, raw string, f putFlags) error {
	if locals[0] == "-" {
		return usageErrorf("put -r uploads files and directories, not standard input")
	}
	fails := &failures{o: o}
	var files, dirs []string
	several := len(locals) > 1
	for _, name := range locals {
		matches, expanded := localMatches(name, fails)
		several = several || expanded && len(matches) > 0
		for _, m := range matches {
			switch fi, err := os.Stat(m); {
			case err != nil:
				fails.add(fail("put", err))
			case fi.IsDir():
				dirs = append(dirs, m)
			default:
				files = append(files, m)
			}
		}
	}
	if len(files)+len(dirs) == 0 {
		return fails.err()
	}
	r, err := o.remote(ctx, raw)
	if err != nil {
		fails.add(err)
		return fails.err()
	}
	target := r.u.Path
	into := several || r.u.IsDir()
	if into && strings.Trim(target, "/") != "" {
		e, err := r.c.Stat(ctx, target)
		if err == nil && e.Type != listing.TypeDir {
			err = exitErrorf(exitFailure, "is not a directory")
		}
		if err != nil {
			fails.add(fail("put to "+safe(target), unwrapPath(err, target)))
			return fails.err()
		}
	}
	seen := map[string]string{}
	for _, l := range files {
		if into {
			seen[joinRemote(target, filepath.Base(l))] = l
		}
	}
	opts := mirror.Options{Parallel: f.jobs, Continue: f.cont, IgnoreTime: !f.keepTime}
	var trees []func()
	for _, d := range dirs {
		dst := target
		if into {
			abs, err := filepath.Abs(d)
			if err != nil {
				fails.add(fail("put", err))
				continue
			}
			base := filepath.Base(abs)
			if !validName(base) {
				fails.add(usageErrorf("put -r: %s has no name to copy it to: give the remote directory (put -r DIR URL)", d))
				continue
			}
			dst = joinRemote(target, base)
		} else if e, err := r.c.Stat(ctx, dst); err == nil && e.Type != listing.TypeDir {
			fails.add(exitErrorf(exitFailure, "put -r %s: %s is not a directory", d, safe(dst)))
			continue
		}
		if prev, ok := seen[dst]; ok {
			fails.add(exitErrorf(exitUsage, "put -r %s: %s is written already, from %s", d, safe(dst), prev))
			continue
		}
		seen[dst] = d
		trees = append(trees, func() {
			fails.add(o.copyTree(ctx, "put -r", safe(displayPath(dst)), mirror.Local(d), mirror.Remote(r.c, dst), opts, f.noClobber))
		})
	}
	if len(files) > 0 {
		fails.add(o.putFiles(ctx, r.c, files, target, into, f))
	}
	for _, do := range trees {
		if ctx.Err() != nil {
			break
		}
		do()
	}
	return fails.err()
}

// copyTree copies the tree src to dst, named name in messages, through
// the mirror engine, for verb (get -r, put -r): it deletes nothing,
// replaces no entry by one of another type, and with noClobber leaves
// existing files as they are. Progress shows as in ftpkit mirror, and a
// summary follows on stderr.
func (o *options) copyTree(ctx context.Context, verb, name string, src, dst mirror.Tree, opts mirror.Options, noClobber bool) error {
	plan := addOnly(mirror.Plan(ctx, src, dst, opts), verb, name, noClobber)
	pr := o.treeProgress()
	if pr != nil {
		opts.Report = pr.report
		plan = pr.count(plan)
	}
	sum, err := mirror.Apply(ctx, src, dst, plan, opts)
	if pr != nil {
		pr.wait()
	}
	if !o.quiet {
		fmt.Fprintf(o.stderr, "%s: ", name)
		printSummary(o.stderr, sum)
	}
	return treeError(verb, err)
}

// addOnly adapts a mirror plan to get -r and put -r, which only add
// and update: an action that would replace an entry by one of another
// type (a file by a directory) fails instead, and the actions below a
// directory not made are left out; with noClobber, existing files are
// skipped instead of copied again. name is the target, for messages.
func addOnly(plan iter.Seq2[mirror.Action, error], verb, name string, noClobber bool) iter.Seq2[mirror.Action, error] {
	return func(yield func(mirror.Action, error) bool) {
		var blocked []string // directories not made
		below := func(p string) bool {
			for _, b := range blocked {
				if strings.HasPrefix(p, b+"/") {
					return true
				}
			}
			return false
		}
		for a, err := range plan {
			if err == nil {
				switch {
				case below(a.Path):
					continue
				case a.Kind != mirror.Skip && strings.HasPrefix(a.Reason, "replaces a "):
					if a.Kind == mirror.Mkdir {
						blocked = append(blocked, a.Path)
					}
					what := strings.TrimPrefix(a.Reason, "replaces ")
					err = &fs.PathError{Op: a.Kind.String(), Path: path.Join(name, safe(a.Path)),
						Err: fmt.Errorf("%s is in the way (%s replaces nothing; ftpkit mirror does)", what, verb)}
					a = mirror.Action{Path: a.Path}
				case noClobber && (a.Kind == mirror.Copy || a.Kind == mirror.SetTime) && a.Reason != "new":
					a = mirror.Action{Kind: mirror.Skip, Path: a.Path, Reason: "exists (--no-clobber)"}
				}
			}
			if !yield(a, err) {
				return
			}
		}
	}
}

// treeError returns the failure err of a copy through the mirror
// engine, for verb, with the exit status of its first failed entry: 1
// for an entry refused as unsafe or in the way.
func treeError(verb string, err error) error {
	var me *mirror.Error
	if !errors.As(err, &me) || len(me.Failures) == 0 {
		return fail(verb, err)
	}
	first := me.Failures[0].Err
	status := exitStatus(first)
	var en syscall.Errno
	if errors.Is(first, mirror.ErrUnsafe) || status == exitLocal && !errors.As(first, &en) {
		status = exitFailure
	}
	return exitErrorf(status, "%s: %s", verb, strings.TrimPrefix(err.Error(), "mirror: "))
}
