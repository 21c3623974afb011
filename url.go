package ftp

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// URL is a parsed ftp://, ftpes:// or ftps:// URL (RFC 1738), read as
// curl reads FTP URLs. The scheme chooses the security of the session:
// "ftp" is clear text, "ftpes" explicit TLS (AUTH TLS, as FileZilla
// names it) and "ftps" implicit TLS, port 990 by default (as curl and
// lftp read it).
//
// The path is relative to the directory the server puts the user in at
// login: "ftp://host/dir/f" names "dir/f" there, and "ftp://host//abs/f"
// (or "ftp://host/%2Fabs/f") names "/abs/f". A ";type=a", ";type=i" or
// ";type=d" suffix is parsed into Type.
type URL struct {
	Scheme      string // "ftp", "ftpes" or "ftps", in lower case
	Host        string // host name or IP address, without brackets
	Port        int    // from the URL, else 21, or 990 for "ftps"
	User        string // percent-decoded; "" when the URL names none
	Password    string // percent-decoded
	HasPassword bool   // the URL has a password, which may be empty ("ftp://u:@h/")
	Path        string // percent-decoded, as described above; "" for the login directory
	Type        byte   // 'a', 'i' or 'd' from ";type=", or 0
}

// ParseURL parses an ftp://, ftpes:// or ftps:// URL. The user name,
// password and path are percent-decoded; a '?' or '#' in any of them
// must be percent-encoded, and CR, LF and NUL are refused. Errors never
// show the password.
func ParseURL(raw string) (*URL, error) {
	bad := func(format string, args ...any) error {
		return &URLError{URL: RedactURL(raw), Reason: fmt.Sprintf(format, args...)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		if redacted := RedactURL(raw); redacted != raw {
			// The parser's message may quote part of the password: give
			// the message for the URL without it, where the fault lies
			// elsewhere (a bad escape in the path, say), else blame the
			// credentials.
			if _, rerr := url.Parse(redacted); rerr != nil {
				err = rerr
			} else {
				return nil, bad("malformed (percent-encode any '/', '@', ':', '?' or '#' in the user name and password)")
			}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad("%v", err)
	}
	r := &URL{Scheme: strings.ToLower(u.Scheme), Port: 21}
	switch r.Scheme {
	case "ftp", "ftpes":
	case "ftps":
		r.Port = 990
	case "":
		return nil, bad("want ftp://host/path (or ftpes://, ftps://)")
	default:
		return nil, bad("scheme %q is not ftp, ftpes or ftps", u.Scheme)
	}
	if u.Opaque != "" {
		return nil, bad("want %s://host/path", u.Scheme)
	}
	if r.Host = u.Hostname(); r.Host == "" {
		return nil, bad("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("invalid port %q", p)
		}
		r.Port = n
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, bad("'?' and '#' must be percent-encoded (%%3F, %%23)")
	}
	if u.User != nil {
		r.User = u.User.Username()
		r.Password, r.HasPassword = u.User.Password()
	}
	if strings.ContainsAny(r.User+r.Password+u.Path, "\r\n\x00") {
		return nil, bad("CR, LF or NUL in the user name, password or path")
	}
	p := u.Path
	if i := strings.LastIndex(p, ";type="); i >= 0 && len(p) == i+7 && strings.ContainsRune("aidAID", rune(p[i+6])) {
		r.Type = p[i+6] | 0x20
		p = p[:i]
	}
	r.Path = strings.TrimPrefix(p, "/")
	return r, nil
}

// URLError reports a URL that ParseURL cannot use.
type URLError struct {
	URL    string // the URL, password hidden
	Reason string
}

func (e *URLError) Error() string { return "ftp: bad URL " + strconv.Quote(e.URL) + ": " + e.Reason }

// Addr returns "host:port", with brackets around an IPv6 address, for
// Dial.
func (u *URL) Addr() string {
	return net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
}

// IsDir reports whether the URL names a directory: an empty path, a
// path ending in "/", or ";type=d".
func (u *URL) IsDir() bool {
	return u.Path == "" || strings.HasSuffix(u.Path, "/") || u.Type == 'd'
}

// DialOptions returns the options for the scheme's security:
// WithExplicitTLS(nil) for "ftpes", WithImplicitTLS(nil) for "ftps",
// none for "ftp".
func (u *URL) DialOptions() []DialOption {
	switch u.Scheme {
	case "ftpes":
		return []DialOption{WithExplicitTLS(nil)}
	case "ftps":
		return []DialOption{WithImplicitTLS(nil)}
	}
	return nil
}

// Redacted returns the URL with the password, if any, replaced by
// "xxxxx" (as url.URL.Redacted does). No method of URL shows the
// password.
func (u *URL) Redacted() string {
	v := url.URL{Scheme: u.Scheme, Host: u.Addr()}
	if u.Port == defaultPort(u.Scheme) {
		v.Host = u.Host
		if strings.Contains(u.Host, ":") {
			v.Host = "[" + u.Host + "]"
		}
	}
	switch {
	case u.HasPassword:
		v.User = url.UserPassword(u.User, "xxxxx")
	case u.User != "":
		v.User = url.User(u.User)
	}
	v.Path = "/" + u.Path
	s := v.String()
	if u.Type != 0 {
		s += ";type=" + string(u.Type)
	}
	return s
}

// String returns Redacted.
func (u *URL) String() string { return u.Redacted() }

func defaultPort(scheme string) int {
	if scheme == "ftps" {
		return 990
	}
	return 21
}

// RedactURL returns s, which may or may not be a well-formed URL, with
// anything that could be a password replaced by "xxxxx": everything
// from the first ':' after "://" to the last '@'. It errs on the side of
// hiding too much. Use it to print a URL a user typed (in an error
// message, say) when it may not parse.
func RedactURL(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return s
	}
	return s[:i+3] + rest[:colon+1] + "xxxxx" + rest[at:]
}
