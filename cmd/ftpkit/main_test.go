package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ftpkit/ftp/ftptest"
)

func TestMain(m *testing.M) {
	// No test may read the real ~/.netrc: point NETRC at a file that does
	// not exist, unless a test sets it with t.Setenv.
	os.Setenv("NETRC", filepath.Join(os.TempDir(), "ftpkit-test-no-such-netrc"))
	os.Unsetenv("FTPKIT_PASSWORD")
	// Nor may a test ask for a password on the terminal it runs in.
	openTTY = func() (*os.File, error) { return nil, os.ErrNotExist }
	goleak.VerifyTestMain(m)
}

// ftpkit runs the command in-process and returns its output and exit
// status.
func ftpkit(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// ftpkitIn runs the command in-process with stdin as standard input.
func ftpkitIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// mustRun runs the command and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := ftpkit(t, args...)
	if code != 0 {
		t.Fatalf("ftpkit %q: exit %d, stderr:\n%s", args, code, stderr)
	}
	return out
}

// serverURL returns the URL of p on s, with s's credentials.
func serverURL(s *ftptest.Server, p string) string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(s.User, s.Password), Host: s.Addr, Path: "/" + p}
	return u.String()
}
