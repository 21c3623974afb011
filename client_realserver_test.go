package ftp_test

// Tests of ftp.Client against the real servers of internal/realserver:
// per-address session limits, a server killed in the middle of a
// download, FTPS through a pool of sessions, sessions the server ended
// while idle in the pool, and segmented downloads.

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
)

// crsClient is an ftp.Client on a real server that records what it did:
// its sessions' commands and replies and its own warnings (WithLogger),
// and its retries (WithRetryFunc).
type crsClient struct {
	*ftp.Client
	log *crsLog

	mu      sync.Mutex
	retries []crsRetry
}

// crsRetry is a RetryEvent and when the Client reported it.
type crsRetry struct {
	ftp.RetryEvent
	at time.Time
}

// newCRSClient returns a Client for srv, closed when the test ends. For a
// TLS server, tlsCfg (nil: srv.TLSConfig()) goes to WithExplicitTLS or
// WithImplicitTLS, as srv speaks. opts come after the defaults: a 30 s
// timeout, no netrc, the recording logger and retry function.
func newCRSClient(t *testing.T, srv *realserver.Server, tlsCfg *tls.Config, opts ...ftp.ClientOption) *crsClient {
	t.Helper()
	c := &crsClient{log: &crsLog{}}
	base := []ftp.ClientOption{
		ftp.WithTimeout(rsTimeout),
		ftp.WithoutNetrc(),
		ftp.WithLogger(1, slog.New(c.log)),
		ftp.WithRetryFunc(c.retried),
	}
	if srv.Config.TLS != realserver.None {
		if tlsCfg == nil {
			tlsCfg = srv.TLSConfig()
		}
		base = append(base, tmTLSOption(tmCase{srv.Kind, srv.Config.TLS}, tlsCfg))
	}
	u := url.URL{Scheme: "ftp", User: url.UserPassword(srv.User, srv.Password), Host: srv.Addr}
	cl, err := ftp.NewClient(u.String(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	c.Client = cl
	return c
}

func (c *crsClient) retried(ev ftp.RetryEvent) {
	c.mu.Lock()
	c.retries = append(c.retries, crsRetry{ev, time.Now()})
	c.mu.Unlock()
}

// retryEvents returns the retries reported so far.
func (c *crsClient) retryEvents() []crsRetry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.retries)
}

// noRetries fails the test if the Client retried anything: every call
// succeeded at its first try.
func (c *crsClient) noRetries(t *testing.T) {
	t.Helper()
	for _, r := range c.retryEvents() {
		if pureFTPdPortRace(r.Err) {
			// pure-ftpd picks a passive port without reserving it, so two
			// sessions asking at once can get the same one and one of them
			// "425 ... Address already in use": the server's race, which
			// the retry is for.
			t.Logf("retry %d of %s %s after pure-ftpd's passive port race: %v", r.Attempt, r.Op, r.Path, r.Err)
			continue
		}
		t.Errorf("retry %d of %s %s (offset %d): %v", r.Attempt, r.Op, r.Path, r.Offset, r.Err)
	}
}

// pureFTPdPortRace reports whether err is pure-ftpd's 425 for a passive
// port that another session took at the same time.
func pureFTPdPortRace(err error) bool {
	var fe *ftp.Error
	return errors.As(err, &fe) && fe.Code == 425 && strings.Contains(fe.Text, "Address already in use")
}

// crsLog is a slog.Handler that keeps what a Client logs. It ignores
// WithAttrs and WithGroup, which the Client does not use.
type crsLog struct {
	mu   sync.Mutex
	recs []crsRecord
}

// crsRecord is one record: a session's event (Event "cmd", "resp", ...,
// at slog.LevelDebug) or a warning of the Client (Msg, at
// slog.LevelWarn).
type crsRecord struct {
	Level       slog.Level
	Msg         string
	Event, Text string
}

func (l *crsLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *crsLog) Handle(_ context.Context, r slog.Record) error {
	rec := crsRecord{Level: r.Level, Msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "event":
			rec.Event = a.Value.String()
		case "text":
			rec.Text = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, rec)
	l.mu.Unlock()
	return nil
}

func (l *crsLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *crsLog) WithGroup(string) slog.Handler      { return l }

// events returns the texts of the session events of one kind ("cmd",
// "resp"), in the order logged.
func (l *crsLog) events(event string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		if r.Event == event {
			out = append(out, r.Text)
		}
	}
	return out
}

