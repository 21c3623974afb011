package ftp

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// TestErrorFSClass checks how replies map to io/fs errors: by the
// reply's text where it says, else by the command for a bare 550.
func TestErrorFSClass(t *testing.T) {
	for _, tc := range []struct {
		cmd, reply string
		want       error
	}{
		{"RETR x", "550 Failed to open file.", fs.ErrNotExist},         // vsftpd
		{"SIZE x", "550 Could not get file size.", fs.ErrNotExist},     // vsftpd
		{"CWD x", "550 Failed to change directory.", fs.ErrNotExist},   // vsftpd
		{"RETR x", "550 x: No such file or directory", fs.ErrNotExist}, // proftpd
		{"STOR d/x", "553 Can't open that file: No such file or directory", fs.ErrNotExist},
		{"RETR x", "550 x: Permission denied", fs.ErrPermission}, // proftpd
		{"STOR x", "553 Could not create file.", nil},            // vsftpd: ambiguous
		{"MKD d", "550 d: File exists", fs.ErrExist},             // proftpd
		{"MKD d", "550 Create directory operation failed.", nil}, // vsftpd: ambiguous
		{"MKD d", "521 \"d\" directory already exists", fs.ErrExist},
		{"MKD d", "521 no", fs.ErrExist},
		{"DELE x", "550 Not enough privileges.", fs.ErrPermission}, // pyftpdlib
		{"NOOP", "550 what", nil},
		{"CWD f", "550 Can't change directory to f: Not a directory", nil},         // pure-ftpd
		{"DELE d", "550 d: Is a directory", nil},                                   // proftpd
		{"RMD d", "550 Directory not empty.", nil},                                 // pyftpdlib
		{"SIZE d", "550 I can only retrieve regular files", nil},                   // pure-ftpd
		{"SIZE x", "550 Can't check for file existence", fs.ErrNotExist},           // pure-ftpd
		{"MDTM x", "550 /x is not retrievable", fs.ErrNotExist},                    // pyftpdlib
		{"RNFR x", "550 Sorry, but that file doesn't exist", fs.ErrNotExist},       // pure-ftpd
		{"RNTO y", "451 Rename/move failure: Permission denied", fs.ErrPermission}, // pure-ftpd
		{"LIST d", "450 d: No such file or directory", fs.ErrNotExist},             // proftpd
		{"RETR x", "450 x: No such file or directory", fs.ErrNotExist},
		{"RETR x", "451 Local error", nil},
		{"RETR x", "226 ok", nil},
	} {
		r := Reply{Code: replyCode(tc.reply), Text: tc.reply}
		err := replyError(tc.cmd, r)
		if err == nil {
			err = unexpected(tc.cmd, r)
		}
		for _, target := range []error{fs.ErrNotExist, fs.ErrPermission, fs.ErrExist} {
			if got := errors.Is(err, target); got != (target == tc.want) {
				t.Errorf("%s -> %q: errors.Is(%v) = %v", tc.cmd, tc.reply, target, got)
			}
		}
		if r.Code >= 400 && !errors.Is(err, ErrTemporary) && !errors.Is(err, ErrPermanent) {
			t.Errorf("%s -> %q lost its class: %v", tc.cmd, tc.reply, err)
		}
	}
}

// TestErrorEscapesServerText checks that a reply carrying terminal
// escape sequences reaches Error() escaped, and Text as received.
func TestErrorEscapesServerText(t *testing.T) {
	const evil = "530 Login incorrect.\x1b[2J\x1b]0;pwned\x07\u009b31m"
	c, _, ctx := dialFake(t, func(fc *ftptest.FakeConn) {
		fc.Expect("USER")
		fc.Reply(evil)
	})
	err := c.Login(ctx, "u", "p")
	var fe *Error
	if !errors.As(err, &fe) || fe.Text != evil {
		t.Fatalf("err = %#v, want an *Error with the raw text", err)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\x1b\x07\u009b") {
		t.Errorf("Error() = %q carries control characters", msg)
	}
	if !strings.Contains(msg, `\x1b[2J`) || !strings.Contains(msg, `\u009b31m`) {
		t.Errorf("Error() = %q, want the escapes spelled out", msg)
	}
}

// TestIsSessionErrorOwnDeadline checks that the caller's own context
// deadline is not a session error, even when it interrupts Dial, while
// the Conn's timeout (WithTimeout) is.
func TestIsSessionErrorOwnDeadline(t *testing.T) {
	f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		fc.ReadCommand() // no greeting; returns when the client hangs up
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Dial(ctx, f.Addr)
	if !errors.Is(err, context.DeadlineExceeded) || IsSessionError(err) {
		t.Errorf("Dial with the caller's deadline = %v; IsSessionError = %v", err, IsSessionError(err))
	}
	_, err = Dial(context.Background(), f.Addr, WithTimeout(100*time.Millisecond))
	var oe *OpError
	if !errors.As(err, &oe) || oe.Timeout != 100*time.Millisecond || oe.Conn != "control" || !IsSessionError(err) {
		t.Errorf("Dial with WithTimeout = %v; IsSessionError = %v", err, IsSessionError(err))
	}
	if !strings.Contains(err.Error(), "no greeting") {
		t.Errorf("Error() = %q, want it to say no greeting came", err)
	}
}

// TestErrLoginRefused: a refused login matches ErrLoginRefused; a server
// refusing a session for its limit does not.
func TestErrLoginRefused(t *testing.T) {
	for _, tc := range []struct {
		cmd, reply string
		want       bool
	}{
		{"PASS x", "530 Login incorrect.", true},
		{"USER x", "530 This FTP server is anonymous only.", true},
		{"ACCT x", "532 no", true},
		{"PASS x", "530 Sorry, the maximum number of clients (2) from your host are already connected.", false},
		{"USER x", "421 Too many connections", false},
		{"RETR x", "530 Please login with USER and PASS.", false},
	} {
		r := Reply{Code: replyCode(tc.reply), Text: tc.reply}
		if got := errors.Is(replyError(tc.cmd, r), ErrLoginRefused); got != tc.want {
			t.Errorf("%s -> %q: ErrLoginRefused %v, want %v", tc.cmd, tc.reply, got, tc.want)
		}
	}
}
