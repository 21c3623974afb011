package ftphttp_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftphttp"
	"github.com/ftpkit/ftp/ftptest"
)

// noRetry is a Transport option that turns the Client's retries off, so
// that a fault the server keeps up is the request's answer at once.
var noRetry = ftphttp.WithClientOptions(ftp.WithRetry(0, 0, 0))

// The server's refusals are responses with the status of the table in
// docs/ftphttp.md, the reply in the body and in ReplyHeader.
func TestErrorStatus(t *testing.T) {
	files := map[string][]byte{"f.bin": []byte("data"), "d/x": nil}
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		fault   func(*ftptest.Server)
		status  int
		reply   string // the start of ReplyHeader's value; "" for none
		userURL func(*ftptest.Server) string
	}{
		{name: "missing", method: "GET", path: "nothere", status: 404, reply: "550 "},
		{name: "missing HEAD", method: "HEAD", path: "nothere", status: 404, reply: "550 "},
		{name: "missing directory", method: "GET", path: "nothere/", status: 404, reply: "550 "},
		{name: "RETR permission", method: "GET", path: "f.bin", status: 403, reply: "550 Permission denied",
			fault: func(s *ftptest.Server) { s.Fail("RETR", 0, "550 Permission denied.") }},
		{name: "RETR 425", method: "GET", path: "f.bin", status: 503, reply: "425 Can't open data connection.",
			fault: func(s *ftptest.Server) { s.Fail("RETR", 0, "425 Can't open data connection.") }},
		{name: "EPSV and PASV refused", method: "GET", path: "f.bin", status: 503, reply: "421 ",
			fault: func(s *ftptest.Server) {
				s.Fail("EPSV", 0, "500 no")
				s.Fail("PASV", 0, "421 Too busy")
			}},
		{name: "MLSD cut", method: "GET", path: "d/", status: 503, reply: "", // a network failure: no reply
			fault: func(s *ftptest.Server) { s.CutData("MLSD", 0, 0) }},
		{name: "MLST 451", method: "GET", path: "f.bin", status: 503, reply: "451 Local error",
			fault: func(s *ftptest.Server) { s.Fail("MLST", 0, "451 Local error") }},
		{name: "greeting 421", method: "GET", path: "f.bin", status: 503, reply: "421 Too many connections",
			fault: func(s *ftptest.Server) { s.Fail("", 0, "421 Too many connections") }},
		{name: "too many clients", method: "GET", path: "f.bin", status: 503, reply: "530 Sorry, the maximum number",
			fault: func(s *ftptest.Server) {
				s.Fail("PASS", 0, "530 Sorry, the maximum number of clients (2) from your host are already connected.")
			}},
		{name: "wrong password", method: "GET", path: "f.bin", status: 401, reply: "530 ",
			userURL: func(s *ftptest.Server) string { return "ftp://test:wrong@" + s.Addr + "/" }},
		{name: "unknown user", method: "GET", path: "f.bin", status: 401, reply: "530 ",
			userURL: func(s *ftptest.Server) string { return "ftp://nobody:x@" + s.Addr + "/" }},
		{name: "anonymous refused", method: "GET", path: "f.bin", status: 401, reply: "530 ",
			userURL: func(s *ftptest.Server) string { return "ftp://" + s.Addr + "/" }},
		{name: "STOR 452", method: "PUT", path: "new", status: 507, reply: "452 Insufficient storage space.",
			fault: func(s *ftptest.Server) { s.Fail("STOR", 0, "452 Insufficient storage space.") }},
		{name: "STOR 553", method: "PUT", path: "new", status: 403, reply: "553 Could not create file.",
			fault: func(s *ftptest.Server) { s.Fail("STOR", 0, "553 Could not create file.") }},
		{name: "STOR cut", method: "PUT", path: "new", status: 503, reply: "426 Failure reading network stream.",
			fault: func(s *ftptest.Server) { s.CutData("STOR", 0, 10) }},
		{name: "DELE refused", method: "DELETE", path: "f.bin", status: 403, reply: "550 Permission denied",
			fault: func(s *ftptest.Server) {
				s.Fail("DELE", 0, "550 Permission denied")
				s.Fail("RMD", 0, "550 Permission denied")
			}},
		{name: "DELE ambiguous", method: "DELETE", path: "f.bin", status: 403, reply: "550 Delete operation failed.",
			fault: func(s *ftptest.Server) {
				s.Fail("DELE", 0, "550 Delete operation failed.")
				s.Fail("RMD", 0, "550 Remove directory operation failed.")
			}},
		{name: "RETR 500", method: "GET", path: "f.bin", status: 502, reply: "500 Unknown command",
			fault: func(s *ftptest.Server) { s.Fail("RETR", 0, "500 Unknown command") }},
		{name: "control characters", method: "GET", path: "f.bin", status: 403, reply: `550 Permission denied \x1b]0;owned\x07`,
			fault: func(s *ftptest.Server) { s.Fail("RETR", 0, "550 Permission denied \x1b]0;owned\a") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, files)
			if tc.fault != nil {
				tc.fault(srv)
			}
			c := httpClient(newTransport(t, noRetry))
			base := srv.URL
			if tc.userURL != nil {
				base = tc.userURL(srv)
			}
			var body *strings.Reader
			if tc.method == "PUT" {
				body = strings.NewReader(strings.Repeat("x", 100<<10))
			}
			var resp *http.Response
			var got []byte
			if body != nil {
				resp, got = do(t, c, tc.method, base+tc.path, body)
			} else {
				resp, got = do(t, c, tc.method, base+tc.path, nil)
			}
			wantStatus(t, resp, got, tc.status)
			reply := resp.Header.Get(ftphttp.ReplyHeader)
			if !strings.HasPrefix(reply, tc.reply) || (tc.reply == "") != (reply == "") {
				t.Errorf("%s: %q, want %q...", ftphttp.ReplyHeader, reply, tc.reply)
			}
			if strings.ContainsFunc(reply+string(got[:max(len(got)-1, 0)]), func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				t.Errorf("control characters in the reply header %q or the body %q", reply, got)
			}
			if tc.method != "HEAD" && !strings.Contains(string(got), tc.reply) {
				t.Errorf("body %q does not hold the reply %q", got, tc.reply)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// Failures before any reply, and the caller's own, are errors.
func TestErrors(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := httpClient(newTransport(t, noRetry))
		resp, err := c.Get("ftp://" + addr + "/f")
		var oe *net.OpError
		if !errors.As(err, &oe) {
			t.Errorf("GET: %v, %v; want a *net.OpError", resp, err)
		}
	})
	t.Run("no greeting", func(t *testing.T) {
		srv := newServer(t, nil)
		srv.Stall("", 1, 10*time.Second)
		c := httpClient(newTransport(t, noRetry, ftphttp.WithClientOptions(ftp.WithTimeout(200*time.Millisecond))))
		resp, err := c.Get(srv.URL + "f")
		var oe *ftp.OpError
		if !errors.As(err, &oe) || oe.Cmd != "" {
			t.Errorf("GET: %v, %v; want an *ftp.OpError of the greeting", resp, err)
		}
	})
	t.Run("certificate", func(t *testing.T) {
		srv := newServer(t, nil, ftptest.WithImplicitTLS(nil))
		c := httpClient(newTransport(t, noRetry)) // the system's roots do not know the test CA
		resp, err := c.Get(srv.URL + "f")
		var cve *tls.CertificateVerificationError
		if !errors.As(err, &cve) {
			t.Errorf("GET: %v, %v; want a *tls.CertificateVerificationError", resp, err)
		}
	})
	t.Run("context", func(t *testing.T) {
		srv := newServer(t, map[string][]byte{"f": nil})
		srv.Stall("MLST", 1, 10*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"f", nil)
		resp, err := httpClient(newTransport(t)).Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("GET: %v, %v; want context.DeadlineExceeded", resp, err)
		}
	})
	t.Run("bad URL", func(t *testing.T) {
		srv := newServer(t, nil)
		for _, u := range []string{srv.URL + "f?x=1", "http://" + srv.Addr + "/f"} {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			resp, err := newTransport(t).RoundTrip(req)
			var ue *ftp.URLError
			if !errors.As(err, &ue) {
				t.Errorf("%s: %v, %v; want an *ftp.URLError", u, resp, err)
			}
		}
		if n := len(srv.Commands()); n != 0 {
			t.Errorf("%d commands sent", n)
		}
	})
	t.Run("user without password", func(t *testing.T) {
		resp, err := httpClient(newTransport(t)).Get("ftp://someone@127.0.0.1:1/f")
		if err == nil || !strings.Contains(err.Error(), "no password") {
			t.Errorf("GET: %v, %v", resp, err)
		}
	})
}

