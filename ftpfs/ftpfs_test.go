package ftpfs_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftpfs"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/realserver"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tree is the test tree: file names and contents; a name ending in "/"
// is an empty directory.
var tree = map[string]string{
	"hello.txt":         "hello, world\n",
	"empty":             "",
	"dir/a.txt":         "a",
	"dir/b.html":        "<p>b</p>",
	"dir/sub/c.txt":     strings.Repeat("c", 100000),
	"dir/sub/deeper/d":  "d",
	"dir/.hidden":       "dot file",
	"with space/e f.md": "e f",
	"emptydir/":         "",
}

func populate(t *testing.T, write func(name string, data []byte), mkdir func(name string)) []string {
	t.Helper()
	var files []string
	for name, data := range tree {
		if strings.HasSuffix(name, "/") {
			mkdir(strings.TrimSuffix(name, "/"))
			continue
		}
		write(name, []byte(data))
		files = append(files, name)
	}
	slices.Sort(files)
	return files
}

// newFS starts a server holding tree and returns an FS over a logged-in
// Conn.
func newFS(t *testing.T) (*ftpfs.FS, *ftptest.Server, []string) {
	t.Helper()
	s := ftptest.NewServer(t)
	files := populate(t, func(name string, data []byte) {
		p := filepath.Join(s.Root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}, func(name string) {
		if err := os.MkdirAll(filepath.Join(s.Root, filepath.FromSlash(name)), 0o755); err != nil {
			t.Fatal(err)
		}
	})
	c := dial(t, s.Addr, s.User, s.Password)
	return ftpfs.New(c), s, files
}

func dial(t *testing.T, addr, user, pass string, opts ...ftp.DialOption) *ftp.Conn {
	t.Helper()
	ctx := context.Background()
	c, err := ftp.Dial(ctx, addr, append([]ftp.DialOption{ftp.WithTimeout(10 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(ctx, user, pass); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFS(t *testing.T) {
	fsys, _, files := newFS(t)
	if err := fstest.TestFS(fsys, files...); err != nil {
		t.Fatal(err)
	}
}

func TestSub(t *testing.T) {
	fsys, _, _ := newFS(t)
	sub, err := fs.Sub(fsys, "dir")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "a.txt", "b.html", "sub/c.txt", "sub/deeper/d"); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Sub(fsys, "hello.txt"); err == nil {
		t.Error("Sub of a file succeeded")
	}
}

func TestWalkDirGlobReadFile(t *testing.T) {
	fsys, _, files := newFS(t)
	var got []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "dir/sub" {
			return fs.SkipDir
		}
		if !d.IsDir() {
			got = append(got, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.DeleteFunc(slices.Clone(files), func(f string) bool { return strings.HasPrefix(f, "dir/sub/") })
	if !slices.Equal(got, want) {
		t.Errorf("WalkDir = %q, want %q", got, want)
	}

	matches, err := fs.Glob(fsys, "dir/*.txt")
	if err != nil || !slices.Equal(matches, []string{"dir/a.txt"}) {
		t.Errorf("Glob = %q, %v", matches, err)
	}
	matches, err = fs.Glob(fsys, "*/sub/*")
	if err != nil || !slices.Equal(matches, []string{"dir/sub/c.txt", "dir/sub/deeper"}) {
		t.Errorf("Glob = %q, %v", matches, err)
	}

	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil || string(data) != tree[name] {
			t.Errorf("ReadFile(%q) = %d bytes, %v", name, len(data), err)
		}
	}
}

func TestErrors(t *testing.T) {
	fsys, _, _ := newFS(t)
	for _, name := range []string{"missing", "dir/missing", "missing/x"} {
		_, err := fsys.Open(name)
		var pe *fs.PathError
		if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != name || pe.Op != "open" {
			t.Errorf("Open(%q) = %v, want a *fs.PathError matching fs.ErrNotExist", name, err)
		}
		if _, err := fsys.Stat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%q) = %v", name, err)
		}
		if _, err := fs.ReadFile(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"/hello.txt", "../x", "dir/", "a//b", ""} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want fs.ErrInvalid", name, err)
		}
	}
	if _, err := fsys.ReadDir("hello.txt"); err == nil {
		t.Error("ReadDir of a file succeeded")
	}
	f, err := fsys.Open("dir")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(make([]byte, 1)); err == nil {
		t.Error("Read of a directory succeeded")
	}
	f.Close()
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("second Close = %v", err)
	}
}

// TestInterleaved reads two files alternately and stats in between:
// every call aborts the other file's download, which resumes with REST.
func TestInterleaved(t *testing.T) {
	fsys, _, _ := newFS(t)
	a, err := fsys.Open("dir/sub/c.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := fsys.Open("hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ga, gb []byte
	buf := make([]byte, 7000)
	for i := 0; i < 40; i++ {
		n, err := a.Read(buf)
		ga = append(ga, buf[:n]...)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		n, err = b.Read(buf[:3])
		gb = append(gb, buf[:n]...)
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if _, err := fsys.Stat("dir"); err != nil {
			t.Fatal(err)
		}
	}
	if string(ga) != tree["dir/sub/c.txt"] || string(gb) != tree["hello.txt"] {
		t.Errorf("interleaved reads gave %d and %q", len(ga), gb)
	}
}

func TestSeek(t *testing.T) {
	fsys, _, _ := newFS(t)
	f, err := fsys.Open("hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.(io.ReadSeeker)
	if _, err := s.Seek(7, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(s)
	if err != nil || string(data) != "world\n" {
		t.Fatalf("after Seek(7): %q, %v", data, err)
	}
	if off, err := s.Seek(-6, io.SeekEnd); err != nil || off != 7 {
		t.Fatalf("Seek(-6, end) = %d, %v", off, err)
	}
	data, err = io.ReadAll(s)
	if err != nil || string(data) != "world\n" {
		t.Fatalf("after Seek(-6, end): %q, %v", data, err)
	}
	if _, err := s.Seek(-1, io.SeekStart); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Seek(-1) = %v", err)
	}
}

func TestHTTPFileServer(t *testing.T) {
	fsys, _, _ := newFS(t)
	hs := httptest.NewServer(http.FileServer(http.FS(fsys)))
	defer hs.Close()
	get := func(p string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", hs.URL+p, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}
	if resp, body := get("/hello.txt"); resp.StatusCode != 200 || body != tree["hello.txt"] {
		t.Errorf("GET /hello.txt = %d %q", resp.StatusCode, body)
	}
	if resp, body := get("/dir/sub/c.txt", "Range", "bytes=10-19"); resp.StatusCode != 206 || body != strings.Repeat("c", 10) {
		t.Errorf("ranged GET = %d %q", resp.StatusCode, body)
	}
	if resp, body := get("/dir/b.html"); resp.StatusCode != 200 || body != tree["dir/b.html"] || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /dir/b.html = %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	if resp, body := get("/dir/"); resp.StatusCode != 200 || !strings.Contains(body, `<a href="a.txt">a.txt</a>`) || !strings.Contains(body, `<a href="sub/">sub/</a>`) {
		t.Errorf("GET /dir/ = %d %q", resp.StatusCode, body)
	}
	if resp, _ := get("/missing"); resp.StatusCode != 404 {
		t.Errorf("GET /missing = %d", resp.StatusCode)
	}
}

// TestRealServers runs fstest.TestFS and fs.WalkDir against each real
// server kind that is installed.
func TestRealServers(t *testing.T) {
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := realserver.Start(t, kind, realserver.Config{})
			files := populate(t, func(name string, data []byte) { s.WriteFile(name, data) }, func(name string) { s.Mkdir(name) })
			fsys := ftpfs.New(dial(t, s.Addr, s.User, s.Password))
			if err := fstest.TestFS(fsys, files...); err != nil {
				t.Fatal(err)
			}
			var got []string
			err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					got = append(got, p)
				}
				return err
			})
			if err != nil || !slices.Equal(got, files) {
				t.Errorf("WalkDir = %q, %v; want %q", got, err, files)
			}
		})
	}
}

// TestConcurrent reads files from several goroutines at once: the FS
// serializes them on its one connection.
func TestConcurrent(t *testing.T) {
	fsys, _, files := newFS(t)
	errc := make(chan error, 4*len(files))
	for i := 0; i < 4; i++ {
		go func() {
			for _, name := range files {
				data, err := fs.ReadFile(fsys, name)
				if err == nil && string(data) != tree[name] {
					err = errors.New(name + ": wrong content")
				}
				errc <- err
			}
		}()
	}
	for range 4 * len(files) {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}
