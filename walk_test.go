package ftp

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/listing"
)

var walkTree = map[string]string{
	"a/1.txt":     "1",
	"a/2.txt":     "2",
	"a/b/3.txt":   "3",
	"a/b/c/4.txt": "4",
	"a/d/":        "",
	"a/e/5.txt":   "5",
	"z.txt":       "z",
}

// walkLog runs Walk and records "path type" for each call, or "path
// error" for calls with an error.
func walkLog(t *testing.T, c *Conn, root string, fn func(p string, e listing.Entry) error) ([]string, error) {
	t.Helper()
	var got []string
	err := c.Walk(context.Background(), root, func(p string, e listing.Entry, err error) error {
		if err != nil {
			got = append(got, p+" error")
			return err
		}
		got = append(got, p+" "+e.Type.String())
		if fn != nil {
			return fn(p, e)
		}
		return nil
	})
	return got, err
}

// TestWalkServer compares Walk with fs.WalkDir over the server's root.
func TestWalkServer(t *testing.T) {
	c, s := dialServer(t, walkTree)
	want := checkWalk(t, c, s.Root, "a")

	got, err := walkLog(t, c, "/", nil)
	if err != nil || len(got) != len(want)+2 || got[0] != "/ dir" || got[1] != "/a dir" || got[len(got)-1] != "/z.txt file" {
		t.Errorf("Walk(/) = %q, %v", got, err)
	}

	got, err = walkLog(t, c, "a/1.txt", nil)
	if err != nil || !slices.Equal(got, []string{"a/1.txt file"}) {
		t.Errorf("Walk(a/1.txt) = %q, %v", got, err)
	}
}

