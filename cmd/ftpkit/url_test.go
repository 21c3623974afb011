package main

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want ftpURL
	}{
		{"ftp://host", ftpURL{Host: "host", Port: 21}},
		{"ftp://host/", ftpURL{Host: "host", Port: 21}},
		{"ftp://host/f.txt", ftpURL{Host: "host", Port: 21, Path: "f.txt"}},
		{"ftp://host/dir/f", ftpURL{Host: "host", Port: 21, Path: "dir/f"}},
		{"ftp://host/dir/", ftpURL{Host: "host", Port: 21, Path: "dir/"}},
		{"ftp://host//abs/f", ftpURL{Host: "host", Port: 21, Path: "/abs/f"}},
		{"ftp://host/%2Fabs/f", ftpURL{Host: "host", Port: 21, Path: "/abs/f"}},
		{"ftp://host/a%20b%23c%3F", ftpURL{Host: "host", Port: 21, Path: "a b#c?"}},
		{"ftp://host:2121/f", ftpURL{Host: "host", Port: 2121, Path: "f"}},
		{"FTP://HOST/F", ftpURL{Host: "HOST", Port: 21, Path: "F"}},
		{"ftps://host/f", ftpURL{Implicit: true, Host: "host", Port: 990, Path: "f"}},
		{"ftps://host:2990/f", ftpURL{Implicit: true, Host: "host", Port: 2990, Path: "f"}},
		{"ftp://[::1]:2121/f", ftpURL{Host: "::1", Port: 2121, Path: "f"}},
		{"ftp://[::1]/", ftpURL{Host: "::1", Port: 21}},
		{"ftp://bob@host/", ftpURL{Host: "host", Port: 21, User: "bob", HasUser: true}},
		{"ftp://bob:@host/", ftpURL{Host: "host", Port: 21, User: "bob", HasUser: true, HasPass: true}},
		{"ftp://bob:pw@host:21/x", ftpURL{Host: "host", Port: 21, User: "bob", Pass: "pw", HasUser: true, HasPass: true, Path: "x"}},
		{"ftp://me%40corp:p%3Aw%2F%40%25@host/", ftpURL{Host: "host", Port: 21, User: "me@corp", Pass: "p:w/@%", HasUser: true, HasPass: true}},
		{"ftp://u:p@ss@host/", ftpURL{Host: "host", Port: 21, User: "u", Pass: "p@ss", HasUser: true, HasPass: true}},
	}
	for _, tt := range tests {
		got, err := parseURL(tt.raw)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tt.raw, err)
			continue
		}
		if *got != tt.want {
			t.Errorf("parseURL(%q) = %+v, want %+v", tt.raw, *got, tt.want)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"host/f", "want ftp://"},
		{"http://host/f", `scheme "http" is not ftp or ftps`},
		{"ftp:host", "want ftp://host/path"},
		{"ftp:///f", "no host"},
		{"ftp://host:0/", `invalid port "0"`},
		{"ftp://host:70000/", `invalid port "70000"`},
		{"ftp://host:abc/", "invalid port"},
		{"ftp://host/f?x", "percent-encoded"},
		{"ftp://host/f#x", "percent-encoded"},
		{"ftp://host/a%0Db", "CR, LF or NUL"},
		{"ftp://host/a%zz", "invalid URL escape"},
		{"ftp://u:hunter2@host:99999/", `invalid port "99999"`},
		{"ftp://u:hun/ter2@host/", "malformed"},
		{"ftp://u:hun#ter2@host/", "malformed"},
	}
	for _, tt := range tests {
		_, err := parseURL(tt.raw)
		if err == nil {
			t.Errorf("parseURL(%q) succeeded", tt.raw)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "bad URL ") || !strings.Contains(msg, tt.want) {
			t.Errorf("parseURL(%q) error %q, want one containing %q", tt.raw, msg, tt.want)
		}
		if strings.Contains(msg, "hunter2") || strings.Contains(msg, "ter2") {
			t.Errorf("parseURL(%q) error %q shows the password", tt.raw, msg)
		}
		if _, ok := err.(*usageError); !ok {
			t.Errorf("parseURL(%q) error is %T, want *usageError", tt.raw, err)
		}
	}
}

func TestMaskURL(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"ftp://host/f", "ftp://host/f"},
		{"ftp://bob@host/f", "ftp://bob@host/f"},
		{"ftp://bob:secret@host/f", "ftp://bob:***@host/f"},
		{"ftp://bob:se@cr/et@host/f", "ftp://bob:***@host/f"},
		{"ftp://bob:se#cret@host/f", "ftp://bob:***@host/f"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := maskURL(tt.raw); got != tt.want {
			t.Errorf("maskURL(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestAddr(t *testing.T) {
	for raw, want := range map[string]string{
		"ftp://h/":         "h:21",
		"ftps://h/":        "h:990",
		"ftp://[::1]:21/":  "[::1]:21",
		"ftp://1.2.3.4:5/": "1.2.3.4:5",
	} {
		u, err := parseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Addr(); got != want {
			t.Errorf("%s: Addr() = %q, want %q", raw, got, want)
		}
	}
}
