package ftp

import (
	"context"
	"errors"
	"sync"
	"time"
)

// A session is one pooled Conn and what the pool knows of it.
type session struct {
	*Conn
	home     string    // the login directory (PWD after login), for restoring it
	idleFrom time.Time // when it was last returned to the pool
}

// pool hands out the sessions of a Client: idle ones most recently used
// first, new ones while the limit allows, and to callers beyond the
// limit in the order they came, as each session comes back. It never
// holds its lock across network I/O.
type pool struct {
	connect func(context.Context) (*session, error)
	cfg     *clientConfig

	mu      sync.Mutex
	idle    []*session // most recently returned last
	open    int        // sessions counted against the limit: idle, in use, or being dialled
	limit   int        // the effective limit: max, lowered by servers that refuse sessions
	raised  time.Time  // when the limit may next grow by one
	waiters []*waiter  // callers waiting, first come first
	closed  bool
	inUse   map[*session]bool
	reaper  *time.Timer
}

// A waiter is a caller waiting for a session: it is handed an idle one,
// or leave to dial a new one (s nil).
type waiter struct {
	ch chan *session // buffered; nil session: dial
}

// errPoolClosed is returned by calls on a closed Client, and by calls
// that its Close ended; it matches ErrClosed.
var errPoolClosed error = clientClosed{}

type clientClosed struct{}

func (clientClosed) Error() string        { return "ftp: client closed" }
func (clientClosed) Is(target error) bool { return target == ErrClosed }

func newPool(cfg *clientConfig, connect func(context.Context) (*session, error)) *pool {
	return &pool{connect: connect, cfg: cfg, limit: cfg.maxConns, inUse: map[*session]bool{}}
}

// get returns a session for one call, waiting while the limit is
// reached. A session idle for longer than the health-check interval is
// checked with NOOP first, and replaced if it does not answer.
func (p *pool) get(ctx context.Context) (*session, error) {
	for {
		s, dial, err := p.take(ctx)
		if err != nil {
			return nil, err
		}
		if !dial {
			if p.healthy(ctx, s) {
				return s, nil
			}
			p.discard(s)
			continue
		}
		s, err = p.dial(ctx)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errRefused) {
			return nil, err
		}
		// The server refused a session over its limit: the limit is
		// lowered and the caller waits for a session to come back; if
		// none is open, the refusal is the caller's error.
	}
}

// take claims an idle session (dial false) or a place to dial one (dial
// true), waiting for either in turn.
func (p *pool) take(ctx context.Context) (s *session, dial bool, err error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, false, errPoolClosed
	}
	p.grow()
	if len(p.waiters) == 0 {
		if n := len(p.idle); n > 0 {
			s = p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.inUse[s] = true
			p.mu.Unlock()
			return s, false, nil
		}
		if p.open < p.limit {
			p.open++
			p.mu.Unlock()
			return nil, true, nil
		}
	}
	w := &waiter{ch: make(chan *session, 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()
	select {
	case s, ok := <-w.ch:
		if !ok {
			return nil, false, errPoolClosed
		}
		return s, s == nil, nil
	case <-ctx.Done():
		p.mu.Lock()
		for i, x := range p.waiters {
			if x == w {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				p.mu.Unlock()
				return nil, false, context.Cause(ctx)
			}
		}
		p.mu.Unlock()
		// Served while giving up: pass the grant on.
		if s, ok := <-w.ch; s != nil {
			p.put(s, false)
		} else if ok {
			p.release(nil)
		}
		return nil, false, context.Cause(ctx)
	}
}

// dial opens a session in a place claimed by take. A refusal of a
// session beyond the server's limit lowers the pool's limit and is
// errRefused when other sessions are open (the caller waits for one);
// otherwise it is returned as it is.
func (p *pool) dial(ctx context.Context) (*session, error) {
	s, err := p.connect(ctx)
	if err == nil {
		p.mu.Lock()
		if p.closed {
			p.open--
			p.mu.Unlock()
			s.Close()
			return nil, errPoolClosed
		}
		p.inUse[s] = true
		p.mu.Unlock()
		return s, nil
	}
	p.mu.Lock()
	p.open--
	others := p.open
	if isRefusal421(err) && others > 0 {
		if others < p.limit {
			p.limit = others
			p.cfg.logf("server refused a session (%v); limit lowered to %d", err, others)
		}
		p.raised = time.Now().Add(p.cfg.regrow)
		p.mu.Unlock()
		return nil, errRefused
	}
	p.grantLocked()
	p.mu.Unlock()
	return nil, err
}

// errRefused is the internal outcome of a dial that the server refused
// for its limit while other sessions are open.
var errRefused = errors.New("ftp: server refused another session")

// isRefusal421 reports whether err is a server's refusal of a session
// for its connection limit: 421 at the greeting (vsftpd, pure-ftpd,
// pyftpdlib), 530 to PASS saying too many clients or connections
// (proftpd's MaxClientsPerHost), or the connection closed or reset
// before any greeting.
func isRefusal421(err error) bool {
	var fe *Error
	if errors.As(err, &fe) {
		return limitRefusal(fe.Code, fe.Text)
	}
	var oe *OpError
	return errors.As(err, &oe) && oe.Cmd == "" && oe.Timeout == 0
}

// grow raises a lowered limit by one each regrow interval, so that a
// server whose limit was a passing one (other clients of the same user)
// gets used fully again. The caller holds p.mu.
func (p *pool) grow() {
	if p.limit < p.cfg.maxConns && !p.raised.IsZero() && time.Now().After(p.raised) {
		p.limit++
		p.raised = time.Now().Add(p.cfg.regrow)
	}
}

// healthy reports whether s, taken from the idle list, may be used: the
// server has sent nothing since (a server ending an idle session sends
// 421 or closes it, which a look at the socket shows without a round
// trip), it is younger than the idle timeout, and it answers NOOP if it
// has been idle longer than the health-check interval.
func (p *pool) healthy(ctx context.Context, s *session) bool {
	if s.closed.Load() || s.rr.r.Buffered() > 0 || peerSpoke(s.raw) {
		return false // the server spoke unasked: it is ending the session
	}
	idle := time.Since(s.idleFrom)
	if idle > p.cfg.idleTimeout {
		return false
	}
	if idle <= p.cfg.checkAfter {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, min(p.cfg.checkTimeout, s.cfg.timeout))
	defer cancel()
	return s.Noop(ctx) == nil
}

// put returns s after a call. A session that broke (broken, or closed by
// the Conn after a network failure or a 421), or whose state a caller
// changed, is closed and its place given up; a healthy one goes to the
// first waiter, or to the idle list.
func (p *pool) put(s *session, broken bool) {
	if broken || s.closed.Load() || s.moved || s.tainted {
		p.discard(s)
		return
	}
	p.mu.Lock()
	delete(p.inUse, s)
	if p.closed {
		p.open--
		p.mu.Unlock()
		quit(s)
		return
	}
	s.idleFrom = time.Now()
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.inUse[s] = true
		p.mu.Unlock()
		w.ch <- s
		return
	}
	p.idle = append(p.idle, s)
	p.scheduleReap()
	p.mu.Unlock()
}

