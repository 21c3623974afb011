package main

import (
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
)

func newGetCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "get URL [LOCAL]",
		Short: "Download a file",
		Long: `get downloads the file of URL to LOCAL: by default the file's base name in
the current directory, into LOCAL if it is a directory, or to standard
output if LOCAL is "-". The file is written under a temporary name and
renamed when the download is complete, so a failed download never leaves
a partial file under the final name.`,
		Args: argsUsage(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			local := ""
			if len(args) == 2 {
				local = args[1]
			}
			return o.get(cmd.Context(), args[0], local)
		},
	}
}

// get downloads rawURL to local.
func (o *options) get(ctx context.Context, rawURL, local string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	name := path.Base(u.Path)
	if u.Path == "" || strings.HasSuffix(u.Path, "/") || name == "." || name == ".." || name == "/" {
		return usageErrorf("%s names no file", ftp.RedactURL(rawURL))
	}
	if local == "-" {
		c, err := o.connect(ctx, rawURL, u)
		if err != nil {
			return err
		}
		defer quit(ctx, c)
		return fail("get "+u.Path, o.retrieve(ctx, c, u.Path, o.stdout))
	}
	if local == "" {
		local = name
	} else if fi, err := os.Stat(local); err == nil && fi.IsDir() {
		local = filepath.Join(local, name)
	}
	return o.download(ctx, rawURL, u, local)
}

// download retrieves the file of u into a temporary file beside local,
// then renames it to local.
func (o *options) download(ctx context.Context, rawURL string, u *ftp.URL, local string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(local), "."+filepath.Base(local)+".part-*")
	if err != nil {
		return fail("get "+u.Path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	c, err := o.connect(ctx, rawURL, u)
	if err != nil {
		return err
	}
	defer quit(ctx, c)
	if err := o.retrieve(ctx, c, u.Path, f); err != nil {
		return fail("get "+u.Path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail("get "+u.Path, err)
	}
	if err := f.Close(); err != nil {
		return fail("get "+u.Path, err)
	}
	return fail("get "+u.Path, os.Rename(f.Name(), local))
}

// retrieve copies the remote file to w, with a progress bar when one is
// to be shown. Without a bar, a copy to an *os.File goes through the
// library's zero-copy path.
func (o *options) retrieve(ctx context.Context, c *ftp.Conn, remote string, w io.Writer) error {
	size := int64(-1)
	if o.showProgress() {
		// The 150 reply may announce the size; ask first in case not.
		if n, err := c.Size(ctx, remote); err == nil {
			size = n
		}
	}
	dc, err := c.Retr(ctx, remote)
	if err != nil {
		return err
	}
	if n := dc.Size(); n >= 0 {
		size = n
	}
	bar := o.newBar(size, path.Base(remote))
	_, err = io.Copy(w, teeBar(dc, bar))
	err = finish(dc, err)
	done(bar, err == nil)
	return err
}
