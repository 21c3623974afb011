package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
)

func newMkdirCmd(o *options) *cobra.Command {
	var parents bool
	cmd := &cobra.Command{
		Use:   "mkdir [flags] URL...",
		Short: "Make remote directories",
		Long: `mkdir makes the remote directory of each URL (MKD). With -p it makes the
missing parents too, and an existing directory is no error.`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.mkdir(cmd.Context(), args, parents)
		},
	}
	cmd.Flags().BoolVarP(&parents, "parents", "p", false, "make parent directories as needed; no error if it exists")
	return cmd
}

// mkdir makes the directories of the URLs.
func (o *options) mkdir(ctx context.Context, urls []string, parents bool) error {
	fails := &failures{o: o}
	o.eachLiteralPath(ctx, urls, fails, func(c *ftp.Client, p string) error {
		var err error
		if parents {
			err = c.MkdirAll(ctx, p)
		} else {
			err = c.Mkdir(ctx, p)
		}
		return fail("mkdir "+safe(p), unwrapPath(err, p))
	})
	return fails.err()
}

func newRmdirCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "rmdir [flags] URL...",
		Short: "Remove empty remote directories",
		Long:  `rmdir removes the empty remote directory of each URL (RMD).`,
		Args:  argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.rmdir(cmd.Context(), args)
		},
	}
}

// rmdir removes the directories of the URLs.
func (o *options) rmdir(ctx context.Context, urls []string) error {
	fails := &failures{o: o}
	o.eachLiteralPath(ctx, urls, fails, func(c *ftp.Client, p string) error {
		return fail("rmdir "+safe(p), removeDir(ctx, c, p))
	})
	return fails.err()
}

// removeDir removes the empty directory p (RMD, never DELE).
func removeDir(ctx context.Context, c *ftp.Client, p string) error {
	return c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		return s.Rmd(ctx, p)
	})
}

// eachLiteralPath calls do for the remote path of each URL, taken as it
// is (no wildcards: a directory to make does not exist yet).
func (o *options) eachLiteralPath(ctx context.Context, urls []string, fails *failures, do func(*ftp.Client, string) error) {
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
		if r.u.Path == "" {
			fails.add(usageErrorf("%s names the login directory", r.display))
			continue
		}
		fails.add(do(r.c, r.u.Path))
	}
}
