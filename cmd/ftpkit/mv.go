package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

func newMvCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "mv [flags] URL DEST",
		Short: "Rename or move a remote file",
		Long: `mv renames the remote file or directory of URL to DEST (RNFR, RNTO), on
the same server: DEST is a URL of that server, or a path read as URL paths
are (relative to the login directory, or absolute with a leading "/"). A
DEST ending in "/", or naming an existing directory, is the directory to
move the file into. Servers replace an existing file DEST.`,
		Args: argsUsage(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.mv(cmd.Context(), args[0], args[1])
		},
	}
}

// mv renames the remote path of the URL raw to dest.
func (o *options) mv(ctx context.Context, raw, dest string) error {
	if !isURL(raw) {
		return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw)
	}
	r, err := o.remote(ctx, raw)
	if err != nil {
		return err
	}
	if r.u.Path == "" {
		return usageErrorf("%s names the login directory", r.display)
	}
	to := dest
	if isURL(dest) {
		u, err := parseURL(dest)
		if err != nil {
			return err
		}
		if o.serverKey(u) != o.serverKey(r.u) {
			return usageErrorf("mv renames on one server: %s and %s differ", r.display, u.Redacted())
		}
		to = u.Path
	}
	return o.rename(ctx, r.c, r.u.Path, to)
}

// rename renames the remote path src to to, or into it if it is a
// directory.
func (o *options) rename(ctx context.Context, c *ftp.Client, src, to string) error {
	src = strings.TrimRight(src, "/")
	if to == "" || strings.HasSuffix(to, "/") {
		to = joinRemote(to, lastElem(src))
	} else if e, err := c.Stat(ctx, to); err == nil && e.Type == listing.TypeDir {
		to = joinRemote(to, lastElem(src))
	}
	return fail("mv", c.Rename(ctx, src, to))
}

// lastElem is the last element of a remote path.
func lastElem(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