// warnings returns the messages logged at slog.LevelWarn that contain s.
func (l *crsLog) warnings(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		if r.Level == slog.LevelWarn && strings.Contains(r.Msg, s) {
			out = append(out, r.Msg)
		}
	}
	return out
}

// logins counts the Client's successful logins (230 replies).
func (l *crsLog) logins() int {
	n := 0
	for _, r := range l.events("resp") {
		if strings.HasPrefix(r, "230") {
			n++
		}
	}
	return n
}

// crsServerCommands returns the commands in srv's protocol log, in
// order, or false for pure-ftpd, which keeps none. proftpd logs a
// command once it has answered it ("-> - -" for a transfer aborted),
// so a command cut short by Kill is missing.
func crsServerCommands(srv *realserver.Server) ([]string, bool) {
	var re *regexp.Regexp
	switch srv.Kind {
	case realserver.Vsftpd:
		re = regexp.MustCompile(`FTP command: Client "[^"]*", "(.*)"$`)
	case realserver.ProFTPD:
		re = regexp.MustCompile(`^\S+ \S+ \S+ (.+?) -> (?:\d{3}|-)(?: |$)`)
	case realserver.Pyftpdlib:
		re = regexp.MustCompile(`\] \S+-\[[^\]]*\] <- (.*)$`)
	default:
		return nil, false
	}
	var cmds []string
	for _, line := range strings.Split(srv.Log(), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			cmds = append(cmds, m[1])
		}
	}
	return cmds, true
}

// crsArgs returns the arguments of the commands with the given verb.
func crsArgs(cmds []string, verb string) []string {
	var out []string
	for _, c := range cmds {
		if v, arg, _ := strings.Cut(c, " "); strings.EqualFold(v, verb) {
			out = append(out, arg)
		}
	}
	return out
}

// crsServerLogins counts the logins srv's logs record, or false for
// pure-ftpd, which keeps no log.
func crsServerLogins(srv *realserver.Server) (int, bool) {
	switch srv.Kind {
	case realserver.Vsftpd:
		return strings.Count(srv.Log(), "] OK LOGIN: "), true
	case realserver.ProFTPD:
		return strings.Count(srv.Log(), " PASS (hidden) -> 230 "), true
	case realserver.Pyftpdlib:
		return strings.Count(srv.Log(), " logged in."), true
	}
	return 0, false
}

// crsName names a subtest for a server kind and TLS mode.
func crsName(kind realserver.Kind, mode realserver.TLSMode) string {
	if mode == realserver.None {
		return string(kind) + "-plain"
	}
	return string(kind) + "-" + mode.String()
}

func crsCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// crsWriteStream writes size bytes of rsStream(seed) to the FTP path name
// on srv, without holding them in memory, and returns their SHA-256.
func crsWriteStream(t *testing.T, srv *realserver.Server, name string, seed uint64, size int64) string {
	t.Helper()
	p := srv.WriteFile(name, nil) // owned by the FTP user
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, h), rsStream(seed), size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestRealServerClientLimits has 16 goroutines download 200 small files
// through a Client of 8 sessions from servers that take 2 sessions per
// address (vsftpd max_per_ip, pure-ftpd -C, proftpd MaxClientsPerHost,
// pyftpdlib max_cons_per_ip), in plain FTP and explicit FTPS. Every file
// arrives whole at the first try: the server refused sessions (421 at the
// greeting; proftpd 530 to PASS), the Client lowered its limit to the 2
// sessions it had and kept them, and no call failed or was retried.
func TestRealServerClientLimits(t *testing.T) {
	const (
		limit   = 2
		files   = 200
		workers = 16
	)
	data := make([][]byte, files)
	for i := range data {
		data[i] = rsData(uint64(5000+i), 300+i*41)
	}
	for _, kind := range realserver.Kinds {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(crsName(kind, mode), func(t *testing.T) {
				t.Parallel()
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode, MaxSessionsPerIP: limit})
				for i, b := range data {
					srv.WriteFile(fmt.Sprintf("lim/f%03d.bin", i), b)
				}
				c := newCRSClient(t, srv, nil, ftp.WithMaxConns(8))
				ctx := crsCtx(t, 2*time.Minute)
				dir := t.TempDir()
				start := time.Now()
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := w; i < files; i += workers {
							name := fmt.Sprintf("f%03d.bin", i)
							if err := c.Download(ctx, "lim/"+name, filepath.Join(dir, name)); err != nil {
								t.Errorf("Download %s: %v", name, err)
							}
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				for i, b := range data {
					p := filepath.Join(dir, fmt.Sprintf("f%03d.bin", i))
					if got, _ := rsFileSum(t, p); got != rsSum(b) {
						t.Errorf("%s: SHA-256 %s, want %s", p, got, rsSum(b))
					}
				}
				c.noRetries(t)

				lowered := c.log.warnings("limit lowered")
				if len(lowered) == 0 {
					t.Errorf("the Client never lowered its limit")
				} else if last := lowered[len(lowered)-1]; !strings.HasSuffix(last, fmt.Sprintf("limit lowered to %d", limit)) {
					t.Errorf("last limit change: %q, want it lowered to %d", last, limit)
				}
				if n := c.log.logins(); n != limit {
					t.Errorf("the Client logged in %d times, want %d (the server's limit, each session kept)", n, limit)
				}
				refused, err := srv.RefusedSessions()
				switch {
				case err != nil:
					t.Logf("RefusedSessions: %v", err) // pure-ftpd: no log; the Client's warnings tell
				case refused < 1:
					t.Errorf("the server refused no session")
				}
				t.Logf("%d downloads in %v; the server refused %d sessions (%v); limit changes: %q",
					files, elapsed.Round(time.Millisecond), refused, err, lowered)
				if len(lowered) > 0 {
					t.Logf("first refusal as the Client saw it: %s", lowered[0])
				}
			})
		}
	}
}

