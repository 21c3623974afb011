package ftphttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/printable"
)

// ReplyHeader is the header of an error response that holds the server's
// reply, such as "550 No such file or directory." Control characters
// (the line breaks of a multi-line reply among them) are escaped as in
// Go strings ("\n"), so the value is always one line.
const ReplyHeader = "Ftp-Reply"

// errorResponse turns err, the failure of a Client call, into the
// response that stands for it; or returns err when it is no server's
// answer: the context's end, a failure before any reply (a connection
// or TLS handshake that failed), or one of the caller's.
func errorResponse(req *http.Request, err error) (*http.Response, error) {
	code := statusOf(err)
	if code == 0 {
		return nil, err
	}
	h := http.Header{}
	var fe *ftp.Error
	if errors.As(err, &fe) && fe.Code != 0 {
		h.Set(ReplyHeader, printable.String(fe.Text))
	}
	return textResponse(req, code, h, printable.String(err.Error())+"\n"), nil
}

// statusOf is the status code that stands for err, or 0 when err must
// be returned as an error. See docs/ftphttp.md for the table.
func statusOf(err error) int {
	var (
		fe  *ftp.Error
		oe  *ftp.OpError
		cve *tls.CertificateVerificationError
		hne x509.HostnameError
		uae x509.UnknownAuthorityError
		cie x509.CertificateInvalidError
		rhe tls.RecordHeaderError
		ae  tls.AlertError
	)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return 0
	case errors.As(err, &cve), errors.As(err, &hne), errors.As(err, &uae), errors.As(err, &cie),
		errors.As(err, &rhe), errors.As(err, &ae):
		return 0 // TLS failures are errors, as in net/http
	case errors.As(err, &fe):
		return replyStatus(fe)
	case errors.As(err, &oe):
		if oe.Cmd == "" {
			return 0 // no greeting: nothing replied
		}
		return http.StatusServiceUnavailable
	case errors.Is(err, ftp.ErrShortTransfer), errors.Is(err, ftp.ErrProtocol):
		return http.StatusBadGateway
	case errors.Is(err, ftp.ErrClosed), errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusServiceUnavailable
	}
	return 0
}

// replyStatus is the status code that stands for a server's reply.
func replyStatus(fe *ftp.Error) int {
	switch {
	case errors.Is(fe, ftp.ErrLoginRefused):
		return http.StatusUnauthorized
	case fe.Code == 421, fe.Code == 530 && isLogin(fe.Cmd):
		// The server's connection limit (a 530 to the login that
		// ErrLoginRefused does not match, as proftpd's "530 Sorry, the
		// maximum number of clients").
		return http.StatusServiceUnavailable
	case errors.Is(fe, fs.ErrNotExist):
		return http.StatusNotFound
	case errors.Is(fe, fs.ErrPermission), fe.Code == 530, fe.Code == 553:
		return http.StatusForbidden
	case errors.Is(fe, fs.ErrExist), strings.Contains(strings.ToLower(fe.Text), "not empty"):
		return http.StatusConflict
	case fe.Code == 452, fe.Code == 552:
		return http.StatusInsufficientStorage
	case fe.Code >= 400 && fe.Code < 500:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadGateway
}

// isLogin reports whether cmd is part of a login.
func isLogin(cmd string) bool {
	v, _, _ := strings.Cut(cmd, " ")
	switch strings.ToUpper(v) {
	case "USER", "PASS", "ACCT":
		return true
	}
	return false
}

// textResponse is a response of code with a text/plain body.
func textResponse(req *http.Request, code int, h http.Header, body string) *http.Response {
	h.Set("Content-Type", "text/plain; charset=utf-8")
	return bytesResponse(req, code, h, []byte(body))
}

// bytesResponse is a response of code with body, which a HEAD request
// gets only the length of.
func bytesResponse(req *http.Request, code int, h http.Header, body []byte) *http.Response {
	h.Set("Content-Length", strconv.Itoa(len(body)))
	var rc io.ReadCloser = http.NoBody
	if req.Method != http.MethodHead && len(body) > 0 {
		rc = io.NopCloser(bytes.NewReader(body))
	}
	return response(req, code, h, rc, int64(len(body)))
}

// response is a response of code with header h and body rc, of length n
// (-1 if unknown). To a HEAD request, as in net/http, the length is that
// of the Content-Length header, or -1 without one.
func response(req *http.Request, code int, h http.Header, rc io.ReadCloser, n int64) *http.Response {
	if req.Method == http.MethodHead {
		n = -1
		if v, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
			n = v
		}
	}
	return &http.Response{
		Status:        strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          rc,
		ContentLength: n,
		Request:       req,
	}
}
