package ftphttp

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/ftpkit/ftp"
)

// errBodyClosed is what a body read after Close returns.
var errBodyClosed = errors.New("ftphttp: read on closed response body")

// A fileBody is the body of a GET of a file: the bytes of a download,
// as many as the response announced. The transfer ends with the body:
// at its end, at an error, or when it is closed (aborted with ABOR
// before its end, which leaves the session usable).
type fileBody struct {
	mu     sync.Mutex
	r      *ftp.FileReader
	cancel context.CancelFunc // of the download's context
	left   int64              // bytes still to give; -1 if the size is unknown
	toEOF  bool               // the last byte to give is the file's last
	err    error              // what Read returns from now on
	once   sync.Once
	done   func() // gives the Client back to the Transport
}

// Read reads the file. A body that runs to the end of the file reads on
// to the end of the transfer, for the server's verdict on it (Read's
// error if the transfer failed); a shorter range, or a file that grew
// since its size was taken, is aborted after its last byte.
//
// (FileReader.Close gives the verdict too once the whole file was read,
// but only if the server ends the transfer within a short wait, and
// aborts it otherwise; reading on waits as long as the Client's timeout.)
func (b *fileBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if !b.toEOF {
		if b.left == 0 {
			return 0, b.end(io.EOF)
		}
		p = p[:min(int64(len(p)), b.left)]
	}
	n, err := b.r.Read(p)
	if b.left >= 0 {
		if int64(n) > b.left {
			n, err = int(b.left), io.EOF // the file grew: the response gives the size it had
		}
		b.left -= int64(n)
	}
	switch {
	case err == io.EOF && b.left > 0:
		err = io.ErrUnexpectedEOF // shorter than its size said
	case err == nil && b.left == 0 && !b.toEOF:
		err = io.EOF
	}
	if err != nil {
		err = b.end(err)
	}
	return n, err
}

// end makes err what Read returns from now on and, the first time,
// ends the transfer (aborting it if it has not ended) and gives the
// Client back.
func (b *fileBody) end(err error) error {
	b.err = err
	b.once.Do(func() {
		b.r.Close()
		b.cancel()
		b.done()
	})
	return err
}

// Close ends the body; a transfer that has not ended is aborted. Close
// may be called while a Read is blocked, which it interrupts by
// cancelling the transfer's context (the session may then be lost).
func (b *fileBody) Close() error {
	if !b.mu.TryLock() {
		b.cancel()
		b.mu.Lock()
	}
	defer b.mu.Unlock()
	b.end(errBodyClosed)
	return nil
}

// A lineBody is the body of an ASCII GET (";type=a"): the lines that a
// goroutine receives with RetrieveLines, through a pipe.
type lineBody struct {
	pr   *io.PipeReader
	done chan struct{} // closed when the goroutine has ended
}

// Read reads the text.
func (b *lineBody) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Close ends the body; a transfer that has not ended is aborted. It
// returns when the session is back in the Client's pool.
func (b *lineBody) Close() error {
	b.pr.CloseWithError(errBodyClosed)
	<-b.done
	return nil
}
