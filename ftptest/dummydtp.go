package ftptest

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// dummyDTP is a Dummy's data connection (DummyDTPHandler): it collects
// whatever the client sends, writes what it is given, and replies
// "226 transfer complete" on the control connection once, when it closes.
type dummyDTP struct {
	s    *dummySession
	conn net.Conn
	once sync.Once
	done atomic.Bool
}

func (s *dummySession) setDTP(conn net.Conn) {
	if !s.c.track(conn) {
		return
	}
	if s.secure {
		conn = tls.Server(conn, s.d.TLS)
	}
	t := &dummyDTP{s: s, conn: conn}
	s.dtp = t
	s.wg.Add(1)
	go t.read()
}

func (t *dummyDTP) read() {
	defer t.s.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := t.conn.Read(buf)
		if n > 0 {
			d := t.s.d
			d.Lock()
			d.Received = append(d.Received, buf[:n]...)
			d.Unlock()
		}
		if err != nil {
			break
		}
	}
	t.finish()
}

// push sends data (or NextData) on the data connection and closes it.
func (s *dummySession) push(data []byte) {
	t := s.dtp
	if t == nil || t.done.Load() {
		_ = s.c.Reply("425 Can't open data connection.")
		return
	}
	d := s.d
	d.Lock()
	if d.NextData != nil {
		data, d.NextData = d.NextData, nil
	}
	d.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if len(data) > 0 {
			_ = t.conn.SetWriteDeadline(time.Now().Add(DefaultTimeout))
			_, _ = t.conn.Write(data)
		} else if tc, ok := t.conn.(*tls.Conn); ok {
			// An empty TLS payload: finish the handshake before closing,
			// or the client sees EOF in its handshake instead of an
			// empty, properly closed data connection.
			_ = tc.SetDeadline(time.Now().Add(DefaultTimeout))
			_ = tc.Handshake()
		}
		t.finish()
	}()
}

func (t *dummyDTP) finish() {
	t.once.Do(func() {
		t.done.Store(true)
		t.conn.Close()
		_ = t.s.c.Reply("226 transfer complete")
	})
}
