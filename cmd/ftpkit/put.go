package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/partname"
	"github.com/ftpkit/ftp/listing"
	"github.com/ftpkit/ftp/mirror"
)

// putFlags are the flags of put.
type putFlags struct {
	cont, noClobber, keepTime, temp, recursive bool
	jobs                                       int
}

func newPutCmd(o *options) *cobra.Command {
	var f putFlags
	cmd := &cobra.Command{
		Use:   "put [flags] LOCAL... URL",
		Short: "Upload files",
		Long: `put uploads each LOCAL file to URL. A URL ending in "/", or naming an
existing directory, is a directory: the files keep their base names there.
With several files (or wildcards, '*', '?', '[...]', expanded here when the
shell did not), URL must be a directory. LOCAL "-" is standard input, to the
file the URL names.

A server writes an upload under its final name as it arrives: if the upload
breaks or is interrupted, a partial file stays there (put says so). -c
resumes it, sending only the rest of the local file (REST); --temp uploads
under a temporary name in the same directory and renames it when the server
has confirmed the whole file, so that the final name never holds a partial
file. -p sets the remote file's time to the local one's (MFMT, where the
server offers it). -j N uploads N files at once.

-r also uploads directories, with everything below them, through the
engine of "ftpkit mirror" (as lftp's mirror -R): a local directory is
copied to the directory URL names, made if missing; with a URL ending in
"/", or several LOCAL arguments, into URL under its name ("put -r ./site
ftp://host/www/" makes www/site). Files are uploaded under a temporary name
and renamed when complete; those that differ in size are uploaded again,
and with -p (and MFMT) their times are kept and compared too. -r deletes
nothing and replaces nothing by an entry of another type; --no-clobber
uploads only missing files, -c completes shorter remote files, and -j N
(4 by default with -r) runs N transfers at once. Progress is a line per
action on stderr (bars on a terminal), then a summary.`,
		Args: argsUsage(2, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.put(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.cont, "continue", "c", false, "resume: send the rest of the local file after the remote one's end")
	fl.BoolVarP(&f.noClobber, "no-clobber", "n", false, "do not overwrite existing remote files")
	fl.BoolVarP(&f.keepTime, "preserve", "p", false, "give the remote file the local file's modification time (MFMT)")
	fl.BoolVar(&f.temp, "temp", false, "upload under a temporary name, renamed when complete")
	fl.BoolVarP(&f.recursive, "recursive", "r", false, "upload directories and everything below them")
	fl.IntVarP(&f.jobs, "jobs", "j", 1, "upload `N` files at once (with -r, 4 unless given)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		switch {
		case f.jobs < 1:
			return usageErrorf("-j must be at least 1")
		case f.cont && f.temp:
			return usageErrorf("--continue and --temp exclude each other")
		}
		if f.recursive && !cmd.Flags().Changed("jobs") {
			f.jobs = mirror.DefaultParallel
		}
		o.maxConn = f.jobs
		return nil
	}
	return cmd
}

// A putJob is one file to upload.
type putJob struct {
	local, remote string
}

// put uploads the local files among args to the URL, the last argument.
func (o *options) put(ctx context.Context, args []string, f putFlags) error {
	raw, locals := args[len(args)-1], args[:len(args)-1]
	if !isURL(raw) {
		return usageErrorf("%q is not a URL: the last argument of put is the URL to upload to", raw)
	}
	for _, l := range locals {
		if isURL(l) {
			return usageErrorf("%s is a URL: put uploads local files (get downloads)", ftp.RedactURL(l))
		}
		if l == "-" && len(locals) > 1 {
			return usageErrorf(`"-" (standard input) must be the only file`)
		}
	}
	if f.recursive {
		return o.putRecursive(ctx, locals, raw, f)
	}
	if locals[0] == "-" {
		if f.cont {
			return usageErrorf("-c does not apply to standard input")
		}
		r, err := o.remote(ctx, raw)
		if err != nil {
			return err
		}
		if r.u.IsDir() {
			return usageErrorf("%s names a directory: put - needs a file name", r.display)
		}
		return o.putStdin(ctx, r, f)
	}
	fails := &failures{o: o}
	files := o.localFiles(locals, fails)
	if len(files) == 0 {
		return fails.err()
	}
	r, err := o.remote(ctx, raw)
	if err != nil {
		return err
	}
	fails.add(o.putFiles(ctx, r.c, files, r.u.Path, r.u.IsDir() || len(locals) > 1 || len(files) > 1, f))
	return fails.err()
}

// putFiles uploads files to target: into the directory target if several
// is set or target is a directory, else as target.
func (o *options) putFiles(ctx context.Context, c *ftp.Client, files []string, target string, several bool, f putFlags) error {
	fails := &failures{o: o}
	into := target == "" || strings.HasSuffix(target, "/")
	if !into {
		e, err := c.Stat(ctx, target)
		switch {
		case err == nil && e.Type == listing.TypeDir:
			into = true
		case several:
			if err == nil {
				err = exitErrorf(exitFailure, "is not a directory")
			}
			fails.add(fail("put to "+safe(target), unwrapPath(err, target)))
			return fails.err()
		}
	}
	var jobs []putJob
	for _, l := range files {
		remote := target
		if into {
			remote = joinRemote(target, filepath.Base(l))
		}
		jobs = append(jobs, putJob{local: l, remote: remote})
	}
	m := o.newMeter(filepathBase(jobs), len(jobs), false)
	o.runJobs(ctx, len(jobs), f.jobs, func(i int) {
		fails.add(o.upload(ctx, c, jobs[i], f, m))
		m.fileDone()
	})
	m.finish(fails.first == nil)
	return fails.err()
}

func filepathBase(jobs []putJob) string {
	if len(jobs) == 1 {
		return filepath.Base(jobs[0].local)
	}
	return ""
}

// localFiles returns the files to upload: each name as it is, or, for a
// name with wildcards that is not a file (the shell left it alone), the
// files it matches. Directories and missing files are failures.
func (o *options) localFiles(names []string, fails *failures) []string {
	var out []string
	for _, name := range names {
		matches, _ := localMatches(name, fails)
		for _, m := range matches {
			fi, err := os.Stat(m)
			switch {
			case err != nil:
				fails.add(fail("put", err))
			case fi.IsDir():
				fails.add(exitErrorf(exitLocal, "put: %s is a directory (put -r uploads directories)", m))
			default:
				out = append(out, m)
			}
		}
	}
	return out
}

// localMatches returns name as it is or, for a name with wildcards that
// is not a file (the shell left it alone), the names it matches
// (expanded true); a bad pattern or no match goes to fails.
func localMatches(name string, fails *failures) (matches []string, expanded bool) {
	if _, err := os.Lstat(name); err == nil || !hasWildcard(name) {
		return []string{name}, false
	}
	ms, err := filepath.Glob(name)
	switch {
	case err != nil:
		fails.add(usageErrorf("bad wildcard %q: %v", name, err))
	case len(ms) == 0:
		fails.add(exitErrorf(exitLocal, "put: no match for %s", name))
	}
	return ms, true
}

// upload uploads one file.
func (o *options) upload(ctx context.Context, c *ftp.Client, j putJob, f putFlags, m *meter) error {
	var opts []ftp.FileOption
	if f.cont {
		opts = append(opts, ftp.WithContinue())
	}
	if f.noClobber {
		opts = append(opts, ftp.WithNoClobber())
	}
	if f.temp {
		opts = append(opts, ftp.WithTempName())
	}
	if !f.keepTime {
		opts = append(opts, ftp.WithoutModTime())
	}
	if p := m.file(); p != nil {
		opts = append(opts, ftp.WithProgress(p))
	}
	err := c.Upload(ctx, j.local, j.remote, opts...)
	switch {
	case err == nil:
		return nil
	case f.noClobber && errors.Is(err, fs.ErrExist) && !isRemoteError(err):
		if !o.quiet {
			fmt.Fprintf(o.stderr, "ftpkit: put %s: %s exists, not overwritten (--no-clobber)\n", j.local, safe(j.remote))
		}
		return nil
	}
	if !f.temp && brokeMidway(ctx, err) {
		o.notePartial(ctx, c, j.remote, j.local, true)
	}
	return fail("put "+safe(j.remote), unwrapPath(err, j.remote))
}

// notePartial says, after a failed upload to remote, whether the server
// kept part of it there, and what to do about it.
func (o *options) notePartial(ctx context.Context, c *ftp.Client, remote, local string, resumable bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	e, err := c.Stat(ctx, remote)
	if err != nil || e.Type != listing.TypeFile {
		return
	}
	if fi, err := os.Stat(local); resumable && err == nil && e.Size >= fi.Size() {
		return
	}
	what := "part of the upload"
	if e.Size >= 0 {
		what = fmt.Sprintf("%d bytes, part of the upload", e.Size)
	}
	if resumable {
		o.note("%s now holds %s: run put -c to send the rest, or use --temp to upload under a temporary name, renamed when complete", safe(remote), what)
	} else {
		o.note("%s now holds %s: use --temp to upload under a temporary name, renamed when complete", safe(remote), what)
	}
}

// brokeMidway reports whether an upload that failed with err may have
// left part of the file on the server: it was interrupted, or the
// transfer or the connection broke (rather than the server refusing
// the file at once).
func brokeMidway(ctx context.Context, err error) bool {
	switch exitStatus(err) {
	case exitTransfer, exitConnect:
		return true
	}
	return ctx.Err() != nil
}

// putStdin uploads standard input to the file r names.
func (o *options) putStdin(ctx context.Context, r *remote, f putFlags) error {
	remote := r.u.Path
	if f.noClobber {
		if _, err := r.c.Stat(ctx, remote); err == nil {
			if !o.quiet {
				fmt.Fprintf(o.stderr, "ftpkit: put -: %s exists, not overwritten (--no-clobber)\n", safe(remote))
			}
			return nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fail("put "+safe(remote), unwrapPath(err, remote))
		}
	}
	target := remote
	if f.temp {
		target = partname.Random(remote)
	}
	m := o.newMeter(path.Base(remote), 1, false)
	err := o.store(ctx, r.c, target, m)
	if err == nil && f.temp {
		err = r.c.Rename(ctx, target, remote)
	}
	m.finish(err == nil)
	if err != nil {
		if f.temp {
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			r.c.Remove(cleanup, target)
			cancel()
		} else if brokeMidway(ctx, err) {
			o.notePartial(ctx, r.c, remote, "", false)
		}
		return fail("put "+safe(remote), unwrapPath(err, target))
	}
	return nil
}

// store copies standard input to the remote file target.
func (o *options) store(ctx context.Context, c *ftp.Client, target string, m *meter) error {
	w, err := c.Create(ctx, target)
	if err != nil {
		return err
	}
	var src io.Reader = o.stdin
	if p := m.file(); p != nil {
		src = &countingReader{r: o.stdin, size: -1, f: p}
	}
	if _, err := w.ReadFrom(src); err != nil {
		return w.CloseWithError(err)
	}
	if ctx.Err() != nil {
		return w.CloseWithError(context.Cause(ctx))
	}
	return w.Close()
}