// crsRetryWait is the least wait before the first retry of a download
// broken by Kill (WithRetry's min; the wait is between half of it and
// all of it): longer than Kill and Restart take, so that the one retry
// finds the server back.
const crsRetryWait = 2 * time.Second

// TestRealServerClientKillRestart kills each server once a third of a
// Download has arrived, restarts it, and checks that the Download
// completes whole (SHA-256) after exactly one retry, which resumed where
// the transfer broke: a RetryEvent with that offset, a single REST to it
// in the Client's commands and in the server's log, and no byte fetched
// twice. 256 MiB in plain FTP, 64 MiB with explicit FTPS. The download is
// one stream (WithSegments(1)): a file this size would otherwise come in
// segments, each resuming on its own.
func TestRealServerClientKillRestart(t *testing.T) {
	for _, kind := range realserver.Kinds {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(crsName(kind, mode), func(t *testing.T) {
				t.Parallel()
				size := int64(256 << 20)
				if mode != realserver.None {
					size = 64 << 20
				}
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode})
				sum := crsWriteStream(t, srv, "big.bin", uint64(len(kind))+uint64(mode), size)
				c := newCRSClient(t, srv, nil, ftp.WithRetry(1, crsRetryWait, 0))
				ctx := crsCtx(t, 2*time.Minute)
				local := filepath.Join(t.TempDir(), "big.bin")

				// The download stops in its progress callback at a third
				// until the server is dead, so that Kill lands mid-transfer.
				kill, killed := make(chan struct{}), make(chan struct{})
				var once sync.Once
				var done int64 // the last progress
				progress := func(n, total int64) {
					done = n
					if n >= size/3 {
						once.Do(func() {
							close(kill)
							<-killed
						})
					}
				}
				errc := make(chan error, 1)
				start := time.Now()
				go func() {
					errc <- c.Download(ctx, "big.bin", local, ftp.WithSegments(1), ftp.WithProgress(progress))
				}()
				select {
				case <-kill:
				case err := <-errc:
					t.Fatalf("Download ended before the kill: %v", err)
				}
				t0 := time.Now()
				srv.Kill()
				killTook := time.Since(t0)
				close(killed)
				srv.Restart(t)
				restarted := time.Now()
				err := <-errc
				if err != nil {
					t.Fatalf("Download: %v", err)
				}
				t.Logf("%d MiB in %v; Kill took %v, Restart %v (server startup %v)", size>>20,
					time.Since(start).Round(time.Millisecond), killTook.Round(time.Millisecond),
					restarted.Sub(t0.Add(killTook)).Round(time.Millisecond), srv.StartupTime.Round(time.Millisecond))
				if got, _ := rsFileSum(t, local); got != sum {
					t.Errorf("downloaded file: SHA-256 %s, want %s", got, sum)
				}
				if done != size {
					t.Errorf("progress ended at %d bytes, want %d: bytes were fetched twice, or not at all", done, size)
				}

				retries := c.retryEvents()
				if len(retries) != 1 {
					t.Fatalf("%d retries, want 1: %+v", len(retries), retries)
				}
				r := retries[0]
				t.Logf("retry: %s %s attempt %d at offset %d after %v: %v", r.Op, r.Path, r.Attempt, r.Offset, r.Wait.Round(time.Millisecond), r.Err)
				if r.Op != "Download" || r.Path != "big.bin" || r.Attempt != 1 {
					t.Errorf("retry %+v, want attempt 1 of Download big.bin", r.RetryEvent)
				}
				if r.Offset < size/3 || r.Offset >= size {
					t.Errorf("retry at offset %d, want it in [%d, %d): resumed where the transfer broke", r.Offset, size/3, size)
				}
				if retryAt := r.at.Add(r.Wait); retryAt.Before(restarted) {
					t.Errorf("the retry came %v before the restart was done; raise crsRetryWait", restarted.Sub(retryAt))
				}
				rest := strconv.FormatInt(r.Offset, 10)
				cmds := c.log.events("cmd")
				if got := crsArgs(cmds, "REST"); !slices.Equal(got, []string{rest}) {
					t.Errorf("the Client sent REST %q, want once REST %s", got, rest)
				}
				if got := crsArgs(cmds, "RETR"); len(got) != 2 {
					t.Errorf("the Client sent RETR %q, want 2: the broken one and the resumed one", got)
				}
				if scmds, ok := crsServerCommands(srv); ok {
					if got := crsArgs(scmds, "REST"); !slices.Equal(got, []string{rest}) {
						t.Errorf("server log: REST %q, want once REST %s", got, rest)
					}
					if i := slices.Index(scmds, "REST "+rest); i < 0 || i+1 >= len(scmds) || scmds[i+1] != "RETR big.bin" {
						t.Errorf("server log: no RETR big.bin right after REST %s", rest)
					}
				}
			})
		}
	}
}

