//go:build unix

package ftp

import (
	"errors"
	"net"
	"syscall"
)

// peerSpoke reports, without waiting and without consuming anything,
// whether the server has sent something on the idle connection nc, or
// closed it: an idle session's server says nothing unless it is ending
// the session (421 for a timeout, or a plain close), so such a session
// is not to be reused.
func peerSpoke(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	spoke := false
	var b [1]byte
	rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		spoke = n > 0 || (n == 0 && err == nil) || err != nil && !errors.Is(err, syscall.EAGAIN)
		return true // never wait for readiness
	})
	return spoke
}
