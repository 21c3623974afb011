package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

func newStatCmd(o *options) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stat [flags] URL...",
		Short: "Show what the server knows of remote files",
		Long: `stat prints the type, size, modification time (UTC, with its precision),
permissions, owner and group of the remote file or directory of each URL,
and the MLST facts where the server sends them, as far as the server tells
(MLST, or SIZE, MDTM, CWD and LIST where it lacks MLST). With --json each
is one JSON object a line, as ls --json prints entries.`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.stat(cmd.Context(), args, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per file")
	return cmd
}

// stat prints the entries of the URLs.
func (o *options) stat(ctx context.Context, urls []string, asJSON bool) error {
	for _, raw := range urls {
		if !isURL(raw) {
			return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw)
		}
	}
	fails := &failures{o: o}
	n := 0
	for _, raw := range urls {
		if ctx.Err() != nil {
			break
		}
		r, err := o.remote(ctx, raw)
		if err != nil {
			fails.add(err)
			continue
		}
		var ms []match
		if pattern, glob := urlPattern(raw, r.u); glob {
			if ms, err = expand(ctx, r.c, pattern); err != nil {
				fails.add(err)
				continue
			}
		} else {
			ms = []match{{path: r.u.Path}}
		}
		if err := o.statPaths(ctx, r.c, ms, asJSON, &n, fails); err != nil {
			return err
		}
	}
	return fails.err()
}

// statPaths prints the entries of the matches ms; n counts the entries
// printed so far, for the blank lines between them.
func (o *options) statPaths(ctx context.Context, c *ftp.Client, ms []match, asJSON bool, n *int, fails *failures) error {
	for _, m := range ms {
		e, err := c.Stat(ctx, m.path)
		if err != nil {
			fails.add(fail("stat "+safe(displayPath(m.path)), unwrapPath(err, m.path)))
			continue
		}
		if asJSON {
			err = writeJSON(o.out, jsonOf(e, e.Name, m.path))
		} else {
			if *n > 0 {
				fmt.Fprintln(o.out)
			}
			err = printStat(o.out, e, displayPath(m.path))
		}
		*n++
		if err != nil {
			return err
		}
	}
	return nil
}

// printStat prints e, the entry of the remote path p, one field a line.
func printStat(w io.Writer, e listing.Entry, p string) error {
	var b strings.Builder
	field := func(name, value string) {
		fmt.Fprintf(&b, "%-7s %s\n", name+":", value)
	}
	field("path", safe(p))
	field("type", e.Type.String())
	if e.Size >= 0 {
		field("size", fmt.Sprint(e.Size))
	} else {
		field("size", "unknown")
	}
	if e.Precision != listing.PrecisionUnknown && !e.ModTime.IsZero() {
		field("mtime", timeString(e)+" UTC ("+e.Precision.String()+")")
	} else {
		field("mtime", "unknown")
	}
	if permKnown(e) && (e.Facts != "" || e.Mode != 0) {
		field("mode", modeString(e)+" ("+octalMode(e.Mode)+")")
	}
	if e.Target != "" {
		field("target", safe(e.Target))
	}
	if e.Owner != "" {
		field("owner", safe(e.Owner))
	}
	if e.Group != "" {
		field("group", safe(e.Group))
	}
	if e.Facts != "" {
		field("facts", safe(string(e.Facts)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
