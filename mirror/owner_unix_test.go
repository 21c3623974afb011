package mirror_test

import (
	"os"
	"syscall"
)

// ownerOf returns the owner of the file fi describes.
func ownerOf(fi os.FileInfo) (uid, gid int) {
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}
