package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func newPutCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "put LOCAL URL",
		Short: "Upload a file",
		Long: `put uploads the file LOCAL to URL. A URL ending in "/" names a directory:
the file keeps its base name there.`,
		Args: argsUsage(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.put(cmd.Context(), args[0], args[1])
		},
	}
}

// put uploads the file local to rawURL.
func (o *options) put(ctx context.Context, local, rawURL string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	remote := u.Path
	if remote == "" || strings.HasSuffix(remote, "/") {
		remote += filepath.Base(local)
	}
	f, err := os.Open(local)
	if err != nil {
		return fail("put", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail("put", err)
	}
	if fi.IsDir() {
		return fail("put", errors.New(local+" is a directory"))
	}
	c, err := o.connect(ctx, rawURL, u)
	if err != nil {
		return err
	}
	defer quit(ctx, c)
	dc, err := c.Stor(ctx, remote)
	if err != nil {
		return fail("put "+remote, err)
	}
	bar := o.newBar(fi.Size(), filepath.Base(local))
	_, err = io.Copy(dc, teeBar(f, bar))
	err = finish(dc, err)
	done(bar, err == nil)
	return fail("put "+remote, err)
}
