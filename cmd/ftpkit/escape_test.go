package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ftpkit/ftp/ftptest"
)

// checkPrintable fails the test if s holds a control character other
// than a newline: C0, DEL, C1 or a byte that is not UTF-8.
func checkPrintable(t *testing.T, what, s string) {
	t.Helper()
	for i, r := range s {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == utf8.RuneError {
			t.Errorf("%s: control character %U at %d:\n%q", what, r, i, s)
			return
		}
	}
}

// TestServerTextEscaped checks that names and replies from the server
// reach the terminal with their control characters escaped: a listing
// cannot clear the screen or set the terminal's title.
func TestServerTextEscaped(t *testing.T) {
	s := ftptest.NewServer(t)
	names := []string{"clear\x1b[2J.txt", "title\x1b]0;pwned\x07.txt", "csi\u009b31m.txt", "del\x7f.txt"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(s.Root, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	url := serverURL(s, "")
	glob := "ftp://" + s.User + ":" + s.Password + "@" + s.Addr + "/*"

	out := mustRun(t, "ls", url)
	want := `clear\x1b[2J.txt` + "\n" + `csi\u009b31m.txt` + "\n" + `del\x7f.txt` + "\n" + `title\x1b]0;pwned\x07.txt` + "\n"
	if out != want {
		t.Errorf("ls:\n%s\nwant:\n%s", out, want)
	}
	for _, args := range [][]string{
		{"ls", "-l", url},
		{"ls", "--json", url},
		{"ls", "-R", url},
		{"ls", glob},
		{"stat", glob},
		{"stat", "--json", glob},
	} {
		out, stderr, code := ftpkit(t, args...)
		if code != 0 {
			t.Errorf("%q: exit %d, %s", args, code, stderr)
		}
		checkPrintable(t, strings.Join(args[:len(args)-1], " "), out+stderr)
		if !strings.Contains(out, `title\`) {
			t.Errorf("%q does not show the escaped name:\n%s", args, out)
		}
	}

	// Replies: in errors, in retry messages, from quote.
	s.Fail("RETR", 1, "550 \x1b[2Jgone\x1b]0;pwned\x07")
	_, stderr, code := ftpkit(t, "get", serverURL(s, "del\x7f.txt"), t.TempDir())
	if code != exitNotFound || !strings.Contains(stderr, `550 \x1b[2Jgone\x1b]0;pwned\x07`) {
		t.Errorf("get: exit %d, stderr %q", code, stderr)
	}
	checkPrintable(t, "error", stderr)
	s.Fail("RETR", 1, "451 \x1b[2Jbusy")
	_, stderr, _ = ftpkit(t, "--retries=1", "get", serverURL(s, "del\x7f.txt"), t.TempDir())
	if !strings.Contains(stderr, `451 \x1b[2Jbusy; retry 1 of 1 in`) {
		t.Errorf("retry message: %q", stderr)
	}
	checkPrintable(t, "retry message", stderr)
	s.Fail("NOOP", 1, "200 \x1b[2Jfine\x1b]0;pwned\x07")
	out = mustRun(t, "quote", url, "NOOP")
	if out != `200 \x1b[2Jfine\x1b]0;pwned\x07`+"\n" {
		t.Errorf("quote: %q", out)
	}
}
