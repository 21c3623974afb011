package ftptest

import (
	"crypto/subtle"
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
