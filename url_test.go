package ftp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want URL
	}{
		{"ftp://host", URL{Scheme: "ftp", Host: "host", Port: 21}},
		{"ftp://host/", URL{Scheme: "ftp", Host: "host", Port: 21}},
		{"ftp://host/f.txt", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "f.txt"}},
		{"ftp://host/dir/f", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "dir/f"}},
		{"ftp://host/dir/", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "dir/"}},
		{"ftp://host//abs/f", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "/abs/f"}},
		{"ftp://host/%2Fabs/f", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "/abs/f"}},
		{"ftp://host/a%20b%23c%3F", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "a b#c?"}},
		{"ftp://host/%25", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "%"}},
		{"ftp://host:2121/f", URL{Scheme: "ftp", Host: "host", Port: 2121, Path: "f"}},
		{"FTP://HOST/F", URL{Scheme: "ftp", Host: "HOST", Port: 21, Path: "F"}},
		{"ftps://host/f", URL{Scheme: "ftps", Host: "host", Port: 990, Path: "f"}},
		{"ftps://host:2990/f", URL{Scheme: "ftps", Host: "host", Port: 2990, Path: "f"}},
		{"ftpes://host/f", URL{Scheme: "ftpes", Host: "host", Port: 21, Path: "f"}},
		{"ftp://[::1]:2121/f", URL{Scheme: "ftp", Host: "::1", Port: 2121, Path: "f"}},
		{"ftp://[::1]/", URL{Scheme: "ftp", Host: "::1", Port: 21}},
		{"ftp://bob@host/", URL{Scheme: "ftp", Host: "host", Port: 21, User: "bob"}},
		{"ftp://bob:@host/", URL{Scheme: "ftp", Host: "host", Port: 21, User: "bob", HasPassword: true}},
		{"ftp://bob:pw@host:21/x", URL{Scheme: "ftp", Host: "host", Port: 21, User: "bob", Password: "pw", HasPassword: true, Path: "x"}},
		{"ftp://me%40corp:p%3Aw%2F%40%25@host/", URL{Scheme: "ftp", Host: "host", Port: 21, User: "me@corp", Password: "p:w/@%", HasPassword: true}},
		{"ftp://u:p@ss@host/", URL{Scheme: "ftp", Host: "host", Port: 21, User: "u", Password: "p@ss", HasPassword: true}},
		{"ftp://host/f;type=a", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "f", Type: 'a'}},
		{"ftp://host/d;type=D", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "d", Type: 'd'}},
		{"ftp://host/f;type=x", URL{Scheme: "ftp", Host: "host", Port: 21, Path: "f;type=x"}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.raw)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.raw, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, want %+v", tt.raw, *got, tt.want)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"host/f", "want ftp://"},
		{"http://host/f", `scheme "http" is not ftp, ftpes or ftps`},
		{"ftp:host", "want ftp://host/path"},
		{"ftp:///f", "no host"},
		{"ftp://host:0/", `invalid port "0"`},
		{"ftp://host:70000/", `invalid port "70000"`},
		{"ftp://host:abc/", "invalid port"},
		{"ftp://host/f?x", "percent-encoded"},
		{"ftp://host/f#x", "percent-encoded"},
		{"ftp://host/a%0Db", "CR, LF or NUL"},
		{"ftp://u:a%00b@host/", "CR, LF or NUL"},
		{"ftp://host/a%zz", "invalid URL escape"},
		{"ftp://u:hunter2@host:99999/", `invalid port "99999"`},
		{"ftp://u:hun/ter2@host/", "malformed"},
		{"ftp://u:hun#ter2@host/", "malformed"},
		// A bad escape outside the credentials is named, not blamed on them.
		{"ftp://u:hunter2@host/a%zz", `invalid URL escape "%zz"`},
		{"ftp://u:hunter2@host/100%", `invalid URL escape "%"`},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.raw)
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("ParseURL(%q) = %v, want a *URLError", tt.raw, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.want) {
			t.Errorf("ParseURL(%q) error %q, want one containing %q", tt.raw, msg, tt.want)
		}
		if strings.Contains(msg, "hunter2") || strings.Contains(msg, "ter2") {
			t.Errorf("ParseURL(%q) error %q shows the password", tt.raw, msg)
		}
	}
}

