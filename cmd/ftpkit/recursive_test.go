package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
)

// writeTree writes under dir a small tree: nested directories, an empty
// one, names with spaces, a file of 300 KiB.
func writeTree(t *testing.T, dir string) {
	t.Helper()
	writeFiles(t, dir, map[string]string{
		"a.txt":               "a\n",
		"d/e/deep.txt":        "deep\n",
		"with space/f g.txt":  "spaced\n",
		"with space/empty.go": "",
	})
	writeRandom(t, filepath.Join(dir, "d", "big.bin"), 300<<10)
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// treeSums returns the SHA-256 of each file under dir, and "dir" for
// each directory, by slash-separated relative path.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case d.IsDir():
			sums[rel] = "dir"
		default:
			s := sum(t, p)
			sums[rel] = hex.EncodeToString(s[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// sameTree fails the test unless the trees under got and want hold the
// same directories and files, byte for byte.
func sameTree(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := treeSums(t, got), treeSums(t, want)
	if len(w) == 0 {
		t.Fatalf("%s: %s is empty", what, want)
	}
	if !maps.Equal(g, w) {
		t.Errorf("%s: %s holds\n%v\nwant (%s)\n%v", what, got, g, want, w)
	}
}

// run1 runs ftpkit and fails the test unless it exits with code and
// prints nothing on stdout; it returns stderr, and checks that no output
// shows the password secret.
func run1(t *testing.T, code int, args ...string) string {
	t.Helper()
	return runHiding(t, secret, code, args...)
}

// runHiding is run1 for the password pass.
func runHiding(t *testing.T, pass string, code int, args ...string) string {
	t.Helper()
	var outb, errb lockedBuffer // -d traces several sessions at once
	got := run(context.Background(), args, strings.NewReader(""), &outb, &errb)
	out, stderr := outb.String(), errb.String()
	if got != code {
		t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, got, code, stderr)
	}
	if strings.Contains(out+stderr, pass) {
		t.Errorf("%q: the output shows the password:\n%s%s", args, out, stderr)
	}
	if out != "" {
		t.Errorf("%q: stdout %q", args, out)
	}
	return stderr
}

// A lockedBuffer is a bytes.Buffer safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestGetRecursive downloads a tree with get -r: by default to its name
// in the current directory, to LOCAL, into LOCAL/; a rerun copies
// nothing; -n, -p; a file URL; failures and their exit statuses.
func TestGetRecursive(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithCredentials("alice", secret))
	remote := filepath.Join(s.Root, "tree")
	writeTree(t, remote)
	work := t.TempDir()
	t.Chdir(work)

	errs := run1(t, 0, "get", "-r", serverURL(s, "tree"))
	sameTree(t, "get -r", filepath.Join(work, "tree"), remote)
	for _, want := range []string{"copy with space/f g.txt (new)\n", "mkdir empty (new)\n", "tree: 5 copied (300.0 KiB), 5 directories made, 0 deleted, 0 skipped, 0 failed in "} {
		if !strings.Contains(errs, want) {
			t.Errorf("get -r: stderr lacks %q:\n%s", want, errs)
		}
	}
	if names := entries(t, work); len(names) != 1 {
		t.Errorf("get -r wrote %q", names)
	}
	errs = run1(t, 0, "get", "-r", serverURL(s, "tree/"))
	if !strings.Contains(errs, "tree: 0 copied (0 B), 0 directories made, 0 deleted, 5 skipped, 0 failed") {
		t.Errorf("rerun: stderr\n%s", errs)
	}

	// -j 4 into LOCAL/; to LOCAL itself, made with its parents; -q.
	into := filepath.Join(work, "into")
	os.Mkdir(into, 0o755)
	run1(t, 0, "get", "-r", "-j", "4", serverURL(s, "tree"), into+"/")
	sameTree(t, "get -r -j 4 URL DIR/", filepath.Join(into, "tree"), remote)
	if errs := run1(t, 0, "-q", "get", "-r", serverURL(s, "tree"), "copy/of"); errs != "" {
		t.Errorf("-q: stderr %q", errs)
	}
	sameTree(t, "get -r URL LOCAL", filepath.Join(work, "copy", "of"), remote)

	// -n downloads what is missing only; without it, files whose size
	// changed are downloaded again.
	writeFiles(t, remote, map[string]string{"a.txt": "changed\n", "d/new.txt": "new\n"})
	errs = run1(t, 0, "get", "-r", "-n", serverURL(s, "tree"))
	if b, _ := os.ReadFile(filepath.Join(work, "tree", "a.txt")); string(b) != "a\n" {
		t.Errorf("get -r -n overwrote a.txt: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(work, "tree", "d", "new.txt")); string(b) != "new\n" {
		t.Errorf("get -r -n: new.txt %q", b)
	}
	if !strings.Contains(errs, "tree: 1 copied") {
		t.Errorf("get -r -n: stderr\n%s", errs)
	}
	run1(t, 0, "get", "-r", serverURL(s, "tree"))
	sameTree(t, "get -r after a change", filepath.Join(work, "tree"), remote)

	// -c completes a shorter local file.
	big := filepath.Join(work, "tree", "d", "big.bin")
	if err := os.Truncate(big, 100<<10); err != nil {
		t.Fatal(err)
	}
	if errs := run1(t, 0, "get", "-r", "-c", serverURL(s, "tree")); !strings.Contains(errs, "copy d/big.bin (partial copy: 102400 of 307200 bytes)\n") {
		t.Errorf("get -r -c: stderr\n%s", errs)
	}
	sameTree(t, "get -r -c", filepath.Join(work, "tree"), remote)

	// -p keeps the times, and compares them: a file of the same size
	// with another time is downloaded again.
	old := time.Date(2020, 5, 17, 10, 20, 30, 0, time.UTC)
	os.Chtimes(filepath.Join(remote, "d", "e", "deep.txt"), old, old)
	run1(t, 0, "get", "-r", "-p", serverURL(s, "tree"), "timed")
	fi, err := os.Stat(filepath.Join(work, "timed", "d", "e", "deep.txt"))
	if err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("get -r -p: deep.txt %v, %v; want the time %v", fi.ModTime(), err, old)
	}
	os.WriteFile(filepath.Join(remote, "d", "e", "deep.txt"), []byte("DEEP\n"), 0o644)
	if errs := run1(t, 0, "get", "-r", "-p", serverURL(s, "tree"), "timed"); !strings.Contains(errs, "copy d/e/deep.txt (modification time differs)\n") ||
		!strings.Contains(errs, "timed: 1 copied") {
		t.Errorf("get -r -p after a change of time: stderr\n%s", errs)
	}
	sameTree(t, "get -r -p", filepath.Join(work, "timed"), remote)

	// A file URL: as get.
	run1(t, 0, "get", "-r", serverURL(s, "tree/with space/f g.txt"))
	if b, _ := os.ReadFile(filepath.Join(work, "f g.txt")); string(b) != "spaced\n" {
		t.Errorf("get -r FILE: %q", b)
	}

	// Failures.
	if errs := run1(t, exitNotFound, "get", "-r", serverURL(s, "nodir")); !strings.Contains(errs, "nodir") {
		t.Errorf("missing directory: stderr %q", errs)
	}
	run1(t, exitNotFound, "get", "-r", serverURL(s, "nodir/"), "target")
	if _, err := os.Lstat(filepath.Join(work, "target")); err == nil {
		t.Error("a missing directory made the local target")
	}
	run1(t, exitUsage, "get", "-r", serverURL(s, ""))
	run1(t, exitUsage, "get", "-r", serverURL(s, "tree"), "-")
	run1(t, exitLocal, "get", "-r", serverURL(s, "tree"), "f g.txt")
	run1(t, exitLocal, "get", "-r", serverURL(s, "tree"), "nodir/")

	// A local file where the tree has a directory is left alone.
	conflict := filepath.Join(work, "conflict")
	writeFiles(t, conflict, map[string]string{"d": "a file\n"})
	if errs := run1(t, exitFailure, "get", "-r", serverURL(s, "tree"), conflict); !strings.Contains(errs, "a file is in the way") {
		t.Errorf("conflict: stderr\n%s", errs)
	}
	if b, _ := os.ReadFile(filepath.Join(conflict, "d")); string(b) != "a file\n" {
		t.Errorf("conflict: d is %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(conflict, "with space", "f g.txt")); string(b) != "spaced\n" {
		t.Errorf("conflict: the rest was not downloaded: %q", b)
	}

	// The protocol trace does not show the password either.
	run1(t, 0, "-d", "get", "-r", serverURL(s, "tree"), "traced")
}

// TestPutRecursive uploads a tree with put -r: into URL/ under its
// name, to URL itself; a rerun copies nothing; -n; failures.
func TestPutRecursive(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithCredentials("alice", secret))
	work := t.TempDir()
	t.Chdir(work)
	src := filepath.Join(work, "site")
	writeTree(t, src)

	errs := run1(t, 0, "put", "-r", "site", serverURL(s, ""))
	sameTree(t, "put -r DIR URL/", filepath.Join(s.Root, "site"), src)
	if !strings.Contains(errs, "copy with space/f g.txt (new)\n") || !strings.Contains(errs, "site: 5 copied (300.0 KiB), 5 directories made") {
		t.Errorf("put -r: stderr\n%s", errs)
	}
	if errs := run1(t, 0, "put", "-r", "site/", serverURL(s, "")); !strings.Contains(errs, "site: 0 copied (0 B), 0 directories made, 0 deleted, 5 skipped, 0 failed") {
		t.Errorf("rerun: stderr\n%s", errs)
	}

	run1(t, 0, "-q", "put", "-r", "-j", "4", src, serverURL(s, "www/htdocs"))
	sameTree(t, "put -r -j 4 DIR URL", filepath.Join(s.Root, "www", "htdocs"), src)

	// -n uploads what is missing only.
	writeFiles(t, src, map[string]string{"a.txt": "changed\n", "d/new.txt": "new\n"})
	run1(t, 0, "put", "-r", "-n", src, serverURL(s, "www/htdocs"))
	if b, _ := os.ReadFile(filepath.Join(s.Root, "www", "htdocs", "a.txt")); string(b) != "a\n" {
		t.Errorf("put -r -n overwrote a.txt: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(s.Root, "www", "htdocs", "d", "new.txt")); string(b) != "new\n" {
		t.Errorf("put -r -n: new.txt %q", b)
	}
	run1(t, 0, "put", "-r", src, serverURL(s, "www/htdocs"))
	sameTree(t, "put -r after a change", filepath.Join(s.Root, "www", "htdocs"), src)

	// Failures.
	run1(t, exitNotFound, "put", "-r", src, serverURL(s, "nodir/"))
	run1(t, exitLocal, "put", "-r", "nodir", serverURL(s, ""))
	run1(t, exitUsage, "put", "-r", "-", serverURL(s, "x"))
	run1(t, exitFailure, "put", "-r", src, serverURL(s, "site/a.txt"))
	run1(t, 0, "-d", "put", "-r", src, serverURL(s, "traced"))
}

// TestRecursiveRealServers runs get -r and put -r against each real
// server: identical trees, a rerun that copies nothing, a missing
// directory.
func TestRecursiveRealServers(t *testing.T) {
	t.Parallel()
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := realserver.Start(t, kind, realserver.Config{})
			local := t.TempDir()
			src := filepath.Join(local, "src")
			writeTree(t, src)
			s.Mkdir("tree")
			s.Mkdir("up")
			for rel, want := range treeSums(t, src) {
				if want == "dir" {
					s.Mkdir("tree/" + rel)
					continue
				}
				b, _ := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
				s.WriteFile("tree/"+rel, b)
			}
			run := func(code int, args ...string) string {
				t.Helper()
				return runHiding(t, s.Password, code, args...)
			}

			got := filepath.Join(local, "got")
			run(0, "-q", "get", "-r", "-j", "4", rsURL(s, "tree"), got)
			sameTree(t, "get -r", got, s.Path("tree"))
			if errs := run(0, "get", "-r", rsURL(s, "tree/"), got); !strings.Contains(errs, "got: 0 copied") {
				t.Errorf("get -r rerun: stderr\n%s", errs)
			}

			run(0, "-q", "put", "-r", "-j", "4", src, rsURL(s, "up/"))
			sameTree(t, "put -r", s.Path("up/src"), src)
			if errs := run(0, "put", "-r", src, rsURL(s, "up/src")); !strings.Contains(errs, "up/src: 0 copied") {
				t.Errorf("put -r rerun: stderr\n%s", errs)
			}

			run(exitNotFound, "get", "-r", rsURL(s, "nodir"), filepath.Join(local, "none"))
			run(exitNotFound, "get", "-r", rsURL(s, "nodir/"), filepath.Join(local, "none"))
			if _, err := os.Lstat(filepath.Join(local, "none")); err == nil {
				t.Error("a missing directory made the local target")
			}
		})
	}
}

