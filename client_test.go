package ftp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/listing"
)

// clTestData is n bytes that vary with seed.
func clTestData(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// clServer starts an ftptest.Server holding files (name to content).
func clServer(t *testing.T, files map[string][]byte, opts ...ftptest.Option) *ftptest.Server {
	t.Helper()
	srv := ftptest.NewServer(t, opts...)
	for name, data := range files {
		p := filepath.Join(srv.Root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// clClient returns a Client for srv, closed when the test ends.
func clClient(t *testing.T, srv *ftptest.Server, opts ...ftp.ClientOption) *ftp.Client {
	t.Helper()
	opts = append([]ftp.ClientOption{ftp.WithTimeout(5 * time.Second), ftp.WithoutNetrc(), ftp.WithRetry(3, time.Millisecond, 10*time.Millisecond)}, opts...)
	if srv.TLS != nil {
		opts = append(opts, ftp.WithExplicitTLS(srv.ClientTLSConfig()))
	}
	c, err := ftp.NewClient(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func clCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func clSum(t *testing.T, name string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestClientBasics runs every file operation of a Client once.
func TestClientBasics(t *testing.T) {
	data := clTestData(1, 300_000)
	srv := clServer(t, map[string][]byte{"dir/f.bin": data, "dir/sub/g.txt": []byte("g")})
	c := clClient(t, srv)
	ctx := clCtx(t)
	local := filepath.Join(t.TempDir(), "f.bin")

	if err := c.Download(ctx, "dir/f.bin", local); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("downloaded file differs")
	}
	if err := c.Upload(ctx, local, "up.bin"); err != nil {
		t.Fatal(err)
	}
	if clSum(t, filepath.Join(srv.Root, "up.bin")) != sha256.Sum256(data) {
		t.Fatal("uploaded file differs")
	}
	e, err := c.Stat(ctx, "up.bin")
	if err != nil || e.Size != int64(len(data)) || e.Type != listing.TypeFile {
		t.Fatalf("Stat = %+v, %v", e, err)
	}
	if _, err := c.Stat(ctx, "nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(nope) = %v, want fs.ErrNotExist", err)
	}
	es, err := c.ReadDir(ctx, "dir")
	if err != nil || len(es) != 2 || es[0].Name != "f.bin" || es[1].Name != "sub" {
		t.Fatalf("ReadDir = %v, %v", es, err)
	}
	var walked []string
	err = c.Walk(ctx, "dir", func(p string, e listing.Entry, err error) error {
		walked = append(walked, p)
		return err
	})
	if want := []string{"dir", "dir/f.bin", "dir/sub", "dir/sub/g.txt"}; err != nil || !slices.Equal(walked, want) {
		t.Errorf("Walk = %q, %v; want %q", walked, err, want)
	}
	if err := c.MkdirAll(ctx, "a/b/c"); err != nil {
		t.Fatal(err)
	}
	if err := c.MkdirAll(ctx, "a/b/c"); err != nil {
		t.Errorf("MkdirAll of an existing directory: %v", err)
	}
	if err := c.Mkdir(ctx, "a"); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Mkdir(existing) = %v, want fs.ErrExist", err)
	}
	if err := c.Rename(ctx, "up.bin", "a/b/up2.bin"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Create(ctx, "a/created.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "created")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := c.Open(ctx, "a/created.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || string(got) != "created" {
		t.Errorf("Open: %q, %v", got, err)
	}
	if err := r.Close(); err != nil {
		t.Error(err)
	}
	if err := c.Remove(ctx, "a/created.txt"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAll(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RemoveAll left %v", err)
	}
	if err := c.RemoveAll(ctx, "a"); err != nil {
		t.Errorf("RemoveAll of a missing name: %v", err)
	}
}

// TestClientConcurrency has 16 goroutines download 200 files through a
// Client of 4 sessions: every file arrives whole, and the server never
// sees more than 4 sessions at once.
func TestClientConcurrency(t *testing.T) {
	files := map[string][]byte{}
	for i := range 200 {
		files[fmt.Sprintf("f%03d", i)] = clTestData(uint64(i), 1000+i*37)
	}
	srv := clServer(t, files)
	c := clClient(t, srv, ftp.WithMaxConns(4))
	ctx := clCtx(t)
	dir := t.TempDir()
	var wg sync.WaitGroup
	work := make(chan string)
	var failed atomic.Int32
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				if err := c.Download(ctx, name, filepath.Join(dir, name)); err != nil {
					t.Errorf("%s: %v", name, err)
					failed.Add(1)
				}
			}
		}()
	}
	for name := range files {
		work <- name
	}
	close(work)
	wg.Wait()
	for name, data := range files {
		if clSum(t, filepath.Join(dir, name)) != sha256.Sum256(data) {
			t.Errorf("%s differs", name)
		}
	}
	if n := srv.PeakSessions(); n > 4 {
		t.Errorf("the server saw %d sessions at once, the limit is 4", n)
	}
}

// TestClientServerLimit: a server that takes 2 sessions per client, a
// Client allowed 8: every call succeeds, waiting for sessions instead of
// failing, and the server never had more than 2.
func TestClientServerLimit(t *testing.T) {
	files := map[string][]byte{}
	for i := range 100 {
		files[fmt.Sprintf("f%03d", i)] = clTestData(uint64(i), 2000)
	}
	srv := clServer(t, files, ftptest.WithMaxSessions(2))
	c := clClient(t, srv, ftp.WithMaxConns(8), ftp.WithRetry(0, 0, 0))
	ctx := clCtx(t)
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; j < 100; j += 16 {
				name := fmt.Sprintf("f%03d", j)
				if err := c.Download(ctx, name, filepath.Join(dir, name)); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}()
	}
	wg.Wait()
	if n := srv.PeakSessions(); n > 2 {
		t.Errorf("the server saw %d sessions at once, its limit is 2", n)
	}
}

// TestClientOneSession: with WithMaxConns(1), a Walk whose callback
// downloads and a Download inside Do both work (no deadlock).
func TestClientOneSession(t *testing.T) {
	srv := clServer(t, map[string][]byte{"d/a": []byte("a"), "d/b": []byte("b"), "d/e/c": []byte("c")})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	dir := t.TempDir()
	n := 0
	err := c.Walk(ctx, "d", func(p string, e listing.Entry, err error) error {
		if err != nil || e.Type != listing.TypeFile {
			return err
		}
		n++
		return c.Download(ctx, p, filepath.Join(dir, e.Name))
	})
	if err != nil || n != 3 {
		t.Fatalf("Walk: %d files, %v", n, err)
	}
	err = c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		if err := s.Cwd(ctx, "d"); err != nil {
			return err
		}
		if err := c.Download(ctx, "a", filepath.Join(dir, "again")); err != nil { // relative to d
			return err
		}
		_, err := c.Stat(ctx, "e/c")
		return err
	})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	// The working directory was restored: "d/a" resolves from the top.
	if _, err := c.Stat(ctx, "d/a"); err != nil {
		t.Errorf("after Do: %v", err)
	}
	if n := srv.PeakSessions(); n != 1 {
		t.Errorf("%d sessions at once, want 1", n)
	}
}

// TestClientWaitCancelled: a call waiting for a session gives up with
// its context, and the session it would have had serves the next.
func TestClientWaitCancelled(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	hold := make(chan struct{})
	held := make(chan struct{})
	go c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		close(held)
		<-hold
		return nil
	})
	<-held
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.Stat(short, "f"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Stat while the only session is held = %v, want the deadline", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("gave up after %v", d)
	}
	close(hold)
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Errorf("Stat after the session came back: %v", err)
	}
}