func TestURLRedacted(t *testing.T) {
	for raw, want := range map[string]string{
		"ftp://host/f":                  "ftp://host/f",
		"ftp://bob@host/f":              "ftp://bob@host/f",
		"ftp://bob:secret@host/f":       "ftp://bob:xxxxx@host/f",
		"ftps://bob:secret@host:990/d/": "ftps://bob:xxxxx@host/d/",
		"ftpes://b:s@[::1]:2121//abs":   "ftpes://b:xxxxx@[::1]:2121//abs",
		"ftp://h/a%20b;type=a":          "ftp://h/a%20b;type=a",
		"ftp://b:@h/":                   "ftp://b:xxxxx@h/",
	} {
		u, err := ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Redacted(); got != want {
			t.Errorf("%s: Redacted() = %q, want %q", raw, got, want)
		}
		if s := fmt.Sprint(u); strings.Contains(s, "secret") {
			t.Errorf("%s: String() = %q shows the password", raw, s)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"ftp://host/f":              "ftp://host/f",
		"ftp://bob@host/f":          "ftp://bob@host/f",
		"ftp://bob:secret@host/f":   "ftp://bob:xxxxx@host/f",
		"ftp://bob:se@cr/et@host/f": "ftp://bob:xxxxx@host/f",
		"ftp://bob:se#cret@host/f":  "ftp://bob:xxxxx@host/f",
		"not a url":                 "not a url",
	} {
		if got := RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestURLAddrIsDir(t *testing.T) {
	for _, tc := range []struct {
		raw, addr string
		dir       bool
	}{
		{"ftp://h/", "h:21", true},
		{"ftps://h/f", "h:990", false},
		{"ftp://[::1]:21/d/", "[::1]:21", true},
		{"ftp://1.2.3.4:5/d;type=d", "1.2.3.4:5", true},
	} {
		u, err := ParseURL(tc.raw)
		if err != nil {
			t.Fatal(err)
		}
		if u.Addr() != tc.addr || u.IsDir() != tc.dir {
			t.Errorf("%s: Addr() = %q, IsDir() = %v", tc.raw, u.Addr(), u.IsDir())
		}
	}
}

func TestNewConnectorCredentials(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, "netrc")
	if err := os.WriteFile(rc, []byte("machine h login bob password fromnetrc account acct\nmachine other login eve password evepw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		raw              string
		opts             []DialOption
		user, pass, acct string
		err              string
	}{
		{"ftp://bob:pw@h/", nil, "bob", "pw", "", ""},
		{"ftp://bob@h/", []DialOption{WithNetrc(rc)}, "bob", "fromnetrc", "acct", ""},
		{"ftp://h/", []DialOption{WithNetrc(rc)}, "bob", "fromnetrc", "acct", ""},
		{"ftp://h/", []DialOption{WithoutNetrc()}, "", "", "", ""},
		{"ftp://nobody.example/", []DialOption{WithNetrc(rc)}, "", "", "", ""},
		{"ftp://anonymous@h/", []DialOption{WithNetrc(rc)}, "anonymous", "anonymous@", "", ""},
		{"ftp://FTP@h/", []DialOption{WithNetrc(rc)}, "FTP", "anonymous@", "", ""},
		{"ftp://carol@h/", []DialOption{WithNetrc(rc)}, "", "", "", "no password for carol@h"},
		{"ftp://bob@h/", []DialOption{WithoutNetrc()}, "", "", "", "no password for bob@h"},
		{"http://h/", nil, "", "", "", "scheme"},
	} {
		c, err := NewConnector(tc.raw, tc.opts...)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.raw, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if c.User != tc.user || c.Password != tc.pass || c.Account != tc.acct {
			t.Errorf("%s: %q %q %q, want %q %q %q", tc.raw, c.User, c.Password, c.Account, tc.user, tc.pass, tc.acct)
		}
		for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
			if c.Password != "" && c.Password != "anonymous@" && strings.Contains(s, c.Password) {
				t.Errorf("%s: printed as %q, password shown", tc.raw, s)
			}
		}
	}
}
