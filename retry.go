package ftp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"time"
)

// retry calls try until it succeeds, fails for good, or the retries are
// spent, waiting between tries as WithRetry says. offset, if not nil,
// reports where the next try resumes.
func (c *Client) retry(ctx context.Context, op, path string, offset func() int64, try func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := try(ctx)
		if err == nil || !transient(err) || attempt > c.cfg.retries || ctx.Err() != nil {
			return err
		}
		ev := RetryEvent{Op: op, Path: path, Attempt: attempt, Err: err, Wait: c.backoff(attempt)}
		if offset != nil {
			ev.Offset = offset()
		}
		c.cfg.logf("ftp: %s %s: %v; retry %d in %v", op, path, err, attempt, ev.Wait.Round(time.Millisecond))
		if c.cfg.onRetry != nil {
			c.cfg.onRetry(ev)
		}
		t := time.NewTimer(ev.Wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// backoff is the wait before retry number attempt: min doubled for each
// earlier retry, capped at max, less a random part of up to a half.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.backoffMin
	for i := 1; i < attempt && d < c.cfg.backoffMax; i++ {
		d *= 2
	}
	d = min(d, c.cfg.backoffMax)
	return d/2 + rand.N(d/2+1)
}

// transient reports whether err is a failure that a new try may not
// meet: the network (a refused or reset connection, a timeout, a
// connection that broke or ended before its reply), a data connection
// that did not open or ended early, or a reply saying the trouble is
// passing (421, 425, 426, 450, 451). A greeting that did not come
// within the timeout, a server's refusal (5xx, and 452,
// "insufficient storage", which no retry mends soon), a certificate
// that does not verify, an error of the local file system and the
// caller's own cancellation are not.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, errPoolClosed) || errors.Is(err, ErrInvalidCommand) {
		return false
	}
	var (
		fe  *Error
		cve *tls.CertificateVerificationError
		hne x509.HostnameError
		uae x509.UnknownAuthorityError
		cie x509.CertificateInvalidError
		ae  tls.AlertError
		pe  *os.PathError
		oe  *OpError
	)
	switch {
	case errors.As(err, &cve), errors.As(err, &hne), errors.As(err, &uae), errors.As(err, &cie), errors.As(err, &ae):
		return false
	case errors.As(err, &oe):
		// A server that accepted the connection and sent no greeting
		// within the whole timeout is not speaking FTP in the clear
		// there (an implicit-TLS port, say): another try would only
		// wait as long again.
		return oe.Cmd != "" || oe.Conn != "control" || oe.Timeout == 0
	case errors.As(err, &pe) && !isNetworkError(pe.Err):
		return false // the local file system's
	case errors.Is(err, ErrShortTransfer), errors.Is(err, ErrClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &fe):
		switch fe.Code {
		case 421, 425, 426, 450, 451:
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || isNetworkError(err)
}

// broken reports whether a session that failed with err must be closed
// rather than reused: after a network failure, a timeout, a transfer cut
// short or a 421. (A Conn closes itself after most of these; this
// covers a data connection that failed while the control connection
// stayed in step.)
func broken(err error) bool {
	if err == nil {
		return false
	}
	var (
		oe *OpError
		fe *Error
	)
	return errors.As(err, &oe) || errors.Is(err, ErrShortTransfer) || errors.Is(err, ErrClosed) ||
		errors.As(err, &fe) && fe.Code == 421
}
