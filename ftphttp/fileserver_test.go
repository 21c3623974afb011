package ftphttp_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The same directory served by http.FileServer over HTTP and by an
// ftptest.Server over FTP answers the same requests alike: status, the
// headers of the representation, and the bytes.
func TestFileServerParity(t *testing.T) {
	files := map[string][]byte{
		"pub/file.iso":  testData(15, 3<<20),
		"pub/doc.txt":   []byte("hello, world\n"),
		"pub/page.css":  []byte("body{}\n"),
		"pub/empty.txt": nil,
	}
	srv := newServer(t, files)
	for name := range files {
		chtimes(t, srv.Root, name)
	}
	hs := httptest.NewServer(http.FileServer(http.Dir(srv.Root)))
	defer hs.Close()
	hc := hs.Client()
	fc := httpClient(newTransport(t))
	before := modTime.Add(-time.Minute).Format(http.TimeFormat)

	for _, tc := range []struct {
		method, path string
		hdr          []string
	}{
		{"GET", "pub/file.iso", nil},
		{"HEAD", "pub/file.iso", nil},
		{"GET", "pub/doc.txt", nil},
		{"GET", "pub/page.css", nil},
		{"GET", "pub/empty.txt", nil},
		{"GET", "pub/missing", nil},
		{"GET", "pub/file.iso", []string{"Range", "bytes=0-0"}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=1000-1999"}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=3000000-"}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=-4096"}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=3145728-"}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=100-99999999"}},
		{"GET", "pub/doc.txt", []string{"If-Modified-Since", modTimeHTTP}},
		{"HEAD", "pub/doc.txt", []string{"If-Modified-Since", modTimeHTTP}},
		{"GET", "pub/doc.txt", []string{"If-Modified-Since", before}},
		{"GET", "pub/doc.txt", []string{"If-Unmodified-Since", before}},
		{"GET", "pub/doc.txt", []string{"If-None-Match", "*"}},
		{"GET", "pub/doc.txt", []string{"If-None-Match", `"x"`, "If-Modified-Since", modTimeHTTP}},
		{"GET", "pub/doc.txt", []string{"If-Match", `"x"`}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=5-9", "If-Range", modTimeHTTP}},
		{"GET", "pub/file.iso", []string{"Range", "bytes=5-9", "If-Range", before}},
	} {
		name := tc.method + " " + tc.path + " " + strings.Join(tc.hdr, ": ")
		t.Run(name, func(t *testing.T) {
			hr, hb := do(t, hc, tc.method, hs.URL+"/"+tc.path, nil, tc.hdr...)
			fr, fb := do(t, fc, tc.method, srv.URL+tc.path, nil, tc.hdr...)
			if hr.StatusCode != fr.StatusCode {
				t.Fatalf("status: HTTP %s, FTP %s", hr.Status, fr.Status)
			}
			if hr.StatusCode >= 400 {
				return // the texts differ
			}
			for _, h := range []string{"Content-Length", "Content-Range", "Content-Type", "Last-Modified", "Accept-Ranges"} {
				if hv, fv := hr.Header.Get(h), fr.Header.Get(h); hv != fv {
					t.Errorf("%s: HTTP %q, FTP %q", h, hv, fv)
				}
			}
			if hr.ContentLength != fr.ContentLength || !bytes.Equal(hb, fb) {
				t.Errorf("body: HTTP %d bytes (ContentLength %d), FTP %d bytes (ContentLength %d), equal %v",
					len(hb), hr.ContentLength, len(fb), fr.ContentLength, bytes.Equal(hb, fb))
			}
		})
	}
}

// A file put over FTP is what http.FileServer then serves, and one
// fetched over FTP what it serves: the round trip keeps every byte.
func TestFileServerRoundTrip(t *testing.T) {
	srv := newServer(t, nil)
	hs := httptest.NewServer(http.FileServer(http.Dir(srv.Root)))
	defer hs.Close()
	fc := httpClient(newTransport(t))
	data := testData(16, 2<<20+17)

	resp, body := do(t, fc, http.MethodPut, srv.URL+"up/../rt.bin", bytes.NewReader(data))
	wantStatus(t, resp, body, http.StatusCreated)
	hr, hb := do(t, hs.Client(), http.MethodGet, hs.URL+"/rt.bin", nil)
	wantStatus(t, hr, hb, http.StatusOK)
	fr, fb := do(t, fc, http.MethodGet, srv.URL+"rt.bin", nil)
	wantStatus(t, fr, fb, http.StatusOK)
	if sum(hb) != sum(data) || sum(fb) != sum(data) {
		t.Errorf("HTTP %d bytes, FTP %d bytes, put %d bytes: checksums differ", len(hb), len(fb), len(data))
	}
	if hr.Header.Get("Last-Modified") != fr.Header.Get("Last-Modified") {
		t.Errorf("Last-Modified: HTTP %q, FTP %q", hr.Header.Get("Last-Modified"), fr.Header.Get("Last-Modified"))
	}
	resp, body = do(t, fc, http.MethodDelete, srv.URL+"rt.bin", nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	hr, hb = do(t, hs.Client(), http.MethodGet, hs.URL+"/rt.bin", nil)
	wantStatus(t, hr, hb, http.StatusNotFound)
}
