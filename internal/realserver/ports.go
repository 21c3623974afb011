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

// portBlocks reserves n adjacent free blocks of ports on host for the
// lifetime of this process or until release is called. A block is
// reserved by an exclusive flock on a file in os.TempDir, which other
// processes using this package honour and which the kernel drops when
// the process dies; each port is also probed by binding it, to skip
// ports that something else uses.
func portBlocks(host string, n int) (first int, release func(), err error) {
	dir := filepath.Join(os.TempDir(), "ftpkit-realserver-ports")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return 0, nil, err
	}
	start := rand.IntN(blockCount - n + 1)
	for i := range blockCount - n + 1 {
		b := (start + i) % (blockCount - n + 1)
		locks, ok := lockBlocks(dir, b, n)
		if !ok {
			continue
		}
		release := func() {
			for _, f := range locks {
				f.Close()
			}
		}
		first := portBase + b*blockSize
		if !portsFree(host, first, first+n*blockSize-1) {
			release()
			continue
		}
		return first, release, nil
	}
	return 0, nil, fmt.Errorf("realserver: no %d free blocks of %d ports in %d-%d", n, blockSize, portBase, portLimit-1)
}

// lockBlocks takes the locks of the n blocks from b, or none.
func lockBlocks(dir string, b, n int) ([]*os.File, bool) {
	var locks []*os.File
	for i := b; i < b+n; i++ {
		f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(i)), os.O_CREATE|os.O_RDWR, 0o666)
		if err == nil {
			err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			if err != nil {
				f.Close()
			}
		}
		if err != nil {
			for _, f := range locks {
				f.Close()
			}
			return nil, false
		}
		locks = append(locks, f)
	}
	return locks, true
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
