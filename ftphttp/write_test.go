package ftphttp_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPut(t *testing.T) {
	srv := newServer(t, map[string][]byte{"pub/old.bin": []byte("old"), "pub/dir/x": nil})
	c := httpClient(newTransport(t))
	data := testData(6, 700<<10)

	resp, body := do(t, c, http.MethodPut, srv.URL+"pub/new.bin", bytes.NewReader(data))
	wantStatus(t, resp, body, http.StatusCreated)
	if got, _ := os.ReadFile(filepath.Join(srv.Root, "pub/new.bin")); sum(got) != sum(data) {
		t.Errorf("new.bin: %d bytes, not the body's %d", len(got), len(data))
	}

	resp, body = do(t, c, http.MethodPut, srv.URL+"pub/old.bin", strings.NewReader("replaced"))
	wantStatus(t, resp, body, http.StatusNoContent)
	if got, _ := os.ReadFile(filepath.Join(srv.Root, "pub/old.bin")); string(got) != "replaced" {
		t.Errorf("old.bin: %q", got)
	}

	// No body: an empty file.
	resp, body = do(t, c, http.MethodPut, srv.URL+"pub/empty", nil)
	wantStatus(t, resp, body, http.StatusCreated)
	if fi, err := os.Stat(filepath.Join(srv.Root, "pub/empty")); err != nil || fi.Size() != 0 {
		t.Errorf("empty: %v, %v", fi, err)
	}

	resp, body = do(t, c, http.MethodPut, srv.URL+"pub/dir", strings.NewReader("x"))
	wantStatus(t, resp, body, http.StatusConflict)
	resp, body = do(t, c, http.MethodPut, srv.URL+"pub/dir/", strings.NewReader("x"))
	wantStatus(t, resp, body, http.StatusMethodNotAllowed)
	resp, body = do(t, c, http.MethodPut, srv.URL+"pub/part", strings.NewReader("x"), "Content-Range", "bytes 0-0/10")
	wantStatus(t, resp, body, http.StatusBadRequest)
	resp, body = do(t, c, http.MethodPut, srv.URL+"nodir/f", strings.NewReader("x"))
	wantStatus(t, resp, body, http.StatusNotFound)

	if n := count(srv.Commands(), "USER"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// A request body that fails is the caller's error, and aborts the
// upload; the session is reused.
func TestPutBodyFails(t *testing.T) {
	srv := newServer(t, nil)
	c := httpClient(newTransport(t))
	boom := errors.New("boom")
	body := io.MultiReader(bytes.NewReader(testData(7, 100<<10)), errReader{boom})
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPut, srv.URL+"f.bin", body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if !errors.Is(err, boom) {
		t.Fatalf("PUT with a failing body: %v, %v; want an error wrapping %v", resp, err, boom)
	}
	cmds := srv.Commands()
	if i := slices.Index(cmds, "STOR f.bin"); i < 0 || !slices.Contains(cmds[i:], "ABOR") {
		t.Errorf("upload not aborted: %q", cmds)
	}
	resp, got := do(t, c, http.MethodPut, srv.URL+"g.bin", strings.NewReader("ok"))
	wantStatus(t, resp, got, http.StatusCreated)
	if n := count(srv.Commands(), "USER"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestPutASCII(t *testing.T) {
	srv := newServer(t, nil)
	c := httpClient(newTransport(t))
	resp, body := do(t, c, http.MethodPut, srv.URL+"notes.txt;type=a", strings.NewReader("one\ntwo\r\nthree"))
	wantStatus(t, resp, body, http.StatusCreated)
	got, err := os.ReadFile(filepath.Join(srv.Root, "notes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// On the wire every line ends in CRLF; ftptest stores what it gets.
	if string(got) != "one\r\ntwo\r\nthree\r\n" {
		t.Errorf("stored %q", got)
	}
	if cmds := srv.Commands(); !slices.Contains(cmds, "TYPE A") {
		t.Errorf("no TYPE A: %q", cmds)
	}
}

func TestDelete(t *testing.T) {
	srv := newServer(t, map[string][]byte{"pub/f": []byte("x"), "pub/full/y": nil})
	if err := os.Mkdir(filepath.Join(srv.Root, "pub/empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := httpClient(newTransport(t))
	for _, tc := range []struct {
		path   string
		status int
		gone   bool
	}{
		{"pub/f", http.StatusNoContent, true},
		{"pub/f", http.StatusNotFound, true},
		{"pub/empty/", http.StatusNoContent, true},
		{"pub/full", http.StatusConflict, false}, // 550 Directory not empty
	} {
		resp, body := do(t, c, http.MethodDelete, srv.URL+tc.path, nil)
		wantStatus(t, resp, body, tc.status)
		_, err := os.Stat(filepath.Join(srv.Root, tc.path))
		if gone := errors.Is(err, os.ErrNotExist); gone != tc.gone {
			t.Errorf("%s: gone %v after DELETE, want %v", tc.path, gone, tc.gone)
		}
	}
}