// discard closes s and gives its place to the first waiter.
func (p *pool) discard(s *session) {
	s.Close()
	p.release(s)
}

// release gives up the place of s (nil: of a dial that did not
// happen), letting the first waiter dial if the limit allows.
func (p *pool) release(s *session) {
	p.mu.Lock()
	if s != nil {
		delete(p.inUse, s)
	}
	p.open--
	p.grantLocked()
	p.mu.Unlock()
}

// grantLocked lets the first waiter dial while places are free. The
// caller holds p.mu.
func (p *pool) grantLocked() {
	p.grow()
	for len(p.waiters) > 0 && p.open < p.limit && !p.closed {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.open++
		w.ch <- nil
	}
}

// scheduleReap arms the timer that closes sessions idle for longer than
// the idle timeout. The caller holds p.mu.
func (p *pool) scheduleReap() {
	if p.reaper == nil {
		p.reaper = time.AfterFunc(p.cfg.idleTimeout, p.reap)
	}
}

// reap closes the sessions idle for longer than the idle timeout.
func (p *pool) reap() {
	p.mu.Lock()
	p.reaper = nil
	var old []*session
	keep := p.idle[:0]
	for _, s := range p.idle {
		if time.Since(s.idleFrom) >= p.cfg.idleTimeout {
			old = append(old, s)
			p.open--
		} else {
			keep = append(keep, s)
		}
	}
	clear(p.idle[len(keep):])
	p.idle = keep
	if len(p.idle) > 0 && !p.closed {
		next := p.cfg.idleTimeout - time.Since(p.idle[0].idleFrom)
		p.reaper = time.AfterFunc(max(next, time.Millisecond), p.reap)
	}
	p.grantLocked()
	p.mu.Unlock()
	for _, s := range old {
		quit(s)
	}
}

// closeIdle sends QUIT to the idle sessions and closes them.
func (p *pool) closeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.open -= len(idle)
	p.grantLocked()
	p.mu.Unlock()
	quitAll(idle)
}

// quitAll quits the sessions at once, each within its bound.
func quitAll(ss []*session) {
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			quit(s)
		}()
	}
	wg.Wait()
}

// close ends the pool: waiters get errPoolClosed, idle sessions are
// sent QUIT (within the quit timeout) and closed, and sessions in use
// are closed, which ends their calls.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	if p.reaper != nil {
		p.reaper.Stop()
	}
	idle := p.idle
	p.idle = nil
	p.open -= len(idle)
	var busy []*session
	for s := range p.inUse {
		busy = append(busy, s)
	}
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, w := range waiters {
		close(w.ch)
	}
	for _, s := range busy {
		s.Close()
	}
	quitAll(idle)
}

// quit ends s politely, within a short bound, and closes it.
func quit(s *session) {
	ctx, cancel := context.WithTimeout(context.Background(), min(5*time.Second, s.cfg.timeout))
	defer cancel()
	s.Quit(ctx)
	s.Close()
}

// tryGet returns an idle session, or a new one if the limit allows,
// without waiting; nil when neither can be had at once (or the dial
// fails: the caller does without).
func (p *pool) tryGet(ctx context.Context) *session {
	p.mu.Lock()
	if p.closed || len(p.waiters) > 0 {
		p.mu.Unlock()
		return nil
	}
	p.grow()
	if n := len(p.idle); n > 0 {
		s := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.inUse[s] = true
		p.mu.Unlock()
		if p.healthy(ctx, s) {
			return s
		}
		p.discard(s)
		return nil
	}
	if p.open >= p.limit {
		p.mu.Unlock()
		return nil
	}
	p.open++
	p.mu.Unlock()
	s, err := p.dial(ctx)
	if err != nil {
		return nil
	}
	return s
}