func TestMethodNotAllowed(t *testing.T) {
	srv := newServer(t, nil)
	c := httpClient(newTransport(t))
	for _, m := range []string{"POST", "OPTIONS", "PATCH", "MKCOL"} {
		resp, body := do(t, c, m, srv.URL+"f", nil)
		wantStatus(t, resp, body, http.StatusMethodNotAllowed)
		if a := resp.Header.Get("Allow"); a != "DELETE, GET, HEAD, PUT" {
			t.Errorf("%s: Allow %q", m, a)
		}
	}
	if n := len(srv.Commands()); n != 0 {
		t.Errorf("%d commands sent", n)
	}
}

// RoundTrip leaves the request as it was.
func TestRequestUnchanged(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f.txt": []byte("x")})
	tr := newTransport(t)
	for _, m := range []string{"GET", "HEAD", "PUT", "DELETE"} {
		req, err := http.NewRequestWithContext(testCtx(t), m, srv.URL+"f.txt#frag", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Range", "bytes=0-0")
		req.Header.Set("Accept", "application/json")
		u := *req.URL
		uu := *u.User
		h := req.Header.Clone()
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		resp.Body.Close()
		if *req.URL != u || *req.URL.User != uu || req.Method != m || len(req.Header) != len(h) {
			t.Errorf("%s changed the request: %v %v", m, req.URL, req.Header)
		}
		for k, v := range h {
			if strings.Join(req.Header[k], ",") != strings.Join(v, ",") {
				t.Errorf("%s changed the header %s: %q", m, k, req.Header[k])
			}
		}
		if resp.Request != req {
			t.Errorf("%s: Response.Request is not the request", m)
		}
	}
}

// The Transport serves as an http.Client's own Transport too.
func TestClientTransport(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f.txt": []byte("hello")})
	tr := newTransport(t)
	c := &http.Client{Transport: tr}
	resp, body := do(t, c, http.MethodGet, srv.URL+"f.txt", nil)
	wantStatus(t, resp, body, http.StatusOK)
	n := len(srv.Commands())
	c.CloseIdleConnections() // reaches the Transport's
	if cmds := since(srv, n); len(cmds) != 1 || cmds[0] != "QUIT" {
		t.Errorf("after CloseIdleConnections: %q", cmds)
	}
	// The URL's userinfo, escaped, is the login; http.Client leaves it.
	u := "ftp://" + url.UserPassword(srv.User, srv.Password).String() + "@" + srv.Addr + "/f.txt"
	resp, body = do(t, c, http.MethodGet, u, nil)
	wantStatus(t, resp, body, http.StatusOK)

	// The zero Transport works, with the defaults.
	var zero ftphttp.Transport
	defer zero.CloseIdleConnections()
	resp, body = do(t, &http.Client{Transport: &zero}, http.MethodGet, srv.URL+"f.txt", nil)
	if string(body) != "hello" {
		t.Errorf("zero Transport: %s %q", resp.Status, body)
	}
}