// TestClientFIFO: callers waiting for the one session get it in the
// order they came.
func TestClientFIFO(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	hold := make(chan struct{})
	held := make(chan struct{})
	go c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		close(held)
		<-hold
		return nil
	})
	<-held
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			})
		}()
		time.Sleep(20 * time.Millisecond) // let it queue before the next
	}
	close(hold)
	wg.Wait()
	if !slices.Equal(order, []int{0, 1, 2, 3, 4}) {
		t.Errorf("served in order %v", order)
	}
}

// TestClientRetryResumes: a download whose data connection is cut is
// retried once and resumes with REST where it stopped.
func TestClientRetryResumes(t *testing.T) {
	data := clTestData(7, 1<<20)
	srv := clServer(t, map[string][]byte{"big": data})
	var retries []ftp.RetryEvent
	c := clClient(t, srv, ftp.WithRetryFunc(func(ev ftp.RetryEvent) { retries = append(retries, ev) }))
	ctx := clCtx(t)
	srv.CutData("RETR", 1, 300_000)
	local := filepath.Join(t.TempDir(), "big")
	if err := c.Download(ctx, "big", local, ftp.WithSegments(1)); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
	if len(retries) != 1 || retries[0].Offset == 0 || retries[0].Op != "Download" {
		t.Fatalf("retries = %+v, want one resuming after the cut", retries)
	}
	rest := fmt.Sprintf("REST %d", retries[0].Offset)
	if !slices.Contains(srv.Commands(), rest) {
		t.Errorf("no %q on the wire: %q", rest, srv.Commands())
	}
}