// crsSpyCache is a tls.ClientSessionCache that counts its use: the
// cache a caller shares among its tls.Configs, which the Client must not
// use (each session gets a cache of its own).
type crsSpyCache struct {
	tls.ClientSessionCache
	gets, puts atomic.Int32
}

func (c *crsSpyCache) Get(key string) (*tls.ClientSessionState, bool) {
	c.gets.Add(1)
	return c.ClientSessionCache.Get(key)
}

func (c *crsSpyCache) Put(key string, cs *tls.ClientSessionState) {
	c.puts.Add(1)
	c.ClientSessionCache.Put(key, cs)
}

// TestRealServerClientTLSPool runs 12 goroutines of uploads and
// downloads, 40 files each way of sizes from 0 to 2 MiB, through a Client
// of 8 FTPS sessions, on every server in explicit and implicit TLS, with
// vsftpd and proftpd requiring data connections to resume the control
// connection's TLS session. The caller's tls.Config carries a session
// cache shared by everything that uses it. Every file arrives whole (the
// uploads by SHA-256 on the server's disk, the downloads locally); the
// Client opened 8 sessions and lost none, retried nothing, never touched
// the shared cache, and on vsftpd and proftpd every data connection
// resumed its own session's TLS session.
func TestRealServerClientTLSPool(t *testing.T) {
	const (
		files   = 40
		workers = 12
		conns   = 8
	)
	sizes := []int{0, 1, 100, 4095, 4096, 65537, 200_000, 1 << 20, 333_333, 2<<20 + 7}
	up, down := make([][]byte, files), make([][]byte, files)
	for i := range files {
		n := sizes[i%len(sizes)]
		if n > 1 {
			n += i
		}
		up[i], down[i] = rsData(uint64(7000+i), n), rsData(uint64(8000+i), n)
	}
	for _, tc := range tmCases {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, tc.kind, realserver.Config{TLS: tc.tls})
			srv.Mkdir("up")
			for i, b := range down {
				srv.WriteFile(fmt.Sprintf("down/f%02d.bin", i), b)
			}
			dir := t.TempDir()
			for i, b := range up {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("up%02d.bin", i)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			shared := &crsSpyCache{ClientSessionCache: tls.NewLRUClientSessionCache(64)}
			var (
				mu                sync.Mutex
				full, resumedData int // handshakes
			)
			cfg := srv.TLSConfig()
			cfg.ClientSessionCache = shared
			cfg.VerifyConnection = func(cs tls.ConnectionState) error {
				mu.Lock()
				if cs.DidResume {
					resumedData++
				} else {
					full++
				}
				mu.Unlock()
				return nil
			}
			c := newCRSClient(t, srv, cfg, ftp.WithMaxConns(conns))
			ctx := crsCtx(t, 2*time.Minute)

			type job struct {
				upload bool
				i      int
			}
			jobs := make(chan job)
			var wg sync.WaitGroup
			start := time.Now()
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range jobs {
						var err error
						if j.upload {
							err = c.Upload(ctx, filepath.Join(dir, fmt.Sprintf("up%02d.bin", j.i)), fmt.Sprintf("up/f%02d.bin", j.i))
						} else {
							err = c.Download(ctx, fmt.Sprintf("down/f%02d.bin", j.i), filepath.Join(dir, fmt.Sprintf("down%02d.bin", j.i)))
						}
						if err != nil {
							t.Errorf("%+v: %v", j, err)
						}
					}
				}()
			}
			for i := range files {
				jobs <- job{true, i}
				jobs <- job{false, i}
			}
			close(jobs)
			wg.Wait()
			elapsed := time.Since(start)

			for i := range files {
				if got, _ := rsFileSum(t, srv.Path(fmt.Sprintf("up/f%02d.bin", i))); got != rsSum(up[i]) {
					t.Errorf("uploaded f%02d.bin (%d bytes) differs on the server", i, len(up[i]))
				}
				if got, _ := rsFileSum(t, filepath.Join(dir, fmt.Sprintf("down%02d.bin", i))); got != rsSum(down[i]) {
					t.Errorf("downloaded f%02d.bin (%d bytes) differs", i, len(down[i]))
				}
			}
			c.noRetries(t)
			if n := c.log.logins(); n != conns {
				t.Errorf("the Client logged in %d times, want %d: one per session, none lost", n, conns)
			}
			if n, ok := crsServerLogins(srv); ok && n != conns {
				t.Errorf("the server logged %d logins, want %d", n, conns)
			}
			if g, p := shared.gets.Load(), shared.puts.Load(); g+p != 0 {
				t.Errorf("the caller's shared session cache was used: %d gets, %d puts", g, p)
			}
			mu.Lock()
			defer mu.Unlock()
			if tmRequiresReuse(tc.kind) && full != conns {
				t.Errorf("%d full TLS handshakes, want %d (the control connections): every data connection resumes", full, conns)
			}
			t.Logf("%d uploads and %d downloads in %v; %d full handshakes, %d resumed",
				files, files, elapsed.Round(time.Millisecond), full, resumedData)
		})
	}
}

