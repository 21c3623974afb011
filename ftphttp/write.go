package ftphttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/printable"
	"github.com/ftpkit/ftp/listing"
)

// put answers PUT: it stores the request's body as the file of the URL,
// 201 for a new file, 204 for one it replaced.
func (r *request) put() (*http.Response, error) {
	switch {
	case r.Header.Get("Content-Range") != "":
		// RFC 9110 section 14.5: a partial PUT that is not supported.
		return textResponse(r.Request, http.StatusBadRequest, http.Header{}, "ftphttp: PUT with Content-Range is not supported\n"), nil
	case r.url.IsDir():
		h := http.Header{"Allow": {"DELETE, GET, HEAD"}}
		return textResponse(r.Request, http.StatusMethodNotAllowed, h, "ftphttp: PUT of a directory URL\n"), nil
	}
	ctx := r.Context()
	p := r.path()
	e, err := r.c.Stat(ctx, p)
	existed := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return errorResponse(r.Request, err)
	case existed && e.Type == listing.TypeDir:
		return textResponse(r.Request, http.StatusConflict, http.Header{}, "ftphttp: "+printable.String(p)+" is a directory\n"), nil
	}
	body := &bodyReader{r: r.Body}
	if r.Body == nil {
		body.r = http.NoBody
	}
	if r.url.Type == 'a' {
		err = r.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
			return s.StoreLines(ctx, p, body, nil)
		})
	} else {
		err = r.store(ctx, p, body)
	}
	switch {
	case body.err != nil:
		return nil, fmt.Errorf("ftphttp: reading the request body: %w", body.err)
	case err != nil:
		return errorResponse(r.Request, err)
	case existed:
		return response(r.Request, http.StatusNoContent, http.Header{}, http.NoBody, 0), nil
	}
	return bytesResponse(r.Request, http.StatusCreated, http.Header{}, nil), nil
}

// store uploads body to p in binary mode. A body that fails aborts the
// upload, which the server then does not take for a whole file.
func (r *request) store(ctx context.Context, p string, body *bodyReader) error {
	w, err := r.c.Create(ctx, p)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, body); err != nil {
		return w.CloseWithError(err)
	}
	return w.Close()
}

// delete answers DELETE: it removes the file or the empty directory of
// the URL (Client.Remove: DELE, then RMD), 204. A refusal that reads as
// "no such file" (vsftpd's "550 Delete operation failed.", say) of a
// path that Stat then finds is answered 403, not 404.
func (r *request) delete() (*http.Response, error) {
	ctx := r.Context()
	p := r.path()
	err := r.c.Remove(ctx, p)
	if err == nil {
		return response(r.Request, http.StatusNoContent, http.Header{}, http.NoBody, 0), nil
	}
	resp, rerr := errorResponse(r.Request, err)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		if _, serr := r.c.Stat(ctx, p); serr == nil {
			resp.StatusCode, resp.Status = http.StatusForbidden, "403 "+http.StatusText(http.StatusForbidden)
		}
	}
	return resp, rerr
}

// A bodyReader reads a request's body and keeps its error, to tell the
// body's failure (the caller's) from the server's.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}