// TestClientNoRetryOnRefusal: a 550 is not retried.
func TestClientNoRetryOnRefusal(t *testing.T) {
	srv := clServer(t, nil)
	retried := 0
	c := clClient(t, srv, ftp.WithRetryFunc(func(ftp.RetryEvent) { retried++ }))
	err := c.Download(clCtx(t), "missing", filepath.Join(t.TempDir(), "x"))
	if !errors.Is(err, fs.ErrNotExist) || retried != 0 {
		t.Errorf("Download(missing) = %v after %d retries", err, retried)
	}
}

// TestClientRetry421: a session told 421 is not reused, and the call
// succeeds on a new one.
func TestClientRetry421(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("data")})
	c := clClient(t, srv)
	ctx := clCtx(t)
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	srv.Fail("SIZE", 1, "421 Service not available")
	srv.Fail("MLST", 1, "421 Service not available")
	local := filepath.Join(t.TempDir(), "f")
	if err := c.Download(ctx, "f", local); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(local); string(b) != "data" {
		t.Errorf("got %q", b)
	}
}

// TestClientIdleTimeout: idle sessions are closed after the idle
// timeout.
func TestClientIdleTimeout(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	c := clClient(t, srv, ftp.WithIdleTimeout(100*time.Millisecond))
	ctx := clCtx(t)
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for !slices.Contains(srv.Commands(), "QUIT") {
		if time.Now().After(deadline) {
			t.Fatal("the idle session was not closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Errorf("after the idle timeout: %v", err)
	}
}

// TestClientCloseBounded: Close returns promptly even when the server
// never answers QUIT.
func TestClientCloseBounded(t *testing.T) {
	f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		fc.Reply("220 hi")
		for {
			line, ok := fc.ReadCommand()
			if !ok {
				return
			}
			switch v, _, _ := strings.Cut(line, " "); v {
			case "USER":
				fc.Reply("331 pass")
			case "PASS":
				fc.Reply("230 in")
			case "PWD":
				fc.Reply(`257 "/"`)
			case "QUIT":
				// never answered
			default:
				fc.Reply("200 ok")
			}
		}
	})
	c, err := ftp.NewClient("ftp://u:p@"+f.Addr+"/", ftp.WithTimeout(20*time.Second), ftp.WithoutNetrc())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Do(clCtx(t), func(ctx context.Context, s *ftp.Conn) error { return s.Noop(ctx) }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 7*time.Second {
		t.Errorf("Close took %v", d)
	}
}

// TestClientDoDiscardsTainted: a session on which Do sent a raw command
// is not reused.
func TestClientDoDiscardsTainted(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	if err := c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		_, err := s.Cmd(ctx, "TYPE A")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(srv.Commands(), "\n"), "USER "); n != 2 {
		t.Errorf("%d logins, want 2 (the tainted session closed)", n)
	}
}

