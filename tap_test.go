package ftp_test

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ftpkit/ftp/internal/realserver"
)

// A tap is a TCP relay on 127.0.0.2 in front of a real server's control
// port and passive ports, which records how the client ended each data
// connection: with a FIN ("fin") or a reset ("rst"). The client dials
// Addr; its passive data connections go to the control peer's address,
// 127.0.0.2, and so through the tap too. What the client does on the
// wire reaches the server unchanged: a FIN is passed on as a FIN, a
// reset as a reset. (The other way, a reset by the server reaches the
// client as a FIN.)
type tap struct {
	Addr string

	mu    sync.Mutex
	ends  []string // one per data connection, in the order they ended
	conns map[net.Conn]bool
	lns   []net.Listener
	wg    sync.WaitGroup
}

func newTap(t *testing.T, srv *realserver.Server) *tap {
	t.Helper()
	tp := &tap{conns: map[net.Conn]bool{}}
	listen := func(port int, data bool) {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(port)))
		if err != nil {
			t.Fatalf("tap: %v", err)
		}
		tp.lns = append(tp.lns, ln)
		tp.wg.Add(1)
		go func() {
			defer tp.wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				tp.wg.Add(1)
				go func() {
					defer tp.wg.Done()
					tp.relay(c.(*net.TCPConn), net.JoinHostPort(srv.Host, strconv.Itoa(port)), data)
				}()
			}
		}()
	}
	listen(srv.Port, false)
	for p := srv.PasvMin; p <= srv.PasvMax; p++ {
		listen(p, true)
	}
	tp.Addr = net.JoinHostPort("127.0.0.2", strconv.Itoa(srv.Port))
	t.Cleanup(func() {
		for _, ln := range tp.lns {
			ln.Close()
		}
		tp.mu.Lock()
		for c := range tp.conns {
			c.Close()
		}
		tp.mu.Unlock()
		tp.wg.Wait()
	})
	return tp
}

// relay copies between the client c and the server at addr until both
// directions end.
func (tp *tap) relay(c *net.TCPConn, addr string, data bool) {
	defer c.Close()
	s, err := net.Dial("tcp", addr)
	if err != nil {
		c.SetLinger(0)
		return
	}
	sc := s.(*net.TCPConn)
	defer sc.Close()
	tp.mu.Lock()
	tp.conns[c], tp.conns[sc] = true, true
	tp.mu.Unlock()
	defer func() {
		tp.mu.Lock()
		delete(tp.conns, c)
		delete(tp.conns, sc)
		tp.mu.Unlock()
	}()
	done := make(chan struct{})
	go func() { // server to client
		defer close(done)
		io.Copy(c, sc)
		// A reset by the server reaches the client as a FIN, so that
		// the client's own end can still be seen: a server answering
		// ABOR can reset its side before the client's reset has passed
		// through the other direction.
		c.CloseWrite()
	}()
	// Client to server, read by hand, so that how the client ended is
	// told apart from a failure to write to the server.
	buf := make([]byte, 64<<10)
	serverGone := false
	var rerr error
	for {
		n, err := c.Read(buf)
		if n > 0 && !serverGone {
			sc.SetWriteDeadline(time.Now().Add(2 * time.Second))
			if _, werr := sc.Write(buf[:n]); werr != nil {
				serverGone = true
			}
		}
		if err != nil {
			rerr = err
			break
		}
	}
	// A read can report EOF after a reset when a write in the other
	// direction took the socket's error first; the TCP state cannot be
	// mistaken: CLOSE after a reset, CLOSE_WAIT, TIME_WAIT or CLOSING
	// after a FIN.
	end := "fin"
	if isReset(rerr) || tcpState(c) == unix.BPF_TCP_CLOSE {
		end = "rst"
		sc.SetLinger(0)
		sc.Close()
	} else if rerr != io.EOF {
		end = "error: " + rerr.Error()
	} else {
		sc.CloseWrite()
	}
	if data {
		tp.mu.Lock()
		tp.ends = append(tp.ends, end)
		tp.mu.Unlock()
	}
	<-done
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// tcpState returns the kernel's state of c (unix.BPF_TCP_*), or -1.
func tcpState(c *net.TCPConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1
	}
	state := -1
	rc.Control(func(fd uintptr) {
		if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
			state = int(info.State)
		}
	})
	return state
}

// Ends returns how the data connections ended, waiting up to 5 s for
// at least n of them to end: the relay sees a reset a moment after the
// client has sent it.
func (tp *tap) Ends(n int) []string {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		tp.mu.Lock()
		ends := append([]string(nil), tp.ends...)
		tp.mu.Unlock()
		if len(ends) >= n || time.Now().After(deadline) {
			return ends
		}
	}
}
