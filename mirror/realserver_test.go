package mirror_test

// The mirror on real servers (vsftpd, pure-ftpd, proftpd, pyftpdlib,
// started by internal/realserver), plain and with TLS, in both
// directions.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/mirror"
)

// bigTree is a tree of 2,010 files (tiny, a few empty) in 223
// directories (three empty), with names with spaces, UTF-8 and leading
// dashes. No name ends with a space: pure-ftpd stores "x " as "x_".
func bigTree() map[string]string {
	files := map[string]string{}
	tops := []string{"alpha", "with space", "ünïcødé", "-dash", "zulu"}
	for i := range 20 {
		top := fmt.Sprintf("%s %02d", tops[i%len(tops)], i)
		if i%len(tops) == 3 {
			top = fmt.Sprintf("-dash%02d", i)
		}
		for j := range 10 {
			dir := fmt.Sprintf("%s/sub%d", top, j)
			for k := range 10 {
				name := fmt.Sprintf("f%d.txt", k)
				switch k {
				case 1:
					name = "-leading dash"
				case 2:
					name = "two  spaces"
				case 3:
					name = "ñandú €.txt"
				}
				data := fmt.Sprintf("%s/%s\n", dir, name)
				if (i+j+k)%50 == 0 {
					data = ""
				}
				files[dir+"/"+name] = data
			}
		}
	}
	for i := range 10 {
		files[fmt.Sprintf("top%d.txt", i)] = strings.Repeat("x", i*100)
	}
	files["empty dir/"] = ""
	files["alpha 00/sub0/nested empty/"] = ""
	files["-dash03/empty/"] = ""
	return files
}

// rsClient returns a Client for the real server srv with up to conns
// sessions, and the options more.
func rsClient(t testing.TB, srv *realserver.Server, conns int, more ...ftp.ClientOption) *ftp.Client {
	t.Helper()
	u := url.URL{Scheme: "ftp", User: url.UserPassword(srv.User, srv.Password), Host: srv.Addr, Path: "/"}
	opts := []ftp.ClientOption{ftp.WithTimeout(30 * time.Second), ftp.WithoutNetrc(), ftp.WithMaxConns(conns),
		ftp.WithRetry(3, 50*time.Millisecond, time.Second)}
	opts = append(opts, more...)
	if srv.Config.TLS == realserver.Explicit {
		opts = append(opts, ftp.WithExplicitTLS(srv.TLSConfig()))
	}
	c, err := ftp.NewClient(u.String(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// serverTree writes files under the server's directory dir.
func serverTree(t testing.TB, srv *realserver.Server, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if strings.HasSuffix(name, "/") {
			srv.Mkdir(dir + "/" + name)
			continue
		}
		srv.WriteFile(dir+"/"+name, []byte(data))
	}
}

// run runs a mirror and fails the test on error.
func run(t testing.TB, ctx context.Context, src, dst mirror.Tree, opts mirror.Options) mirror.Summary {
	t.Helper()
	sum, err := mirror.Run(ctx, src, dst, opts)
	if err != nil {
		t.Fatalf("Run: %v\n(%d copied, %d failed)", err, sum.Copied, sum.Failed)
	}
	return sum
}

// TestRealServers mirrors a tree of 2,010 files in 223 directories from
// and to each server, plain and with explicit TLS: the copy, a no-op
// rerun, three changed files, deletions, a dry run.
func TestRealServers(t *testing.T) {
	files := bigTree()
	for _, kind := range realserver.Kinds {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(fmt.Sprintf("%s/%s", kind, mode), func(t *testing.T) {
				t.Parallel()
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode})
				c := rsClient(t, srv, 8)
				t.Run("download", func(t *testing.T) {
					serverTree(t, srv, "down", files)
					local := filepath.Join(t.TempDir(), "down")
					exercise(t, srv.Path("down"), local, mirror.Remote(c, "down"), mirror.Local(local),
						func(name, data string) { srv.WriteFile("down/"+name, []byte(data)) })
				})
				t.Run("upload", func(t *testing.T) {
					local := t.TempDir()
					writeTree(t, local, files, base)
					exercise(t, local, srv.Path("up"), mirror.Local(local), mirror.Remote(c, "/up/"),
						func(name, data string) { writeTree(t, local, map[string]string{name: data}, base.Add(time.Hour)) })
				})
			})
		}
	}
}

