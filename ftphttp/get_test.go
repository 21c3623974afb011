package ftphttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftphttp"
)

// modTime is the modification time the tests give their files.
var modTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const modTimeHTTP = "Tue, 02 Jan 2024 03:04:05 GMT"

// chtimes sets the time of the file name below root to modTime.
func chtimes(t *testing.T, root, name string) {
	t.Helper()
	if err := os.Chtimes(filepath.Join(root, filepath.FromSlash(name)), modTime, modTime); err != nil {
		t.Fatal(err)
	}
}

func TestGetFile(t *testing.T) {
	data := testData(1, 300<<10)
	srv := newServer(t, map[string][]byte{"pub/file.bin": data, "pub/notes.txt": []byte("hello\n")})
	chtimes(t, srv.Root, "pub/file.bin")
	c := httpClient(newTransport(t))

	req, err := http.NewRequestWithContext(testCtx(t), http.MethodGet, srv.URL+"pub/file.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, resp, got, http.StatusOK)
	if sum(got) != sum(data) {
		t.Errorf("body: %d bytes, checksum differs from the file's %d bytes", len(got), len(data))
	}
	for name, want := range map[string]string{
		"Content-Length": strconv.Itoa(len(data)),
		"Content-Type":   "application/octet-stream",
		"Last-Modified":  modTimeHTTP,
		"Accept-Ranges":  "bytes",
	} {
		if v := resp.Header.Get(name); v != want {
			t.Errorf("%s: %q, want %q", name, v, want)
		}
	}
	if resp.ContentLength != int64(len(data)) || resp.ProtoMajor != 1 || resp.Request == nil || resp.Request.URL.String() != req.URL.String() {
		t.Errorf("ContentLength %d, ProtoMajor %d, Request %v", resp.ContentLength, resp.ProtoMajor, resp.Request)
	}

	resp, got = do(t, c, http.MethodGet, srv.URL+"pub/notes.txt", nil)
	wantStatus(t, resp, got, http.StatusOK)
	if string(got) != "hello\n" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("notes.txt: %q, Content-Type %q", got, resp.Header.Get("Content-Type"))
	}
}

func TestHead(t *testing.T) {
	data := testData(2, 1000)
	srv := newServer(t, map[string][]byte{"f.json": data})
	chtimes(t, srv.Root, "f.json")
	c := httpClient(newTransport(t))
	resp, body := do(t, c, http.MethodHead, srv.URL+"f.json", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if len(body) != 0 || resp.ContentLength != 1000 || resp.Header.Get("Content-Length") != "1000" ||
		resp.Header.Get("Last-Modified") != modTimeHTTP || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("HEAD: body %d bytes, ContentLength %d, headers %v", len(body), resp.ContentLength, resp.Header)
	}
	if n := count(srv.Commands(), "RETR"); n != 0 {
		t.Errorf("HEAD sent RETR %d times; commands %q", n, srv.Commands())
	}
}