// TestClientUploadTempName: WithTempName uploads under a hidden name and
// renames it.
func TestClientUploadTempName(t *testing.T) {
	srv := clServer(t, nil)
	c := clClient(t, srv)
	ctx := clCtx(t)
	local := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(local, []byte("report"), 0o644)
	if err := c.Upload(ctx, local, "r.pdf", ftp.WithTempName()); err != nil {
		t.Fatal(err)
	}
	var stor, rnto string
	for _, cmd := range srv.Commands() {
		if strings.HasPrefix(cmd, "STOR ") {
			stor = cmd
		}
		if strings.HasPrefix(cmd, "RNTO ") {
			rnto = cmd
		}
	}
	if !strings.HasPrefix(stor, "STOR .r.pdf.ftpkit-") || rnto != "RNTO r.pdf" {
		t.Errorf("STOR %q, RNTO %q", stor, rnto)
	}
	if b, _ := os.ReadFile(filepath.Join(srv.Root, "r.pdf")); string(b) != "report" {
		t.Errorf("remote holds %q", b)
	}
	entries, _ := os.ReadDir(srv.Root)
	if len(entries) != 1 {
		t.Errorf("remote directory holds %d entries", len(entries))
	}
}

// TestClientUploadResumes: an upload whose data connection is cut is
// resumed with REST and STOR after the server's copy.
func TestClientUploadResumes(t *testing.T) {
	data := clTestData(9, 1<<20)
	srv := clServer(t, nil)
	var retries []ftp.RetryEvent
	c := clClient(t, srv, ftp.WithRetryFunc(func(ev ftp.RetryEvent) { retries = append(retries, ev) }))
	local := filepath.Join(t.TempDir(), "u")
	os.WriteFile(local, data, 0o644)
	srv.CutData("STOR", 1, 400_000)
	if err := c.Upload(clCtx(t), local, "u"); err != nil {
		t.Fatal(err)
	}
	if clSum(t, filepath.Join(srv.Root, "u")) != sha256.Sum256(data) {
		t.Fatal("remote file differs")
	}
	if len(retries) != 1 {
		t.Fatalf("retries %+v", retries)
	}
	resumed := false
	for _, cmd := range srv.Commands() {
		resumed = resumed || strings.HasPrefix(cmd, "REST ") && cmd != "REST 0"
	}
	if !resumed {
		t.Errorf("no REST before the second STOR: %q", srv.Commands())
	}
}

// TestClientSegmented: WithSegments(4) fetches four ranges with REST,
// into one file that matches.
func TestClientSegmented(t *testing.T) {
	data := clTestData(11, 8<<20+12345)
	srv := clServer(t, map[string][]byte{"big": data})
	c := clClient(t, srv, ftp.WithMaxConns(4))
	ctx := clCtx(t)
	local := filepath.Join(t.TempDir(), "big")
	var last atomic.Int64
	err := c.Download(ctx, "big", local, ftp.WithSegments(4), ftp.WithProgress(func(done, total int64) { last.Store(done) }))
	if err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
	if last.Load() != int64(len(data)) {
		t.Errorf("progress ended at %d of %d", last.Load(), len(data))
	}
	var rests []string
	for _, cmd := range srv.Commands() {
		if strings.HasPrefix(cmd, "REST ") {
			rests = append(rests, cmd)
		}
	}
	if len(rests) != 3 { // the first range starts at 0 and sends no REST
		t.Errorf("REST commands %q, want 3", rests)
	}
	// One session: the same download in one stream.
	c1 := clClient(t, srv, ftp.WithMaxConns(1))
	if err := c1.Download(ctx, "big", local, ftp.WithSegments(4)); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs after one stream")
	}
}

// TestClientSegmentRetry: a range whose data connection is cut resumes
// where it stopped.
func TestClientSegmentRetry(t *testing.T) {
	data := clTestData(12, 6<<20)
	srv := clServer(t, map[string][]byte{"big": data})
	c := clClient(t, srv, ftp.WithMaxConns(3))
	srv.CutData("RETR", 1, 1<<20)
	local := filepath.Join(t.TempDir(), "big")
	if err := c.Download(clCtx(t), "big", local, ftp.WithSegments(3)); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
}

