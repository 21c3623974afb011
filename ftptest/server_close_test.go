package ftptest

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// closeWithin fails the test if s.Close does not return within d.
func closeWithin(t *testing.T, s *Server, d time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(d):
		t.Fatalf("Close did not return within %v", d)
	}
}

// Regression: Close right after Start used to race with goftp's Serve
// (Shutdown found no listener yet) and then wait for it forever.
func TestServerCloseRightAfterStart(t *testing.T) {
	for i := 0; i < 50; i++ {
		s, err := Start(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		closeWithin(t, s, 5*time.Second)
	}
}

// Close ends a session whose client is still connected, and waits for
// its goroutine.
func TestServerCloseWithOpenSession(t *testing.T) {
	s, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	nc, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := bufio.NewReader(nc).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, s, 5*time.Second)
	if _, err := nc.Read(make([]byte, 1)); err == nil {
		t.Fatal("control connection still open after Close")
	}
}