func TestRange(t *testing.T) {
	data := testData(3, 1<<20)
	size := len(data)
	srv := newServer(t, map[string][]byte{"f.bin": data, "empty": nil})
	c := httpClient(newTransport(t))
	for _, tc := range []struct {
		rng        string
		status     int
		start, end int // the bytes expected, end exclusive
		rest       int // the REST offset expected on the wire, 0 for none
		aborted    bool
	}{
		{"bytes=10-19", 206, 10, 20, 10, true},
		{"bytes=1000-", 206, 1000, size, 1000, false},
		{"bytes=-100", 206, size - 100, size, size - 100, false},
		{"bytes=0-", 206, 0, size, 0, false},
		{"bytes=0-0", 206, 0, 1, 0, true},
		{"bytes=500000-9999999", 206, 500000, size, 500000, false},
		{"bytes=-9999999", 206, 0, size, 0, false},
		{"BYTES = 5-6", 206, 5, 7, 5, true},
		{"bytes=0-1,5-6", 200, 0, size, 0, false}, // several ranges: served whole
		{"bytes=5-2", 200, 0, size, 0, false},     // invalid: ignored
		{"bytes=x-", 200, 0, size, 0, false},
		{"items=0-5", 200, 0, size, 0, false},
		{"bytes=" + strconv.Itoa(size) + "-", 416, 0, 0, 0, false},
		{"bytes=-0", 416, 0, 0, 0, false},
	} {
		t.Run(tc.rng, func(t *testing.T) {
			n := len(srv.Commands())
			resp, body := do(t, c, http.MethodGet, srv.URL+"f.bin", nil, "Range", tc.rng)
			wantStatus(t, resp, body, tc.status)
			cmds := since(srv, n)
			if tc.status == 416 {
				if cr := resp.Header.Get("Content-Range"); cr != "bytes */"+strconv.Itoa(size) {
					t.Errorf("Content-Range %q", cr)
				}
				if count(cmds, "RETR") != 0 {
					t.Errorf("416 after a transfer: %q", cmds)
				}
				return
			}
			if !bytes.Equal(body, data[tc.start:tc.end]) {
				t.Errorf("body: %d bytes, not bytes %d-%d of the file", len(body), tc.start, tc.end-1)
			}
			if resp.ContentLength != int64(tc.end-tc.start) {
				t.Errorf("ContentLength %d, want %d", resp.ContentLength, tc.end-tc.start)
			}
			wantCR := ""
			if tc.status == 206 {
				wantCR = "bytes " + strconv.Itoa(tc.start) + "-" + strconv.Itoa(tc.end-1) + "/" + strconv.Itoa(size)
			}
			if cr := resp.Header.Get("Content-Range"); cr != wantCR {
				t.Errorf("Content-Range %q, want %q", cr, wantCR)
			}
			// One transfer, started at the offset (REST just before its
			// RETR), aborted when the range ends before the file; none
			// started at 0 and aborted before it.
			if n := count(cmds, "RETR"); n != 1 {
				t.Fatalf("%d RETR, want 1: %q", n, cmds)
			}
			retr := slices.Index(cmds, "RETR f.bin")
			switch {
			case tc.rest > 0 && (retr <= 0 || cmds[retr-1] != "REST "+strconv.Itoa(tc.rest) || count(cmds, "REST") != 1):
				t.Errorf("the RETR is not preceded by one REST %d: %q", tc.rest, cmds)
			case tc.rest == 0 && count(cmds, "REST") != 0:
				t.Errorf("REST sent for a range from 0: %q", cmds)
			}
			if count(cmds[:retr], "ABOR") != 0 {
				t.Errorf("a transfer aborted before the range's: %q", cmds)
			}
			if aborted := count(cmds[retr:], "ABOR") > 0; aborted != tc.aborted {
				t.Errorf("the transfer aborted %v, want %v: %q", aborted, tc.aborted, cmds)
			}
		})
	}
	t.Run("empty file", func(t *testing.T) {
		resp, body := do(t, c, http.MethodGet, srv.URL+"empty", nil, "Range", "bytes=0-")
		wantStatus(t, resp, body, http.StatusOK)
		if len(body) != 0 || resp.ContentLength != 0 {
			t.Errorf("body %q, ContentLength %d", body, resp.ContentLength)
		}
	})
	t.Run("HEAD ignores Range", func(t *testing.T) {
		resp, body := do(t, c, http.MethodHead, srv.URL+"f.bin", nil, "Range", "bytes=0-9")
		wantStatus(t, resp, body, http.StatusOK)
	})
	// One session served every request: aborting a range left it usable.
	if n := count(srv.Commands(), "USER"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

func TestConditional(t *testing.T) {
	data := testData(4, 5000)
	srv := newServer(t, map[string][]byte{"f.bin": data})
	chtimes(t, srv.Root, "f.bin")
	c := httpClient(newTransport(t))
	before := modTime.Add(-time.Hour).Format(http.TimeFormat)
	after := modTime.Add(time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		name   string
		hdr    []string
		method string
		status int
	}{
		{"IMS equal", []string{"If-Modified-Since", modTimeHTTP}, "GET", 304},
		{"IMS later", []string{"If-Modified-Since", after}, "GET", 304},
		{"IMS earlier", []string{"If-Modified-Since", before}, "GET", 200},
		{"IMS HEAD", []string{"If-Modified-Since", modTimeHTTP}, "HEAD", 304},
		{"IMS malformed", []string{"If-Modified-Since", "yesterday"}, "GET", 200},
		{"IUS earlier", []string{"If-Unmodified-Since", before}, "GET", 412},
		{"IUS equal", []string{"If-Unmodified-Since", modTimeHTTP}, "GET", 200},
		{"INM star", []string{"If-None-Match", "*"}, "GET", 304},
		{"INM tag overrides IMS", []string{"If-None-Match", `"abc"`, "If-Modified-Since", modTimeHTTP}, "GET", 200},
		{"IM tag", []string{"If-Match", `"abc"`}, "GET", 412},
		{"IM star", []string{"If-Match", "*"}, "GET", 200},
		{"If-Range equal", []string{"Range", "bytes=0-9", "If-Range", modTimeHTTP}, "GET", 206},
		{"If-Range earlier", []string{"Range", "bytes=0-9", "If-Range", before}, "GET", 200},
		{"If-Range tag", []string{"Range", "bytes=0-9", "If-Range", `"abc"`}, "GET", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(srv.Commands())
			resp, body := do(t, c, tc.method, srv.URL+"f.bin", nil, tc.hdr...)
			wantStatus(t, resp, body, tc.status)
			retr := count(since(srv, n), "RETR")
			switch tc.status {
			case 304, 412:
				if len(body) != 0 || retr != 0 {
					t.Errorf("body %d bytes, %d RETR", len(body), retr)
				}
				if tc.status == 304 && (resp.Header.Get("Last-Modified") != modTimeHTTP || resp.Header.Get("Content-Type") != "") {
					t.Errorf("304 headers %v", resp.Header)
				}
			case 200:
				if tc.method == "GET" && !bytes.Equal(body, data) {
					t.Errorf("body: %d bytes, not the file", len(body))
				}
			case 206:
				if !bytes.Equal(body, data[:10]) {
					t.Errorf("body %x", body)
				}
			}
		})
	}
}

func TestDirectory(t *testing.T) {
	srv := newServer(t, map[string][]byte{
		"pub/a.txt":        []byte("aaa"),
		"pub/b.bin":        testData(5, 1234),
		"pub/sub/c":        nil,
		"pub/.hidden":      []byte("h"),
		"pub/with space":   []byte("s"),
		"top.txt":          nil,
		"pub/sub2/.keep":   nil,
		"pub/ünïcode.text": []byte("u"),
	})
	chtimes(t, srv.Root, "pub/b.bin")
	c := httpClient(newTransport(t))
	names := ".hidden\na.txt\nb.bin\nsub\nsub2\nwith space\nünïcode.text\n"
	for _, p := range []string{"pub/", "pub", "pub;type=d", "pub/;type=d", "/pub/", "%2Fpub/", "pub%2F"} {
		t.Run(p, func(t *testing.T) {
			resp, body := do(t, c, http.MethodGet, srv.URL+p, nil)
			wantStatus(t, resp, body, http.StatusOK)
			if string(body) != names || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
				resp.ContentLength != int64(len(names)) || resp.Header.Get("Vary") != "Accept" {
				t.Errorf("listing %q, headers %v", body, resp.Header)
			}
		})
	}
	t.Run("login directory", func(t *testing.T) {
		for _, u := range []string{srv.URL, strings.TrimSuffix(srv.URL, "/")} {
			resp, body := do(t, c, http.MethodGet, u, nil)
			wantStatus(t, resp, body, http.StatusOK)
			if string(body) != "pub\ntop.txt\n" {
				t.Errorf("%s: %q", u, body)
			}
		}
	})
	t.Run("JSON", func(t *testing.T) {
		for _, accept := range []string{"application/json", "application/json, text/plain;q=0.5", "text/*;q=0.2, application/*"} {
			resp, body := do(t, c, http.MethodGet, srv.URL+"pub/", nil, "Accept", accept)
			wantStatus(t, resp, body, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Accept %q: Content-Type %q", accept, ct)
			}
			var es []ftphttp.DirEntry
			if err := json.Unmarshal(body, &es); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Name+" "+e.Type)
				if e.Name == "b.bin" && (e.Size != 1234 || !e.ModTime.Equal(modTime)) {
					t.Errorf("b.bin: %+v", e)
				}
			}
			want := []string{".hidden file", "a.txt file", "b.bin file", "sub dir", "sub2 dir", "with space file", "ünïcode.text file"}
			if !slices.Equal(got, want) {
				t.Errorf("entries %q, want %q", got, want)
			}
		}
		resp, body := do(t, c, http.MethodGet, srv.URL+"pub/sub/", nil, "Accept", "application/json")
		if string(body) != "[{\"name\":\"c\",\"type\":\"file\",\"size\":0,\"modified\":"+strconv.Quote(fileTime(t, srv.Root, "pub/sub/c"))+"}]\n" {
			t.Errorf("%s: %s", resp.Status, body)
		}
	})
	t.Run("text preferred", func(t *testing.T) {
		for _, accept := range []string{"*/*", "text/plain, application/json", "application/json;q=0", "text/html", "application/json;q=0.5, */*"} {
			resp, body := do(t, c, http.MethodGet, srv.URL+"pub/sub/", nil, "Accept", accept)
			if string(body) != "c\n" {
				t.Errorf("Accept %q: %s %q", accept, resp.Header.Get("Content-Type"), body)
			}
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		resp, body := do(t, c, http.MethodHead, srv.URL+"pub/", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if len(body) != 0 || resp.ContentLength != int64(len(names)) {
			t.Errorf("HEAD: %d bytes, ContentLength %d", len(body), resp.ContentLength)
		}
	})
	t.Run("file as directory", func(t *testing.T) {
		for _, p := range []string{"top.txt/", "top.txt;type=d"} {
			resp, body := do(t, c, http.MethodGet, srv.URL+p, nil)
			wantStatus(t, resp, body, http.StatusNotFound)
		}
	})
	t.Run("missing", func(t *testing.T) {
		resp, body := do(t, c, http.MethodGet, srv.URL+"nothere/", nil)
		wantStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("percent-encoded names", func(t *testing.T) {
		for p, want := range map[string]string{"pub/with%20space": "s", "pub/%C3%BCn%C3%AFcode.text": "u", "/pub/.hidden": "h"} {
			resp, body := do(t, c, http.MethodGet, srv.URL+p, nil)
			if string(body) != want {
				t.Errorf("%s: %s %q", p, resp.Status, body)
			}
		}
	})
}

// fileTime is the time of the file name below root in RFC 3339, as a
// DirEntry's time is written (MLSD gives seconds).
func fileTime(t *testing.T, root, name string) string {
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime().UTC().Truncate(time.Second).Format(time.RFC3339)
}

func TestASCII(t *testing.T) {
	long := bytes.Repeat([]byte("a line of text\n"), 200000)
	srv := newServer(t, map[string][]byte{"notes.txt": []byte("one\r\ntwo\nthree"), "long.txt": long})
	c := httpClient(newTransport(t))
	n := len(srv.Commands())
	resp, body := do(t, c, http.MethodGet, srv.URL+"notes.txt;type=a", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if string(body) != "one\ntwo\nthree\n" || resp.ContentLength != -1 {
		t.Errorf("body %q, ContentLength %d", body, resp.ContentLength)
	}
	if cmds := since(srv, n); !slices.Contains(cmds, "TYPE A") {
		t.Errorf("no TYPE A: %q", cmds)
	}
	// A refused RETR is the response's status, though the transfer runs
	// in a goroutine.
	srv.Fail("RETR", 1, "550 Permission denied.")
	resp, body = do(t, c, http.MethodGet, srv.URL+"notes.txt;type=a", nil)
	wantStatus(t, resp, body, http.StatusForbidden)
	// Closing the body before its end aborts the transfer.
	n = len(srv.Commands())
	r := get(t, c, testCtx(t), srv.URL+"long.txt;type=a")
	buf := make([]byte, 30)
	if _, err := io.ReadFull(r.Body, buf); err != nil || string(buf) != string(long[:30]) {
		t.Errorf("first 30 bytes %q, %v", buf, err)
	}
	r.Body.Close()
	if cmds := since(srv, n); !slices.Contains(cmds, "ABOR") {
		t.Errorf("no ABOR: %q", cmds)
	}
	// Binary again, on the same session.
	resp, body = do(t, c, http.MethodGet, srv.URL+"notes.txt;type=i", nil)
	if string(body) != "one\r\ntwo\nthree" || count(srv.Commands(), "USER") != 1 {
		t.Errorf("type=i: %s %q; commands %q", resp.Status, body, srv.Commands())
	}
}
