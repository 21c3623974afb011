package ftptest

import (
	"crypto/subtle"
	"errors"
	"io"
	"strings"

	ftpserver "goftp.io/server/v2"
)

// auth accepts the Server's credentials and, if enabled, anonymous users.
type auth struct{ s *Server }

func (a *auth) CheckPasswd(_ *ftpserver.Context, user, pass string) (bool, error) {
	if isAnonymous(user) {
		return a.s.Anonymous, nil
	}
	ok := subtle.ConstantTimeCompare([]byte(user), []byte(a.s.User)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(a.s.Password)) == 1
	return ok, nil
}

func isAnonymous(user string) bool {
	return strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}

var errReadOnly = errors.New("read-only for anonymous users")

// readOnlyDriver refuses changes to anonymous sessions.
type readOnlyDriver struct{ ftpserver.Driver }

func anon(ctx *ftpserver.Context) bool {
	return ctx != nil && ctx.Sess != nil && isAnonymous(ctx.Sess.LoginUser())
}

func (d *readOnlyDriver) DeleteDir(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.Driver.DeleteDir(ctx, p)
}

func (d *readOnlyDriver) DeleteFile(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.Driver.DeleteFile(ctx, p)
}

func (d *readOnlyDriver) Rename(ctx *ftpserver.Context, from, to string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.Driver.Rename(ctx, from, to)
}

func (d *readOnlyDriver) MakeDir(ctx *ftpserver.Context, p string) error {
	if anon(ctx) {
		return errReadOnly
	}
	return d.Driver.MakeDir(ctx, p)
}

func (d *readOnlyDriver) PutFile(ctx *ftpserver.Context, p string, r io.Reader, off int64) (int64, error) {
	if anon(ctx) {
		return 0, errReadOnly
	}
	return d.Driver.PutFile(ctx, p, r, off)
}
