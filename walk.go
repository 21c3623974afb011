package ftp

import (
	"context"
	"io/fs"
	"path"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// WalkFunc is the function called by Walk for each file or directory,
// with the same contract as fs.WalkDirFunc: path is root joined with the
// names leading to the entry, and err reports a failure to stat root
// (e is then the zero Entry) or to list the directory path (fn is then
// called a second time for that directory). Returning fs.SkipDir skips
// the directory (or, for a file, the rest of its directory); returning
// fs.SkipAll ends the walk; any other error ends it with that error.
type WalkFunc func(path string, e listing.Entry, err error) error

// Walk walks the file tree rooted at root depth-first, calling fn for
// root and every file and directory below it, in lexical order within a
// directory, as fs.WalkDir does. Root is examined with Stat and every
// directory is listed with ReadDir, so an MLST server costs one listing
// per directory and others one LIST per directory.
//
// Walk does not follow symbolic links: a link (Type TypeSymlink) is
// reported, never entered, and so is an entry whose type the listing
// does not give. Entries named "." or ".." or containing "/" are
// reported but never entered, so a misbehaving server cannot send Walk
// round in circles through them. fn may use the Conn: no call is in
// progress while fn runs.
func (c *Conn) Walk(ctx context.Context, root string, fn WalkFunc) error {
	return tree{c.Stat, c.ReadDir}.walkRoot(ctx, root, fn)
}

// A tree is what a walk needs of a Conn or a Client.
type tree struct {
	stat    func(context.Context, string) (listing.Entry, error)
	readDir func(context.Context, string) ([]listing.Entry, error)
}

// walkRoot walks the tree at root.
func (t tree) walkRoot(ctx context.Context, root string, fn WalkFunc) error {
	e, err := t.stat(ctx, root)
	if err != nil {
		err = fn(root, e, err)
	} else {
		err = t.walk(ctx, root, e, fn)
	}
	if err == fs.SkipDir || err == fs.SkipAll {
		return nil
	}
	return err
}

// walk visits p, whose entry is e, and below it.
func (t tree) walk(ctx context.Context, p string, e listing.Entry, fn WalkFunc) error {
	if err := fn(p, e, nil); err != nil || e.Type != listing.TypeDir {
		if err == fs.SkipDir && e.Type == listing.TypeDir {
			err = nil // skip this directory
		}
		return err
	}
	entries, err := t.readDir(ctx, p)
	if err != nil {
		if err = fn(p, e, err); err != nil {
			if err == fs.SkipDir {
				err = nil
			}
			return err
		}
	}
	for _, child := range entries {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		name := path.Join(p, child.Name)
		var err error
		if child.Name == "" || child.Name == "." || child.Name == ".." || strings.Contains(child.Name, "/") {
			err = fn(name, child, nil) // reported, never entered
		} else {
			err = t.walk(ctx, name, child, fn)
		}
		if err == fs.SkipDir {
			break // a file asked to skip the rest of its directory
		}
		if err != nil {
			return err
		}
	}
	return nil
}
