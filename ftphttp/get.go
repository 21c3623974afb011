package ftphttp

import (
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/printable"
	"github.com/ftpkit/ftp/listing"
)

// get answers GET and HEAD: a file, or the listing of a directory.
func (r *request) get() (*http.Response, error) {
	p := r.path()
	if p == "" {
		return r.list(p) // the login directory
	}
	e, err := r.c.Stat(r.Context(), p)
	if err != nil {
		return errorResponse(r.Request, err)
	}
	switch {
	case e.Type == listing.TypeDir:
		return r.list(p)
	case r.url.IsDir():
		return textResponse(r.Request, http.StatusNotFound, http.Header{}, "ftphttp: "+printable.String(p)+" is not a directory\n"), nil
	}
	return r.file(p, e)
}

// file answers GET and HEAD of the file p, whose entry is e.
func (r *request) file(p string, e listing.Entry) (*http.Response, error) {
	h := http.Header{}
	ctype := mime.TypeByExtension(path.Ext(p))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	var mod time.Time
	if e.Precision >= listing.PrecisionSecond && !e.ModTime.IsZero() {
		mod = e.ModTime
		h.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	}
	ascii := r.url.Type == 'a'
	size := e.Size
	if e.Type != listing.TypeFile || ascii {
		size = -1 // a link's size is not its target's; ASCII changes the size
	}
	switch code := preconditions(r.Request, r.method, mod); code {
	case http.StatusNotModified:
		h.Del("Content-Type")
		return response(r.Request, code, h, http.NoBody, 0), nil
	case http.StatusPreconditionFailed:
		return response(r.Request, code, http.Header{}, http.NoBody, 0), nil
	}

	code, start, n := http.StatusOK, int64(0), size
	if size >= 0 {
		h.Set("Accept-Ranges", "bytes")
	}
	if r.method == http.MethodGet && size > 0 && rangeApplies(r.Request, mod) {
		br, unsatisfiable, ok := parseRange(r.Header.Get("Range"), size)
		switch {
		case unsatisfiable:
			h := http.Header{"Content-Range": {"bytes */" + strconv.FormatInt(size, 10)}}
			return textResponse(r.Request, http.StatusRequestedRangeNotSatisfiable, h, "ftphttp: no byte of the range is in the file\n"), nil
		case ok:
			code, start, n = http.StatusPartialContent, br.start, br.length
			h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+n-1, 10)+"/"+strconv.FormatInt(size, 10))
		}
	}
	if n >= 0 {
		h.Set("Content-Length", strconv.FormatInt(n, 10))
	}
	if r.method == http.MethodHead {
		return response(r.Request, code, h, http.NoBody, n), nil
	}
	var (
		body io.ReadCloser
		err  error
	)
	if ascii {
		body, err = r.openLines(p)
	} else {
		body, err = r.openFile(p, start, n, n < 0 || start+n == size)
	}
	if err != nil {
		return errorResponse(r.Request, err)
	}
	r.held = true
	return response(r.Request, code, h, body, n), nil
}

// openFile starts the download of n bytes of p from start (all of it
// if n < 0); toEOF says whether they run to the file's end. A transfer
// the server refuses, at the offset too (REST), is the response's
// status rather than a failure of the body.
func (r *request) openFile(p string, start, n int64, toEOF bool) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(r.Context())
	fr, err := r.c.Open(ctx, p, ftp.WithOffset(start))
	if err != nil {
		cancel()
		return nil, err
	}
	return &fileBody{r: fr, cancel: cancel, left: n, toEOF: toEOF, done: r.release}, nil
}

// openLines starts the ASCII download of p (TYPE A), whose lines the
// body gives with "\n" line ends.
func (r *request) openLines(p string) (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	b := &lineBody{pr: pr, done: make(chan struct{})}
	started := make(chan error, 1)
	ctx := r.Context()
	go func() {
		defer close(b.done)
		defer r.release()
		// The context's end stops a write the reader is not taking.
		defer context.AfterFunc(ctx, func() { pw.CloseWithError(context.Cause(ctx)) })()
		first := true
		err := r.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
			return s.RetrieveLines(ctx, p, func(line string) error {
				if first {
					first = false
					started <- nil
				}
				_, err := io.WriteString(pw, line+"\n")
				return err
			})
		})
		if first {
			started <- err
		}
		pw.CloseWithError(err)
	}()
	if err := <-started; err != nil {
		<-b.done
		return nil, err
	}
	return b, nil
}

// preconditions evaluates the conditional headers of a request for a
// file that exists, last modified at mod (zero if unknown), in the
// order of RFC 9110 section 13.2.2, as http.ServeContent does. Without
// entity tags, If-Match and If-None-Match match only "*". It returns
// 304, 412, or 0 to go on.
func preconditions(req *http.Request, method string, mod time.Time) int {
	if im := req.Header.Get("If-Match"); im != "" {
		if !anyETag(im) {
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(req, "If-Unmodified-Since"); ok && !mod.IsZero() && mod.Truncate(time.Second).After(t) {
		return http.StatusPreconditionFailed
	}
	safe := method == http.MethodGet || method == http.MethodHead
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		switch {
		case !anyETag(inm):
		case safe:
			return http.StatusNotModified
		default:
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(req, "If-Modified-Since"); ok && safe && !mod.IsZero() && !mod.Truncate(time.Second).After(t) {
		return http.StatusNotModified
	}
	return 0
}

// rangeApplies reports whether the Range header, if any, is to be
// honoured: there is no If-Range, or it holds the file's time.
func rangeApplies(req *http.Request, mod time.Time) bool {
	ir := req.Header.Get("If-Range")
	if ir == "" {
		return true
	}
	t, err := http.ParseTime(ir)
	return err == nil && !mod.IsZero() && t.Unix() == mod.Unix()
}

// headerTime returns the HTTP date of the header name, if valid.
func headerTime(req *http.Request, name string) (time.Time, bool) {
	v := req.Header.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}