// TestClientKeepPartialResume: a failed download kept with
// WithKeepPartial is resumed by the next Download, which asks only for
// the rest.
func TestClientKeepPartialResume(t *testing.T) {
	data := clTestData(13, 1<<20)
	srv := clServer(t, map[string][]byte{"f": data})
	c := clClient(t, srv, ftp.WithRetry(0, 0, 0))
	ctx := clCtx(t)
	dir := t.TempDir()
	local := filepath.Join(dir, "f")
	srv.CutData("RETR", 1, 500_000)
	if err := c.Download(ctx, "f", local, ftp.WithKeepPartial(), ftp.WithSegments(1)); err == nil {
		t.Fatal("the cut download succeeded")
	}
	parts, _ := filepath.Glob(filepath.Join(dir, ".f.ftpkit-*.part"))
	if len(parts) != 2 { // the data, and the remote size and time beside it
		t.Fatalf("partial files: %q", parts)
	}
	if _, err := os.Stat(local); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a partial file stands under the final name: %v", err)
	}
	n0 := len(srv.Commands())
	if err := c.Download(ctx, "f", local); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
	if !slices.ContainsFunc(srv.Commands()[n0:], func(s string) bool { return strings.HasPrefix(s, "REST ") }) {
		t.Errorf("the second download did not resume: %q", srv.Commands()[n0:])
	}
	if parts, _ := filepath.Glob(filepath.Join(dir, ".f.ftpkit-*.part")); len(parts) != 0 {
		t.Errorf("partial files left: %q", parts)
	}
	// Without WithKeepPartial a failed download leaves nothing.
	srv.CutData("RETR", 1, 500_000)
	os.Remove(local)
	if err := c.Download(ctx, "f", local, ftp.WithSegments(1)); err == nil {
		t.Fatal("the cut download succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestClientDownloadDestinations checks the local side: devices, FIFOs
// and links to them are written through, never replaced; a link to a
// regular file keeps the link; new files follow the umask; an existing
// file keeps its mode; a directory, or a missing parent, fails before
// any transfer.
func TestClientDownloadDestinations(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 100_000)
	srv := clServer(t, map[string][]byte{"f": data})
	c := clClient(t, srv)
	ctx := clCtx(t)
	dir := t.TempDir()

	// /dev/null stays a device.
	if err := c.Download(ctx, "f", "/dev/null"); err != nil {
		t.Fatalf("to /dev/null: %v", err)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is now %v", fi.Mode())
	}
	// A link to /dev/null stays a link.
	link := filepath.Join(dir, "null")
	os.Symlink("/dev/null", link)
	if err := c.Download(ctx, "f", link); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link became %v", fi.Mode())
	}
	// A link to a regular file: the link stays, its target is updated.
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("old"), 0o640)
	flink := filepath.Join(dir, "flink")
	os.Symlink("target", flink)
	if err := c.Download(ctx, "f", flink); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(flink); fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link became %v", fi.Mode())
	}
	if fi, _ := os.Stat(target); fi.Size() != int64(len(data)) || fi.Mode().Perm() != 0o640 {
		t.Errorf("target: size %d mode %v", fi.Size(), fi.Mode())
	}
	// New files follow the umask; an existing file keeps its mode.
	old := setUmask(0o077)
	err := c.Download(ctx, "f", filepath.Join(dir, "new"))
	setUmask(old)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "new")); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file under umask 077: %v", fi.Mode())
	}
	os.WriteFile(filepath.Join(dir, "kept"), nil, 0o600)
	os.Chmod(filepath.Join(dir, "kept"), 0o604)
	if err := c.Download(ctx, "f", filepath.Join(dir, "kept")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "kept")); fi.Mode().Perm() != 0o604 {
		t.Errorf("existing 0604 file is now %v", fi.Mode())
	}
	// A directory in the way, a missing parent: errors naming the
	// destination, before any RETR.
	n0 := len(srv.Commands())
	if err := c.Download(ctx, "f", dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("to a directory: %v", err)
	}
	if err := c.Download(ctx, "f", filepath.Join(dir, "no", "f")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("to a missing directory: %v", err)
	}
	if slices.ContainsFunc(srv.Commands()[n0:], func(s string) bool { return strings.HasPrefix(s, "RETR") }) {
		t.Errorf("RETR sent for a bad destination")
	}
	// No clobber.
	if err := c.Download(ctx, "f", filepath.Join(dir, "kept"), ftp.WithNoClobber()); !errors.Is(err, fs.ErrExist) {
		t.Errorf("no-clobber: %v", err)
	}
	// No temporary file is left anywhere.
	if parts, _ := filepath.Glob(filepath.Join(dir, ".*")); len(parts) != 0 {
		t.Errorf("left behind: %q", parts)
	}
}

