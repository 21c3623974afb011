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
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
	"github.com/ftpkit/ftp/mirror"
)

// getFlags are the flags of get.
type getFlags struct {
	cont, noClobber, keepTime, recursive bool
	jobs, segments                       int
}

func newGetCmd(o *options) *cobra.Command {
	var f getFlags
	cmd := &cobra.Command{
		Use:   "get [flags] URL... [LOCAL]",
		Short: "Download files",
		Long: `get downloads the file of each URL. With one URL, LOCAL names the file to
write, or a directory to write it into; without LOCAL the file keeps its
base name in the current directory. With several URLs, or wildcards
('*', '[...]', matched against the server's listing), LOCAL must be a
directory. LOCAL "-" is standard output. An argument written as a URL
(scheme://...) is always a URL, never a local name.

A regular file is written under a hidden temporary name beside it and
renamed over it only when the whole file has arrived, so a failed or
interrupted download never leaves a partial file, nor changes an existing
one. An existing file keeps its permissions; a new one gets them from the
umask. A destination that is not a regular file (/dev/null, a FIFO, a
symbolic link to one) is written in place; a symbolic link to a regular
file keeps the link and updates its target.

-c appends the rest of the remote file to a shorter local one; -p sets the
local file's time to the remote one's (like cp -p; by default the file gets
the time of the download, as with curl); --segments N fetches one file over
N connections at once; -j N downloads N files at once. With --no-clobber an
existing file is left alone (and said so), not an error. The small files a
wildcard lists go 16 at a time, their commands in one write where the
server allows it.

-r also downloads directories, with everything below them, through the
engine of "ftpkit mirror": a directory URL is copied to LOCAL, by default
to a directory of the same name in the current directory ("get -r
ftp://host/pub/data" makes ./data, as lftp's mirror does); with a LOCAL
ending in "/", or several URLs, into LOCAL under its name. A file URL is
downloaded as without -r. Files that differ in size are downloaded again;
with -p their times are kept and compared too, so that a rerun copies only
what changed. -r deletes nothing and replaces nothing by an entry of
another type; --no-clobber downloads only missing files, -c completes
shorter local files, and -j N (4 by default with -r) runs N transfers at
once. Progress is a line per action on stderr (bars on a terminal), then a
summary.`,
		Args: argsUsage(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.get(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.cont, "continue", "c", false, "resume: append the rest of the remote file to the existing local one")
	fl.BoolVarP(&f.noClobber, "no-clobber", "n", false, "do not overwrite existing files")
	fl.BoolVarP(&f.keepTime, "preserve", "p", false, "give the local file the remote file's modification time")
	fl.BoolVarP(&f.recursive, "recursive", "r", false, "download directories and everything below them")
	fl.IntVarP(&f.jobs, "jobs", "j", 1, "download `N` files at once (with -r, 4 unless given)")
	fl.IntVar(&f.segments, "segments", 0, "fetch each file in `N` ranges at once (default: up to 4 for a file of 64 MiB or more when its first 8 MiB show one stream would take over 2 s more, where the server allows)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if f.jobs < 1 || f.segments < 0 {
			return usageErrorf("-j must be at least 1 and --segments not negative")
		}
		if f.recursive && !cmd.Flags().Changed("jobs") {
			f.jobs = mirror.DefaultParallel
		}
		o.maxConn = max(f.jobs, f.segments)
		return nil
	}
	return cmd
}

// A getJob is one file to download.
type getJob struct {
	c      *ftp.Client
	remote string
	local  string // "-": standard output
	entry  listing.Entry
	known  bool // entry is the file's, from a listing
}

// get downloads the URLs among args to the local destination, the last
// argument if it is not a URL.
func (o *options) get(ctx context.Context, args []string, f getFlags) error {
	urls, local := args, ""
	if last := args[len(args)-1]; !isURL(last) {
		if len(args) == 1 {
			return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", last)
		}
		urls, local = args[:len(args)-1], last
	}
	for _, a := range urls {
		if !isURL(a) {
			return usageErrorf("%q is not a URL: only the last argument may be a local name", a)
		}
	}
	if f.recursive {
		return o.getRecursive(ctx, urls, local, f)
	}
	if local == "-" && (f.cont || f.noClobber || f.keepTime || f.segments > 0) {
		return usageErrorf("-c, -n, -p and --segments do not apply to standard output")
	}
	fails := &failures{o: o}
	var jobs []getJob
	several := len(urls) > 1
	for _, raw := range urls {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		js, glob := o.fileJobs(ctx, raw, "get", fails)
		jobs = append(jobs, js...)
		several = several || glob
	}
	fails.add(o.getJobs(ctx, jobs, local, several, f))
	return fails.err()
}

// getJobs downloads jobs to local (see get), several files or one.
func (o *options) getJobs(ctx context.Context, jobs []getJob, local string, several bool, f getFlags) error {
	fails := &failures{o: o}
	if err := o.destinations(jobs, local, several); err != nil {
		fails.add(err)
		return fails.err()
	}
	jobs = o.dropDuplicates(jobs, fails)
	if local == "-" {
		fails.add(o.catJobs(ctx, jobs, "get", o.newMeter(baseOf(jobs), len(jobs), true)))
		return fails.err()
	}
	m := o.newMeter(baseOf(jobs), len(jobs), false)
	chunks := chunkJobs(jobs, f)
	o.runJobs(ctx, len(chunks), f.jobs, func(i int) {
		o.downloadChunk(ctx, chunks[i], f, m, fails)
	})
	m.finish(fails.first == nil)
	return fails.err()
}

// chunkJobs splits jobs into runs of small listed files of one server,
// up to ftp.BatchFiles each (DownloadEach sends their commands in one
// write where the server allows), and single jobs. With -p a file's listed time
// must be exact (MLSD) for it to go in a run: else Download asks MDTM,
// one file at a time.
func chunkJobs(jobs []getJob, f getFlags) [][]getJob {
	small := func(j getJob) bool {
		return j.known && j.entry.Size >= 0 && j.entry.Size <= ftp.BatchMaxSize && !f.cont && f.segments == 0 &&
			(!f.keepTime || j.entry.Precision >= listing.PrecisionSecond)
	}
	var chunks [][]getJob
	for i := 0; i < len(jobs); {
		n := 1
		for small(jobs[i]) && i+n < len(jobs) && n < ftp.BatchFiles && small(jobs[i+n]) && jobs[i+n].c == jobs[i].c {
			n++
		}
		chunks = append(chunks, jobs[i:i+n])
		i += n
	}
	return chunks
}

// downloadChunk downloads the jobs of a chunk: one as download does,
// several with DownloadEach, with what their listing said.
func (o *options) downloadChunk(ctx context.Context, chunk []getJob, f getFlags, m *meter, fails *failures) {
	if len(chunk) == 1 {
		fails.add(o.download(ctx, chunk[0], f, m))
		m.fileDone()
		return
	}
	ts := make([]ftp.Transfer, len(chunk))
	for k, j := range chunk {
		opts := append(o.downloadOptions(ctx, j, f, m), ftp.WithListedEntry(j.entry))
		ts[k] = ftp.Transfer{Remote: j.remote, Local: j.local, Options: opts}
	}
	for k, err := range chunk[0].c.DownloadEach(ctx, ts) {
		fails.add(o.downloaded(ctx, chunk[k], f, err))
		m.fileDone()
	}
}

// fileJobs returns the files the URL raw names, for verb (get, cat):
// one, or those its wildcards match. Failures go to fails. glob reports
// whether the URL had wildcards.
func (o *options) fileJobs(ctx context.Context, raw, verb string, fails *failures) (jobs []getJob, glob bool) {
	r, err := o.remote(ctx, raw)
	if err != nil {
		fails.add(err)
		return nil, false
	}
	if r.u.IsDir() || path.Base(r.u.Path) == ".." || path.Base(r.u.Path) == "." {
		fails.add(usageErrorf("%s names a directory (get -r downloads directories)", r.display))
		return nil, false
	}
	pattern, glob := urlPattern(raw, r.u)
	if !glob {
		return []getJob{{c: r.c, remote: r.u.Path}}, false
	}
	ms, err := expand(ctx, r.c, pattern)
	if err != nil {
		fails.add(err)
		return nil, true
	}
	for _, m := range ms {
		if m.known && m.entry.Type == listing.TypeDir {
			fails.add(exitErrorf(exitFailure, "%s %s: is a directory (get -r downloads directories)", verb, safe(m.path)))
			continue
		}
		jobs = append(jobs, getJob{c: r.c, remote: m.path, entry: m.entry, known: m.known})
	}
	return jobs, true
}

// baseOf describes the transfer of jobs on a progress bar: the file's
// name when there is one.
func baseOf(jobs []getJob) string {
	if len(jobs) == 1 {
		return path.Base(jobs[0].remote)
	}
	return ""
}

// destinations sets the local name of each job: in the directory local
// (the current directory if "") when there are several files or local is
// a directory, else local itself.
func (o *options) destinations(jobs []getJob, local string, several bool) error {
	if local == "-" {
		for i := range jobs {
			jobs[i].local = "-"
		}
		return nil
	}
	dir := ""
	switch fi, err := os.Stat(local); {
	case local == "":
		dir = "."
	case err == nil && fi.IsDir():
		dir = local
	case several:
		if err == nil {
			err = syscall.ENOTDIR
		}
		return fail("get", &fs.PathError{Op: "open", Path: local, Err: unwrapErrno(err)})
	case strings.HasSuffix(local, "/"):
		return fail("get", &fs.PathError{Op: "open", Path: local, Err: unwrapErrno(err)})
	}
	for i := range jobs {
		if dir == "" {
			jobs[i].local = local
			continue
		}
		jobs[i].local = filepath.Join(dir, path.Base(jobs[i].remote))
	}
	return nil
}

// unwrapErrno returns the errno inside err, if any, for a message that
// names the path once.
func unwrapErrno(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// dropDuplicates removes the jobs whose local file an earlier job
// writes, and jobs whose remote base name cannot be a local name.
func (o *options) dropDuplicates(jobs []getJob, fails *failures) []getJob {
	seen := map[string]string{}
	out := jobs[:0]
	for _, j := range jobs {
		if j.local != "-" {
			if base := path.Base(j.remote); !validName(base) {
				fails.add(exitErrorf(exitFailure, "get %s: the name cannot be a local file name", safe(j.remote)))
				continue
			}
			if prev, ok := seen[j.local]; ok {
				fails.add(exitErrorf(exitUsage, "get %s: %s is written already, from %s", safe(j.remote), j.local, safe(prev)))
				continue
			}
			seen[j.local] = j.remote
		}
		out = append(out, j)
	}
	return out
}

// runJobs calls do for 0 to n-1, with up to parallel calls at once,
// until the run is interrupted.
func (o *options) runJobs(ctx context.Context, n, parallel int, do func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(parallel, 1))
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			do(i)
		}()
	}
	wg.Wait()
}

