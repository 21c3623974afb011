package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// copyTree makes a copy of root/dir in a new directory and returns it.
func copyTree(t *testing.T, root, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-a", filepath.Join(root, dir), dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	return dst
}

// TestTreeCheck makes a tree and checks that check accepts an exact copy
// and rejects a copy with a file missing, an extra file, a file of
// another size or a sampled file of other content of the same size.
func TestTreeCheck(t *testing.T) {
	root := t.TempDir()
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i * 7)
	}
	shape := treeShape{top: 2, sub: 3, files: 4, fileSize: 4096, bigN: 1, bigSize: 3 << 20}
	tr, err := makeTree(root, "tree", shape, block)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.files) != shape.fileCount() || shape.fileCount() != 25 || shape.dirCount() != 8 {
		t.Fatalf("%d files in the manifest, shape %d files and %d dirs; want 25, 25, 8", len(tr.files), shape.fileCount(), shape.dirCount())
	}
	if tr.bytes != 24*4096+3<<20 {
		t.Errorf("%d bytes, want %d", tr.bytes, 24*4096+3<<20)
	}
	if n := countFiles(filepath.Join(root, "tree")); n != 25 {
		t.Errorf("%d files made, want 25", n)
	}
	if err := tr.check(root, copyTree(t, root, "tree")); err != nil {
		t.Errorf("exact copy: %v", err)
	}
	// Two files of the tree differ.
	a, _ := os.ReadFile(filepath.Join(root, "tree", "d00/s00/f00"))
	b, _ := os.ReadFile(filepath.Join(root, "tree", "d00/s00/f01"))
	if string(a) == string(b) {
		t.Error("d00/s00/f00 and f01 have the same content")
	}
	for name, spoil := range map[string]func(dir string) error{
		"missing": func(dir string) error { return os.Remove(filepath.Join(dir, "d01/s02/f03")) },
		"extra":   func(dir string) error { return os.WriteFile(filepath.Join(dir, "d01/x"), nil, 0o644) },
		"size":    func(dir string) error { return os.Truncate(filepath.Join(dir, "big0.bin"), 1<<20) },
		"content": func(dir string) error {
			// d00/s00/f00 is the first file: always sampled.
			return os.WriteFile(filepath.Join(dir, "d00/s00/f00"), b, 0o644)
		},
	} {
		dir := copyTree(t, root, "tree")
		if err := spoil(dir); err != nil {
			t.Fatal(err)
		}
		if err := tr.check(root, dir); err == nil {
			t.Errorf("%s: check passed", name)
		}
	}
	// A second makeTree keeps the files.
	before, err := stamps(filepath.Join(root, "tree"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := makeTree(root, "tree", shape, block); err != nil {
		t.Fatal(err)
	}
	after, err := stamps(filepath.Join(root, "tree"))
	if err != nil {
		t.Fatal(err)
	}
	if n := changed(before, after); n != 0 {
		t.Errorf("makeTree over an existing tree changed %d files", n)
	}
}

// TestChanged checks that changed counts rewritten, touched, new and
// removed files, and nothing else.
func TestChanged(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c", "d"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before, err := stamps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := changed(before, before); n != 0 {
		t.Errorf("no change: %d", n)
	}
	// Replaced (new inode), chmod (new ctime), removed, created: 4.
	os.Remove(filepath.Join(dir, "a"))
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	os.Chmod(filepath.Join(dir, "b"), 0o600)
	os.Remove(filepath.Join(dir, "c"))
	os.WriteFile(filepath.Join(dir, "e"), nil, 0o644)
	after, err := stamps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := changed(before, after); n != 4 {
		t.Errorf("changed = %d, want 4", n)
	}
}

func TestSlug(t *testing.T) {
	if got := slug("rclone sync, 8 transfers"); got != "rclone_sync__8_transfers" {
		t.Errorf("slug = %q", got)
	}
}
