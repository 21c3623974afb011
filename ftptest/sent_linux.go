package ftptest

import (
	"net"
	"syscall"
	"time"
	"unsafe"
)

// waitSent waits, at most DefaultTimeout, until the peer has acknowledged
// every byte written to c, so that a reset does not discard data still in
// the send queue.
func waitSent(c *net.TCPConn, quit <-chan struct{}) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	deadline := time.Now().Add(DefaultTimeout)
	for time.Now().Before(deadline) {
		var queued int
		var errno syscall.Errno
		if err := rc.Control(func(fd uintptr) {
			_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&queued)))
		}); err != nil || errno != 0 || queued == 0 {
			return
		}
		if !sleep(time.Millisecond, quit) {
			return
		}
	}
}
