package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/ftpkit/ftp"
)

// The exit statuses of ftpkit, one per class of failure. The README
// has the table; keep both in step.
const (
	exitOK         = 0
	exitFailure    = 1 // any other failure (a refusal the server gave no reason for, ...)
	exitUsage      = 2 // the command line is wrong
	exitConnect    = 3 // no connection: DNS, refused, unreachable, timeout, no greeting, too many sessions
	exitTLS        = 4 // TLS: handshake, certificate, AUTH TLS refused
	exitLogin      = 5 // login refused, or no password to give
	exitNotFound   = 6 // the remote file or directory does not exist; no match for a wildcard
	exitPermission = 7 // the server denied access
	exitLocal      = 8 // a local file could not be read or written
	exitTransfer   = 9 // a transfer broke or came short, or the server broke the protocol
	exitPipe       = 128 + int(syscall.SIGPIPE)
)

// exitStatusHelp is the table in "ftpkit --help".
const exitStatusHelp = `Exit status:
  0    success
  1    other failure
  2    usage error
  3    connection failed (DNS, refused, unreachable, timeout, no greeting, too many sessions)
  4    TLS failure (handshake, certificate, AUTH TLS refused)
  5    login refused, or no password to give
  6    remote file or directory missing, or no match for a wildcard
  7    remote permission denied
  8    local I/O error
  9    transfer incomplete, or protocol error
  129  hangup (SIGHUP), 130 interrupted (SIGINT), 143 terminated (SIGTERM)
  141  standard output closed (SIGPIPE, as in "ftpkit ls URL | head")`

// interrupted is the cause of a run cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// signalStatus is the exit status for a run ended by s, as shells
// report it: 128 plus the signal's number.
func signalStatus(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

// errBrokenPipe is the cause of a run cancelled because standard output
// was closed.
var errBrokenPipe = errors.New("standard output closed")

// A usageError is a misuse of the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// An opError is a failed operation. It prints as "what: err".
type opError struct {
	what string
	err  error
}

func (e *opError) Error() string {
	if e.what == "" {
		return e.err.Error()
	}
	return e.what + ": " + e.err.Error()
}

func (e *opError) Unwrap() error { return e.err }

// fail wraps err, if not nil, as the failure of what.
func fail(what string, err error) error {
	if err == nil {
		return nil
	}
	return &opError{what, err}
}

// A statusError is a failure whose exit status is decided where it is
// found, such as a wildcard that matched nothing.
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// exitErrorf returns a failure with the exit status status.
func exitErrorf(status int, format string, args ...any) error {
	return &statusError{status, fmt.Sprintf(format, args...)}
}

// failures collects the failures of a command that goes on after one
// (a get of several files): each is printed when it happens, and the
// command's exit status is that of the first.
type failures struct {
	o     *options
	mu    sync.Mutex
	first error
}

// add prints err, if not nil, and keeps it if it is the first. It is
// safe for use by several goroutines.
func (f *failures) add(err error) {
	if err == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == nil {
		f.first = err
	}
	var r *reported
	if f.o.ctx().Err() == nil && !errors.As(err, &r) {
		f.o.printError(err)
	}
}

// err returns an error with the exit status of the first failure, already
// printed, or nil.
func (f *failures) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == nil {
		return nil
	}
	return &reported{f.first}
}

// reported is an error already printed: only its exit status is left.
type reported struct{ err error }

func (e *reported) Error() string { return e.err.Error() }
func (e *reported) Unwrap() error { return e.err }

// exit prints err, if any, and returns the exit status of the run.
func (o *options) exit(ctx context.Context, err error) int {
	cause := context.Cause(ctx)
	var sig *interrupted
	switch {
	case errors.Is(cause, errBrokenPipe):
		return exitPipe // quietly, as a process killed by SIGPIPE
	case err == nil:
		return exitOK
	case errors.As(cause, &sig):
		fmt.Fprintf(o.stderr, "ftpkit: %v\n", sig)
		o.notes()
		return signalStatus(sig.sig)
	case errors.Is(cause, context.Canceled):
		// Cancelled without a signal (tests): as by SIGINT.
		fmt.Fprintln(o.stderr, "ftpkit: interrupted")
		o.notes()
		return signalStatus(syscall.SIGINT)
	}
	var r *reported
	if !errors.As(err, &r) {
		o.printError(err)
	}
	o.notes()
	return exitStatus(err)
}

