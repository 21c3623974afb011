package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/mirror"
)

// mirrorFlags are the flags of the mirror command.
type mirrorFlags struct {
	opts   mirror.Options
	fxp    string
	dryRun bool
	json   bool
}

func newMirrorCmd(o *options) *cobra.Command {
	var mf mirrorFlags
	cmd := &cobra.Command{
		Use:   "mirror [flags] SOURCE TARGET",
		Short: "Make a directory tree a copy of another",
		Long: `mirror makes TARGET a copy of SOURCE. Each is an ftp://, ftpes:// or ftps://
URL of a directory, or a local directory: "mirror ftp://host/pub/ ./pub"
downloads, "mirror ./site ftps://user@host/www/" uploads, and two URLs copy
from server to server: directly (FXP) where both servers allow it, else
through this machine (--fxp).

Files are compared by size and modification time, within the precision of
each side's listing (MLSD to the second, LIST to the minute or the day;
MDTM is asked only where the listings cannot decide), and copied under a
temporary name renamed when complete. Names from listings are checked:
nothing outside TARGET is ever written or deleted. The exit status is 0
only when every entry was mirrored.

Globs of --include and --exclude are matched on the path relative to the
root when they contain a '/' ("docs/*.html", "**/cache/**"), else on the
name at any depth ("*.tmp"); a trailing '/' matches directories only.`,
		Args: argsUsage(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.mirror(cmd.Context(), args[0], args[1], &mf)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&mf.opts.Parallel, "parallel", "P", mirror.DefaultParallel, "transfers (and listings) at once; also the sessions per server")
	f.BoolVar(&mf.opts.Delete, "delete", false, "delete target entries absent from the source (only if all else succeeded)")
	f.StringArrayVarP(&mf.opts.Exclude, "exclude", "x", nil, "leave out entries matching the `GLOB` (repeatable)")
	f.StringArrayVarP(&mf.opts.Include, "include", "i", nil, "mirror only files matching the `GLOB` (repeatable)")
	f.BoolVar(&mf.opts.SizeOnly, "size-only", false, "compare files by size only")
	f.BoolVar(&mf.opts.IgnoreTime, "ignore-time", false, "neither compare nor set modification times")
	f.BoolVarP(&mf.opts.OnlyNewer, "only-newer", "n", false, "never overwrite a target file newer than the source's")
	f.BoolVar(&mf.opts.Checksum, "checksum", false, "compare files of the same size by checksum (HASH, XSHA256, XSHA1, XMD5)")
	f.BoolVarP(&mf.opts.Continue, "continue", "c", false, "complete target files shorter than the source and not older")
	f.BoolVarP(&mf.opts.Follow, "follow", "L", false, "copy what symbolic links lead to instead of the links")
	f.IntVar(&mf.opts.MaxErrors, "max-errors", 0, "stop after `N` failures (0: never)")
	f.StringVar(&mf.fxp, "fxp", "auto", "between two servers, copy from server to server: auto (where they allow it), never, always")
	f.BoolVar(&mf.dryRun, "dry-run", false, "print the plan and change nothing")
	f.BoolVar(&mf.json, "json", false, "print the plan (with --dry-run) or the summary as JSON")
	return cmd
}

// mirror runs the mirror command.
func (o *options) mirror(ctx context.Context, source, target string, mf *mirrorFlags) error {
	if mf.opts.Parallel < 1 {
		return usageErrorf("--parallel must be at least 1")
	}
	if mf.opts.MaxErrors < 0 {
		return usageErrorf("--max-errors must not be negative")
	}
	fxp, ok := map[string]mirror.FXPMode{"auto": mirror.FXPAuto, "never": mirror.FXPNever, "always": mirror.FXPAlways}[mf.fxp]
	if !ok {
		return usageErrorf("--fxp must be auto, never or always")
	}
	mf.opts.FXP = fxp
	src, err := o.mirrorTree(ctx, source, mf.opts.Parallel)
	if err != nil {
		return err
	}
	dst, err := o.mirrorTree(ctx, target, mf.opts.Parallel)
	if err != nil {
		return err
	}
	for _, t := range []*cliTree{src, dst} {
		if t.client != nil {
			defer t.client.Close()
		}
	}
	if mf.dryRun {
		return o.printPlan(ctx, mirror.Plan(ctx, src.tree, dst.tree, mf.opts), mf.json)
	}
	plan := mirror.Plan(ctx, src.tree, dst.tree, mf.opts)
	pr := o.treeProgress()
	if pr != nil {
		mf.opts.Report = pr.report
		plan = pr.count(plan)
	}
	sum, err := mirror.Apply(ctx, src.tree, dst.tree, plan, mf.opts)
	if pr != nil {
		pr.wait()
	}
	if mf.json {
		if jerr := printJSONSummary(o.stdout, sum); jerr != nil && err == nil {
			err = jerr
		}
	} else if !o.quiet {
		printSummary(o.stdout, sum)
	}
	return fail("", err) // a *mirror.Error says "mirror: N failed" itself
}

// A cliTree is a tree named on the command line, with its Client if it
// is remote.
type cliTree struct {
	tree   mirror.Tree
	client *ftp.Client
}

// mirrorTree opens the tree arg names: a URL (its Client, with the
// run's credentials, TLS and retry settings, and at least parallel
// sessions) or a local directory.
func (o *options) mirrorTree(ctx context.Context, arg string, parallel int) (*cliTree, error) {
	if !isURL(arg) {
		if arg == "" {
			return nil, usageErrorf("empty directory name")
		}
		return &cliTree{tree: mirror.Local(arg)}, nil
	}
	o.maxConn = max(o.maxConn, parallel)
	r, err := o.remote(ctx, arg)
	if err != nil {
		return nil, err
	}
	return &cliTree{tree: mirror.Remote(r.c, r.u.Path), client: r.c}, nil
}

// printPlan prints the plan, one action a line (or a JSON object a
// line), leaving out files that are up to date unless in JSON; errors go
// to stderr. It fails if the plan had errors.
func (o *options) printPlan(ctx context.Context, plan iter.Seq2[mirror.Action, error], asJSON bool) error {
	enc := json.NewEncoder(o.stdout)
	failed := 0
	var first error
	for a, err := range plan {
		switch {
		case err != nil:
			failed++
			if first == nil {
				first = err
			}
			if asJSON {
				enc.Encode(struct {
					Kind  string `json:"kind"`
					Path  string `json:"path"`
					Error string `json:"error"`
				}{"error", a.Path, err.Error()})
			} else {
				fmt.Fprintf(o.stderr, "ftpkit: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
			}
		case asJSON:
			if err := enc.Encode(a); err != nil {
				return fail("mirror", err)
			}
		case a.Kind == mirror.Skip && isRoutineSkip(a.Reason):
		default:
			fmt.Fprintln(o.stdout, a)
		}
	}
	if failed > 0 {
		return fail("mirror", fmt.Errorf("%d errors in the plan, the first: %w", failed, first))
	}
	return nil
}

// isRoutineSkip reports whether a skip's reason is the usual "nothing to
// do", not worth a line.
func isRoutineSkip(reason string) bool {
	return reason == "up to date" || strings.HasPrefix(reason, "same ")
}

// printSummary prints what a mirror did in one line.
func printSummary(w io.Writer, s mirror.Summary) {
	copied := size(s.Bytes)
	if s.FXP > 0 {
		copied += fmt.Sprintf(", %d server to server", s.FXP)
	}
	fmt.Fprintf(w, "%d copied (%s), %d directories made, %d deleted, %d skipped, %d failed",
		s.Copied, copied, s.Made, s.Deleted, s.Skipped, s.Failed)
	for _, x := range []struct {
		n    int
		what string
	}{{s.Linked, "links made"}, {s.Timed, "times set"}, {s.Cleaned, "temporary files removed"}} {
		if x.n > 0 {
			fmt.Fprintf(w, ", %d %s", x.n, x.what)
		}
	}
	fmt.Fprintf(w, " in %s\n", s.Elapsed.Round(time.Millisecond))
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// printJSONSummary prints the summary as a JSON object.
func printJSONSummary(w io.Writer, s mirror.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		mirror.Summary
		Seconds float64 `json:"seconds"`
	}{s, s.Elapsed.Seconds()})
}

// size formats n bytes.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// mirrorProgress shows a mirror's progress: on a terminal, a bar for
// each transfer under way and one for the whole; elsewhere, a line for
// each action done.
type mirrorProgress struct {
	lines io.Writer // the line per action, when not a terminal

	p     *mpb.Progress
	total *mpb.Bar
	mu    sync.Mutex
	bars  map[string]*mpb.Bar
	seen  int64
}

// treeProgress returns the progress display of a mirror on stderr:
// bars on a terminal, else a line per action; nil with -q.
func (o *options) treeProgress() *mirrorProgress {
	switch {
	case o.quiet:
		return nil
	case o.showProgress(false):
		return newBars(o.stderr)
	}
	return &mirrorProgress{lines: o.stderr}
}

func newBars(w io.Writer) *mirrorProgress {
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond), mpb.WithAutoRefresh())
	total := p.AddBar(0, mpb.BarPriority(1<<30),
		mpb.PrependDecorators(decor.Name("total", decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.CountersNoUnit("%d / %d"), decor.Name(" "), decor.Elapsed(decor.ET_STYLE_MMSS)))
	return &mirrorProgress{p: p, total: total, bars: map[string]*mpb.Bar{}}
}

