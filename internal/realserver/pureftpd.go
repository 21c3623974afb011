package realserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// pureFTPd writes a puredb virtual user file and returns the command that
// runs pure-ftpd in the foreground. pure-ftpd logs only to syslog, which is
// turned off, so the server has no protocol log.
func (s *Server) pureFTPd(bin string) (*exec.Cmd, error) {
	cfg := s.Config
	dir := filepath.Dir(filepath.Dir(bin)) // .../usr
	passwd := filepath.Join(s.dir, "pureftpd.passwd")
	pdb := filepath.Join(s.dir, "pureftpd.pdb")
	// account:hash:uid:gid:gecos:home/./:14 more fields; "/./" chroots.
	line := fmt.Sprintf("%s:%s:%d:%d::%s/./::::::::::::\n", User, passwordHash, s.uid, s.gid, s.Root)
	if err := os.WriteFile(passwd, []byte(line), 0o600); err != nil {
		return nil, err
	}
	pw := exec.Command(filepath.Join(dir, "bin", "pure-pw"), "mkdb", pdb, "-f", passwd)
	if out, err := pw.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pure-pw mkdb: %v: %s", err, out)
	}
	args := []string{
		"-S", fmt.Sprintf("%s,%d", s.Host, s.Port),
		"-l", "puredb:" + pdb,
		"-p", fmt.Sprintf("%d:%d", s.PasvMin, s.PasvMax),
		"-g", filepath.Join(s.dir, "pure-ftpd.pid"),
		"-A",         // chroot everyone
		"-E",         // no anonymous logins
		"-H",         // no reverse DNS
		"-f", "none", // no syslog
		"-c", "100", // clients
	}
	perIP := 100
	if cfg.MaxSessionsPerIP > 0 {
		perIP = cfg.MaxSessionsPerIP
	}
	args = append(args, "-C", fmt.Sprint(perIP))
	if cfg.IdleTimeout > 0 {
		args = append(args, "-I", fmt.Sprint(int(cfg.IdleTimeout/time.Minute)))
	}
	if cfg.AllowFXP {
		args = append(args, "-w") // FXP for non-anonymous users
	}
	if cfg.TLS == Explicit {
		// 3: TLS required on control and data connections.
		args = append(args, "-Y", "3", "-2", s.certFile()+","+s.keyFile())
	}
	return exec.Command(bin, args...), nil
}
