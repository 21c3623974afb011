package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ftpURL is a parsed ftp:// or ftps:// URL.
type ftpURL struct {
	Implicit bool   // ftps://: TLS from the first byte
	Host     string // host name or IP address, without brackets
	Port     int
	User     string // percent-decoded; "" when HasUser is false
	Pass     string // percent-decoded; "" when HasPass is false
	HasUser  bool
	HasPass  bool
	// Path is the percent-decoded path relative to the login directory,
	// as curl reads it: "/dir/f" in the URL is "dir/f", "//abs/f" is
	// "/abs/f", and "" or "/" is the login directory itself ("").
	Path string
}

// parseURL parses an ftp:// or ftps:// URL. Errors never contain the
// password.
func parseURL(raw string) (*ftpURL, error) {
	bad := func(format string, args ...any) error {
		return usageErrorf("bad URL %q: %s", maskURL(raw), fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(raw)
	if err != nil {
		if maskURL(raw) != raw {
			// The parser's message may quote part of the password.
			return nil, bad("malformed (percent-encode any '/', '@', ':', '?' or '#' in the user name and password)")
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad("%v", err)
	}
	r := &ftpURL{Port: 21}
	switch strings.ToLower(u.Scheme) {
	case "ftp":
	case "ftps":
		r.Implicit, r.Port = true, 990
	case "":
		return nil, bad("want ftp://host/path or ftps://host/path")
	default:
		return nil, bad("scheme %q is not ftp or ftps", u.Scheme)
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
		r.User, r.HasUser = u.User.Username(), true
		r.Pass, r.HasPass = u.User.Password()
	}
	if strings.ContainsAny(r.User+r.Pass+u.Path, "\r\n\x00") {
		return nil, bad("CR, LF or NUL in the user name, password or path")
	}
	r.Path = strings.TrimPrefix(u.Path, "/")
	return r, nil
}

// Addr returns "host:port", with brackets around an IPv6 address.
func (u *ftpURL) Addr() string {
	return net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
}

// maskURL returns raw with the password, if any, replaced by "***". It
// works on strings that do not parse as URLs too, and errs on the side of
// hiding too much: everything from the first ':' after "://" to the last
// '@' is hidden.
func maskURL(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return raw
	}
	return raw[:i+3] + rest[:colon+1] + "***" + rest[at:]
}
