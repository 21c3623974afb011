package ftptest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"time"
)

// A relay carries one transfer's data between the client's data
// connection and the backend's, in the transfer's direction, and injects
// the data faults (CutData, StallData).
type relay struct {
	upload  bool
	client  *net.TCPConn
	backend *net.TCPConn
	tls     *tls.Config   // PROT P: the client's connection is in TLS
	cutAt   int64         // reset the client's connection after cutAt bytes; < 0 never
	pauseAt int64         // stop for pause after pauseAt bytes
	pause   time.Duration // zero: no pause
	timeout time.Duration // for the TLS handshake
	quit    <-chan struct{}
	done    chan struct{}

	// Set when done is closed:
	n      int64 // bytes relayed
	failed bool  // the client's connection failed or was cut
}

// newRelay returns the relay of a transfer that starts now, taking the
// data faults that apply to it.
func (ss *session) newRelay(verb string, client, backend *net.TCPConn) *relay {
	x := &relay{
		upload:  uploadVerbs[verb],
		client:  client,
		backend: backend,
		cutAt:   -1,
		timeout: ss.s.timeout,
		quit:    ss.s.quit,
		done:    make(chan struct{}),
	}
	if ss.protect {
		x.tls = ss.s.TLS
	}
	if f, ok := ss.s.takeFault(cutFault, verb); ok {
		x.cutAt = f.after
	}
	if f, ok := ss.s.takeFault(pauseFault, verb); ok {
		x.pauseAt, x.pause = f.after, f.d
	}
	return x
}

var errCut = errors.New("ftptest: data connection cut")

func (x *relay) run() {
	defer close(x.done)
	var conn net.Conn = x.client
	if x.tls != nil {
		tc := tls.Server(x.client, x.tls)
		_ = x.client.SetDeadline(time.Now().Add(x.timeout))
		if err := tc.Handshake(); err != nil {
			x.failed = true
			x.client.Close()
			x.finishBackend()
			return
		}
		_ = x.client.SetDeadline(time.Time{})
		conn = tc
	}
	var err error
	if x.upload {
		err = x.copy(x.backend, conn)
	} else {
		err = x.copy(conn, x.backend)
	}
	switch {
	case err == errCut:
		if !x.upload {
			waitSent(x.client, x.quit)
		}
		reset(x.client)
		x.failed = true
	case err != nil:
		x.client.Close()
		x.failed = true
	default:
		if x.upload {
			_ = x.backend.CloseWrite()
		}
		conn.Close() // for TLS, after close_notify
	}
	x.finishBackend()
}

// finishBackend lets the backend end its transfer: an upload sees the end
// of its data, a download is read to its end.
func (x *relay) finishBackend() {
	if x.upload {
		_ = x.backend.CloseWrite()
	} else {
		_, _ = io.Copy(io.Discard, x.backend)
	}
}

// abort ends the relay at once.
func (x *relay) abort() {
	x.client.Close()
	x.backend.Close()
}

// sleep waits for the pause; a download's pause also ends when the
// client closes or resets its data connection (aborting), as a real
// server would find on its next write. It reports whether the transfer
// goes on.
func (x *relay) sleep() bool {
	if x.upload {
		return sleep(x.pause, x.quit)
	}
	end := time.Now().Add(x.pause)
	var b [1]byte
	for time.Now().Before(end) {
		select {
		case <-x.quit:
			return false
		default:
		}
		_ = x.client.SetReadDeadline(time.Now().Add(min(20*time.Millisecond, time.Until(end))))
		if _, err := x.client.Read(b[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return false // the client has gone
		}
	}
	_ = x.client.SetReadDeadline(time.Time{})
	return true
}

// copy copies src to dst until src ends, stopping for the pause and before
// the cut. Only errors from the client's side are returned; the end of an
// upload's TLS stream without close_notify counts as its end, as for
// vsftpd's default strict_ssl_read_eof=NO.
func (x *relay) copy(dst io.Writer, src io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		if x.pause > 0 && x.n >= x.pauseAt {
			if !x.sleep() {
				return net.ErrClosed
			}
			x.pause = 0
		}
		if x.cutAt >= 0 && x.n >= x.cutAt {
			return errCut
		}
		p := buf
		if x.pause > 0 && x.pauseAt-x.n < int64(len(p)) {
			p = p[:x.pauseAt-x.n]
		}
		if x.cutAt >= 0 && x.cutAt-x.n < int64(len(p)) {
			p = p[:x.cutAt-x.n]
		}
		k, rerr := src.Read(p)
		if k > 0 {
			if _, err := dst.Write(p[:k]); err != nil {
				return err
			}
			x.n += int64(k)
		}
		switch {
		case rerr == io.EOF, rerr == io.ErrUnexpectedEOF && x.upload:
			return nil
		case rerr != nil:
			return rerr
		}
	}
}

// reset closes c with a TCP reset: no FIN, and under TLS no close_notify.
func reset(c *net.TCPConn) {
	_ = c.SetLinger(0)
	c.Close()
}
