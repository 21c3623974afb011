package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/netrc"
)

// login holds the credentials for one session.
type login struct {
	user, pass, acct string
}

// credentials chooses the login for u: the URL's user and password; for a
// user without a password, the netrc entry for the host if its login is
// that user; without a user, the netrc entry for the host, or anonymous.
func credentials(u *ftpURL) (login, error) {
	if u.HasUser && u.HasPass {
		return login{user: u.User, pass: u.Pass}, nil
	}
	if u.HasUser && isAnonymous(u.User) {
		return login{user: u.User, pass: "anonymous@"}, nil
	}
	m, ok, err := netrc.Find(u.Host)
	if err != nil {
		return login{}, fail("read netrc", err)
	}
	switch {
	case u.HasUser && ok && m.Login == u.User:
		return login{user: m.Login, pass: m.Password, acct: m.Account}, nil
	case u.HasUser:
		return login{}, fail("", fmt.Errorf("no password for %s@%s (add it to the URL or ~/.netrc)", u.User, u.Host))
	case ok && m.Login != "":
		return login{user: m.Login, pass: m.Password, acct: m.Account}, nil
	}
	return login{user: "anonymous", pass: "anonymous@"}, nil
}

// isAnonymous reports whether user is a conventional anonymous login,
// which needs no password.
func isAnonymous(user string) bool {
	return strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}

// dialOptions returns the options for a session with the server of u.
// TLS is implicit for ftps:// URLs and explicit for ftp:// URLs with
// --tls.
func (o *options) dialOptions(u *ftpURL) ([]ftp.DialOption, error) {
	opts := []ftp.DialOption{ftp.WithTimeout(o.timeout)}
	if o.debug > 0 {
		opts = append(opts, ftp.WithDebug(o.debug, o.stderr))
	}
	if o.active {
		opts = append(opts, ftp.WithActiveMode())
	}
	useTLS := u.Implicit || o.tls
	if !useTLS {
		if o.cacert != "" || o.insecure || o.tlsReuse != "on" {
			return nil, usageErrorf("--cacert, --insecure and --tls-reuse need --tls or an ftps:// URL")
		}
		return opts, nil
	}
	cfg, err := o.tlsConfig()
	if err != nil {
		return nil, err
	}
	if o.tlsReuse == "off" {
		opts = append(opts, ftp.WithoutTLSSessionReuse())
	}
	if u.Implicit {
		return append(opts, ftp.WithImplicitTLS(cfg)), nil
	}
	return append(opts, ftp.WithExplicitTLS(cfg)), nil
}

// tlsConfig returns the client TLS configuration that --cacert and
// --insecure ask for, or nil for the library's defaults (system roots,
// the dialled host's name).
func (o *options) tlsConfig() (*tls.Config, error) {
	if o.cacert == "" && !o.insecure {
		return nil, nil
	}
	cfg := &tls.Config{}
	if o.cacert != "" {
		pem, err := os.ReadFile(o.cacert)
		if err != nil {
			return nil, fail("read --cacert", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fail("read --cacert", fmt.Errorf("no PEM certificate in %s", o.cacert))
		}
		cfg.RootCAs = pool
	}
	if o.insecure {
		fmt.Fprintln(o.stderr, "ftpkit: warning: --insecure: the server's TLS certificate is not verified")
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}

// connect dials the server of u and logs in.
func (o *options) connect(ctx context.Context, u *ftpURL) (*ftp.Conn, error) {
	opts, err := o.dialOptions(u)
	if err != nil {
		return nil, err
	}
	cred, err := credentials(u)
	if err != nil {
		return nil, err
	}
	c, err := ftp.Dial(ctx, u.Addr(), opts...)
	if err != nil {
		return nil, fail("connect to "+u.Addr(), err)
	}
	if cred.acct != "" {
		err = c.LoginAccount(ctx, cred.user, cred.pass, cred.acct)
	} else {
		err = c.Login(ctx, cred.user, cred.pass)
	}
	if err != nil {
		c.Close()
		return nil, fail(fmt.Sprintf("login as %s on %s", cred.user, u.Addr()), err)
	}
	return c, nil
}

// quit ends the session politely, or just closes it once ctx is done.
// Its failure does not matter once the work is done: Quit closes the
// connection either way.
func quit(ctx context.Context, c *ftp.Conn) {
	if ctx.Err() != nil {
		c.Close()
		return
	}
	_ = c.Quit(ctx)
}

// finish closes dc after a copy that ended with err, and returns the
// first failure: a failed copy is the cause, and Close then only reports
// the abort it leads to.
func finish(dc *ftp.DataConn, err error) error {
	if cerr := dc.Close(); err == nil {
		err = cerr
	}
	return err
}