// count counts the actions of the plan as it streams, for the total.
func (m *mirrorProgress) count(plan iter.Seq2[mirror.Action, error]) iter.Seq2[mirror.Action, error] {
	if m.total == nil {
		return plan
	}
	return func(yield func(mirror.Action, error) bool) {
		for a, err := range plan {
			if err == nil && a.Kind != mirror.Skip && a.Kind != mirror.Note {
				m.mu.Lock()
				m.seen++
				m.total.SetTotal(m.seen, false)
				m.mu.Unlock()
			}
			if !yield(a, err) {
				return
			}
		}
	}
}

// report takes an event of the mirror.
func (m *mirrorProgress) report(e mirror.Event) {
	if m.p == nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if e.State == mirror.Finished {
			if e.Err != nil {
				fmt.Fprintf(m.lines, "failed: %s\n", strings.ReplaceAll(e.Err.Error(), "\n", "; "))
			} else {
				fmt.Fprintln(m.lines, e.Action)
			}
		}
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := e.Action.Kind.String() + " " + e.Action.Path
	switch e.State {
	case mirror.Started:
		if e.Action.Kind != mirror.Copy {
			return
		}
		name := e.Action.Path
		if len(name) > 40 {
			name = "…" + name[len(name)-39:]
		}
		b := m.p.AddBar(0, mpb.BarRemoveOnComplete(),
			mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f")))
		if e.Total > 0 {
			b.SetTotal(e.Total, false)
		}
		m.bars[key] = b
	case mirror.Progress:
		if b := m.bars[key]; b != nil {
			if e.Total > 0 {
				b.SetTotal(e.Total, false)
			}
			b.SetCurrent(e.Done)
		}
	case mirror.Finished:
		if b := m.bars[key]; b != nil {
			delete(m.bars, key)
			if e.Err != nil {
				b.Abort(true)
			} else {
				b.SetTotal(-1, true)
			}
		}
		m.total.Increment()
		if e.Err != nil {
			fmt.Fprintf(m.p, "failed: %s\n", strings.ReplaceAll(e.Err.Error(), "\n", "; "))
		}
	}
}

// wait ends the bars.
func (m *mirrorProgress) wait() {
	if m.p == nil {
		return
	}
	m.mu.Lock()
	for k, b := range m.bars {
		b.Abort(true)
		delete(m.bars, k)
	}
	m.total.SetTotal(-1, true)
	m.mu.Unlock()
	m.p.Wait()
}
