package ftphttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftphttp"
	"github.com/ftpkit/ftp/internal/realserver"
)

// TestRealServers runs the requests of the package against vsftpd,
// pure-ftpd, proftpd and pyftpdlib, in clear text, and over explicit and
// implicit TLS on the servers that offer it.
func TestRealServers(t *testing.T) {
	for _, tc := range []struct {
		kind realserver.Kind
		tls  realserver.TLSMode
	}{
		{realserver.Vsftpd, realserver.None},
		{realserver.PureFTPd, realserver.None},
		{realserver.ProFTPD, realserver.None},
		{realserver.Pyftpdlib, realserver.None},
		{realserver.Vsftpd, realserver.Explicit},
		{realserver.PureFTPd, realserver.Explicit},
		{realserver.ProFTPD, realserver.Implicit},
		{realserver.Pyftpdlib, realserver.Implicit},
	} {
		t.Run(string(tc.kind)+"/"+tc.tls.String(), func(t *testing.T) {
			srv := realserver.Start(t, tc.kind, realserver.Config{TLS: tc.tls})
			testRealServer(t, srv)
		})
	}
}

func testRealServer(t *testing.T, srv *realserver.Server) {
	scheme := map[realserver.TLSMode]string{realserver.None: "ftp", realserver.Explicit: "ftpes", realserver.Implicit: "ftps"}[srv.Config.TLS]
	base := scheme + "://" + url.UserPassword(srv.User, srv.Password).String() + "@" + srv.Addr + "/"
	tr := newTransport(t, ftphttp.WithTLSConfig(srv.TLSConfig()), ftphttp.WithClientOptions(ftp.WithTimeout(30*time.Second)))
	c := httpClient(tr)
	data := testData(17, 1<<20+5)
	srv.WriteFile("pub/file.iso", data)
	srv.WriteFile("pub/full/x", nil)
	srv.WriteFileMode("pub/secret", []byte("s"), 0)
	if err := os.Chtimes(srv.Path("pub/file.iso"), modTime, modTime); err != nil {
		t.Fatal(err)
	}
	ctype := mime.TypeByExtension(".iso")
	if ctype == "" {
		ctype = "application/octet-stream"
	}

	t.Run("GET", func(t *testing.T) {
		resp, body := do(t, c, http.MethodGet, base+"pub/file.iso", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if sum(body) != sum(data) || resp.ContentLength != int64(len(data)) ||
			resp.Header.Get("Last-Modified") != modTimeHTTP || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("%d bytes (ContentLength %d), headers %v", len(body), resp.ContentLength, resp.Header)
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		resp, body := do(t, c, http.MethodHead, base+"pub/file.iso", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if len(body) != 0 || resp.ContentLength != int64(len(data)) || resp.Header.Get("Last-Modified") != modTimeHTTP {
			t.Errorf("%d bytes (ContentLength %d), headers %v", len(body), resp.ContentLength, resp.Header)
		}
	})
	t.Run("Range", func(t *testing.T) {
		for _, rc := range []struct {
			rng        string
			start, end int
		}{
			{"bytes=1000-1999", 1000, 2000},
			{"bytes=-100", len(data) - 100, len(data)},
			{"bytes=500000-", 500000, len(data)},
		} {
			resp, body := do(t, c, http.MethodGet, base+"pub/file.iso", nil, "Range", rc.rng)
			wantStatus(t, resp, body, http.StatusPartialContent)
			want := "bytes " + strconv.Itoa(rc.start) + "-" + strconv.Itoa(rc.end-1) + "/" + strconv.Itoa(len(data))
			if !bytes.Equal(body, data[rc.start:rc.end]) || resp.Header.Get("Content-Range") != want {
				t.Errorf("%s: %d bytes, Content-Range %q", rc.rng, len(body), resp.Header.Get("Content-Range"))
			}
		}
	})
	t.Run("If-Modified-Since", func(t *testing.T) {
		resp, body := do(t, c, http.MethodGet, base+"pub/file.iso", nil, "If-Modified-Since", modTimeHTTP)
		wantStatus(t, resp, body, http.StatusNotModified)
	})
	t.Run("close early", func(t *testing.T) {
		resp := get(t, c, testCtx(t), base+"pub/file.iso")
		buf := make([]byte, 4096)
		if _, err := io.ReadFull(resp.Body, buf); err != nil || !bytes.Equal(buf, data[:4096]) {
			t.Errorf("first 4096 bytes: %v", err)
		}
		resp.Body.Close()
		resp2, body := do(t, c, http.MethodGet, base+"pub/file.iso", nil, "Range", "bytes=0-9")
		if !bytes.Equal(body, data[:10]) {
			t.Errorf("after an abort: %s, %q", resp2.Status, body)
		}
	})
	t.Run("directory", func(t *testing.T) {
		resp, body := do(t, c, http.MethodGet, base+"pub/", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if string(body) != "file.iso\nfull\nsecret\n" {
			t.Errorf("listing %q", body)
		}
		resp, body = do(t, c, http.MethodGet, base+"pub", nil, "Accept", "application/json")
		wantStatus(t, resp, body, http.StatusOK)
		var es []ftphttp.DirEntry
		if err := json.Unmarshal(body, &es); err != nil || len(es) != 3 ||
			es[0].Name != "file.iso" || es[0].Type != "file" || es[0].Size != int64(len(data)) ||
			es[0].ModTime.Format(time.DateOnly) != modTime.Format(time.DateOnly) || // vsftpd's LIST gives the day only

			es[1].Name != "full" || es[1].Type != "dir" {
			t.Errorf("JSON listing %s (%v)", body, err)
		}
	})
	t.Run("PUT and DELETE", func(t *testing.T) {
		up := testData(18, 300<<10)
		resp, body := do(t, c, http.MethodPut, base+"pub/new.bin", bytes.NewReader(up))
		wantStatus(t, resp, body, http.StatusCreated)
		resp, body = do(t, c, http.MethodPut, base+"pub/new.bin", bytes.NewReader(up[:1000]))
		wantStatus(t, resp, body, http.StatusNoContent)
		if got, err := os.ReadFile(srv.Path("pub/new.bin")); err != nil || !bytes.Equal(got, up[:1000]) {
			t.Errorf("stored %d bytes, %v", len(got), err)
		}
		resp, body = do(t, c, http.MethodDelete, base+"pub/new.bin", nil)
		wantStatus(t, resp, body, http.StatusNoContent)
		resp, body = do(t, c, http.MethodGet, base+"pub/new.bin", nil)
		wantStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("errors", func(t *testing.T) {
		// vsftpd's "550 Failed to open file.", "550 Remove directory
		// operation failed." and "553 Could not create file." do not say
		// why (docs/errors.md).
		secret, full, nodir := http.StatusForbidden, http.StatusConflict, http.StatusNotFound
		if srv.Kind == realserver.Vsftpd {
			secret, full, nodir = http.StatusNotFound, http.StatusForbidden, http.StatusForbidden
		}
		for _, ec := range []struct {
			method, url string
			status      int
		}{
			{"GET", base + "pub/missing", http.StatusNotFound},
			{"GET", base + "missing/", http.StatusNotFound},
			{"GET", base + "pub/secret", secret},
			{"DELETE", base + "pub/full", full},
			{"DELETE", base + "pub/missing", http.StatusNotFound},
			{"PUT", base + "missing/f", nodir},
			{"GET", strings.Replace(base, srv.Password, "wrong", 1) + "pub/file.iso", http.StatusUnauthorized},
		} {
			var body io.Reader
			if ec.method == "PUT" {
				body = strings.NewReader("x")
			}
			resp, _ := do(t, c, ec.method, ec.url, body)
			if resp.StatusCode != ec.status || resp.Header.Get(ftphttp.ReplyHeader) == "" {
				t.Errorf("%s %s: %s, %s %q; want %d", ec.method, ftp.RedactURL(ec.url), resp.Status,
					ftphttp.ReplyHeader, resp.Header.Get(ftphttp.ReplyHeader), ec.status)
			}
		}
	})
}
