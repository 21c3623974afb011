package realserver

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Ports are handed out in blocks: the first port of a block is the control
// port, the rest the passive range. Blocks lie below the kernel's ephemeral
// range (32768-60999), so client sockets never take a server's port.
const (
	portBase   = 20000
	portLimit  = 32768
	blockSize  = 32
	blockCount = (portLimit - portBase) / blockSize
)

// portBlock reserves a free block of ports on host for the lifetime of this
// process or until release is called. A block is reserved by an exclusive
// flock on a file in os.TempDir, which other processes using this package
// honour and which the kernel drops when the process dies; each port is
// also probed by binding it, to skip ports that something else uses.
func portBlock(host string) (first int, release func(), err error) {
	dir := filepath.Join(os.TempDir(), "ftpkit-realserver-ports")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return 0, nil, err
	}
	start := rand.IntN(blockCount)
	for i := range blockCount {
		b := (start + i) % blockCount
		f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(b)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			return 0, nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			continue
		}
		first := portBase + b*blockSize
		if !portsFree(host, first, first+blockSize-1) {
			f.Close()
			continue
		}
		return first, func() { f.Close() }, nil
	}
	return 0, nil, fmt.Errorf("realserver: no free block of %d ports in %d-%d", blockSize, portBase, portLimit-1)
}

// portsFree reports whether every TCP port from lo to hi can be bound on host.
func portsFree(host string, lo, hi int) bool {
	for p := lo; p <= hi; p++ {
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
