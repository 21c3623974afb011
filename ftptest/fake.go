package ftptest

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"
)

// DefaultTimeout bounds every blocking operation of a FakeConn (reading a
// command, accepting or dialing a data connection, a TLS handshake) unless
// FakeConn.Timeout says otherwise, so that a test never hangs.
const DefaultTimeout = 10 * time.Second

// A Fake is a scriptable FTP server for tests: every accepted control
// connection is handed to a handler function that says, line by line, what
// the server sends. It reproduces misbehaviour no real server shows on
// demand: malformed or injected replies, stalls, dropped connections, data
// connections that never arrive or close early.
type Fake struct {
	// Addr is the listening address, "127.0.0.1:port".
	Addr string

	tb       TB
	ln       net.Listener
	handle   func(*FakeConn)
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[*FakeConn]struct{}
	commands []string
	closed   bool
}

// NewFake starts a Fake on 127.0.0.1 that runs handle, in its own
// goroutine, for each accepted control connection. The connection is closed
// when handle returns. The Fake is closed by tb.Cleanup, which closes every
// connection and waits for all handlers to return.
func NewFake(tb TB, handle func(c *FakeConn)) *Fake {
	tb.Helper()
	return NewFakeAt(tb, "127.0.0.1:0", handle)
}

// NewFakeAt is NewFake listening on addr, which must be a loopback address
// such as "[::1]:0". It fails the test if it cannot listen there.
func NewFakeAt(tb TB, addr string, handle func(c *FakeConn)) *Fake {
	tb.Helper()
	if ap, err := netip.ParseAddrPort(addr); err != nil || !ap.Addr().IsLoopback() {
		tb.Fatalf("ftptest: %q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("ftptest: %v", err)
	}
	f := &Fake{
		Addr:   ln.Addr().String(),
		tb:     tb,
		ln:     ln,
		handle: handle,
		conns:  make(map[*FakeConn]struct{}),
	}
	f.wg.Add(1)
	go f.serve()
	tb.Cleanup(f.Close)
	return f
}

func (f *Fake) serve() {
	defer f.wg.Done()
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		setOOBInline(nc)
		c := newFakeConn(f, nc)
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			nc.Close()
			return
		}
		f.conns[c] = struct{}{}
		f.wg.Add(1)
		f.mu.Unlock()
		go func() {
			defer f.wg.Done()
			defer func() {
				c.Close()
				f.mu.Lock()
				delete(f.conns, c)
				f.mu.Unlock()
			}()
			f.handle(c)
		}()
	}
}

// Commands returns every command line received so far, without its line
// terminator, in order, across all connections.
func (f *Fake) Commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

func (f *Fake) record(line string) {
	f.mu.Lock()
	f.commands = append(f.commands, line)
	f.mu.Unlock()
}

func (f *Fake) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// Close stops the listener, closes every connection and waits for all
// handlers to return. It is safe to call more than once.
func (f *Fake) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	f.ln.Close()
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

var errNotLoopback = errors.New("ftptest: refusing to connect to a non-loopback address")
