package ftphttp_test

import (
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftphttp"
	"github.com/ftpkit/ftp/ftptest"
)

// testData is n bytes that vary with seed.
func testData(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// newServer starts an ftptest.Server holding files (name to content).
func newServer(t *testing.T, files map[string][]byte, opts ...ftptest.Option) *ftptest.Server {
	t.Helper()
	srv := ftptest.NewServer(t, opts...)
	for name, data := range files {
		writeFile(t, srv.Root, name, data)
	}
	return srv
}

// writeFile writes data to name below root, making its directories.
func writeFile(t *testing.T, root, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// newTransport returns a Transport whose sessions time out after 5 s and
// retry quickly; its sessions are closed when the test ends.
func newTransport(t *testing.T, opts ...ftphttp.Option) *ftphttp.Transport {
	t.Helper()
	opts = append([]ftphttp.Option{ftphttp.WithClientOptions(
		ftp.WithTimeout(5*time.Second),
		ftp.WithRetry(3, time.Millisecond, 10*time.Millisecond),
	)}, opts...)
	tr := ftphttp.NewTransport(opts...)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// httpClient returns an http.Client whose http.Transport has tr
// registered for ftp, ftps and ftpes, as the package documentation
// shows.
func httpClient(tr *ftphttp.Transport) *http.Client {
	t := &http.Transport{}
	for _, scheme := range []string{"ftp", "ftps", "ftpes"} {
		t.RegisterProtocol(scheme, tr)
	}
	return &http.Client{Transport: t}
}

// testCtx is a context that ends with the test, or after 30 s.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// do sends a request of method for rawURL with the headers hdr (name,
// value, ...) and returns the response, its body read and closed.
func do(t *testing.T, c *http.Client, method, rawURL string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, ftp.RedactURL(rawURL), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, ftp.RedactURL(rawURL), err)
	}
	return resp, b
}

// wantStatus fails the test unless resp has the status code want.
func wantStatus(t *testing.T, resp *http.Response, body []byte, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %s, want %d; %s: %q; body %q", resp.Request.Method, ftp.RedactURL(resp.Request.URL.String()),
			resp.Status, want, ftphttp.ReplyHeader, resp.Header.Get(ftphttp.ReplyHeader), body)
	}
}

// sum is the SHA-256 of b.
func sum(b []byte) [32]byte { return sha256.Sum256(b) }

// count returns how many commands of cmds start with prefix.
func count(cmds []string, prefix string) int {
	n := 0
	for _, c := range cmds {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// since returns the commands of srv received after the first n.
func since(srv *ftptest.Server, n int) []string {
	return slices.Clone(srv.Commands()[n:])
}
