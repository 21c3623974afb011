//go:build unix

package netrc

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkPermissions reports why a file with the given information must not
// hold passwords: it is not owned by the current user, or group or others
// have any permission on it.
func checkPermissions(info fs.FileInfo) error {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		if uid := os.Getuid(); int(st.Uid) != uid {
			return fmt.Errorf("owned by uid %d, not by the current user (uid %d)", st.Uid, uid)
		}
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("mode %#o grants access to group or others; use chmod 600", perm)
	}
	return nil
}