// TestClientDownloadFIFO: a FIFO destination is written in place.
func TestClientDownloadFIFO(t *testing.T) {
	data := clTestData(3, 200_000)
	srv := clServer(t, map[string][]byte{"f": data})
	c := clClient(t, srv)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Skip(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	if err := c.Download(clCtx(t), "f", fifo); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Errorf("read %d bytes from the FIFO", len(b))
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO became %v", fi.Mode())
	}
}

// TestClientDownloadModTime: the local file gets the remote time.
func TestClientDownloadModTime(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	mt := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	os.Chtimes(filepath.Join(srv.Root, "f"), mt, mt)
	c := clClient(t, srv)
	local := filepath.Join(t.TempDir(), "f")
	if err := c.Download(clCtx(t), "f", local); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(local); !fi.ModTime().Equal(mt) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), mt)
	}
}

// TestClientOpenEarlyClose: closing a reader before the end aborts the
// transfer, and the session is reused.
func TestClientOpenEarlyClose(t *testing.T) {
	srv := clServer(t, map[string][]byte{"big": clTestData(5, 4<<20)})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	r, err := c.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1000)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Stat(ctx, "big"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(srv.Commands(), "\n"), "USER "); n != 1 {
		t.Errorf("%d logins, want 1: the session survives an early close", n)
	}
}

// TestClientCreateFailedBody: a body that fails never commits.
func TestClientCreateFailedBody(t *testing.T) {
	srv := clServer(t, nil)
	c := clClient(t, srv)
	w, err := c.Create(clCtx(t), "g")
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("source broke")
	_, cerr := io.Copy(w, io.MultiReader(bytes.NewReader(make([]byte, 50000)), &errReader{boom}))
	if !errors.Is(cerr, boom) {
		t.Fatalf("copy: %v", cerr)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close after a failed body = %v, want the body's error", err)
	}
}

type errReader struct{ err error }

func (r *errReader) Read([]byte) (int, error) { return 0, r.err }

// TestClientOpenSeek: a FileReader seeks by starting a new transfer
// there (REST), and serves http.ServeContent-style reads of ranges.
func TestClientOpenSeek(t *testing.T) {
	data := clTestData(21, 100_000)
	srv := clServer(t, map[string][]byte{"f": data})
	c := clClient(t, srv, ftp.WithMaxConns(1))
	ctx := clCtx(t)
	r, err := c.Open(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := r.Seek(0, io.SeekEnd); err != nil || n != int64(len(data)) {
		t.Fatalf("Seek(end) = %d, %v", n, err)
	}
	if _, err := r.Seek(60_000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1000)
	if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[60_000:61_000]) {
		t.Fatalf("read after Seek: %v", err)
	}
	if _, err := r.Seek(-2000, io.SeekCurrent); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(rest, data[59_000:]) {
		t.Fatalf("rest: %d bytes, %v", len(rest), err)
	}
	if !slices.Contains(srv.Commands(), "REST 60000") || !slices.Contains(srv.Commands(), "REST 59000") {
		t.Errorf("commands %q", srv.Commands())
	}
}

