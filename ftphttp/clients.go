package ftphttp

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ftpkit/ftp"
)

// clientKey names the server and login of an ftp.Client. The password
// is part of it, so that a request with a wrong password never rides on
// a session another request logged in.
type clientKey struct {
	scheme, host   string
	port           int
	user, password string
	hasPassword    bool
}

// A hostClient is the ftp.Client of one key and what the Transport
// knows of its use.
type hostClient struct {
	key       clientKey
	c         *ftp.Client
	inflight  int    // requests using it, bodies being read included
	closeIdle bool   // CloseIdleConnections came while in use: close the idle sessions when the last use ends
	gen       uint64 // the idle timer armed last; 0: none
	idle      *time.Timer
}

// acquire returns the hostClient for u, made if need be, counted as in
// use until release.
func (t *Transport) acquire(u *ftp.URL) (*hostClient, error) {
	k := clientKey{
		scheme: u.Scheme, host: strings.ToLower(u.Host), port: u.Port,
		user: u.User, password: u.Password, hasPassword: u.HasPassword,
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.clients == nil {
		t.clients = map[clientKey]*hostClient{}
		t.closing = map[*hostClient]chan struct{}{}
	}
	hc := t.clients[k]
	if hc == nil {
		c, err := ftp.NewClient(clientURL(u), t.clientOptions(u.Scheme)...)
		if err != nil {
			return nil, err
		}
		hc = &hostClient{key: k, c: c}
		t.clients[k] = hc
	}
	hc.inflight++
	if hc.idle != nil {
		hc.idle.Stop()
		hc.idle, hc.gen = nil, 0
	}
	return hc, nil
}

// release ends a use of hc. The last use arms the idle timer, and
// closes the idle sessions if CloseIdleConnections asked for it.
func (t *Transport) release(hc *hostClient) {
	t.mu.Lock()
	if hc.inflight--; hc.inflight > 0 {
		t.mu.Unlock()
		return
	}
	closeIdle := hc.closeIdle
	hc.closeIdle = false
	t.gen++
	gen := t.gen
	hc.gen = gen
	hc.idle = time.AfterFunc(t.idleTimeout(), func() { t.expire(hc, gen) })
	t.mu.Unlock()
	if closeIdle {
		hc.c.CloseIdle()
	}
}

// expire closes hc if it is still unused since the timer gen was armed.
func (t *Transport) expire(hc *hostClient, gen uint64) {
	t.mu.Lock()
	if hc.gen != gen || hc.inflight > 0 || t.clients[hc.key] != hc {
		t.mu.Unlock()
		return
	}
	delete(t.clients, hc.key)
	hc.idle, hc.gen = nil, 0
	done := make(chan struct{})
	t.closing[hc] = done
	t.mu.Unlock()
	hc.c.Close()
	t.mu.Lock()
	delete(t.closing, hc)
	t.mu.Unlock()
	close(done)
}

// CloseIdleConnections closes the sessions that no request is using, as
// http.Transport's method does (an http.Client's CloseIdleConnections
// calls it when the Transport is the Client's own). The sessions in use
// by requests to a server are closed when the last of those requests
// (its body included) ends. Later requests open new sessions.
//
// An http.Transport does not pass its CloseIdleConnections on to the
// RoundTrippers registered with RegisterProtocol: call this one as well.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	var (
		clients []*ftp.Client
		closing []chan struct{}
	)
	for _, done := range t.closing {
		closing = append(closing, done)
	}
	for _, hc := range t.clients {
		clients = append(clients, hc.c)
		hc.closeIdle = hc.inflight > 0
	}
	t.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.CloseIdle()
		}()
	}
	wg.Wait()
	for _, done := range closing {
		<-done // a Client an idle timer is closing
	}
}

// clientURL is the URL for ftp.NewClient of the server and login of u.
func clientURL(u *ftp.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Addr(), Path: "/"}
	switch {
	case u.HasPassword:
		v.User = url.UserPassword(u.User, u.Password)
	case u.User != "":
		v.User = url.User(u.User)
	}
	return v.String()
}

// clientOptions are the options of a new ftp.Client for scheme.
func (t *Transport) clientOptions(scheme string) []ftp.ClientOption {
	opts := append([]ftp.ClientOption(nil), t.cfg.client...)
	switch scheme {
	case "ftpes":
		opts = append(opts, ftp.WithExplicitTLS(t.cfg.tls))
	case "ftps":
		opts = append(opts, ftp.WithImplicitTLS(t.cfg.tls))
	}
	switch {
	case !t.cfg.netrc:
		opts = append(opts, ftp.WithoutNetrc())
	case t.cfg.netrcFile != "":
		opts = append(opts, ftp.WithNetrc(t.cfg.netrcFile))
	}
	if t.cfg.maxSessions > 0 {
		opts = append(opts, ftp.WithMaxConns(t.cfg.maxSessions))
	}
	return append(opts, ftp.WithIdleTimeout(t.idleTimeout()))
}
