package realserver

import (
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileMode is [Server.WriteFile] that then sets the file's permission
// bits to perm, for example 0o000 for a file the FTP user cannot read.
//
// Every server acts on files as the FTP user, which owns Root and is not
// root: vsftpd, pure-ftpd and proftpd switch to it after login, and
// pyftpdlib runs as it. So permission bits deny the servers what they deny
// the FTP user, and the servers' refusals are the file system's.
func (s *Server) WriteFileMode(name string, data []byte, perm fs.FileMode) string {
	s.tb.Helper()
	p := s.WriteFile(name, data)
	s.chmod(p, perm)
	return p
}

// MkdirMode is [Server.Mkdir] that then sets the permission bits of the
// directory name, not of its parents, to perm: for example 0o555 for a
// directory the FTP user can list and enter but not change (create,
// delete or rename in), 0o600 for one it cannot enter. Unless the test
// runs as root, put files in the directory before locking it.
func (s *Server) MkdirMode(name string, perm fs.FileMode) string {
	s.tb.Helper()
	p := s.Mkdir(name)
	s.chmod(p, perm)
	return p
}

func (s *Server) chmod(p string, perm fs.FileMode) {
	s.tb.Helper()
	if err := os.Chmod(p, perm&fs.ModePerm); err != nil {
		s.tb.Fatalf("realserver: %v", err)
	}
}

// removeAll removes dir like os.RemoveAll, first making its directories
// writable, which a test that does not run as root needs after MkdirMode.
func removeAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}
