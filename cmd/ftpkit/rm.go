package main

import (
	"context"
	"errors"
	"io/fs"
	"path"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

// rmFlags are the flags of rm.
type rmFlags struct{ recursive, force bool }

func newRmCmd(o *options) *cobra.Command {
	var f rmFlags
	cmd := &cobra.Command{
		Use:   "rm [flags] URL...",
		Short: "Remove remote files",
		Long: `rm removes the remote file of each URL (DELE). A directory is removed only
with -r, with everything below it (symbolic links are removed, not
followed); rmdir removes an empty one. Wildcards ('*', '[...]') are
expanded from the server's listing. A missing file is an error (exit status
6) unless -f is given.`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.rm(cmd.Context(), args, f)
		},
	}
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "r", false, "remove directories and everything below them")
	cmd.Flags().BoolVarP(&f.force, "force", "f", false, "ignore missing files")
	return cmd
}

// rm removes the URLs.
func (o *options) rm(ctx context.Context, urls []string, f rmFlags) error {
	fails := &failures{o: o}
	o.eachPath(ctx, urls, fails, func(c *ftp.Client, m match) error {
		return o.remove(ctx, c, m, f)
	})
	return fails.err()
}

// allURLs reports whether every argument is a URL; the first that is
// not goes to fails.
func allURLs(args []string, fails *failures) bool {
	for _, raw := range args {
		if !isURL(raw) {
			fails.add(usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw))
			return false
		}
	}
	return true
}

// eachPath calls do for each remote path the URLs name, wildcards
// expanded; failures go to fails.
func (o *options) eachPath(ctx context.Context, urls []string, fails *failures, do func(*ftp.Client, match) error) {
	if !allURLs(urls, fails) {
		return
	}
	for _, raw := range urls {
		if ctx.Err() != nil {
			return
		}
		r, err := o.remote(ctx, raw)
		if err != nil {
			fails.add(err)
			continue
		}
		ms := []match{{path: r.u.Path}}
		if pattern, glob := urlPattern(raw, r.u); glob {
			if ms, err = expand(ctx, r.c, pattern); err != nil {
				fails.add(err)
				continue
			}
		}
		for _, m := range ms {
			if ctx.Err() != nil {
				return
			}
			fails.add(do(r.c, m))
		}
	}
}

// remove removes the remote path of m.
func (o *options) remove(ctx context.Context, c *ftp.Client, m match, f rmFlags) error {
	p := m.path
	if clean := path.Clean("/" + p); clean == "/" {
		return exitErrorf(exitUsage, "rm: refusing to remove %s", safe(displayPath(p)))
	}
	e := m.entry
	if !m.known {
		var err error
		if e, err = c.Stat(ctx, p); err != nil {
			if f.force && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fail("rm "+safe(p), unwrapPath(err, p))
		}
	}
	var err error
	switch {
	case e.Type == listing.TypeDir && !f.recursive:
		return exitErrorf(exitFailure, "rm %s: is a directory (rm -r removes it and everything below it, rmdir an empty one)", safe(p))
	case e.Type == listing.TypeDir:
		err = c.RemoveAll(ctx, p)
	default:
		err = c.Remove(ctx, p)
	}
	if f.force && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fail("rm "+safe(p), unwrapPath(err, p))
}
