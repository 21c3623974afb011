package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/printable"
	"github.com/ftpkit/ftp/netrc"
)

// A server is a Client for one server and login, shared by every
// argument of the run that names them.
type server struct {
	c    *ftp.Client
	addr string // host:port, for messages
	user string // the login, for messages
}

// isURL reports whether arg is written as a URL (scheme://...), so that
// it is never taken for a local file name: "get URL1 URL2" downloads
// both, it does not write URL1 to a file named like URL2.
func isURL(arg string) bool {
	return urlPrefix.MatchString(arg)
}

var urlPrefix = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// parseURL parses a URL given on the command line; a bad one is a usage
// error, which never shows the password.
func parseURL(raw string) (*ftp.URL, error) {
	u, err := ftp.ParseURL(raw)
	if err != nil {
		return nil, usageErrorf("%s", strings.TrimPrefix(err.Error(), "ftp: "))
	}
	return u, nil
}

// remote is a URL given on the command line: its server's Client and
// its path.
type remote struct {
	*server
	u       *ftp.URL
	display string // the URL without its password, for messages
}

// remote parses the URL raw and returns it with the Client of its
// server, connecting and logging in on first use.
func (o *options) remote(ctx context.Context, raw string) (*remote, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.HasPassword {
		o.addSecret(u.Password)
	}
	s, err := o.server(ctx, u)
	if err != nil {
		return nil, err
	}
	return &remote{server: s, u: u, display: u.Redacted()}, nil
}

// serverKey identifies a server and login: the URLs of one run that
// share it share a Client.
func (o *options) serverKey(u *ftp.URL) string {
	user := u.User
	if o.user != "" {
		user, _, _ = strings.Cut(o.user, ":")
	}
	return u.Scheme + "://" + user + "@" + u.Addr()
}

// server returns the Client for the server and login of u, making it on
// first use: the session is opened and logged in at once, so that a
// failure to connect or log in is reported as such.
func (o *options) server(ctx context.Context, u *ftp.URL) (*server, error) {
	key := o.serverKey(u)
	o.mu.Lock()
	s := o.servers[key]
	o.mu.Unlock()
	if s != nil {
		return s, nil
	}
	conn, err := o.connector(ctx, u)
	if err != nil {
		return nil, err
	}
	c, err := ftp.NewClientFromConnector(conn, o.clientOptions(u.Addr())...)
	if err != nil {
		return nil, fail("", err)
	}
	user := conn.User
	if user == "" {
		user = "anonymous"
	}
	s = &server{c: c, addr: u.Addr(), user: user}
	if err := c.Do(ctx, func(context.Context, *ftp.Conn) error { return nil }); err != nil {
		c.Close()
		if isLoginError(err) {
			return nil, fail(fmt.Sprintf("login as %s on %s", printable.String(user), u.Addr()), err)
		}
		return nil, fail("connect to "+u.Addr(), err)
	}
	o.mu.Lock()
	o.servers[key] = s
	o.mu.Unlock()
	return s, nil
}

// isLoginError reports whether err is the server's refusal of the
// login.
func isLoginError(err error) bool {
	return errors.Is(err, ftp.ErrLoginRefused)
}

// closeClients ends every session of the run.
func (o *options) closeClients() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, s := range o.servers {
		s.c.Close()
		delete(o.servers, k)
	}
}

// clientOptions returns the options of a Client of the run, for the
// server at addr.
func (o *options) clientOptions(addr string) []ftp.ClientOption {
	opts := []ftp.ClientOption{
		ftp.WithMaxConns(max(ftp.DefaultMaxConns, o.maxConn)),
		ftp.WithRetry(o.retries, 0, 0),
	}
	if !o.quiet {
		opts = append(opts, ftp.WithRetryFunc(func(ev ftp.RetryEvent) {
			what := strings.ToLower(ev.Op) + " " + printable.String(ev.Path)
			if ev.Path == "" {
				what = "connect to " + addr
			}
			msg := fmt.Sprintf("%s: %v; retry %d of %d in %v", what, ev.Err, ev.Attempt, o.retries, ev.Wait.Round(10*time.Millisecond))
			if ev.Offset > 0 {
				msg += fmt.Sprintf(", from byte %d", ev.Offset)
			}
			fmt.Fprintf(o.stderr, "ftpkit: %s\n", o.scrub(strings.ReplaceAll(msg, "\n", "; ")))
		}))
	}
	return opts
}