func TestWalkSkip(t *testing.T) {
	c, _ := dialServer(t, walkTree)
	got, err := walkLog(t, c, "a", func(p string, e listing.Entry) error {
		if p == "a/b" {
			return fs.SkipDir
		}
		return nil
	})
	want := []string{"a dir", "a/1.txt file", "a/2.txt file", "a/b dir", "a/d dir", "a/e dir", "a/e/5.txt file"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("SkipDir on a directory: %q, %v", got, err)
	}

	got, err = walkLog(t, c, "a", func(p string, e listing.Entry) error {
		if p == "a/1.txt" {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil || !slices.Equal(got, []string{"a dir", "a/1.txt file"}) {
		t.Errorf("SkipDir on a file: %q, %v", got, err)
	}

	got, err = walkLog(t, c, "a", func(p string, e listing.Entry) error {
		if p == "a/b/c" {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil || !slices.Equal(got, []string{"a dir", "a/1.txt file", "a/2.txt file", "a/b dir", "a/b/3.txt file", "a/b/c dir"}) {
		t.Errorf("SkipAll: %q, %v", got, err)
	}

	got, err = walkLog(t, c, "a", func(p string, e listing.Entry) error {
		if p == "a" {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil || !slices.Equal(got, []string{"a dir"}) {
		t.Errorf("SkipDir on the root: %q, %v", got, err)
	}

	stop := errors.New("stop")
	got, err = walkLog(t, c, "a", func(p string, e listing.Entry) error {
		if p == "a/2.txt" {
			return stop
		}
		return nil
	})
	if err != stop || len(got) != 3 {
		t.Errorf("error: %q, %v", got, err)
	}

	got, err = walkLog(t, c, "missing", nil)
	if !errors.Is(err, fs.ErrNotExist) || !slices.Equal(got, []string{"missing error"}) {
		t.Errorf("missing root: %q, %v", got, err)
	}

	// The Conn is free while fn runs.
	err = c.Walk(context.Background(), "a/b", func(p string, e listing.Entry, err error) error {
		if err == nil && e.Type == listing.TypeFile {
			_, err = c.Size(context.Background(), p)
		}
		return err
	})
	if err != nil {
		t.Errorf("Walk calling Size: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	err = c.Walk(ctx, "a", func(p string, e listing.Entry, err error) error {
		cancel()
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Walk = %v", err)
	}
}

// TestWalkLinksAndErrors checks that a symbolic link is reported but not
// followed, that an unparsable line is reported, and that a directory
// that cannot be listed is reported twice, the second time with the
// error, as fs.WalkDir does.
func TestWalkLinksAndErrors(t *testing.T) {
	data := "drwxr-xr-x 2 u g 4096 Jan 01  2024 sub\r\n" +
		"lrwxrwxrwx 1 u g    3 Jan 01  2024 link -> sub\r\n" +
		"this is not a listing line\r\n"
	c := dialLoggedIn(t,
		vsftpdFEAT,
		step("TYPE I", "200 ok"),
		step("SIZE top", "550 not a file"),
		step("PWD", `257 "/"`),
		step("CWD top", "250 ok"),
		step("CWD /", "250 ok"),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 ok"),
		step("EPSV"),
		fakeStep{cmd: "LIST -a top", reply: []string{"150 ok", "226 ok"}, xfer: true, data: data},
		step("EPSV"),
		step("LIST -a top/sub", "550 Permission denied"),
		// A 550 to LIST -a is asked again without -a, in case the
		// server took "-a" for a name.
		step("EPSV"),
		step("LIST top/sub", "550 Permission denied"),
	)
	got, err := walkLog(t, c, "top", nil)
	// The second call for top/sub returned its error: the walk ends.
	want := []string{"top dir", "top/link symlink", "top/sub dir", "top/sub error"}
	if !errors.Is(err, ErrPermanent) || !slices.Equal(got, want) {
		t.Errorf("Walk = %q, %v\nwant %q", got, err, want)
	}
}

func TestWalkContinueAfterError(t *testing.T) {
	data := "drwxr-xr-x 2 u g 4096 Jan 01  2024 sub\r\nthis is not a listing line\r\n"
	c := dialLoggedIn(t,
		step("FEAT", "500 no"),
		step("TYPE I", "200 ok"),
		step("SIZE top", "550 not a file"),
		step("PWD", `257 "/"`),
		step("CWD top", "250 ok"),
		step("CWD /", "250 ok"),
		step("SYST", "500 no"),
		step("TYPE A", "200 ok"),
		step("EPSV"),
		fakeStep{cmd: "LIST top", reply: []string{"150 ok", "226 ok"}, xfer: true, data: data},
		step("EPSV"),
		step("LIST top/sub", "450 try later"),
	)
	var got []string
	err := c.Walk(context.Background(), "top", func(p string, e listing.Entry, err error) error {
		if err != nil {
			if !errors.Is(err, ErrTemporary) {
				t.Errorf("%s: %v", p, err)
			}
			got = append(got, p+" error")
			return nil // go on with the rest
		}
		got = append(got, p+" "+e.Type.String())
		return nil
	})
	want := []string{"top dir", "top/sub dir", "top/sub error", "top/this is not a listing line unknown"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Walk = %q, %v\nwant %q", got, err, want)
	}
}

// TestRealServersStatWalk runs Stat, ReadDir and Walk against each real
// server kind: vsftpd has no MLST, so it takes the fallbacks.
func TestRealServersStatWalk(t *testing.T) {
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := realserver.Start(t, kind, realserver.Config{})
			for name, data := range walkTree {
				if strings.HasSuffix(name, "/") {
					s.Mkdir(name)
				} else {
					s.WriteFile(name, []byte(data))
				}
			}
			// vsftpd lists names starting with a dot only for LIST -a.
			s.WriteFile("a/.hidden", []byte("h"))
			ctx := context.Background()
			c := rsDial(t, ctx, s)
			wd, err := c.Pwd(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if e, err := c.Stat(ctx, "a/1.txt"); err != nil || e.Type != listing.TypeFile || e.Size != 1 || e.Name != "1.txt" || e.ModTime.IsZero() {
				t.Errorf("Stat(a/1.txt) = %+v, %v", e, err)
			}
			if e, err := c.Stat(ctx, "a/b"); err != nil || e.Type != listing.TypeDir || e.Name != "b" {
				t.Errorf("Stat(a/b) = %+v, %v", e, err)
			}
			if _, err := c.Stat(ctx, "a/missing"); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) {
				t.Errorf("Stat(a/missing) = %v", err)
			}
			if got, err := c.Pwd(ctx); err != nil || got != wd {
				t.Errorf("working directory %q after Stat, was %q (%v)", got, wd, err)
			}
			entries, err := c.ReadDir(ctx, "a")
			if got := names(entries); err != nil || !slices.Equal(got, []string{".hidden", "1.txt", "2.txt", "b", "d", "e"}) {
				t.Errorf("ReadDir(a) = %q, %v", got, err)
			}
			checkWalk(t, c, s.Root, "a")
		})
	}
}

// checkWalk compares Walk of dir with fs.WalkDir of the same directory
// under root, the server's directory on disk, and returns the latter's
// log.
func checkWalk(t *testing.T, c *Conn, root, dir string) []string {
	t.Helper()
	var want []string
	fs.WalkDir(os.DirFS(root), dir, func(p string, d fs.DirEntry, err error) error {
		typ := "file"
		if d.IsDir() {
			typ = "dir"
		}
		want = append(want, p+" "+typ)
		return err
	})
	got, err := walkLog(t, c, dir, nil)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Walk(%s) = %q, %v\nwant %q", dir, got, err, want)
	}
	return want
}
