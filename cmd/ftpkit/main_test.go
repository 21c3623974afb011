package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if binDir != "" {
			os.RemoveAll(binDir)
		}
		os.Exit(code)
	}))
}

var (
	binOnce sync.Once
	binDir  string // holds the binary; readable by all, for tests that run it as another user
	binPath string
	binErr  error
)

// binary returns the ftpkit binary, built once, for the tests that run
// it as a process (signals, terminals, umask, other users).
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "ftpkit-test-bin-"); binErr != nil {
			return
		}
		if binErr = os.Chmod(binDir, 0o755); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "ftpkit")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// command returns the ftpkit binary's command for args, with the
// test's environment (no netrc file, see TestMain).
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	return exec.Command(binary(t), args...)
}

// waitFor waits up to 10 seconds for cond to hold.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
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
