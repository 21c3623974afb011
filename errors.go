package ftp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
)

// The classes of server failure. An *Error matches exactly one of the
// first four with errors.Is; they mirror ftplib's error_temp, error_perm,
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
	// the server announced, or a transfer ends without its completion
	// reply. It also matches ErrProtocol.
	ErrShortTransfer error = &protocolClass{"ftp: transfer incomplete"}
	// ErrBusy is returned when a Conn is used by a second goroutine while
	// a call (or an open DataConn) still holds it. A Conn serves one call
	// at a time; use one Conn per goroutine.
	ErrBusy = errors.New("ftp: connection in use by another call")
	// ErrClosed is returned by calls on a closed Conn, or on one that an
	// earlier network failure or cancellation left in an unknown state and
	// therefore closed.
	ErrClosed = errors.New("ftp: connection closed")
)

// protocolClass is a sentinel that also matches ErrProtocol, as the
// documentation of ErrLineTooLong and ErrShortTransfer promises.
type protocolClass struct{ msg string }

func (e *protocolClass) Error() string        { return e.msg }
func (e *protocolClass) Is(target error) bool { return target == ErrProtocol }

// Error is a reply that the command did not accept, or a protocol
// violation by the server. Code is 0 when the reply had no valid code.
type Error struct {
	Code  int    // reply code, or 0
	Text  string // the whole reply (all lines, joined by "\n"), or a description
	Cmd   string // the command that drew the reply, with passwords masked
	class error  // ErrTemporary, ErrPermanent, ErrUnexpectedReply or ErrProtocol
}

func (e *Error) Error() string {
	if e.Cmd != "" {
		return "ftp: " + e.Cmd + ": " + e.Text
	}
	return "ftp: " + e.Text
}

// Is reports whether target is the class of e (ErrTemporary,
// ErrPermanent, ErrUnexpectedReply or ErrProtocol).
func (e *Error) Is(target error) bool { return target == e.class }

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
	return &Error{Code: r.Code, Text: r.Text, Cmd: maskCommand(cmd), class: class}
}

// unexpected is an ErrUnexpectedReply for r.
func unexpected(cmd string, r Reply) error {
	return &Error{Code: r.Code, Text: r.Text, Cmd: maskCommand(cmd), class: ErrUnexpectedReply}
}

// protocolError is an ErrProtocol described by text.
func protocolError(cmd, text string) error {
	return &Error{Text: text, Cmd: maskCommand(cmd), class: ErrProtocol}
}

// IsSessionError reports whether err is a failure of the FTP session
// rather than of the caller: any server reply error, protocol violation,
// truncated transfer, network or TLS failure, or a Conn closed by one.
// It is the counterpart of ftplib's all_errors. It is false for nil,
// ErrInvalidCommand, ErrBusy and the caller's own context cancellation.
func IsSessionError(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidCommand) || errors.Is(err, ErrBusy) {
		return false
	}
	var (
		fe  *Error
		ne  net.Error
		ae  tls.AlertError
		rhe tls.RecordHeaderError
		cve *tls.CertificateVerificationError
		hne x509.HostnameError
		uae x509.UnknownAuthorityError
		cie x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &fe), errors.Is(err, ErrShortTransfer), errors.Is(err, ErrLineTooLong),
		errors.Is(err, ErrClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &ne), errors.As(err, &ae), errors.As(err, &rhe), errors.As(err, &cve),
		errors.As(err, &hne), errors.As(err, &uae), errors.As(err, &cie):
		return true
	}
	return false
}
