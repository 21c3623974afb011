package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

// lsFlags are the flags of ls.
type lsFlags struct {
	long, all, recursive, json, unsorted bool
}

func newLsCmd(o *options) *cobra.Command {
	var f lsFlags
	cmd := &cobra.Command{
		Use:   "ls [flags] URL...",
		Short: "List remote directories",
		Long: `ls lists the remote directory of each URL: the names, one a line, sorted
(byte order, the same on every server), without "." and ".." and, unless
-a is given, without names that start with a dot. With -l each entry shows
its type and permissions, owner, group, size and time (UTC); with --json it
is one JSON object a line: name, path, type, size, mtime and, from servers
that send them (MLSD), the facts. -R lists subdirectories too.

The listing is read as it arrives (MLSD, or LIST where the server lacks
MLSD) and sorted in bounded memory, so a directory of millions of entries
costs no more than a few tens of MB; -U prints in the server's order, with
nothing held. A URL with wildcards ('*', '[...]') prints the entries that
match. A directory that does not exist is an error (exit status 6), even on
servers that answer with an empty listing. Names and everything else from
the server are printed with control characters escaped (\x1b, \n, ...).`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.ls(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.long, "long", "l", false, "long format: type, permissions, owner, group, size, time")
	fl.BoolVarP(&f.all, "all", "a", false, "include names that start with a dot")
	fl.BoolVarP(&f.recursive, "recursive", "R", false, "list subdirectories too")
	fl.BoolVar(&f.json, "json", false, "one JSON object per entry")
	fl.BoolVarP(&f.unsorted, "unsorted", "U", false, "print entries in the server's order, as they come")
	return cmd
}

// ls lists the URLs.
func (o *options) ls(ctx context.Context, args []string, f lsFlags) error {
	if f.json && f.long {
		return usageErrorf("-l and --json exclude each other")
	}
	for _, a := range args {
		if !isURL(a) {
			return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", a)
		}
	}
	w := bufio.NewWriterSize(o.out, 64<<10)
	defer w.Flush()
	l := &lister{o: o, f: f, w: w, headers: len(args) > 1 || f.recursive}
	fails := &failures{o: o}
	for _, raw := range args {
		if ctx.Err() != nil {
			break
		}
		r, err := o.remote(ctx, raw)
		if err != nil {
			fails.add(err)
			continue
		}
		pattern, glob := urlPattern(raw, r.u)
		if !glob {
			fails.add(l.dir(ctx, r.c, r.u.Path, displayPath(r.u.Path), ""))
			continue
		}
		ms, err := expand(ctx, r.c, pattern)
		if err != nil {
			fails.add(err)
			continue
		}
		for _, m := range ms {
			if err := l.entry(m.entry, m.path, m.path); err != nil {
				fails.add(err)
				break
			}
		}
	}
	return fails.err()
}

// displayPath names a remote path in messages and headers.
func displayPath(p string) string {
	if p == "" {
		return "."
	}
	return p
}

// A lister prints listings.
type lister struct {
	o       *options
	f       lsFlags
	w       io.Writer
	headers bool // print "dir:" before each listing
	printed bool // a listing has been printed
}

// dir lists the directory dir of c, under the header label; rel is the
// path of dir relative to the directory ls was given, for -R.
func (l *lister) dir(ctx context.Context, c *ftp.Client, dir, label, rel string) error {
	var subdirs []string
	emit := func(e listing.Entry) error {
		name := entryName(e)
		if l.f.recursive && e.Type == listing.TypeDir && validName(e.Name) {
			subdirs = append(subdirs, e.Name)
		}
		if l.f.json {
			name = joinRemote(rel, name) // relative to the directory ls was given
		}
		return l.entry(e, name, joinRemote(dir, e.Name))
	}
	keep := func(e listing.Entry) bool {
		return l.f.all || !strings.HasPrefix(entryName(e), ".")
	}
	header := func() {
		if l.headers && !l.f.json {
			if l.printed {
				fmt.Fprintln(l.w)
			}
			fmt.Fprintf(l.w, "%s:\n", safe(label))
		}
		l.printed = true
	}
	// Whatever was listed is out before an error about it, or the next
	// listing, is printed.
	defer l.flush()
	var err error
	if l.f.unsorted {
		started := false
		err = c.ReadDirFunc(ctx, dir, func(e listing.Entry) error {
			if !started {
				header()
				started = true
			}
			if !keep(e) {
				return nil
			}
			return emit(e)
		})
		if err == nil && !started {
			header()
		}
	} else {
		s := &sorter{}
		defer s.close()
		err = c.ReadDirFunc(ctx, dir, func(e listing.Entry) error {
			if !keep(e) {
				return nil
			}
			return s.add(e)
		})
		if err == nil {
			header()
			err = s.each(emit)
		}
	}
	if err != nil {
		if e, ok := l.notDir(ctx, c, dir, err); ok {
			return l.entry(e, label, dir)
		}
		return fail("ls "+safe(label), unwrapPath(err, dir))
	}
	fails := &failures{o: l.o}
	for _, sub := range subdirs {
		if ctx.Err() != nil {
			break
		}
		p := joinRemote(dir, sub)
		fails.add(l.dir(ctx, c, p, joinRemote(label, sub), joinRemote(rel, sub)))
	}
	return fails.err()
}

// flush writes out the lines kept in a buffer, if any.
func (l *lister) flush() {
	if f, ok := l.w.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// notDir looks at a path whose listing failed with err: if it is a file
// (MLSD refuses files), its entry is returned to be printed instead.
func (l *lister) notDir(ctx context.Context, c *ftp.Client, p string, err error) (listing.Entry, bool) {
	var fe *ftp.Error
	if p == "" || strings.HasSuffix(p, "/") || !errors.As(err, &fe) {
		return listing.Entry{}, false
	}
	e, serr := c.Stat(ctx, p)
	if serr != nil || e.Type == listing.TypeDir {
		return listing.Entry{}, false
	}
	return e, true
}

// entryName is the name of e to print: the last element of a name that
// a server sent with a directory in front.
func entryName(e listing.Entry) string {
	if e.Unparsed() || !strings.Contains(e.Name, "/") {
		return e.Name
	}
	if base := path.Base(strings.TrimRight(e.Name, "/")); base != "/" && base != "." {
		return base
	}
	return e.Name
}

// entry prints one entry, named name (relative to the directory listed),
// whose remote path is full.
func (l *lister) entry(e listing.Entry, name, full string) error {
	var err error
	switch {
	case l.f.json:
		err = writeJSON(l.w, jsonOf(e, name, full))
	case l.f.long:
		_, err = fmt.Fprintln(l.w, longLine(e, name))
	default:
		_, err = fmt.Fprintln(l.w, safe(name))
	}
	return err
}

// longLine is the -l line of e: type and permissions, owner, group,
// size, time (UTC, as exact as the listing gives it), name and link
// target.
func longLine(e listing.Entry, name string) string {
	if e.Unparsed() {
		return safe(e.Name)
	}
	size := "-"
	if e.Size >= 0 {
		size = fmt.Sprint(e.Size)
	}
	owner, group := orDash(e.Owner), orDash(e.Group)
	line := fmt.Sprintf("%s %-8s %-8s %12s %-19s %s", modeString(e), safe(owner), safe(group), size, timeString(e), safe(name))
	if e.Target != "" {
		line += " -> " + safe(e.Target)
	}
	return line
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// modeString is the type and permissions of e as ls -l writes them, with
// '?' for what the listing does not tell.
func modeString(e listing.Entry) string {
	b := []byte("??????????")
	switch e.Type {
	case listing.TypeFile:
		b[0] = '-'
	case listing.TypeDir:
		b[0] = 'd'
	case listing.TypeSymlink:
		b[0] = 'l'
	case listing.TypeBlockDevice:
		b[0] = 'b'
	case listing.TypeCharDevice:
		b[0] = 'c'
	case listing.TypePipe:
		b[0] = 'p'
	case listing.TypeSocket:
		b[0] = 's'
	}
	if !permKnown(e) {
		return string(b)
	}
	const rwx = "rwxrwxrwx"
	perm := e.Mode.Perm()
	for i := range 9 {
		if perm&(1<<(8-i)) != 0 {
			b[1+i] = rwx[i]
		} else {
			b[1+i] = '-'
		}
	}
	special := func(i int, set bool, c byte) {
		if !set {
			return
		}
		if b[i] == 'x' {
			b[i] = c
		} else {
			b[i] = c - 'a' + 'A'
		}
	}
	special(3, e.Mode&fs.ModeSetuid != 0, 's')
	special(6, e.Mode&fs.ModeSetgid != 0, 's')
	special(9, e.Mode&fs.ModeSticky != 0, 't')
	return string(b)
}

// permKnown reports whether the listing gave e's permissions: a Unix
// LIST line does (no permission at all reads as not given: DOS and other
// formats have none), an MLSx line only with the UNIX.mode fact.
func permKnown(e listing.Entry) bool {
	if e.Facts == "" {
		return e.Mode.Perm() != 0
	}
	_, ok := e.Facts.Get("unix.mode")
	return ok
}

// timeString is e's time in UTC, as exact as the listing gives it.
func timeString(e listing.Entry) string {
	t := e.ModTime.UTC()
	switch e.Precision {
	case listing.PrecisionDay:
		return t.Format("2006-01-02")
	case listing.PrecisionMinute:
		return t.Format("2006-01-02 15:04")
	case listing.PrecisionSecond, listing.PrecisionSubsecond:
		return t.Format("2006-01-02 15:04:05")
	}
	return "-"
}

// unwrapPath removes the *fs.PathError a Client wraps a server's error
// in when it names p, which the message names already.
func unwrapPath(err error, p string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == p && isRemoteError(pe.Err) {
		return pe.Err
	}
	return err
}
