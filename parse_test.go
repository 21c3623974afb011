package ftp

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParse150(t *testing.T) {
	for in, want := range map[string]int64{
		"150 Opening BINARY mode data connection for a (1234 bytes).": 1234,
		"150 Opening data connection (0 bytes)":                       0,
		"150 ok (12 BYTES)":                                           12,
		"150 Opening data connection":                                 -1,
		"125 Data connection already open (10 bytes)":                 -1,
		"150 x (-5 bytes)":                                            -1,
		"150 x (abc bytes)":                                           -1,
		"150 x (99999999999999999999999 bytes)":                       -1,
		"150 Data transfer starting 4096 bytes":                       4096,
		"150 Data transfer starting 4096 bytes.":                      4096,
		"150 4.0 kbytes to download":                                  -1,
		"150 Data transfer starting":                                  -1,
		"150 -1 bytes":                                                -1,
	} {
		if got := parse150(in); got != want {
			t.Errorf("parse150(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParse227(t *testing.T) {
	tests := []struct {
		in   string
		ip   string
		port int
		ok   bool
	}{
		{"227 Entering Passive Mode (127,0,0,1,4,1).", "127.0.0.1", 1025, true},
		{"227 Entering Passive Mode 127,0,0,1,4,1", "127.0.0.1", 1025, true},
		{"227 =252,253,254,255,200,1", "252.253.254.255", 51201, true},
		{"227 (10,0,0,1,300,2)", "", 0, false}, // ftplib accepts port 76802
		{"227 (256,0,0,1,1,2)", "", 0, false},
		{"227 (10,0,0,1,0,0)", "", 0, false},
		{"227 no numbers", "", 0, false},
		{"227 (1,2,3,4,5)", "", 0, false},
	}
	for _, tt := range tests {
		ip, port, ok := parse227(tt.in)
		if ok != tt.ok || (ok && (ip != netip.MustParseAddr(tt.ip) || port != tt.port)) {
			t.Errorf("parse227(%q) = %v, %d, %v", tt.in, ip, port, ok)
		}
	}
}

func TestParse229(t *testing.T) {
	for in, want := range map[string]int{
		"229 Entering Extended Passive Mode (|||6446|)": 6446,
		"229 ok (!!!6446!)":                             6446,
		"229 (|||0|)":                                   0,
		"229 (|||65536|)":                               0,
		"229 (|||abc|)":                                 0, // ftplib raises ValueError
		"229 (||6446|)":                                 0,
		"229 |||6446|":                                  0,
		"229 (|||6446|":                                 0,
		"229 (|||6446!)":                                0,
	} {
		got, ok := parse229(in)
		if ok != (want != 0) || got != want {
			t.Errorf("parse229(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

// TestParse257 follows test_ftplib's test_parse257.
func TestParse257(t *testing.T) {
	for in, want := range map[string]string{
		`257 "/foo/bar"`:                "/foo/bar",
		`257 "/foo/bar" created`:        "/foo/bar",
		`257 ""`:                        "",
		`257 "/foo/b""ar"`:              `/foo/b"ar`,
		`257 "/foo/b""ar" created`:      `/foo/b"ar`,
		`257 "unterminated`:             "unterminated",
		`257 /no/quotes`:                "",
		`257 "/a ""b"" c" is current`:   `/a "b" c`,
		`257 "non-ascii dir ®" created`: "non-ascii dir ®",
	} {
		if got := parse257(in); got != want {
			t.Errorf("parse257(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParse150Name(t *testing.T) {
	for in, want := range map[string]string{
		"150 Opening BINARY mode data connection for dir/a.txt (100000 bytes).": "dir/a.txt", // vsftpd
		"150 Opening BINARY mode data connection for hello.txt (12 bytes)":      "hello.txt", // proftpd
		"150 Opening BINARY mode data connection for a (b) c (7 bytes)":         "a (b) c",
		"150 Opening BINARY mode data connection for  x (0 bytes)":              " x",
		"150 Accepted data connection":                                          "", // pure-ftpd
		"150 File status okay. About to open data connection.":                  "", // pyftpdlib
		"150 Opening BINARY mode data connection for f":                         "",
		"125 Opening BINARY mode data connection for f (1 bytes)":               "",
	} {
		got, ok := parse150Name(in)
		if got != want || ok != (want != "") {
			t.Errorf("parse150Name(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func FuzzParsers(f *testing.F) {
	for _, s := range []string{"150 x (12 bytes)", "227 (1,2,3,4,5,6)", "229 (|||1|)", `257 "a""b"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n := parse150(s); n < -1 {
			t.Fatalf("parse150 = %d", n)
		}
		if name, ok := parse150Name(s); ok && !strings.Contains(s, name) || !ok && name != "" {
			t.Fatalf("parse150Name = %q, %v", name, ok)
		}
		if ip, port, ok := parse227(s); ok && (!ip.Is4() || port < 1 || port > 65535) {
			t.Fatalf("parse227 = %v %d", ip, port)
		}
		if port, ok := parse229(s); ok && (port < 1 || port > 65535) {
			t.Fatalf("parse229 = %d", port)
		}
		if d := parse257(s); len(d) > len(s) {
			t.Fatalf("parse257 longer than input")
		}
	})
}