// The timings of TestRealServerClientIdle: the server ends sessions idle
// for crsServerIdle; the Client checks with NOOP a session idle for
// longer than half its idle timeout, crsClientIdle, before reusing it;
// the long upload keeps one session busy for crsBusy, between the two.
const (
	crsServerIdle = 2 * time.Second
	crsClientIdle = 6 * time.Second // NOOP check after 3 s idle
	crsBusy       = 4 * time.Second
)

// TestRealServerClientIdle lets the server (vsftpd, proftpd, pyftpdlib;
// pure-ftpd's idle timeout is a minute at least) end the idle sessions of
// a Client's pool while one session is busy with an upload that lasts
// longer than the server's idle timeout. Then 8 goroutines use the pool
// at once: every call succeeds at its first try, because the Client
// checked each stale session with NOOP, found it dead and opened a new
// one (more logins than sessions ever open at once), and the long upload
// arrived whole.
func TestRealServerClientIdle(t *testing.T) {
	const conns = 4
	slow := rsData(61, 40<<10)
	small := make([][]byte, 16)
	for i := range small {
		small[i] = rsData(uint64(6100+i), 1000+i*100)
	}
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, kind, realserver.Config{IdleTimeout: crsServerIdle})
			for i, b := range small {
				srv.WriteFile(fmt.Sprintf("f%02d.bin", i), b)
			}
			c := newCRSClient(t, srv, nil, ftp.WithMaxConns(conns), ftp.WithIdleTimeout(crsClientIdle))
			ctx := crsCtx(t, time.Minute)
			dir := t.TempDir()

			// conns sessions, open at once, then idle.
			var readers []*ftp.FileReader
			for i := range conns {
				r, err := c.Open(ctx, fmt.Sprintf("f%02d.bin", i))
				if err != nil {
					t.Fatal(err)
				}
				readers = append(readers, r)
			}
			for i, r := range readers {
				if b, err := io.ReadAll(r); err != nil || rsSum(b) != rsSum(small[i]) {
					t.Fatalf("Open f%02d.bin: %d bytes, %v", i, len(b), err)
				}
				if err := r.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if n := c.log.logins(); n != conns {
				t.Fatalf("%d logins for %d readers open at once", n, conns)
			}

			// One session busy for longer than the server's idle timeout.
			t0 := time.Now()
			w, err := c.Create(ctx, "slow.bin")
			if err != nil {
				t.Fatal(err)
			}
			step := len(slow) / 20
			for off := 0; off < len(slow); off += step {
				time.Sleep(crsBusy / 20)
				if _, err := w.Write(slow[off:min(off+step, len(slow))]); err != nil {
					t.Fatalf("slow upload: %v", err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatalf("slow upload: %v", err)
			}
			busy := time.Since(t0)
			if busy >= crsClientIdle-time.Second {
				t.Fatalf("the slow upload took %v: too close to the Client's idle timeout %v to test the NOOP check", busy, crsClientIdle)
			}

			// The pool again, from 8 goroutines.
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g; i < len(small); i += 8 {
						name := fmt.Sprintf("f%02d.bin", i)
						if err := c.Download(ctx, name, filepath.Join(dir, name)); err != nil {
							t.Errorf("Download %s: %v", name, err)
						}
					}
				}()
			}
			wg.Wait()
			for i, b := range small {
				if got, _ := rsFileSum(t, filepath.Join(dir, fmt.Sprintf("f%02d.bin", i))); got != rsSum(b) {
					t.Errorf("f%02d.bin differs", i)
				}
			}
			if got, _ := rsFileSum(t, srv.Path("slow.bin")); got != rsSum(slow) {
				t.Errorf("slow.bin differs on the server")
			}
			c.noRetries(t)
			// The sessions the server ended are seen dead without a try:
			// by the server's 421 or close waiting on their sockets, or by
			// the NOOP a session idle for over 3 s gets.
			noops := len(crsArgs(c.log.events("cmd"), "NOOP"))
			logins := c.log.logins()
			if logins < 2*conns-1 {
				t.Errorf("the Client logged in %d times, want at least %d: the idle sessions the server ended replaced", logins, 2*conns-1)
			}
			if n, ok := crsServerLogins(srv); ok && n != logins {
				t.Errorf("the server logged %d logins, the Client %d", n, logins)
			}
			t.Logf("slow upload %v; %d NOOP checks; %d logins", busy.Round(time.Millisecond), noops, logins)
		})
	}
}

