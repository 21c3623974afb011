package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal. Tests replace it.
var isTerminal = func(w io.Writer) bool {
	if o, ok := w.(*output); ok {
		w = o.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// showProgress reports whether transfers draw a progress bar: only when
// stderr is a terminal, not with --quiet, and not when the content goes
// to a terminal too (get URL - on a terminal), whose lines the bar would
// overwrite.
func (o *options) showProgress(toStdout bool) bool {
	return !o.quiet && isTerminal(o.stderr) && !(toStdout && isTerminal(o.stdout))
}

// A meter shows the progress of one transfer, or of several at once as
// one bar (get -j). Its methods do nothing on a nil meter.
type meter struct {
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	multi   bool  // several files
	n       int   // how many
	sized   int   // how many have told their size
	total   int64 // the sum of their sizes
	unknown bool  // a size is unknown
	done    int   // files finished
}

// newMeter returns a meter on stderr for the transfer of files files,
// described by desc, or nil if no bar is to be shown.
func (o *options) newMeter(desc string, files int, toStdout bool) *meter {
	if !o.showProgress(toStdout) {
		return nil
	}
	m := &meter{n: files, multi: files > 1}
	if m.multi {
		desc = fmt.Sprintf("0/%d files", files)
	}
	w := o.stderr
	m.bar = progressbar.NewOptions64(-1,
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
	return m
}

// file returns the progress function (ftp.WithProgress) of one file of
// the transfer, or nil for a nil meter.
func (m *meter) file() func(done, total int64) {
	if m == nil {
		return nil
	}
	var last, size int64 = 0, -2
	return func(done, total int64) {
		m.mu.Lock()
		defer m.mu.Unlock()
		if total != size {
			m.setSize(size, total)
			size = total
		}
		m.bar.Add64(done - last)
		last = done
	}
}

// setSize records that a file's size went from old (-2: not yet told)
// to n (-1: unknown). The caller holds m.mu.
func (m *meter) setSize(old, n int64) {
	if !m.multi {
		m.bar.ChangeMax64(n)
		return
	}
	// Several files: the total is known once every file's size is.
	if old != -2 {
		return
	}
	m.sized++
	if n < 0 {
		m.unknown = true
	} else {
		m.total += n
	}
	if m.sized == m.n && !m.unknown {
		m.bar.ChangeMax64(m.total)
	}
}

// fileDone counts a finished file of several.
func (m *meter) fileDone() {
	if m == nil || !m.multi {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done++
	m.bar.Describe(fmt.Sprintf("%d/%d files", m.done, m.n))
}

// finish completes the bar: full on success, left as it is after a
// failure.
func (m *meter) finish(ok bool) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ok {
		_ = m.bar.Finish()
	} else {
		_ = m.bar.Exit()
	}
}
