package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"

	"github.com/ftpkit/ftp"
)

// parseURL parses a URL given on the command line; a bad one is a usage
// error.
func parseURL(raw string) (*ftp.URL, error) {
	u, err := ftp.ParseURL(raw)
	if err != nil {
		return nil, usageErrorf("%s", strings.TrimPrefix(err.Error(), "ftp: "))
	}
	return u, nil
}

// dialOptions returns the options for a session with the server of u.
// TLS is implicit for ftps:// URLs and explicit for ftp:// URLs with
// --tls.
func (o *options) dialOptions(u *ftp.URL) ([]ftp.DialOption, error) {
	opts := []ftp.DialOption{ftp.WithTimeout(o.timeout)}
	if o.debug > 0 {
		opts = append(opts, ftp.WithDebug(o.debug, o.stderr))
	}
	if o.active {
		opts = append(opts, ftp.WithActiveMode())
	}
	implicit := u.Scheme == "ftps"
	useTLS := u.Scheme != "ftp" || o.tls
	if !useTLS {
		if o.cacert != "" || o.insecure || o.tlsReuse != "on" {
			return nil, usageErrorf("--cacert, --insecure and --tls-reuse need --tls or an ftps:// or ftpes:// URL")
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
	if implicit {
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

// connect dials the server of u and logs in, with the credentials of
// the URL or the netrc file.
func (o *options) connect(ctx context.Context, raw string, u *ftp.URL) (*ftp.Conn, error) {
	opts, err := o.dialOptions(u)
	if err != nil {
		return nil, err
	}
	conn, err := ftp.NewConnector(raw, opts...)
	if err != nil {
		return nil, fail("", err)
	}
	c, err := ftp.Dial(ctx, conn.Addr, conn.Options...)
	if err != nil {
		return nil, fail("connect to "+u.Addr(), err)
	}
	if err := c.LoginAccount(ctx, conn.User, conn.Password, conn.Account); err != nil {
		c.Close()
		user := conn.User
		if user == "" {
			user = "anonymous"
		}
		return nil, fail(fmt.Sprintf("login as %s on %s", user, u.Addr()), err)
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

// finish closes dc after a copy that ended with err: a failed copy
// aborts the transfer (CloseWithError), so that a failed upload is never
// committed, and the error returned wraps the copy's.
func finish(dc *ftp.DataConn, err error) error {
	return dc.CloseWithError(err)
}