// TestRealServerClientSegments downloads a file of 8 MiB and a bit in 4
// segments (WithSegments(4)), in plain FTP and explicit FTPS: it arrives
// whole at the first try, and the Client's commands and the server's log
// show 4 RETR, three of them after REST at the segments' starts (the
// first starts at 0 and needs none).
func TestRealServerClientSegments(t *testing.T) {
	const size = 8<<20 + 12345
	data := rsData(71, size)
	span := int64(size / 4)
	want := []int64{span, 2 * span, 3 * span}
	for _, kind := range realserver.Kinds {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(crsName(kind, mode), func(t *testing.T) {
				t.Parallel()
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode})
				srv.WriteFile("seg.bin", data)
				c := newCRSClient(t, srv, nil, ftp.WithMaxConns(4))
				ctx := crsCtx(t, time.Minute)
				local := filepath.Join(t.TempDir(), "seg.bin")
				if err := c.Download(ctx, "seg.bin", local, ftp.WithSegments(4)); err != nil {
					t.Fatalf("Download: %v", err)
				}
				if got, _ := rsFileSum(t, local); got != rsSum(data) {
					t.Errorf("downloaded file: SHA-256 %s, want %s", got, rsSum(data))
				}
				c.noRetries(t)
				check := func(who string, cmds []string) {
					t.Helper()
					if got := crsArgs(cmds, "RETR"); len(got) != 4 {
						t.Errorf("%s: RETR %q, want 4", who, got)
					}
					var got []int64
					for _, a := range crsArgs(cmds, "REST") {
						n, _ := strconv.ParseInt(a, 10, 64)
						got = append(got, n)
					}
					slices.Sort(got) // the segments start at once
					if !slices.Equal(got, want) {
						t.Errorf("%s: REST %v, want %v", who, got, want)
					}
				}
				check("the Client", c.log.events("cmd"))
				if cmds, ok := crsServerCommands(srv); ok {
					check("the server's log", cmds)
				}
			})
		}
	}
}
