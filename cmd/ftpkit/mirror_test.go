package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
)

// mirrorURL returns the URL of the directory p on s.
func mirrorURL(s *ftptest.Server, p string) string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(s.User, s.Password), Host: s.Addr, Path: "/" + p}
	return u.String()
}

// runMirror runs ftpkit with args and returns its output and status.
func runMirror(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// listTree returns "NAME SIZE" for each file under dir and "NAME/" for
// each directory, sorted.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case rel == ".":
		case fi.IsDir():
			out = append(out, rel+"/")
		default:
			b, _ := os.ReadFile(p)
			out = append(out, rel+" "+string(b))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMirrorCommand downloads a tree, reruns with --json, prints a dry
// run, uploads, and checks the exit statuses.
func TestMirrorCommand(t *testing.T) {
	s := ftptest.NewServer(t)
	writeFiles(t, filepath.Join(s.Root, "tree"), map[string]string{"a.txt": "a", "d/b.txt": "bb", "d/e/-c": "ccc", "with space/ü": "u"})
	local := filepath.Join(t.TempDir(), "copy")

	out, errs, code := runMirror("mirror", "-P", "3", mirrorURL(s, "tree/"), local)
	if code != 0 {
		t.Fatalf("download: exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "4 copied") {
		t.Errorf("download: summary %q", out)
	}
	if got, want := listTree(t, local), listTree(t, filepath.Join(s.Root, "tree")); !slices.Equal(got, want) {
		t.Fatalf("download: %q, want %q", got, want)
	}
	// Not a terminal: a line per action on stderr.
	if !strings.Contains(errs, "copy d/e/-c (new)\n") || !strings.Contains(errs, "mkdir with space (new)\n") {
		t.Errorf("download: progress lines:\n%s", errs)
	}

	out, _, code = runMirror("mirror", "--json", "-q", mirrorURL(s, "tree"), local)
	var sum struct{ Copied, Skipped, Failed int }
	if err := json.Unmarshal([]byte(out), &sum); code != 0 || err != nil || sum.Copied != 0 || sum.Skipped != 4 {
		t.Errorf("rerun --json: exit %d, %+v, %v:\n%s", code, sum, err, out)
	}

	writeFiles(t, filepath.Join(s.Root, "tree"), map[string]string{"a.txt": "longer"})
	writeFiles(t, local, map[string]string{"extra": "x"})
	before := listTree(t, local)
	out, errs, code = runMirror("mirror", "--dry-run", "--delete", mirrorURL(s, "tree"), local)
	if want := "copy a.txt (size differs)\ndelete extra (not in the source)\n"; code != 0 || out != want {
		t.Errorf("dry run: exit %d, %q (stderr %q), want %q", code, out, errs, want)
	}
	if !slices.Equal(listTree(t, local), before) {
		t.Error("the dry run changed the target")
	}

	up := filepath.Join(s.Root, "up")
	if _, errs, code = runMirror("mirror", "-q", local, mirrorURL(s, "up/")); code != 0 {
		t.Fatalf("upload: exit %d: %s", code, errs)
	}
	if got, want := listTree(t, up), listTree(t, local); !slices.Equal(got, want) {
		t.Errorf("upload: %q, want %q", got, want)
	}

	if _, errs, code = runMirror("mirror", mirrorURL(s, "nonexistent/"), t.TempDir()); code != 6 || !strings.Contains(errs, "nonexistent") || strings.Contains(errs, "mirror: mirror") {
		t.Errorf("missing source: exit %d, %q; want 6 (remote file missing)", code, errs)
	}
	if _, _, code = runMirror("mirror", "only-one"); code != 2 {
		t.Errorf("one argument: exit %d, want 2", code)
	}
	if _, _, code = runMirror("mirror", "-P", "0", "a", "b"); code != 2 {
		t.Errorf("-P 0: exit %d, want 2", code)
	}
}

// TestMirrorBars draws the bars of a terminal.
func TestMirrorBars(t *testing.T) {
	s := ftptest.NewServer(t)
	writeFiles(t, filepath.Join(s.Root, "tree"), map[string]string{"a": strings.Repeat("a", 1<<20), "d/b": "b"})
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = old }()
	local := t.TempDir()
	_, errs, code := runMirror("mirror", mirrorURL(s, "tree"), local)
	if code != 0 || !strings.Contains(errs, "total") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestMirrorServerToServer mirrors between two servers: from server to
// server by default, through this machine with --fxp never.
func TestMirrorServerToServer(t *testing.T) {
	a, b := ftptest.NewServer(t), ftptest.NewServer(t)
	writeFiles(t, filepath.Join(a.Root, "tree"), map[string]string{"a.txt": "a", "d/b.txt": "bb"})
	want := listTree(t, filepath.Join(a.Root, "tree"))
	for _, c := range []struct{ fxp, dir, summary string }{
		{"", "auto", "2 copied (3 B, 2 server to server), 2 directories made"},
		{"never", "never", "2 copied (3 B), 2 directories made"},
	} {
		args := []string{"mirror", mirrorURL(a, "tree"), mirrorURL(b, c.dir)}
		if c.fxp != "" {
			args = append(args[:1], append([]string{"--fxp", c.fxp}, args[1:]...)...)
		}
		out, errs, code := runMirror(args...)
		if code != 0 || !strings.HasPrefix(out, c.summary) {
			t.Errorf("--fxp %q: exit %d, %q (stderr %q); want %q", c.fxp, code, out, errs, c.summary)
		}
		if got := listTree(t, filepath.Join(b.Root, c.dir)); !slices.Equal(got, want) {
			t.Errorf("--fxp %q: %q, want %q", c.fxp, got, want)
		}
	}
	if _, _, code := runMirror("mirror", "--fxp", "sometimes", mirrorURL(a, "tree"), mirrorURL(b, "x")); code != 2 {
		t.Errorf("--fxp sometimes: exit %d, want 2", code)
	}
	if _, errs, code := runMirror("mirror", "--fxp", "always", mirrorURL(a, "tree"), t.TempDir()); code != 1 || !strings.Contains(errs, "need two remote trees") {
		t.Errorf("--fxp always to a local directory: exit %d, %q; want 1", code, errs)
	}
}