// download downloads one file.
func (o *options) download(ctx context.Context, j getJob, f getFlags, m *meter) error {
	return o.downloaded(ctx, j, f, j.c.Download(ctx, j.remote, j.local, o.downloadOptions(ctx, j, f, m)...))
}

// downloadOptions are the options of j's download.
func (o *options) downloadOptions(ctx context.Context, j getJob, f getFlags, m *meter) []ftp.FileOption {
	var opts []ftp.FileOption
	if f.cont {
		opts = append(opts, ftp.WithContinue())
	}
	if f.noClobber {
		opts = append(opts, ftp.WithNoClobber())
	}
	if !f.keepTime {
		opts = append(opts, ftp.WithoutModTime())
	}
	if f.segments > 0 {
		opts = append(opts, ftp.WithSegments(f.segments))
	}
	if p := m.file(); p != nil {
		// The bar needs the size, which not every server's 150 reply
		// tells: ask for it.
		size := int64(-1)
		if j.known {
			size = j.entry.Size
		} else if e, err := j.c.Stat(ctx, j.remote); err == nil {
			size = e.Size
		}
		opts = append(opts, ftp.WithProgress(func(done, total int64) {
			if total < 0 {
				total = size
			}
			p(done, total)
		}))
	}
	return opts
}

// downloaded reports the end of j's download, which ended with err.
func (o *options) downloaded(ctx context.Context, j getJob, f getFlags, err error) error {
	var pe *fs.PathError
	switch {
	case err == nil:
		return nil
	case f.noClobber && errors.Is(err, fs.ErrExist) && errors.As(err, &pe) && pe.Path == j.local:
		if !o.quiet {
			fmt.Fprintf(o.stderr, "ftpkit: get %s: %s exists, not overwritten (--no-clobber)\n", safe(j.remote), j.local)
		}
		return nil
	case isRefusal(err) && ctx.Err() == nil:
		// Servers word RETR of a directory in many ways (vsftpd:
		// "Failed to open file.", as for a missing file).
		if e, serr := j.c.Stat(ctx, j.remote); serr == nil && e.Type == listing.TypeDir {
			return exitErrorf(exitFailure, "get %s: is a directory (get -r downloads directories)", safe(j.remote))
		}
	}
	return fail("get "+safe(j.remote), unwrapPath(err, j.remote))
}

