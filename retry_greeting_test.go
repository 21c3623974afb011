package ftp_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
)

// TestClientNoGreetingNotRetried checks that a server that sends no
// greeting within the timeout (an implicit-TLS port dialled in the
// clear) is tried once, not once per retry, each costing the whole
// timeout.
func TestClientNoGreetingNotRetried(t *testing.T) {
	var conns atomic.Int32
	f := ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		conns.Add(1)
		fc.ReadCommand() // no greeting; returns when the client hangs up
	})
	c, err := ftp.NewClient("ftp://u:p@"+f.Addr+"/", ftp.WithTimeout(100*time.Millisecond), ftp.WithoutNetrc(),
		ftp.WithRetry(3, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Stat(clCtx(t), "f")
	var oe *ftp.OpError
	if !errors.As(err, &oe) || oe.Cmd != "" || oe.Timeout == 0 {
		t.Errorf("Stat = %v, want an *OpError for the greeting's timeout", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}
