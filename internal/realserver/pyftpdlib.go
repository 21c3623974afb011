package realserver

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

//go:embed pyftpd.py
var pyftpdScript []byte

// pyftpdlib writes pyftpd.py and returns the command that runs it with
// Debian's python3, as the FTP user so that uploads are owned like on the
// other servers. Its debug log, every command and reply, is its output.
func (s *Server) pyftpdlib(python string) (*exec.Cmd, error) {
	cfg := s.Config
	script := filepath.Join(s.dir, "pyftpd.py")
	if err := os.WriteFile(script, pyftpdScript, 0o644); err != nil {
		return nil, err
	}
	s.logFile = s.outFile
	args := []string{script,
		"--host", s.Host,
		"--port", fmt.Sprint(s.Port),
		"--pasv", fmt.Sprintf("%d-%d", s.PasvMin, s.PasvMax),
		"--root", s.Root,
		"--user", User,
		"--password", Password,
		"--tls", cfg.TLS.String(),
		"--cert", s.certFile(),
		"--key", s.keyFile(),
	}
	if cfg.Anonymous {
		args = append(args, "--anonymous")
	}
	if cfg.MaxSessionsPerIP > 0 {
		args = append(args, "--max-cons-per-ip", fmt.Sprint(cfg.MaxSessionsPerIP))
	}
	if cfg.IdleTimeout > 0 {
		args = append(args, "--idle-timeout", fmt.Sprint(int(cfg.IdleTimeout/time.Second)))
	}
	if cfg.AllowFXP {
		args = append(args, "--fxp")
	}
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential: &syscall.Credential{Uid: uint32(s.uid), Gid: uint32(s.gid)},
		}
	}
	return cmd, nil
}