// TestClientServerEndedIdle: a session the server ended while it was
// idle (a 421 and a close) is not reused: the next call gets a new one
// without a failed try.
func TestClientServerEndedIdle(t *testing.T) {
	srv := clServer(t, map[string][]byte{"f": []byte("f")})
	retried := 0
	c := clClient(t, srv, ftp.WithRetryFunc(func(ftp.RetryEvent) { retried++ }))
	ctx := clCtx(t)
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	srv.Close()                                                                  // ends every session, as a server's idle timeout does
	clServer(t, map[string][]byte{"f": []byte("f")}, ftptest.WithAddr(srv.Addr)) // back on the same port
	if _, err := c.Stat(ctx, "f"); err != nil {
		t.Fatalf("after the server ended the idle session: %v", err)
	}
	if retried != 0 {
		t.Errorf("%d retries: the dead session was tried", retried)
	}
}

// TestClientOpenAt: Open with WithOffset starts the transfer there, and
// Close after reading the whole rest reports the transfer's verdict.
func TestClientOpenAt(t *testing.T) {
	data := clTestData(22, 50_000)
	srv := clServer(t, map[string][]byte{"f": data})
	c := clClient(t, srv)
	ctx := clCtx(t)
	r, err := c.Open(ctx, "f", ftp.WithOffset(40_000))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10_000)
	if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[40_000:]) {
		t.Fatalf("read: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close after the whole rest: %v", err)
	}
	if !slices.Contains(srv.Commands(), "REST 40000") {
		t.Errorf("commands %q", srv.Commands())
	}
}

// TestClientRemoveDir: Remove removes an empty directory, and for a
// directory that is not empty reports RMD's reason.
func TestClientRemoveDir(t *testing.T) {
	srv := clServer(t, map[string][]byte{"full/x": []byte("x")})
	os.Mkdir(filepath.Join(srv.Root, "empty"), 0o755)
	c := clClient(t, srv)
	ctx := clCtx(t)
	if err := c.Remove(ctx, "empty"); err != nil {
		t.Errorf("Remove(empty dir) = %v", err)
	}
	err := c.Remove(ctx, "full")
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Remove(full dir) = %v, want RMD's 'not empty'", err)
	}
}

