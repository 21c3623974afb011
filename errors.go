package ftp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/ftpkit/ftp/internal/printable"
)

// The classes of server failure. An *Error matches exactly one of the
// four with errors.Is; they mirror ftplib's error_temp, error_perm,
// error_reply and error_proto.
var (
	// ErrTemporary matches a 4xx reply (ftplib's error_temp).
	ErrTemporary = errors.New("ftp: temporary failure (4xx)")
	// ErrPermanent matches a 5xx reply (ftplib's error_perm).
	ErrPermanent = errors.New("ftp: permanent failure (5xx)")
	// ErrUnexpectedReply matches a well-formed reply whose code the
	// command does not allow, such as a 3xx where 2xx is required
	// (ftplib's error_reply).
	ErrUnexpectedReply = errors.New("ftp: unexpected reply")
	// ErrProtocol matches a reply or exchange that breaks the protocol:
	// a reply that does not start with a digit from 1 to 5, a malformed
	// PASV/EPSV/257 reply, a data connection from a foreign address
	// (ftplib's error_proto).
	ErrProtocol = errors.New("ftp: protocol violation")
)

// Errors that are not replies.
var (
	// ErrInvalidCommand is returned, before anything is sent, for a
	// command or argument containing CR, LF or NUL. It is a programming
	// error, not a session failure (ftplib raises ValueError).
	ErrInvalidCommand = errors.New("ftp: command contains CR, LF or NUL")
	// ErrLineTooLong is returned when a reply or data line exceeds the
	// line limit (see WithMaxLineLength). It also matches ErrProtocol.
	ErrLineTooLong error = &protocolClass{"ftp: line too long"}
	// ErrShortTransfer is returned when a download ends before the size
	// the server announced, a transfer ends without its completion
	// reply, or a TLS download ends without close_notify and nothing
	// else proves it complete. It also matches ErrProtocol.
	ErrShortTransfer error = &protocolClass{"ftp: transfer incomplete"}
	// ErrBusy is returned when a Conn is used by a second goroutine while
	// a call (or an open DataConn) still holds it. A Conn serves one call
	// at a time; use one Conn per goroutine, or a Client.
	ErrBusy = errors.New("ftp: connection in use by another call")
	// ErrClosed is returned by calls on a closed Conn, or on one that an
	// earlier network failure or cancellation left in an unknown state and
	// therefore closed. A call interrupted by Close returns it too. The
	// errors of a closed Client's calls match it.
	ErrClosed = errors.New("ftp: connection closed")
	// ErrLoginRefused matches a refusal of the login: a 4xx or 5xx reply
	// to USER, PASS or ACCT (such as "530 Login incorrect."), but not a
	// server refusing another session for its connection limit (421, or
	// proftpd's "530 Sorry, the maximum number of clients").
	ErrLoginRefused = errors.New("ftp: login refused")
	// ErrFeatureNotSupported is returned (wrapped) by a method that needs
	// a feature the server does not advertise in its FEAT reply, such as
	// Hash on a server with neither HASH nor any X-checksum command.
	ErrFeatureNotSupported = errors.New("ftp: feature not supported by the server")
)

// protocolClass is a sentinel that also matches ErrProtocol, as the
// documentation of ErrLineTooLong and ErrShortTransfer promises.
type protocolClass struct{ msg string }

func (e *protocolClass) Error() string        { return e.msg }
func (e *protocolClass) Is(target error) bool { return target == ErrProtocol }

// Error is a reply that the command did not accept, or a protocol
// violation by the server. Code is 0 when the reply had no valid code.
//
// An Error also matches fs.ErrNotExist, fs.ErrPermission or fs.ErrExist
// when the reply says which: see the package documentation, "Errors".
type Error struct {
	Code int    // reply code, or 0
	Text string // the whole reply as received (lines joined by "\n"), or a description
	Cmd  string // the command that drew the reply, with passwords masked

	class error // ErrTemporary, ErrPermanent, ErrUnexpectedReply or ErrProtocol
	fs    error // fs.ErrNotExist, fs.ErrPermission, fs.ErrExist or nil
	login bool  // a refused login: matches ErrLoginRefused
}

