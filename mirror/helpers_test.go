package mirror_test

// Helpers shared by the package's tests: trees on disk, their
// fingerprints, Clients.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/mirror"
)

// writeTree writes files (slash-separated name to content) under dir;
// a name ending in '/' is an empty directory. It sets every file's time
// to base, a whole second, so that trees compare exactly.
func writeTree(t testing.TB, dir string, files map[string]string, base time.Time) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, base, base); err != nil {
			t.Fatal(err)
		}
	}
}

// fingerprint describes the tree under dir: one line per entry, "d
// NAME" for a directory, "f NAME SHA-256" for a file, "l NAME ->
// TARGET" for a link, sorted. Temporary files of ftpkit are listed too,
// so that a leftover shows.
func fingerprint(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, "l "+rel+" -> "+target)
		case d.IsDir():
			out = append(out, "d "+rel)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out = append(out, "f "+rel+" "+hex.EncodeToString(sum[:8]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// sameTrees fails the test unless the trees under a and b are alike.
func sameTrees(t testing.TB, a, b string) {
	t.Helper()
	fa, fb := fingerprint(t, a), fingerprint(t, b)
	if !slices.Equal(fa, fb) {
		t.Fatalf("trees differ:\n%s\n%s", diff(fa, fb), "")
	}
}

// diff lists the lines of a missing from b ("-") and of b missing from
// a ("+"), at most 20.
func diff(a, b []string) string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("... %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}

// ctxT returns a context ended when the test ends, or after d.
func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// planOf returns the plan's actions as strings, and its errors.
func planOf(t testing.TB, ctx context.Context, src, dst mirror.Tree, opts mirror.Options) (acts []string, errs []error) {
	t.Helper()
	for a, err := range mirror.Plan(ctx, src, dst, opts) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		acts = append(acts, a.String())
	}
	return acts, errs
}

// kinds counts the plan's actions by kind, skips left out.
func changes(acts []string) []string {
	var out []string
	for _, a := range acts {
		if !strings.HasPrefix(a, "skip ") && !strings.HasPrefix(a, "note: ") {
			out = append(out, a)
		}
	}
	return out
}