// TestClientKeepPartialListed: with WithListedEntry, a failed download's
// data is kept even when the server can no longer be asked (it went
// away), and the next Download resumes it without asking for the file's
// size and time.
func TestClientKeepPartialListed(t *testing.T) {
	data := clTestData(23, 1<<20)
	srv := clServer(t, map[string][]byte{"f": data})
	mt := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	os.Chtimes(filepath.Join(srv.Root, "f"), mt, mt)
	entry := listing.Entry{Name: "f", Type: listing.TypeFile, Size: int64(len(data)), ModTime: mt, Precision: listing.PrecisionSecond}
	c := clClient(t, srv, ftp.WithRetry(0, 0, 0))
	ctx := clCtx(t)
	local := filepath.Join(t.TempDir(), "f")
	srv.Fail("MLST", 0, "421 going away") // no Stat can be had
	srv.Fail("SIZE", 0, "421 going away")
	srv.CutData("RETR", 1, 400_000)
	if err := c.Download(ctx, "f", local, ftp.WithKeepPartial(), ftp.WithListedEntry(entry), ftp.WithSegments(1)); err == nil {
		t.Fatal("the cut download succeeded")
	}
	n0 := len(srv.Commands())
	if err := c.Download(ctx, "f", local, ftp.WithListedEntry(entry)); err != nil {
		t.Fatal(err)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
	cmds := srv.Commands()[n0:]
	if !slices.ContainsFunc(cmds, func(s string) bool { return strings.HasPrefix(s, "REST ") }) ||
		slices.ContainsFunc(cmds, func(s string) bool { return strings.HasPrefix(s, "MDTM") || strings.HasPrefix(s, "MLST") }) {
		t.Errorf("second download: %q, want a REST and no MDTM or MLST", cmds)
	}
	if fi, _ := os.Stat(local); !fi.ModTime().Equal(mt) {
		t.Errorf("mtime %v, want the listed %v", fi.ModTime(), mt)
	}
}

// TestClientAutoSegments: by default a large file is fetched in segments
// only when the first stream shows the rest would take long; a fast one
// stays one stream.
func TestClientAutoSegments(t *testing.T) {
	data := clTestData(24, 70<<20)
	srv := clServer(t, map[string][]byte{"big": data})
	c := clClient(t, srv, ftp.WithMaxConns(4))
	ctx := clCtx(t)
	local := filepath.Join(t.TempDir(), "big")
	rests := func(from int) int {
		n := 0
		for _, cmd := range srv.Commands()[from:] {
			if strings.HasPrefix(cmd, "REST ") {
				n++
			}
		}
		return n
	}
	n0 := len(srv.Commands())
	if err := c.Download(ctx, "big", local); err != nil {
		t.Fatal(err)
	}
	if n := rests(n0); n != 0 {
		t.Errorf("fast link: %d ranges with REST, want one stream", n)
	}
	// A stream that stalls a second after its first MiB looks slow: the
	// rest is split.
	srv.StallData("RETR", 1, 1<<20, time.Second)
	n0 = len(srv.Commands())
	if err := c.Download(ctx, "big", local); err != nil {
		t.Fatal(err)
	}
	if n := rests(n0); n != 3 {
		t.Errorf("slow link: %d ranges with REST, want 3", n)
	}
	if clSum(t, local) != sha256.Sum256(data) {
		t.Fatal("file differs")
	}
}

// TestClientClosedErrors: Close ends a download under way, a call
// waiting for a session and every later call, each with an error that
// matches ErrClosed; the download leaves no temporary file.
func TestClientClosedErrors(t *testing.T) {
	srv := clServer(t, map[string][]byte{"big": clTestData(7, 4<<20)})
	srv.StallData("RETR", 1, 1<<20, 10*time.Second)
	c := clClient(t, srv, ftp.WithMaxConns(1))
	dir := t.TempDir()
	errs := make(chan error, 2)
	go func() { errs <- c.Download(clCtx(t), "big", filepath.Join(dir, "big")) }()
	for len(srv.Commands()) == 0 || !slices.Contains(srv.Commands(), "RETR big") {
		time.Sleep(5 * time.Millisecond)
	}
	go func() { _, err := c.Stat(clCtx(t), "big"); errs <- err }() // waits: one session
	time.Sleep(50 * time.Millisecond)
	c.Close()
	for range 2 {
		if err := <-errs; !errors.Is(err, ftp.ErrClosed) {
			t.Errorf("call ended by Close: %v, want one matching ErrClosed", err)
		}
	}
	if _, err := c.Stat(clCtx(t), "big"); !errors.Is(err, ftp.ErrClosed) {
		t.Errorf("Stat after Close: %v, want one matching ErrClosed", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left in the directory: %v", ents)
	}
}

// TestClientDebugShared: the sessions of a Client write their debug
// lines to one writer that is not safe for concurrent use (a
// bytes.Buffer) one at a time (the race detector failed this before),
// and every line is whole.
func TestClientDebugShared(t *testing.T) {
	files := map[string][]byte{}
	for i := range 8 {
		files[fmt.Sprintf("f%d", i)] = clTestData(uint64(i), 1000)
	}
	srv := clServer(t, files)
	var buf bytes.Buffer
	c := clClient(t, srv, ftp.WithMaxConns(4), ftp.WithDebug(1, &buf))
	ctx := clCtx(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Open(ctx, fmt.Sprintf("f%d", i))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, r)
			r.Close()
		}()
	}
	wg.Wait()
	c.Close()
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if !strings.HasPrefix(l, "*") || !strings.HasSuffix(l, `"`) {
			t.Errorf("debug line %q", l)
		}
	}
	if n := strings.Count(buf.String(), `*cmd* "RETR `); n != 8 {
		t.Errorf("%d RETR lines, want 8", n)
	}
}
