package mirror

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/partname"
	"github.com/ftpkit/ftp/internal/printable"
)

// An FXPMode says how files go between two remote trees: from server to
// server (FXP, ftp.Copy: the data never passes through this machine) or
// through this machine (a stream from one Client to the other).
type FXPMode uint8

// The FXP modes.
const (
	// FXPAuto copies from server to server where both servers allow it,
	// and through this machine otherwise. The first refusal of a
	// server-to-server copy (a server refusing PORT, EPRT, PASV or EPSV
	// for another server's address, a 425, a passive server silent
	// about a data connection it dropped, TLS with neither CPSV nor
	// SSCN) sends that file and every later one of the run through this
	// machine, with a note in the Summary. A copy that fails for a
	// passing reason (a broken session, 426, 450, 451, a short copy)
	// goes through this machine for that file alone, with the Client's
	// retries; a permanent refusal of the file (550) is its failure.
	FXPAuto FXPMode = iota
	// FXPNever copies every file through this machine.
	FXPNever
	// FXPAlways copies every file from server to server, never through
	// this machine: a file whose copy fails has failed. Plan refuses it
	// unless both trees are remote, each with a Client of its own.
	FXPAlways
)

// String returns "auto", "never" or "always".
func (m FXPMode) String() string {
	switch m {
	case FXPAuto:
		return "auto"
	case FXPNever:
		return "never"
	case FXPAlways:
		return "always"
	}
	return fmt.Sprintf("FXPMode(%d)", uint8(m))
}

// checkFXP checks Options.FXP against the trees.
func checkFXP(m FXPMode, src, dst Tree) error {
	switch m {
	case FXPAuto, FXPNever:
		return nil
	case FXPAlways:
		s, ok1 := src.(*remoteTree)
		d, ok2 := dst.(*remoteTree)
		switch {
		case !ok1 || !ok2:
			return errors.New("mirror: server-to-server copies (FXP always) need two remote trees")
		case s.c == d.c:
			// One Client cannot lend two sessions at once without
			// risking a deadlock at its session limit.
			return errors.New("mirror: server-to-server copies (FXP always) need a Client for each tree, and both trees share one")
		}
		return nil
	}
	return fmt.Errorf("mirror: unknown FXP mode %v", m)
}

// serverCopy copies a file between two remote trees: from server to
// server where Options.FXP and the servers allow it, else through this
// machine (relay). Within one Client it always relays: a Client lends
// one session per Do, and waiting for a second while holding the first
// could deadlock at its limit.
func (ap *applier) serverCopy(s, d *remoteTree, a Action) (int64, error) {
	mode := ap.opts.FXP
	if mode == FXPNever || s.c == d.c && mode != FXPAlways || mode == FXPAuto && ap.fxpOff.Load() {
		return ap.relay(s, d, a)
	}
	if s.c == d.c {
		return 0, checkFXP(mode, ap.src, ap.dst)
	}
	tmp := partname.Random(d.path(a.Path))
	n, copyErr, err := ap.fxp(s, d, a, tmp)
	if err == nil {
		if err = ap.install(s, d, a, tmp); err != nil {
			ap.removeTemp(d, tmp)
			return n, err
		}
		ap.count(func(s *Summary) { s.FXP++ })
		if f := ap.progress(a); f != nil {
			f(n, a.Size)
		}
		return n, nil
	}
	if copyErr != nil {
		ap.removeTemp(d, tmp) // Copy leaves what it wrote
	}
	switch {
	case mode == FXPAlways, ap.ctx.Err() != nil:
		return 0, err
	case copyErr != nil && refusesFXP(copyErr):
		if ap.fxpOff.CompareAndSwap(false, true) {
			// One line, whatever the servers said.
			ap.note("server-to-server copies (FXP) are refused, files go through this machine: " + printable.String(copyErr.Error()))
		}
	case errors.Is(err, ftp.ErrPermanent), !ftp.IsSessionError(err):
		// The file's own failure, which a copy through this machine
		// would meet too (550), or the Client's (closed).
		return 0, err
	}
	return ap.relay(s, d, a)
}

// fxp copies a's file from server to server into tmp on d, and returns
// its size. The source's session is taken first, then the
// destination's, always in that order, so that copies under way never
// wait for each other's sessions. copyErr is err when it is ftp.Copy's.
func (ap *applier) fxp(s, d *remoteTree, a Action, tmp string) (n int64, copyErr, err error) {
	n = a.Size
	err = s.c.Do(ap.ctx, func(ctx context.Context, sc *ftp.Conn) error {
		return d.c.Do(ctx, func(ctx context.Context, dc *ftp.Conn) error {
			if copyErr = ftp.Copy(ctx, dc, tmp, sc, s.path(a.Path)); copyErr != nil {
				return copyErr
			}
			if n < 0 {
				var err error
				n, err = dc.Size(ctx, tmp)
				return err
			}
			return nil
		})
	})
	return n, copyErr, err
}

// refusesFXP reports whether err, from ftp.Copy, means that the two
// servers do not copy from one to the other: Copy refused the sessions
// before sending anything (over TLS neither server offers CPSV or SSCN;
// one session protects its data and the other does not); or a server
// refused a command that sets the copy up (PASV, EPSV, CPSV, PORT,
// EPRT, SSCN: servers refuse another server's address so), answered a
// transfer command with 425 (a passive server refusing the other
// server's connection), or never answered it (pure-ftpd drops that
// connection without a word).
func refusesFXP(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if !ftp.IsSessionError(err) {
		return true
	}
	refused := false
	walkErrors(err, func(e error) {
		switch e := e.(type) {
		case *ftp.Error:
			switch verb(e.Cmd) {
			case "PASV", "EPSV", "CPSV", "PORT", "EPRT", "SSCN":
				refused = true
			}
			refused = refused || e.Code == 425
		case *ftp.OpError:
			switch verb(e.Cmd) {
			case "STOR", "RETR":
				refused = refused || e.Timeout > 0
			}
		}
	})
	return refused
}

// walkErrors calls f on err and every error it wraps.
func walkErrors(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walkErrors(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walkErrors(e, f)
		}
	}
}

// verb is the command of the command line cmd, in upper case.
func verb(cmd string) string {
	v, _, _ := strings.Cut(cmd, " ")
	return strings.ToUpper(v)
}