// exercise mirrors src into dst (whose local directories are srcDir and
// dstDir) and checks the outcome of each step; change changes a source
// file.
func exercise(t *testing.T, srcDir, dstDir string, src, dst mirror.Tree, change func(name, data string)) {
	ctx := ctxT(t, 5*time.Minute)
	opts := mirror.Options{Parallel: 8}

	sum := run(t, ctx, src, dst, opts)
	sameTrees(t, srcDir, dstDir)
	if sum.Copied != 2010 || sum.Made != 224 {
		t.Errorf("copy: %d copied, %d made; want 2010, 224", sum.Copied, sum.Made)
	}

	if sum = run(t, ctx, src, dst, opts); sum.Copied != 0 || sum.Made != 0 || sum.Skipped != 2010 {
		t.Errorf("rerun: %+v; want nothing copied, 2010 skipped", sum)
	}

	changed := []string{"top3.txt", "with space 01/sub4/-leading dash", "ünïcødé 02/sub9/ñandú €.txt"}
	for _, name := range changed {
		change(name, "changed, and longer than before: "+name)
	}
	var copied []string
	var mu sync.Mutex
	opts.Report = func(e mirror.Event) {
		if e.State == mirror.Finished && e.Action.Kind == mirror.Copy {
			mu.Lock()
			copied = append(copied, e.Action.Path)
			mu.Unlock()
		}
	}
	run(t, ctx, src, dst, opts)
	slices.Sort(copied)
	slices.Sort(changed)
	if !slices.Equal(copied, changed) {
		t.Errorf("after three changes, copied %q; want %q", copied, changed)
	}
	sameTrees(t, srcDir, dstDir)
	opts.Report = nil

	// Extras in the target: a file, an empty directory, a tree.
	extras := map[string]string{"extra.txt": "x", "alpha 00/extra/": "", "-dash03/sub1/more/x y": "z"}
	writeTree(t, dstDir, extras, base)
	chownLike(t, dstDir)
	if sum = run(t, ctx, src, dst, opts); sum.Deleted != 0 || !slices.Contains(fingerprint(t, dstDir), "f extra.txt 2d711642b726b044") {
		t.Errorf("without --delete: %d deleted", sum.Deleted)
	}
	opts.Delete = true
	if sum = run(t, ctx, src, dst, opts); sum.Deleted != 3 {
		t.Errorf("--delete: %d deleted, want 3", sum.Deleted)
	}
	sameTrees(t, srcDir, dstDir)

	// A dry run: a change on each side, then a plan that changes nothing.
	change("top5.txt", "dry run")
	writeTree(t, dstDir, map[string]string{"dry extra": "x"}, base)
	chownLike(t, dstDir)
	srcBefore, dstBefore := fingerprint(t, srcDir), fingerprint(t, dstDir)
	acts, errs := planOf(t, ctx, src, dst, opts)
	want := []string{"delete dry extra (not in the source)", "copy top5.txt (size differs)"}
	if got := changes(acts); len(errs) > 0 || !slices.Equal(got, want) {
		t.Errorf("dry run: %q, %v; want %q", got, errs, want)
	}
	if !slices.Equal(srcBefore, fingerprint(t, srcDir)) || !slices.Equal(dstBefore, fingerprint(t, dstDir)) {
		t.Error("the dry run changed a tree")
	}
}

// chownLike gives everything under dir the owner of dir, so that a
// server's user may delete what the test wrote in its tree.
func chownLike(t testing.TB, dir string) {
	t.Helper()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	uid, gid := ownerOf(fi)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, uid, gid)
		}
		return nil
	})
}

var _ = atomic.Int64{}

// TestDownloadTimeFromList: a file downloaded from a server whose
// listing gives no exact time (vsftpd: LIST only) gets the server's
// time, asked with MDTM, so that a rerun finds it up to date whatever
// minute the copy ended in.
func TestDownloadTimeFromList(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	srv := realserver.Start(t, realserver.Vsftpd, realserver.Config{})
	serverTree(t, srv, "tree", map[string]string{"a": "a", "d/b": "bb"})
	for _, name := range []string{"a", "d/b"} {
		if err := os.Chtimes(srv.Path("tree/"+name), base, base); err != nil {
			t.Fatal(err)
		}
	}
	local := t.TempDir()
	c := rsClient(t, srv, 2)
	run(t, ctx, mirror.Remote(c, "tree"), mirror.Local(local), mirror.Options{})
	for _, name := range []string{"a", "d/b"} {
		fi, err := os.Stat(filepath.Join(local, name))
		if err != nil || !fi.ModTime().Equal(base) {
			t.Errorf("%s: %v, time %v; want %v", name, err, fi.ModTime(), base)
		}
	}
	if sum := run(t, ctx, mirror.Remote(c, "tree"), mirror.Local(local), mirror.Options{}); sum.Copied != 0 || sum.Skipped != 2 {
		t.Errorf("rerun: %d copied, %d skipped; want 0, 2", sum.Copied, sum.Skipped)
	}
}
