package ftphttp

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	const size = 100
	for _, tc := range []struct {
		s             string
		br            byteRange
		unsatisfiable bool
		ok            bool
	}{
		{"bytes=0-9", byteRange{0, 10}, false, true},
		{"bytes=90-", byteRange{90, 10}, false, true},
		{"bytes=90-1000", byteRange{90, 10}, false, true},
		{"bytes=-10", byteRange{90, 10}, false, true},
		{"bytes=-1000", byteRange{0, 100}, false, true},
		{"bytes=99-99", byteRange{99, 1}, false, true},
		{" Bytes = 1 - 2 , ", byteRange{1, 2}, false, true},
		{"bytes=100-", byteRange{}, true, false},
		{"bytes=100-200", byteRange{}, true, false},
		{"bytes=-0", byteRange{}, true, false},
		{"bytes=0-1,2-3", byteRange{}, false, false},
		{"bytes=2-1", byteRange{}, false, false},
		{"bytes=+1-2", byteRange{}, false, false},
		{"bytes=1", byteRange{}, false, false},
		{"bytes=", byteRange{}, false, false},
		{"bytes=--1", byteRange{}, false, false},
		{"bytes=99999999999999999999-", byteRange{}, false, false},
		{"pages=1-2", byteRange{}, false, false},
		{"", byteRange{}, false, false},
	} {
		br, unsat, ok := parseRange(tc.s, size)
		if br != tc.br || unsat != tc.unsatisfiable || ok != tc.ok {
			t.Errorf("parseRange(%q) = %v, %v, %v; want %v, %v, %v", tc.s, br, unsat, ok, tc.br, tc.unsatisfiable, tc.ok)
		}
	}
}

// FuzzParseRange checks that a range parseRange accepts lies within the
// file, and that it never both accepts and refuses one.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=-5", "bytes=7-", "bytes=1-2,3-4", "bytes=9-1"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		if size <= 0 {
			return
		}
		br, unsat, ok := parseRange(s, size)
		if ok && (unsat || br.start < 0 || br.length < 1 || br.start+br.length > size) {
			t.Errorf("parseRange(%q, %d) = %v, %v, %v", s, size, br, unsat, ok)
		}
	})
}

func TestWantsJSON(t *testing.T) {
	for _, tc := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"application/json"}, true},
		{[]string{"APPLICATION/JSON; charset=utf-8"}, true},
		{[]string{"text/plain", "application/json"}, false},
		{[]string{"application/json;q=0.9, text/plain;q=0.8"}, true},
		{[]string{"application/*;q=0.5, text/*;q=0.4"}, true},
		{[]string{"application/json;q=0.5, */*"}, false},
		{[]string{"application/json;q=0"}, false},
		{[]string{"*/*"}, false},
		{[]string{"text/html, application/json;q=0.1"}, true},
		{[]string{"application/json;q=x"}, true}, // an unreadable q is 1
	} {
		if got := wantsJSON(tc.accept); got != tc.want {
			t.Errorf("wantsJSON(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

func TestPreconditions(t *testing.T) {
	mod := time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC) // sub-second: truncated
	at := func(d time.Duration) string { return mod.Truncate(time.Second).Add(d).Format(http.TimeFormat) }
	for _, tc := range []struct {
		method string
		hdr    []string
		mod    time.Time
		want   int
	}{
		{"GET", []string{"If-Modified-Since", at(0)}, mod, 304},
		{"GET", []string{"If-Modified-Since", at(-time.Second)}, mod, 0},
		{"GET", []string{"If-Modified-Since", at(0)}, time.Time{}, 0},
		{"PUT", []string{"If-Modified-Since", at(0)}, mod, 0},
		{"GET", []string{"If-Unmodified-Since", at(-time.Second)}, mod, 412},
		{"GET", []string{"If-Unmodified-Since", at(0)}, mod, 0},
		{"GET", []string{"If-Match", `"a", *`}, mod, 0},
		{"GET", []string{"If-Match", `"a"`, "If-Unmodified-Since", at(time.Hour)}, mod, 412},
		{"GET", []string{"If-Match", "*", "If-Unmodified-Since", at(-time.Hour)}, mod, 0}, // If-Match decides
		{"PUT", []string{"If-None-Match", "*"}, mod, 412},
		{"HEAD", []string{"If-None-Match", "*"}, mod, 304},
	} {
		req, _ := http.NewRequest(tc.method, "ftp://h/f", nil)
		for i := 0; i+1 < len(tc.hdr); i += 2 {
			req.Header.Set(tc.hdr[i], tc.hdr[i+1])
		}
		if got := preconditions(req, tc.method, tc.mod); got != tc.want {
			t.Errorf("%s %q (mod %v): %d, want %d", tc.method, tc.hdr, tc.mod, got, tc.want)
		}
	}
}