// Error describes the failure with the server's text, control
// characters escaped so that printing it is safe on a terminal (Text
// keeps the reply as received).
func (e *Error) Error() string {
	if e.Cmd != "" {
		return "ftp: " + printable.String(e.Cmd) + ": " + printable.String(e.Text)
	}
	return "ftp: " + printable.String(e.Text)
}

// Is reports whether target is the class of e (ErrTemporary,
// ErrPermanent, ErrUnexpectedReply or ErrProtocol), the io/fs error the
// reply amounts to, or ErrLoginRefused for a refused login.
func (e *Error) Is(target error) bool {
	return target == e.class || (e.fs != nil && target == e.fs) || (e.login && target == ErrLoginRefused)
}

// Unwrap returns the class of e.
func (e *Error) Unwrap() error { return e.class }

// replyError classifies r as ftplib's getresp does: 4xx temporary, 5xx
// permanent, anything else that is not 1-3 a protocol violation.
func replyError(cmd string, r Reply) error {
	class := ErrProtocol
	switch r.kind() {
	case '1', '2', '3':
		return nil
	case '4':
		class = ErrTemporary
	case '5':
		class = ErrPermanent
	}
	login := false
	switch strings.ToUpper(verb(cmd)) {
	case "USER", "PASS", "ACCT":
		login = !limitRefusal(r.Code, r.Text)
	}
	return &Error{Code: r.Code, Text: r.Text, Cmd: maskCommand(cmd), class: class, fs: fsClass(cmd, r), login: login}
}

// limitRefusal reports whether a reply refuses a session for the
// server's connection limit: 421 (vsftpd, pure-ftpd and pyftpdlib at
// the greeting), or a 530 saying too many clients or connections
// (proftpd's MaxClientsPerHost, to PASS).
func limitRefusal(code int, text string) bool {
	if code == 421 {
		return true
	}
	text = strings.ToLower(text)
	return code == 530 && containsAny(text, "too many", "maximum number", "max number", "connections", "clients")
}

// unexpected is an ErrUnexpectedReply for r.
func unexpected(cmd string, r Reply) error {
	return &Error{Code: r.Code, Text: r.Text, Cmd: maskCommand(cmd), class: ErrUnexpectedReply}
}

// protocolError is an ErrProtocol described by text.
func protocolError(cmd, text string) error {
	return &Error{Text: text, Cmd: maskCommand(cmd), class: ErrProtocol}
}

// notFound is the error of a path that a listing shows to be missing.
func notFound(cmd, text string) error {
	return &Error{Text: text, Cmd: maskCommand(cmd), class: ErrPermanent, fs: fs.ErrNotExist}
}

