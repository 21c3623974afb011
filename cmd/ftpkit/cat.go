package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newCatCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "cat [flags] URL...",
		Short: "Print remote files",
		Long: `cat copies the remote file of each URL, one after the other, to standard
output, as they are (the content is not escaped: pipe it to a pager or a
file if it may not be text). Wildcards ('*', '[...]') are expanded from the
server's listing.`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.catURLs(cmd.Context(), args)
		},
	}
}

// catURLs prints the remote files of the URLs.
func (o *options) catURLs(ctx context.Context, urls []string) error {
	fails := &failures{o: o}
	for _, raw := range urls {
		if !isURL(raw) {
			return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw)
		}
	}
	for _, raw := range urls {
		if ctx.Err() != nil {
			break
		}
		jobs, _ := o.fileJobs(ctx, raw, "cat", fails)
		fails.add(o.catJobs(ctx, jobs, "cat", nil))
	}
	return fails.err()
}
