package ftphttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftphttp"
	"github.com/ftpkit/ftp/ftptest"
)

// get starts a GET of rawURL and returns the response, whose body the
// caller reads and closes.
func get(t *testing.T, c *http.Client, ctx context.Context, rawURL string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("GET %s: %s", ftp.RedactURL(rawURL), resp.Status)
	}
	return resp
}

func TestSessionReuse(t *testing.T) {
	srv := newServer(t, map[string][]byte{"a": []byte("a"), "b": []byte("b"), "d/c": []byte("c")})
	c := httpClient(newTransport(t))
	for _, p := range []string{"a", "b", "d/", "d/c", "a"} {
		resp, body := do(t, c, http.MethodGet, srv.URL+p, nil)
		wantStatus(t, resp, body, http.StatusOK)
	}
	resp, body := do(t, c, http.MethodPut, srv.URL+"e", strings.NewReader("e"))
	wantStatus(t, resp, body, http.StatusCreated)
	if n, peak := count(srv.Commands(), "USER"), srv.PeakSessions(); n != 1 || peak != 1 {
		t.Errorf("%d logins, %d sessions at once; want 1 and 1", n, peak)
	}
}

// Closing a body before its end aborts the transfer and leaves the
// session for the next request.
func TestCloseEarly(t *testing.T) {
	data := testData(8, 8<<20)
	srv := newServer(t, map[string][]byte{"big": data})
	c := httpClient(newTransport(t))
	for range 3 {
		n := len(srv.Commands())
		resp := get(t, c, testCtx(t), srv.URL+"big")
		buf := make([]byte, 1000)
		if _, err := io.ReadFull(resp.Body, buf); err != nil || !bytes.Equal(buf, data[:1000]) {
			t.Fatalf("first 1000 bytes: %v", err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if _, err := resp.Body.Read(buf); err == nil {
			t.Errorf("Read after Close succeeded")
		}
		if cmds := since(srv, n); !slices.Contains(cmds, "ABOR") {
			t.Errorf("no ABOR: %q", cmds)
		}
	}
	resp, body := do(t, c, http.MethodGet, srv.URL+"big", nil)
	if sum(body) != sum(data) {
		t.Errorf("%s: %d bytes, not the file", resp.Status, len(body))
	}
	if n, peak := count(srv.Commands(), "USER"), srv.PeakSessions(); n != 1 || peak != 1 {
		t.Errorf("%d logins, %d sessions at once; want 1 and 1", n, peak)
	}
}

// A body whose data connection breaks resumes where it stopped (REST),
// within the Client's retries; without retries the break is the body's
// read error, never a silent end.
func TestBodyBreaks(t *testing.T) {
	data := testData(9, 1<<20)
	srv := newServer(t, map[string][]byte{"f": data})
	srv.CutData("RETR", 1, 300<<10)
	resp, body := do(t, httpClient(newTransport(t)), http.MethodGet, srv.URL+"f", nil)
	if sum(body) != sum(data) {
		t.Errorf("%s: %d bytes, not the file", resp.Status, len(body))
	}
	if cmds := srv.Commands(); count(cmds, "REST") != 1 {
		t.Errorf("no resumption: %q", cmds)
	}

	srv.CutData("RETR", 1, 300<<10)
	c := httpClient(newTransport(t, noRetry))
	r := get(t, c, testCtx(t), srv.URL+"f")
	defer r.Body.Close()
	got, err := io.ReadAll(r.Body)
	if err == nil || len(got) >= len(data) {
		t.Errorf("cut body: %d bytes, %v; want an error", len(got), err)
	}
}

func TestContextCancelsBody(t *testing.T) {
	data := testData(10, 4<<20)
	srv := newServer(t, map[string][]byte{"f": data})
	c := httpClient(newTransport(t))
	ctx, cancel := context.WithCancel(testCtx(t))
	resp := get(t, c, ctx, srv.URL+"f")
	defer resp.Body.Close()
	buf := make([]byte, 100)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err := io.ReadAll(resp.Body)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v, want context.Canceled", err)
	}
	resp.Body.Close()
	// Later requests work.
	resp2, body := do(t, c, http.MethodGet, srv.URL+"f", nil)
	if sum(body) != sum(data) {
		t.Errorf("%s: %d bytes", resp2.Status, len(body))
	}
}

// Close interrupts a Read blocked on a stalled transfer: the Read fails
// rather than return the data that comes after the stall.
func TestCloseInterruptsRead(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f": testData(11, 100<<10)})
	srv.StallData("RETR", 1, 1000, time.Second)
	c := httpClient(newTransport(t, noRetry, ftphttp.WithClientOptions(ftp.WithTimeout(20*time.Second))))
	resp := get(t, c, testCtx(t), srv.URL+"f")
	buf := make([]byte, 1000)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := resp.Body.Read(buf)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the Read block
	resp.Body.Close()
	if err := <-done; err == nil {
		t.Errorf("the blocked Read returned data, not an error")
	}
}

func TestIdleTimeout(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f": []byte("x")})
	c := httpClient(newTransport(t, ftphttp.WithIdleTimeout(50*time.Millisecond)))
	resp, body := do(t, c, http.MethodGet, srv.URL+"f", nil)
	wantStatus(t, resp, body, http.StatusOK)
	for deadline := time.Now().Add(10 * time.Second); !slices.Contains(srv.Commands(), "QUIT"); {
		if time.Now().After(deadline) {
			t.Fatalf("the idle session was not closed: %q", srv.Commands())
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, body = do(t, c, http.MethodGet, srv.URL+"f", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if n := count(srv.Commands(), "USER"); n != 2 {
		t.Errorf("%d logins, want 2", n)
	}
}

// CloseIdleConnections closes idle sessions at once, and those in use
// when their request ends.
func TestCloseIdleConnections(t *testing.T) {
	data := testData(12, 2<<20)
	srv := newServer(t, map[string][]byte{"f": data})
	tr := newTransport(t)
	c := httpClient(tr)
	resp, body := do(t, c, http.MethodGet, srv.URL+"f", nil)
	wantStatus(t, resp, body, http.StatusOK)
	tr.CloseIdleConnections()
	if n := count(srv.Commands(), "QUIT"); n != 1 {
		t.Fatalf("%d QUIT after CloseIdleConnections, want 1: %q", n, srv.Commands())
	}

	r := get(t, c, testCtx(t), srv.URL+"f")
	tr.CloseIdleConnections()
	if n := count(srv.Commands(), "QUIT"); n != 1 {
		t.Errorf("the session of a body being read was closed")
	}
	got, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil || sum(got) != sum(data) {
		t.Errorf("body: %d bytes, %v", len(got), err)
	}
	if n := count(srv.Commands(), "QUIT"); n != 2 {
		t.Errorf("%d QUIT after the body ended, want 2: %q", n, srv.Commands())
	}
}

// Three requests at once: with a limit of one they take turns on one
// session; with a limit of three, and every body held open until all
// three responses are in, they need three.
func TestMaxSessionsPerHost(t *testing.T) {
	data := testData(13, 1<<20)
	for _, tc := range []struct {
		limit int
		hold  bool // keep each body open until every response has come
	}{{1, false}, {3, true}} {
		srv := newServer(t, map[string][]byte{"f": data})
		c := httpClient(newTransport(t, ftphttp.WithMaxSessionsPerHost(tc.limit)))
		var wg, responses sync.WaitGroup
		responses.Add(3)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, srv.URL+"f", nil)
				resp, err := c.Do(req)
				responses.Done()
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				if tc.hold {
					responses.Wait()
				}
				if body, err := io.ReadAll(resp.Body); err != nil || sum(body) != sum(data) {
					t.Errorf("%s: %d bytes, %v", resp.Status, len(body), err)
				}
			}()
		}
		wg.Wait()
		if peak := srv.PeakSessions(); peak != tc.limit {
			t.Errorf("limit %d: %d sessions at once", tc.limit, peak)
		}
	}
}

// Sessions are kept apart by login: a request with another user, or a
// wrong password, never uses another login's session.
func TestSessionKeys(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f": []byte("x")}, ftptest.WithAnonymous())
	c := httpClient(newTransport(t))
	base := strings.TrimPrefix(srv.URL, "ftp://test:test@")
	for _, tc := range []struct {
		url    string
		status int
	}{
		{srv.URL + "f", 200},
		{"ftp://test:wrong@" + base + "f", 401},
		{"ftp://" + base + "f", 200},
		{"ftp://anonymous@" + base + "f", 200},
		{"ftp://test:test@" + strings.Replace(base, "127.0.0.1", "localhost", 1) + "f", 200},
		{srv.URL + "f", 200},
	} {
		resp, body := do(t, c, http.MethodGet, tc.url, nil)
		wantStatus(t, resp, body, tc.status)
	}
	cmds := srv.Commands()
	// test, test (wrong), anonymous (no user, then the user anonymous:
	// two keys), test at localhost.
	if n, a := count(cmds, "USER test"), count(cmds, "USER anonymous"); n != 3 || a != 2 {
		t.Errorf("%d logins as test, %d as anonymous; want 3 and 2: %q", n, a, cmds)
	}
}

func TestNetrc(t *testing.T) {
	srv := newServer(t, map[string][]byte{"f": []byte("x")})
	netrc := filepath.Join(t.TempDir(), "netrc")
	host := strings.Split(srv.Addr, ":")[0]
	if err := os.WriteFile(netrc, []byte("machine "+host+" login test password test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NETRC", netrc)
	anon := "ftp://" + srv.Addr + "/f"
	// By default no netrc file is read: anonymous, which the server refuses.
	resp, body := do(t, httpClient(newTransport(t, noRetry)), http.MethodGet, anon, nil)
	wantStatus(t, resp, body, http.StatusUnauthorized)
	for _, name := range []string{netrc, ""} {
		resp, body = do(t, httpClient(newTransport(t, ftphttp.WithNetrc(name))), http.MethodGet, anon, nil)
		wantStatus(t, resp, body, http.StatusOK)
	}
	// The URL's credentials come first.
	resp, body = do(t, httpClient(newTransport(t, noRetry, ftphttp.WithNetrc(netrc))), http.MethodGet, "ftp://test:bad@"+srv.Addr+"/f", nil)
	wantStatus(t, resp, body, http.StatusUnauthorized)
}

func TestTLS(t *testing.T) {
	data := testData(14, 500<<10)
	for _, tc := range []struct {
		scheme string
		opt    ftptest.Option
	}{
		{"ftps", ftptest.WithImplicitTLS(nil)},
		{"ftpes", ftptest.WithTLS(nil)},
	} {
		t.Run(tc.scheme, func(t *testing.T) {
			srv := newServer(t, map[string][]byte{"f": data}, tc.opt)
			if !strings.HasPrefix(srv.URL, tc.scheme+"://") {
				t.Fatalf("server URL %s", srv.URL)
			}
			c := httpClient(newTransport(t, ftphttp.WithTLSConfig(srv.ClientTLSConfig())))
			resp, body := do(t, c, http.MethodGet, srv.URL+"f", nil)
			if sum(body) != sum(data) {
				t.Errorf("%s: %d bytes", resp.Status, len(body))
			}
			resp, body = do(t, c, http.MethodGet, srv.URL+"f", nil, "Range", "bytes=100-199")
			if !bytes.Equal(body, data[100:200]) {
				t.Errorf("%s: %d bytes", resp.Status, len(body))
			}
			resp, body = do(t, c, http.MethodPut, srv.URL+"g", bytes.NewReader(data))
			wantStatus(t, resp, body, http.StatusCreated)
			if got, _ := os.ReadFile(filepath.Join(srv.Root, "g")); sum(got) != sum(data) {
				t.Errorf("uploaded %d bytes", len(got))
			}
			if cmds := srv.Commands(); count(cmds, "PROT P") != 1 || count(cmds, "USER") != 1 {
				t.Errorf("commands %q", cmds)
			}
			// The scheme is part of the key: plain FTP to an implicit TLS
			// server is another session, which gets no greeting.
			if tc.scheme == "ftps" {
				n := len(srv.Commands())
				c := httpClient(newTransport(t, noRetry, ftphttp.WithClientOptions(ftp.WithTimeout(300*time.Millisecond))))
				resp, err := c.Get(strings.Replace(srv.URL, "ftps://", "ftp://", 1) + "f")
				if err == nil || len(since(srv, n)) != 0 {
					t.Errorf("plain FTP to an implicit TLS server: %v, %v", resp, err)
				}
			}
		})
	}
}
