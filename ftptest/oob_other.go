//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ftptest

import "net"

func setOOBInline(net.Conn) {}
