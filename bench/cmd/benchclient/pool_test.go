package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
)

// servePool starts an FTP server with count files d/f0000 ... and points
// the client flags at it.
func servePool(t *testing.T, library string, count int) *ftptest.Server {
	t.Helper()
	srv := ftptest.NewServer(t)
	if err := os.Mkdir(filepath.Join(srv.Root, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range count {
		data := bytes.Repeat([]byte{byte(i)}, 100+i)
		if err := os.WriteFile(filepath.Join(srv.Root, "d", fmt.Sprintf("f%04d", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	*lib, *addr, *user, *pass, *caFile = library, srv.Addr, srv.User, srv.Password, ""
	return srv
}

// TestConnPoolGet downloads a directory's files over 4 connections of each
// library and compares them with the served ones.
func TestConnPoolGet(t *testing.T) {
	for _, l := range []string{"ftpkit", "jlaffaye"} {
		t.Run(l, func(t *testing.T) {
			srv := servePool(t, l, 25)
			local := t.TempDir()
			p, err := parsePoolArgs([]string{"-n", "4", "d", "25", local})
			if err != nil {
				t.Fatal(err)
			}
			if err := connPoolGet(p); err != nil {
				t.Fatal(err)
			}
			ents, err := os.ReadDir(local)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != 25 {
				t.Errorf("%d files downloaded, want 25", len(ents))
			}
			for i := range 25 {
				want, _ := os.ReadFile(filepath.Join(srv.Root, "d", fmt.Sprintf("f%04d", i)))
				got, err := os.ReadFile(p.file(i))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("f%04d: %d bytes (%v), want the %d served", i, len(got), err, len(want))
				}
			}
		})
	}
}

// TestConnPoolGetMissing checks that a file missing on the server fails
// the download.
func TestConnPoolGetMissing(t *testing.T) {
	servePool(t, "ftpkit", 5)
	p, err := parsePoolArgs([]string{"-n", "3", "d", "6", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := connPoolGet(p); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestParsePoolArgs(t *testing.T) {
	for _, args := range [][]string{{"d", "x", "l"}, {"d", "1"}, {"-n", "0", "d", "1", "l"}} {
		if _, err := parsePoolArgs(args); err == nil {
			t.Errorf("parsePoolArgs(%q): no error", args)
		}
	}
	p, err := parsePoolArgs([]string{"d", "3", "l"})
	if err != nil {
		t.Fatal(err)
	}
	if p.n != 8 || p.remote(2) != "d/f0002" || p.file(2) != filepath.Join("l", "f0002") {
		t.Errorf("parsePoolArgs: n %d, remote %q, file %q", p.n, p.remote(2), p.file(2))
	}
}

// TestImplemented checks which operations each library offers: the pooled
// client's none until kitclient.go assigns them.
func TestImplemented(t *testing.T) {
	for _, c := range []struct {
		lib, op string
		want    bool
	}{
		{"ftpkit", "pool-get", true},
		{"jlaffaye", "pool-get", true},
		{"ftpkit", "seg-get", false},
		{"ftpkit-client", "many", false},
		{"ftpkit-client", "pool-get", kitPoolGet != nil},
		{"ftpkit-client", "seg-get", kitSegGet != nil},
		{"other", "get", false},
	} {
		if got := implemented(c.lib, c.op); got != c.want {
			t.Errorf("implemented(%q, %q) = %v, want %v", c.lib, c.op, got, c.want)
		}
	}
}