// fsClass tells which io/fs error a 4xx or 5xx reply to cmd amounts to,
// or nil. RFC 959's 550 covers "file not found, no access" alike, so
// the reply's text decides where it says: pure-ftpd, proftpd and
// pyftpdlib end most texts with the system's error ("No such file or
// directory", "Permission denied", "File exists"), and a text naming
// another error ("Not a directory", "Is a directory", "Directory not
// empty", ...) matches none. A 550 whose text says nothing of the kind
// (vsftpd's "Failed to open file.", pure-ftpd's "Can't check for file
// existence", pyftpdlib's "is not retrievable"), to a command that names
// an existing path (RETR, SIZE, MDTM, CWD, DELE, RMD, RNFR, MLST, MLSD,
// LIST, NLST), is taken as a missing path: vsftpd says the same for a
// missing file and for one it may not read, and missing is by far the
// commoner cause. MKD's and STOR's bare 550 and 553 (vsftpd's "Create
// directory operation failed.", "Could not create file.") stay
// unclassified. docs/errors.md has the table for the four servers.
func fsClass(cmd string, r Reply) error {
	if r.kind() != '4' && r.kind() != '5' {
		return nil
	}
	text := strings.ToLower(r.Message())
	switch {
	case containsAny(text, "no such file", "not found", "does not exist", "doesn't exist", "no such directory", "cannot find", "can't find"):
		return fs.ErrNotExist
	case containsAny(text, "permission denied", "access denied", "not allowed", "not permitted", "privileges", "forbidden", "access is denied"):
		return fs.ErrPermission
	case containsAny(text, "file exists", "already exists", "directory exists"):
		return fs.ErrExist
	case containsAny(text, "not a directory", "is a directory", "not empty", "invalid argument", "regular file", "not a plain file"):
		return nil // another failure, which io/fs has no error for
	}
	if r.Code == 521 && strings.EqualFold(verb(cmd), "MKD") {
		return fs.ErrExist // "521 directory already exists" (some servers)
	}
	if r.Code == 550 {
		switch strings.ToUpper(verb(cmd)) {
		case "RETR", "SIZE", "MDTM", "CWD", "XCWD", "DELE", "RMD", "XRMD", "RNFR", "MLST", "MLSD", "LIST", "NLST":
			return fs.ErrNotExist
		}
	}
	return nil
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// withoutFS returns err, an *Error, as one that matches no io/fs error:
// for a failure that is not about the path the caller named.
func withoutFS(err error) error {
	var fe *Error
	if !errors.As(err, &fe) || fe.fs == nil {
		return err
	}
	e := *fe
	e.fs = nil
	return &e
}

// verb returns the first word of a command.
func verb(cmd string) string {
	v, _, _ := strings.Cut(cmd, " ")
	return v
}

// OpError is a network failure in the middle of an exchange: the
// control or the data connection broke, timed out, or was closed by
// Close. It names the command in progress and the connection, so that
// a timeout or a reset is never mistaken for a local I/O error.
type OpError struct {
	Cmd     string        // the command in progress, passwords masked; "" for the greeting
	Conn    string        // "control" or "data"
	Timeout time.Duration // the idle bound (WithTimeout) that expired, or 0
	Err     error         // the underlying error: a net.Error, io.ErrUnexpectedEOF, ErrClosed, ...
}

func (e *OpError) Error() string {
	var b strings.Builder
	b.WriteString("ftp: ")
	if e.Cmd != "" {
		b.WriteString(printable.String(e.Cmd))
		b.WriteString(": ")
	}
	b.WriteString(e.Conn)
	b.WriteString(" connection: ")
	if e.Timeout > 0 {
		switch {
		case e.Conn == "data":
			b.WriteString("no data for ")
		case e.Cmd == "":
			b.WriteString("no greeting within ")
		default:
			b.WriteString("no reply within ")
		}
		b.WriteString(e.Timeout.String())
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *OpError) Unwrap() error { return e.Err }

// IsSessionError reports whether err is a failure of the FTP session
// rather than of the caller: any server reply error, protocol violation,
// truncated transfer, network or TLS failure, or a Conn closed by one.
// It is the counterpart of ftplib's all_errors. It is false for nil,
// ErrInvalidCommand, ErrBusy and the caller's own context cancellation
// or deadline, even when that interrupted a dial or a transfer.
func IsSessionError(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidCommand) || errors.Is(err, ErrBusy) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		fe  *Error
		oe  *OpError
		ne  net.Error
		ae  tls.AlertError
		rhe tls.RecordHeaderError
		cve *tls.CertificateVerificationError
		hne x509.HostnameError
		uae x509.UnknownAuthorityError
		cie x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &fe), errors.As(err, &oe), errors.Is(err, ErrShortTransfer), errors.Is(err, ErrLineTooLong),
		errors.Is(err, ErrClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &ne), errors.As(err, &ae), errors.As(err, &rhe), errors.As(err, &cve),
		errors.As(err, &hne), errors.As(err, &uae), errors.As(err, &cie):
		return true
	}
	return false
}
