package mirror_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/mirror"
)

// hostileEntries are the hostile lines of the fake's listings, as
// facts and name; the MLSD and LIST forms are made from them.
var hostileEntries = []struct{ typ, name, target string }{
	{"file", "../evil1", ""},
	{"file", "/abs-evil", ""},
	{"file", "a/b", ""},
	{"file", `a\b`, ""},
	{"file", "nul\x00name", ""},
	{"file", "esc\x1b]0;title\x07name", ""},
	{"file", "c1\u009bname", ""},
	{"file", "tab\tname", ""},
	{"file", "del\x7fname", ""},
	{"file", "dup", ""},
	{"dir", "dup", ""},
	{"link", "root", "/"},
	{"link", "up", "../../etc"},
	{"link", ".sub.ftpkit-0123456789abcdef.part", "/etc/passwd"},
}

// hostileTree is a fake tree whose root holds good.txt, sub/inner.txt,
// a link that stays in the tree, and every hostile entry.
func hostileTree(mlsd bool) *fakeTree {
	line := func(typ, name, target string) string {
		if mlsd {
			t := typ
			switch typ {
			case "link":
				t = "OS.unix=slink:" + target
			}
			return "type=" + t + ";size=4;modify=20240506070809; " + name
		}
		mode := map[string]string{"file": "-rw-r--r--", "dir": "drwxr-xr-x", "link": "lrwxrwxrwx"}[typ]
		l := mode + " 1 u g 4 May  6  2024 " + name
		if typ == "link" {
			l += " -> " + target
		}
		return l
	}
	root := []string{line("file", "good.txt", ""), line("dir", "sub", ""), line("link", "fine", "sub/inner.txt")}
	for _, h := range hostileEntries {
		root = append(root, line(h.typ, h.name, h.target))
	}
	return &fakeTree{
		mlsd: mlsd,
		dirs: map[string][]string{
			"":    root,
			"sub": {line("file", "inner.txt", ""), line("file", "../../escape", "")},
		},
		files: map[string]string{"good.txt": "good", "sub/inner.txt": "innr", "evil1": "evil", "abs-evil": "evil", "a/b": "evil", "dup": "evil"},
	}
}

// TestHostileListings mirrors from a server whose listings carry
// hostile names (MLSD and LIST): nothing is written outside the target,
// every hostile entry is reported, the good ones are copied.
func TestHostileListings(t *testing.T) {
	for _, mlsd := range []bool{true, false} {
		name := map[bool]string{true: "MLSD", false: "LIST"}[mlsd]
		t.Run(name, func(t *testing.T) {
			ctx := ctxT(t, time.Minute)
			c, _ := hostileTree(mlsd).serve(t, 4)
			parent := t.TempDir()
			dst := filepath.Join(parent, "dst")
			sum, err := mirror.Run(ctx, mirror.Remote(c, ""), mirror.Local(dst), mirror.Options{Delete: true})

			// 13 hostile names (the dup counts twice) and a hostile
			// name in sub.
			var me *mirror.Error
			if !errors.As(err, &me) || sum.Failed != len(hostileEntries)+1 {
				t.Fatalf("Run = %v; want %d failures", err, len(hostileEntries)+1)
			}
			for _, f := range sum.Failures {
				if !errors.Is(f.Err, mirror.ErrUnsafe) {
					t.Errorf("failure %v is not ErrUnsafe", f.Err)
				}
				if strings.ContainsAny(f.Err.Error(), "\x00\x1b\x07\u009b\t\x7f") {
					t.Errorf("failure %q shows a control character", f.Err)
				}
			}
			want := []string{"d sub", "f good.txt 770e607624d68926", "f sub/inner.txt 9e91eed09ffbf6b6", "l fine -> sub/inner.txt"}
			if got := fingerprint(t, dst); !slices.Equal(got, want) {
				t.Errorf("target holds %q; want %q", got, want)
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 1 {
				t.Errorf("the target's parent holds %d entries, want 1", len(ents))
			}
			for _, p := range []string{"/abs-evil", "/escape", filepath.Join(parent, "evil1"), filepath.Join(parent, "escape")} {
				if _, err := os.Lstat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// TestHostileTarget mirrors into a server whose listings carry hostile
// names: none is deleted or written, and no deletion happens at all.
func TestHostileTarget(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	ft := hostileTree(true)
	c, f := ft.serve(t, 2)
	src := t.TempDir()
	writeTree(t, src, map[string]string{"sub/inner.txt": "innr"}, base)
	_, err := mirror.Run(ctx, mirror.Local(src), mirror.Remote(c, ""), mirror.Options{Delete: true, SizeOnly: true})
	if !errors.Is(err, mirror.ErrUnsafe) {
		t.Fatalf("Run = %v, want ErrUnsafe failures", err)
	}
	for _, cmd := range f.Commands() {
		switch verb, _, _ := strings.Cut(cmd, " "); verb {
		case "DELE", "RMD", "STOR", "RNFR", "RNTO", "MKD", "MFMT":
			t.Errorf("the server was sent %q", cmd)
		}
	}
}
