package main

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// treeShape is the layout of a served directory tree for the mirror group:
// top directories d00 ..., each with sub directories s00 ... holding files
// f00 ... of fileSize bytes, and bigN files big0.bin ... of bigSize bytes
// at the top.
type treeShape struct {
	top, sub, files int
	fileSize        int
	bigN            int
	bigSize         int64
}

// fileCount is the number of files in the tree.
func (t treeShape) fileCount() int { return t.top*t.sub*t.files + t.bigN }

// dirCount is the number of directories below the tree's root.
func (t treeShape) dirCount() int { return t.top + t.top*t.sub }

// tree is a served tree: its place under the served root and what a copy
// of it must hold.
type tree struct {
	dir    string           // directory, relative to the served root
	files  map[string]int64 // relative path (with /) -> size
	bytes  int64            // total size
	sample []string         // files whose content a check compares (SHA-256)
}

// makeTree creates shape under root/dir, unless its last file is already
// there with the right size, and returns its manifest. Every file's content
// differs (its first 8 bytes are its number), so that a file copied to the
// wrong name shows up in the sample.
func makeTree(root, dir string, shape treeShape, block []byte) (*tree, error) {
	t := &tree{dir: dir, files: map[string]int64{}}
	type file struct {
		rel  string
		size int64
	}
	var all []file
	for i := range shape.top {
		for j := range shape.sub {
			for k := range shape.files {
				all = append(all, file{fmt.Sprintf("d%02d/s%02d/f%02d", i, j, k), int64(shape.fileSize)})
			}
		}
	}
	for i := range shape.bigN {
		all = append(all, file{fmt.Sprintf("big%d.bin", i), shape.bigSize})
	}
	for i, f := range all {
		t.files[f.rel] = f.size
		t.bytes += f.size
		// About 20 files of every tree and the last one (a big one if
		// there are any).
		if i%max(1, len(all)/20) == 0 || i == len(all)-1 {
			t.sample = append(t.sample, f.rel)
		}
	}
	base := filepath.Join(root, dir)
	last := all[len(all)-1]
	if fi, err := os.Stat(filepath.Join(base, last.rel)); err == nil && fi.Size() == last.size && len(all) == countFiles(base) {
		return t, nil
	}
	if err := os.RemoveAll(base); err != nil {
		return nil, err
	}
	for i, f := range all {
		p := filepath.Join(base, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := writeNumbered(p, f.size, uint64(i), block); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// countFiles counts the regular files below dir (-1 if it cannot).
func countFiles(dir string) int {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		return -1
	}
	return n
}

// writeNumbered writes size bytes to path: num as 8 bytes, then block
// repeated from an offset that depends on num.
func writeNumbered(path string, size int64, num uint64, block []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var head [8]byte
	binary.BigEndian.PutUint64(head[:], num)
	w := io.Writer(f)
	n := min(size, 8)
	_, err = w.Write(head[:n])
	off := int(num*4096) % len(block)
	for n < size && err == nil {
		chunk := block[off:]
		if int64(len(chunk)) > size-n {
			chunk = chunk[:size-n]
		}
		_, err = w.Write(chunk)
		n += int64(len(chunk))
		off = 0
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// check compares the copy in local with the tree: the same files (no
// more, no fewer), each of the same size, and the same SHA-256 for the
// sample, against the served files under root.
func (t *tree) check(root, local string) error {
	got := map[string]int64{}
	err := filepath.WalkDir(local, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(local, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", rel)
		}
		got[filepath.ToSlash(rel)] = fi.Size()
		return nil
	})
	if err != nil {
		return err
	}
	var bytes int64
	for rel, size := range got {
		want, ok := t.files[rel]
		switch {
		case !ok:
			return fmt.Errorf("%s: %s is not in the served tree", local, rel)
		case size != want:
			return fmt.Errorf("%s: %s has %d bytes, want %d", local, rel, size, want)
		}
		bytes += size
	}
	if len(got) != len(t.files) || bytes != t.bytes {
		return fmt.Errorf("%s: %d files, %d bytes; want %d files, %d bytes", local, len(got), bytes, len(t.files), t.bytes)
	}
	for _, rel := range t.sample {
		a, err := fileSHA256(filepath.Join(root, t.dir, rel))
		if err != nil {
			return err
		}
		b, err := fileSHA256(filepath.Join(local, rel))
		if err != nil {
			return err
		}
		if a != b {
			return fmt.Errorf("%s: %s differs from the served file (SHA-256)", local, rel)
		}
	}
	return nil
}

func fileSHA256(path string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// sameFile reports whether the files a and b have the same content.
func sameFile(a, b string) (bool, error) {
	x, err := fileSHA256(a)
	if err != nil {
		return false, err
	}
	y, err := fileSHA256(b)
	if err != nil {
		return false, err
	}
	return x == y, nil
}

// fileStamp identifies one version of a local file: a client that
// rewrites, replaces or touches it (data, times or mode) changes it.
type fileStamp struct {
	ino   uint64
	ctime syscall.Timespec
}

// stamps returns the stamp of every regular file below dir, by relative
// path.
func stamps(dir string) (map[string]fileStamp, error) {
	m := map[string]fileStamp{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return errors.New("no stat_t")
		}
		m[p] = fileStamp{ino: st.Ino, ctime: st.Ctim}
		return nil
	})
	return m, err
}

// changed counts the files of after that are not in before or whose stamp
// differs, plus those of before that are gone.
func changed(before, after map[string]fileStamp) int {
	n := 0
	for p, s := range after {
		if b, ok := before[p]; !ok || b != s {
			n++
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			n++
		}
	}
	return n
}
