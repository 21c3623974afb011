//go:build !linux

package ftptest

import (
	"net"
	"time"
)

// waitSent gives the peer a moment to receive what was written to c
// before a reset; only Linux tells when the send queue is empty.
func waitSent(_ *net.TCPConn, quit <-chan struct{}) {
	sleep(50*time.Millisecond, quit)
}