// printError prints err as one line on stderr, with a hint where one
// helps, and without any password.
func (o *options) printError(err error) {
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	if h := hint(err); h != "" {
		msg += " (" + h + ")"
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue) && o.inShell:
		msg += " (try help)"
	case errors.As(err, &ue):
		msg += " (see 'ftpkit --help')"
	}
	fmt.Fprintf(o.stderr, "ftpkit: %s\n", o.scrub(msg))
}

// exitStatus returns the exit status for err.
func exitStatus(err error) int {
	var (
		ue  *usageError
		se  *statusError
		fe  *ftp.Error
		oe  *ftp.OpError
		pe  *fs.PathError
		le  *os.LinkError
		ne  net.Error
		noe *net.OpError
		dne *net.DNSError
		en  syscall.Errno
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &se):
		return se.status
	case isTLSError(err):
		return exitTLS
	case errors.As(err, &fe):
		return replyStatus(fe)
	case errors.Is(err, ftp.ErrShortTransfer), errors.Is(err, ftp.ErrProtocol):
		return exitTransfer
	case errors.As(err, &oe):
		if oe.Conn == "data" {
			return exitTransfer
		}
		return exitConnect
	case errors.As(err, &dne), errors.As(err, &noe):
		return exitConnect
	case errors.As(err, &pe), errors.As(err, &le), errors.As(err, &en):
		return exitLocal
	case errors.As(err, &ne):
		return exitConnect
	}
	return exitFailure
}

// replyStatus is the exit status for a server's reply.
func replyStatus(fe *ftp.Error) int {
	verb, _, _ := strings.Cut(strings.ToUpper(fe.Cmd), " ")
	switch {
	case errors.Is(fe, ftp.ErrProtocol):
		return exitTransfer
	case verb == "AUTH" || verb == "PBSZ" || verb == "PROT":
		return exitTLS
	case fe.Cmd == "":
		return exitConnect // the greeting: 421 too many connections, say
	case errors.Is(fe, ftp.ErrLoginRefused):
		return exitLogin
	case verb == "USER" || verb == "PASS" || verb == "ACCT" || fe.Code == 421:
		return exitConnect // a connection limit: proftpd refuses PASS for it
	case fe.Code == 530:
		return exitLogin // "not logged in"
	case errors.Is(fe, fs.ErrNotExist):
		return exitNotFound
	case errors.Is(fe, fs.ErrPermission):
		return exitPermission
	case fe.Code == 426 || fe.Code == 425:
		return exitTransfer
	}
	return exitFailure
}

// isTLSError reports whether err is a failure of TLS: a handshake, a
// certificate, an alert.
func isTLSError(err error) bool {
	var (
		cve *tls.CertificateVerificationError
		hne x509.HostnameError
		uae x509.UnknownAuthorityError
		cie x509.CertificateInvalidError
		ae  tls.AlertError
		rhe tls.RecordHeaderError
	)
	return errors.As(err, &cve) || errors.As(err, &hne) || errors.As(err, &uae) ||
		errors.As(err, &cie) || errors.As(err, &ae) || errors.As(err, &rhe)
}

// isRemoteError reports whether err came from the server or the
// network, not from a local file.
func isRemoteError(err error) bool {
	var (
		fe *ftp.Error
		oe *ftp.OpError
		ne net.Error
	)
	return errors.As(err, &fe) || errors.As(err, &oe) || errors.Is(err, ftp.ErrProtocol) ||
		errors.As(err, &ne) || isTLSError(err)
}

// hint suggests what to do about err, or returns "".
func hint(err error) string {
	var (
		oe  *ftp.OpError
		rhe tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &rhe):
		return "the server did not answer in TLS: for TLS after the greeting use ftpes:// (or --tls), for none ftp://"
	case errors.As(err, &oe) && oe.Cmd == "" && oe.Conn == "control" && oe.Timeout > 0:
		return "the server sent no greeting: if it expects TLS from the first byte (implicit FTPS, usually port 990), use ftps://"
	}
	return ""
}

// scrub replaces every password known to this run in s.
func (o *options) scrub(s string) string {
	for _, p := range o.secrets {
		if len(p) >= 4 {
			s = strings.ReplaceAll(s, p, "xxxxx")
		}
	}
	return s
}
