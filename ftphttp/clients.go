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
	key      clientKey
	c        *ftp.Client
	inflight int    // requests using it, bodies being read included
	gen      uint64 // the idle timer armed last; 0: none
	idle     *time.Timer
	retired  bool // out of the Transport's map: closed when inflight is 0
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

// release ends a use of hc. The last use arms the idle timer, or closes
// a retired Client.
func (t *Transport) release(hc *hostClient) {
	t.mu.Lock()
	if hc.inflight--; hc.inflight > 0 {
		t.mu.Unlock()
		return
	}
	if hc.retired {
		t.mu.Unlock()
		hc.c.Close()
		return
	}
	t.gen++
	gen := t.gen
	hc.gen = gen
	hc.idle = time.AfterFunc(t.idleTimeout(), func() { t.expire(hc, gen) })
	t.mu.Unlock()
}

// expire closes hc if it is still unused since the timer gen was armed.
func (t *Transport) expire(hc *hostClient, gen uint64) {
	t.mu.Lock()
	if hc.gen != gen || hc.inflight > 0 || hc.retired || t.clients[hc.key] != hc {
		t.mu.Unlock()
		return
	}
	delete(t.clients, hc.key)
	hc.retired, hc.idle, hc.gen = true, nil, 0
	done := make(chan struct{})
	t.closing[hc] = done
	t.mu.Unlock()
	hc.c.Close()
	t.mu.Lock()
	delete(t.closing, hc)
	t.mu.Unlock()
	close(done)
}

// CloseIdleConnections closes the sessions of every server that no
// request is using, as http.Transport's method does (an http.Client's
// CloseIdleConnections calls it when the Transport is the Client's own).
// The sessions of a server with requests under way are closed when the
// last of them ends. Later requests open new sessions.
//
// An http.Transport does not pass its CloseIdleConnections on to the
// RoundTrippers registered with RegisterProtocol: call this one as well.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	var (
		idle    []*hostClient
		closing []chan struct{}
	)
	for _, done := range t.closing {
		closing = append(closing, done)
	}
	for k, hc := range t.clients {
		delete(t.clients, k)
		hc.retired = true
		if hc.idle != nil {
			hc.idle.Stop()
			hc.idle, hc.gen = nil, 0
		}
		if hc.inflight == 0 {
			idle = append(idle, hc)
		}
	}
	t.mu.Unlock()
	var wg sync.WaitGroup
	for _, hc := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc.c.Close()
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
