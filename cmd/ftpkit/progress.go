package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal. Tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// showProgress reports whether transfers draw a progress bar: only on a
// terminal, and not with --quiet.
func (o *options) showProgress() bool {
	return !o.quiet && isTerminal(o.stderr)
}

// newBar returns a progress bar on stderr for a transfer of size bytes
// (-1 if unknown) described by desc, or nil if none is to be shown.
// Write the transferred bytes to it, then call done.
func (o *options) newBar(size int64, desc string) *progressbar.ProgressBar {
	if !o.showProgress() {
		return nil
	}
	w := o.stderr
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		// No ticker goroutine: the spinner of an unknown size moves as
		// data arrives.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

// done completes bar after a transfer: full on success, left as it is
// after a failure. A nil bar is ignored.
func done(bar *progressbar.ProgressBar, ok bool) {
	if bar == nil {
		return
	}
	if ok {
		_ = bar.Finish()
	} else {
		_ = bar.Exit()
	}
}

// teeBar returns r, or r with every byte read from it also counted by bar.
func teeBar(r io.Reader, bar *progressbar.ProgressBar) io.Reader {
	if bar == nil {
		return r
	}
	return io.TeeReader(r, bar)
}
