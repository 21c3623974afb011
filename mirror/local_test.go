package mirror_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp/mirror"
)

var base = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

var smallTree = map[string]string{
	"a.txt":          "alpha",
	"empty":          "",
	"dir/b.txt":      "bravo",
	"dir/sub/c.txt":  "charlie",
	"dir/emptydir/":  "",
	"with space/d d": "delta",
	"-dash/-e":       "echo",
	"ünïcödé/ƒ.txt":  "foxtrot",
}

// TestLocalMirror mirrors between local directories: a copy, a no-op
// rerun, three changes, deletions, a dry run.
func TestLocalMirror(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "new")
	writeTree(t, src, smallTree, base)

	sum, err := mirror.Run(ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameTrees(t, src, dst)
	if sum.Copied != 7 || sum.Made != 7 || sum.Failed != 0 {
		t.Errorf("first run: %+v", sum)
	}

	sum, err = mirror.Run(ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{})
	if err != nil || sum.Copied != 0 || sum.Made != 0 || sum.Skipped != 7 {
		t.Errorf("rerun: %+v, %v", sum, err)
	}

	// Three changes: a size, a time, a new file; an extra in the target.
	writeTree(t, src, map[string]string{"a.txt": "alpha2"}, base)
	writeTree(t, src, map[string]string{"dir/b.txt": "BRAVO"}, base.Add(time.Hour))
	writeTree(t, src, map[string]string{"dir/sub/new": "new"}, base)
	writeTree(t, dst, map[string]string{"extra/x": "x", "dir/y": "y"}, base)

	acts, errs := planOf(t, ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{Delete: true})
	want := []string{
		"copy a.txt (size differs)",
		"delete extra/ (not in the source)",
		"copy dir/b.txt (modification time differs)",
		"delete dir/y (not in the source)",
		"copy dir/sub/new (new)",
	}
	if got := changes(acts); len(errs) > 0 || !slices.Equal(got, want) {
		t.Fatalf("plan = %q, %v; want %q", got, errs, want)
	}
	before := fingerprint(t, dst)
	if !slices.Equal(fingerprint(t, dst), before) {
		t.Fatal("the plan changed the target")
	}

	sum, err = mirror.Run(ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{})
	if err != nil || sum.Copied != 3 || sum.Deleted != 0 {
		t.Errorf("changes: %+v, %v", sum, err)
	}
	sum, err = mirror.Run(ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{Delete: true})
	if err != nil || sum.Copied != 0 || sum.Deleted != 2 {
		t.Errorf("delete: %+v, %v", sum, err)
	}
	sameTrees(t, src, dst)
}

// TestLocalLinks recreates links that stay in the tree and refuses one
// that leads out; a link in the target where a file goes is replaced,
// not written through.
func TestLocalLinks(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	src, dst := t.TempDir(), t.TempDir()
	outside := t.TempDir()
	writeTree(t, src, map[string]string{"f": "file", "d/g": "g"}, base)
	must(t, os.Symlink("f", filepath.Join(src, "in")))
	must(t, os.Symlink("../f", filepath.Join(src, "d", "up")))
	must(t, os.Symlink("../../etc", filepath.Join(src, "d", "out")))
	must(t, os.Symlink("/", filepath.Join(src, "root")))
	// The target has a link where the source has a file, and one where
	// the source has a directory.
	must(t, os.Symlink(filepath.Join(outside, "victim"), filepath.Join(dst, "f")))
	must(t, os.Symlink(outside, filepath.Join(dst, "d")))

	sum, err := mirror.Run(ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{})
	if err == nil || sum.Failed != 2 || sum.Linked != 2 {
		t.Fatalf("Run = %+v, %v; want 2 links made, 2 refused", sum, err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("%d entries were written through the target's links", len(ents))
	}
	if fi, err := os.Lstat(filepath.Join(dst, "d")); err != nil || !fi.IsDir() {
		t.Errorf("the link d was not replaced by a directory: %v", err)
	}
	got := fingerprint(t, dst)
	for _, l := range []string{"l in -> f", "l d/up -> ../f"} {
		if !slices.Contains(got, l) {
			t.Errorf("target lacks %q: %q", l, got)
		}
	}
	for _, name := range []string{"root", "d/out"} {
		if _, err := os.Lstat(filepath.Join(dst, name)); err == nil {
			t.Errorf("unsafe link %s was made", name)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