// TestRecursiveBars draws the bars of a terminal for get -r.
func TestRecursiveBars(t *testing.T) {
	s := ftptest.NewServer(t)
	writeTree(t, filepath.Join(s.Root, "tree"))
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = old }()
	local := filepath.Join(t.TempDir(), "copy")
	errs := run1(t, 0, "get", "-r", serverURL(s, "tree"), local)
	if !strings.Contains(errs, "total") || !strings.Contains(errs, "copy: 5 copied") {
		t.Errorf("stderr %q", errs)
	}
	sameTree(t, "get -r", local, filepath.Join(s.Root, "tree"))
}

// TestHelpCommands checks that --help lists every command, and that
// help mirror and get --help describe what they should.
func TestHelpCommands(t *testing.T) {
	out := run1Out(t, "--help")
	for _, c := range newRootCmd(newOptions(nil, io.Discard, io.Discard, nil)).Commands() {
		if c.Hidden {
			continue
		}
		if !strings.Contains(out, "\n  "+c.Name()+" ") {
			t.Errorf("--help does not list %s:\n%s", c.Name(), out)
		}
	}
	if out := run1Out(t, "help", "mirror"); !strings.Contains(out, "ftpkit mirror [flags] SOURCE TARGET") || !strings.Contains(out, "--delete") {
		t.Errorf("help mirror:\n%s", out)
	}
	for _, c := range []string{"get", "put"} {
		if out := run1Out(t, c, "--help"); !strings.Contains(out, "-r, --recursive") || !strings.Contains(out, "through the\nengine of \"ftpkit mirror\"") {
			t.Errorf("%s --help:\n%s", c, out)
		}
	}
}

// run1Out runs ftpkit, which must succeed and print nothing on stderr,
// and returns its standard output.
func run1Out(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := ftpkit(t, args...)
	if code != 0 || stderr != "" {
		t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
	}
	return out
}
