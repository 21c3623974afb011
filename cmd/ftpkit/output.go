package main

import (
	"errors"
	"io"
	"sync"
	"syscall"

	"github.com/ftpkit/ftp/internal/printable"
)

// output is standard output. A write that fails because the reader has
// gone (EPIPE: "ftpkit ls URL | head") ends the run, quietly, as a
// process killed by SIGPIPE would end, but with its temporary files
// removed and its transfers aborted.
type output struct {
	mu     sync.Mutex
	w      io.Writer
	broken func()
	err    error
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err != nil {
		o.err = err
		if errors.Is(err, syscall.EPIPE) {
			o.broken()
		}
	}
	return n, err
}

// ReadFrom lets a download to standard output splice when standard
// output is a file or a pipe.
func (o *output) ReadFrom(r io.Reader) (int64, error) {
	o.mu.Lock()
	w, err := o.w, o.err
	o.mu.Unlock()
	if err != nil {
		return 0, err
	}
	rf, ok := w.(io.ReaderFrom)
	if !ok {
		return io.Copy(struct{ io.Writer }{o}, r)
	}
	n, err := rf.ReadFrom(r)
	if err != nil && errors.Is(err, syscall.EPIPE) {
		o.mu.Lock()
		o.err = err
		o.mu.Unlock()
		o.broken()
	}
	return n, err
}

// safe escapes text from the server (a name, a reply) for printing:
// control characters cannot reach the terminal.
func safe(s string) string { return printable.String(s) }
