package ftp

import (
	"context"
	"fmt"
	"strings"

	"github.com/ftpkit/ftp/netrc"
)

// A Connector opens new logged-in sessions to one server with one set
// of credentials and options: the reusable dial configuration on which
// a Client pools sessions, as database/sql's driver.Connector is for a
// DB. It is safe for concurrent use; its fields must not change once
// sessions are being opened.
//
// A Connector's String method hides the password, so printing one with
// %v or %+v never shows it.
type Connector struct {
	Addr     string       // "host:port" for Dial
	User     string       // "" means anonymous
	Password string       // sent with PASS
	Account  string       // sent with ACCT if the server asks for one
	Options  []DialOption // for Dial: TLS, timeouts, logging, ...
}

// NewConnector returns a Connector for rawURL (see ParseURL): the
// scheme chooses clear text, explicit or implicit TLS, and opts, applied
// after the scheme's option, adjust it (WithExplicitTLS(cfg) or
// WithTLSConfig(cfg) with a certificate pool of one's own, say; with an
// "ftpes" or "ftps" URL, WithTLSConfig keeps the scheme's TLS and
// protected data).
//
// The credentials are the URL's user and password. For a user without a
// password in the URL, the netrc entry of the host with that login gives
// the password and account ("anonymous" and "ftp" need none); without a
// user, the host's netrc entry gives both, and without one the login is
// anonymous. The netrc file is $NETRC or ~/.netrc unless WithNetrc names
// another or WithoutNetrc turns the lookup off. A user with no password
// found anywhere is an error, before anything is sent.
func NewConnector(rawURL string, opts ...DialOption) (*Connector, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	opts = append(u.DialOptions(), opts...)
	switch u.Scheme {
	case "ftpes":
		opts = append(opts, keepSchemeTLS(tlsExplicit))
	case "ftps":
		opts = append(opts, keepSchemeTLS(tlsImplicit))
	}
	var cfg config
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Connector{Addr: u.Addr(), User: u.User, Password: u.Password, Options: opts}
	switch {
	case u.HasPassword:
		return c, nil
	case u.User != "" && isAnonymous(u.User):
		c.Password = "anonymous@"
		return c, nil
	}
	file := cfg.netrc
	if file == "" {
		file = netrc.Path()
	}
	m, ok := netrc.Machine{}, false
	if file != "-" {
		if m, ok, err = netrc.FindIn(file, u.Host); err != nil {
			return nil, err
		}
	}
	switch {
	case u.User != "" && ok && m.Login == u.User:
		c.Password, c.Account = m.Password, m.Account
	case u.User != "":
		return nil, fmt.Errorf("ftp: no password for %s@%s (give it in the URL, the Connector or the netrc file)", u.User, u.Host)
	case ok && m.Login != "":
		c.User, c.Password, c.Account = m.Login, m.Password, m.Account
	}
	return c, nil
}

// isAnonymous reports whether user is a conventional anonymous login,
// which needs no password.
func isAnonymous(user string) bool {
	return user == "" || strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}

// WithNetrc makes NewConnector (and NewClient) look credentials up in
// the netrc file name instead of $NETRC or ~/.netrc. Dial ignores it.
func WithNetrc(name string) DialOption {
	return func(c *config) error {
		if name == "" || name == "-" {
			return fmt.Errorf("ftp: WithNetrc needs a file name")
		}
		c.netrc = name
		return nil
	}
}

// WithoutNetrc stops NewConnector (and NewClient) from reading any
// netrc file: credentials come from the URL alone.
func WithoutNetrc() DialOption {
	return func(c *config) error {
		c.netrc = "-"
		return nil
	}
}

// Connect dials the server, logs in and returns the session.
func (c *Connector) Connect(ctx context.Context) (*Conn, error) {
	conn, err := Dial(ctx, c.Addr, c.Options...)
	if err != nil {
		return nil, err
	}
	if err := conn.LoginAccount(ctx, c.User, c.Password, c.Account); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// String describes the Connector without its password.
func (c *Connector) String() string {
	user := c.User
	if user == "" {
		user = "anonymous"
	}
	return "ftp.Connector{" + user + "@" + c.Addr + "}"
}

// GoString is String, so that %#v hides the password too.
func (c *Connector) GoString() string { return c.String() }
