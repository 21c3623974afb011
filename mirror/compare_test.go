package mirror_test

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/mirror"
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestMDTMOnlyWhenUndecided compares LIST times (a date only): MDTM is
// asked only for the file whose listed date disagrees with the local
// time while the sizes agree, and a file whose size differs is copied
// without one.
func TestMDTMOnlyWhenUndecided(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	ft := &fakeTree{
		dirs: map[string][]string{"": {
			"-rw-r--r-- 1 u g 4 May  6  2024 agrees",
			"-rw-r--r-- 1 u g 4 May  9  2024 shifted",
			"-rw-r--r-- 1 u g 5 May  6  2024 longer",
		}},
		files: map[string]string{"agrees": "aaaa", "shifted": "ssss", "longer": "lllll"},
	}
	c, f := ft.serve(t, 2)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"agrees": "aaaa", "shifted": "ssss", "longer": "llll"}, base)
	acts, errs := planOf(t, ctx, mirror.Remote(c, ""), mirror.Local(dst), mirror.Options{})
	want := []string{"skip agrees (up to date)", "copy longer (size differs)", "skip shifted (up to date)"}
	if len(errs) > 0 || !slices.Equal(acts, want) {
		t.Fatalf("plan = %q, %v; want %q", acts, errs, want)
	}
	var mdtm []string
	for _, cmd := range f.Commands() {
		if strings.HasPrefix(cmd, "MDTM") {
			mdtm = append(mdtm, cmd)
		}
	}
	if !slices.Equal(mdtm, []string{"MDTM shifted"}) {
		t.Errorf("MDTM commands %q, want only MDTM shifted", mdtm)
	}
}

// TestChecksum compares files of the same size by XSHA256.
func TestChecksum(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	line := func(name string) string { return "type=file;size=4;modify=20240506070809; " + name }
	ft := &fakeTree{
		mlsd:  true,
		feat:  []string{"XSHA256"},
		dirs:  map[string][]string{"": {line("same"), line("diff")}},
		files: map[string]string{"same": "same", "diff": "DIFF"},
		sums:  map[string]string{"same": sha("same"), "diff": sha("DIFF")},
	}
	c, _ := ft.serve(t, 2)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"same": "same", "diff": "diff"}, base)
	acts, errs := planOf(t, ctx, mirror.Remote(c, ""), mirror.Local(dst), mirror.Options{Checksum: true})
	want := []string{"note: files of the same size are compared by SHA-256 checksum", "copy diff (SHA-256 differs)", "skip same (same SHA-256)"}
	if len(errs) > 0 || !slices.Equal(acts, want) {
		t.Fatalf("plan = %q, %v; want %q", acts, errs, want)
	}

	// Without a checksum command: a clear error, and nothing else.
	ft.feat = nil
	c, _ = ft.serve(t, 2)
	acts, errs = planOf(t, ctx, mirror.Remote(c, ""), mirror.Local(dst), mirror.Options{Checksum: true})
	if len(acts) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "offers no checksum command") {
		t.Errorf("plan without checksums = %q, %v", acts, errs)
	}
}

// TestOptions checks SizeOnly, IgnoreTime, OnlyNewer, filters and
// Continue on local trees.
func TestOptions(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"old": "1234", "new": "1234", "keep.c": "c", "skip.o": "o", "cache/x.c": "x", "doc/a.c": "a", "part": "0123456789"}, base)
	writeTree(t, dst, map[string]string{"old": "abcd", "new": "abcdef"}, base.Add(time.Hour))
	writeTree(t, dst, map[string]string{"part": "01234"}, base.Add(time.Minute))
	writeTree(t, src, map[string]string{"new": "1234"}, base.Add(2*time.Hour))
	for _, tc := range []struct {
		name string
		opts mirror.Options
		want []string
	}{
		{"default", mirror.Options{Exclude: []string{"*.o", "cache/", "doc", "*.c"}}, []string{
			"copy new (size differs)", "copy old (modification time differs)", "copy part (size differs)"}},
		{"size-only", mirror.Options{SizeOnly: true, Exclude: []string{"*.o", "**/*.c"}}, []string{
			"mkdir cache (new)", "mkdir doc (new)", "copy new (size differs)", "copy part (size differs)"}},
		{"only-newer", mirror.Options{OnlyNewer: true, Include: []string{"/new", "old", "doc/**"}}, []string{
			"mkdir cache (new)", "mkdir doc (new)", "copy new (size differs)", "copy doc/a.c (new)"}},
		{"continue", mirror.Options{Continue: true, Include: []string{"part"}}, []string{
			"mkdir cache (new)", "mkdir doc (new)", "copy part (partial copy: 5 of 10 bytes)"}},
	} {
		acts, errs := planOf(t, ctx, mirror.Local(src), mirror.Local(dst), tc.opts)
		if got := changes(acts); len(errs) > 0 || !slices.Equal(got, tc.want) {
			t.Errorf("%s: plan = %q, %v; want %q", tc.name, got, errs, tc.want)
		}
	}
	sum := run(t, ctx, mirror.Local(src), mirror.Local(dst), mirror.Options{Continue: true, Include: []string{"part"}})
	if sum.Copied != 1 {
		t.Errorf("continue: %+v", sum)
	}
	if fp := fingerprint(t, dst); !slices.Contains(fp, "f part "+sha("0123456789")[:16]) {
		t.Errorf("continued file: %q", fp)
	}
}