// connector returns the Connector for u: its address, the security its
// scheme (or --tls) asks for, and the credentials, in this order: -u,
// the URL's, $FTPKIT_PASSWORD (for a user without a password), the
// netrc file, a prompt on the terminal; without any user name the
// netrc file's login for the host, else anonymous.
func (o *options) connector(ctx context.Context, u *ftp.URL) (*ftp.Connector, error) {
	opts, err := o.dialOptions(u)
	if err != nil {
		return nil, err
	}
	user, pass, hasPass := u.User, u.Password, u.HasPassword
	if o.user != "" {
		user, pass, hasPass = strings.Cut(o.user, ":")
	}
	base := url.URL{Scheme: u.Scheme, Host: u.Addr(), Path: "/"}
	if user == "" {
		// The netrc file's login for the host, or anonymous.
		conn, err := ftp.NewConnector(base.String(), opts...)
		if err != nil {
			return nil, fail("", err)
		}
		o.addSecret(conn.Password)
		return conn, nil
	}
	base.User = url.UserPassword(user, "") // no netrc lookup
	conn, err := ftp.NewConnector(base.String(), opts...)
	if err != nil {
		return nil, fail("", err)
	}
	conn.User = user
	switch {
	case hasPass:
		conn.Password = pass
	case isAnonymous(user):
		conn.Password = "anonymous@"
	default:
		if conn.Password, conn.Account, err = o.password(ctx, user, u.Host); err != nil {
			return nil, err
		}
	}
	o.addSecret(conn.Password)
	return conn, nil
}

// isAnonymous reports whether user is a conventional anonymous login,
// which needs no password.
func isAnonymous(user string) bool {
	return strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}

// password finds the password (and account) of user on host:
// $FTPKIT_PASSWORD, the netrc entry with that login, or a prompt on the
// terminal.
func (o *options) password(ctx context.Context, user, host string) (pass, account string, err error) {
	if p, ok := os.LookupEnv("FTPKIT_PASSWORD"); ok {
		return p, "", nil
	}
	m, ok, err := netrc.FindIn(netrc.Path(), host)
	if err != nil {
		return "", "", fail("", err)
	}
	if ok && m.Login == user {
		return m.Password, m.Account, nil
	}
	p, err := readPassword(ctx, fmt.Sprintf("Password for %s@%s: ", printable.String(user), host))
	if ctx.Err() != nil {
		return "", "", err
	}
	if err != nil {
		return "", "", exitErrorf(exitLogin, "no password for %s@%s: give it with -u %s:PASSWORD, in $FTPKIT_PASSWORD or in the netrc file (%v)",
			printable.String(user), host, printable.String(user), err)
	}
	return p, "", nil
}

// addSecret records a password, so that no message shows it.
func (o *options) addSecret(p string) {
	if p == "" {
		return
	}
	o.mu.Lock()
	o.secrets = append(o.secrets, p, url.QueryEscape(p), url.PathEscape(p))
	o.mu.Unlock()
}

// checkTLSFlags refuses --cacert, --insecure and --tls-reuse for a
// command none of whose URLs uses TLS: without --tls, one of args must
// be an ftps:// or ftpes:// URL (a mirror from one server to another
// may have TLS on one side only). The shell's URLs come later, and
// commands without URLs have no server to secure.
func (o *options) checkTLSFlags(command string, args []string) error {
	if o.cacert == "" && !o.insecure && o.tlsReuse == "on" || o.tls || command == "shell" {
		return nil
	}
	urls := false
	for _, a := range args {
		scheme, _, ok := strings.Cut(a, "://")
		if ok && (strings.EqualFold(scheme, "ftps") || strings.EqualFold(scheme, "ftpes")) {
			return nil
		}
		urls = urls || ok
	}
	if !urls {
		return nil // demo, version, ...: no server to secure
	}
	return usageErrorf("--cacert, --insecure and --tls-reuse need --tls or an ftps:// or ftpes:// URL")
}

// dialOptions returns the options for a session with the server of u.
// TLS is implicit for ftps:// URLs and explicit for ftpes:// URLs and
// ftp:// URLs with --tls.
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
		return opts, nil // TLS flags are for the command's other URLs (checkTLSFlags)
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
			return nil, exitErrorf(exitTLS, "read --cacert: no PEM certificate in %s", o.cacert)
		}
		cfg.RootCAs = pool
	}
	if o.insecure {
		o.warnInsecure.Do(func() {
			fmt.Fprintln(o.stderr, "ftpkit: warning: --insecure: the server's TLS certificate is not verified")
		})
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}