// isRefusal reports whether err is a server's refusal (a 4xx or 5xx
// reply).
func isRefusal(err error) bool {
	var fe *ftp.Error
	return errors.As(err, &fe) && fe.Code >= 400
}

// catJobs copies the remote files of jobs, one after the other, to
// standard output, for verb (get, cat).
func (o *options) catJobs(ctx context.Context, jobs []getJob, verb string, m *meter) error {
	fails := &failures{o: o}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		fails.add(o.cat(ctx, j, verb, m))
		m.fileDone()
	}
	m.finish(fails.first == nil)
	return fails.err()
}

// cat copies one remote file to standard output.
func (o *options) cat(ctx context.Context, j getJob, verb string, m *meter) error {
	p := m.file()
	size := int64(-1)
	if p != nil {
		if j.known {
			size = j.entry.Size
		} else if e, err := j.c.Stat(ctx, j.remote); err == nil {
			size = e.Size
		}
	}
	rd, err := j.c.Open(ctx, j.remote)
	if err != nil {
		return fail(verb+" "+safe(j.remote), unwrapPath(err, j.remote))
	}
	defer rd.Close()
	var src io.Reader = rd
	if p != nil {
		src = &countingReader{r: rd, size: size, f: p}
	}
	if _, err := io.Copy(o.out, src); err != nil {
		return fail(verb+" "+safe(j.remote), unwrapPath(err, j.remote))
	}
	return fail(verb+" "+safe(j.remote), unwrapPath(rd.Close(), j.remote))
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r    io.Reader
	n    int64
	size int64
	f    func(done, total int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.f(c.n, c.size)
	return n, err
}
