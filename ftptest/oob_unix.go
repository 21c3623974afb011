//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ftptest

import (
	"net"
	"syscall"
)

// setOOBInline makes urgent (out-of-band) data readable in line, as
// CPython's test server does, so that an ABOR sent with MSG_OOB arrives
// whole.
func setOOBInline(c net.Conn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_OOBINLINE, 1)
	})
}
