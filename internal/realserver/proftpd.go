package realserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// proFTPD writes proftpd.conf with virtual users and returns the command
// that runs proftpd in the foreground. Its protocol log is an ExtendedLog
// of every command with the reply code and text.
func (s *Server) proFTPD(bin string) (*exec.Cmd, error) {
	cfg := s.Config
	modules := filepath.Join(filepath.Dir(filepath.Dir(bin)), "lib", "proftpd")
	s.logFile = filepath.Join(s.dir, "proftpd-commands.log")
	passwd := filepath.Join(s.dir, "proftpd.passwd")
	group := filepath.Join(s.dir, "proftpd.group")
	// proftpd refuses world-readable user files. "ftpanon" carries the
	// anonymous login (UserAlias) so that User itself stays a normal login.
	users := fmt.Sprintf("%[1]s:%[2]s:%[3]d:%[4]d::%[5]s:/bin/sh\nftpanon:*:%[3]d:%[4]d::%[5]s:/bin/sh\n",
		User, passwordHash, s.uid, s.gid, s.Root)
	if err := os.WriteFile(passwd, []byte(users), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(group, []byte(fmt.Sprintf("%s:x:%d:\n", User, s.gid)), 0o600); err != nil {
		return nil, err
	}
	on := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	conf := []string{
		"ServerType standalone",
		`ServerName "ftpkit proftpd"`,
		"DefaultAddress " + s.Host,
		"UseIPv6 " + on(cfg.IPv6),
		"SocketBindTight on",
		fmt.Sprintf("Port %d", s.Port),
		fmt.Sprintf("PassivePorts %d %d", s.PasvMin, s.PasvMax),
		"User nobody",
		"Group nogroup",
		"PidFile " + filepath.Join(s.dir, "proftpd.pid"),
		"ScoreboardFile " + filepath.Join(s.dir, "proftpd.scoreboard"),
		"WtmpLog off",
		"DelayEngine off",
		"UseReverseDNS off",
		"AuthOrder mod_auth_file.c",
		"AuthUserFile " + passwd,
		"AuthGroupFile " + group,
		"RequireValidShell off",
		"DefaultRoot ~",
		"AllowOverwrite on",
		"Umask 022",
		"MaxInstances 200",
		"AllowForeignAddress " + on(cfg.AllowFXP),
		"SystemLog " + filepath.Join(s.dir, "proftpd-system.log"),
		"TransferLog none",
		`LogFormat proto "%{iso8601} %a %r -> %s %S"`,
		"ExtendedLog " + s.logFile + " ALL proto",
		"ModulePath " + modules,
		// mod_ctrls would otherwise take /run/proftpd.sock from every other
		// instance.
		"ControlsEngine off",
		"ControlsSocket " + filepath.Join(s.dir, "proftpd.sock"),
	}
	if cfg.MaxSessionsPerIP > 0 {
		conf = append(conf, fmt.Sprintf("MaxClientsPerHost %d", cfg.MaxSessionsPerIP))
	}
	if cfg.IdleTimeout > 0 {
		conf = append(conf, fmt.Sprintf("TimeoutIdle %d", cfg.IdleTimeout/time.Second))
	}
	if cfg.TLS != None {
		var opts []string
		if cfg.NoReuseRequired {
			opts = append(opts, "NoSessionReuseRequired")
		}
		if cfg.TLS == Implicit {
			opts = append(opts, "UseImplicitSSL")
		}
		conf = append(conf,
			"LoadModule mod_tls.c",
			"TLSEngine on",
			"TLSRequired on",
			"TLSECCertificateFile "+s.certFile(),
			"TLSECCertificateKeyFile "+s.keyFile(),
			// The test CA, for verifying the other server when SSCN
			// makes this one the TLS client of a server-to-server
			// data connection (TLSVerifyServer is on by default).
			"TLSCACertificateFile "+s.CAFile,
			"TLSProtocol TLSv1.2 TLSv1.3",
			"TLSVerifyClient off",
			"TLSLog "+filepath.Join(s.dir, "proftpd-tls.log"),
		)
		if len(opts) > 0 {
			conf = append(conf, "TLSOptions "+strings.Join(opts, " "))
		}
	}
	if cfg.Anonymous {
		conf = append(conf,
			"<Anonymous "+s.Root+">",
			"  User ftpanon",
			"  Group "+User,
			"  UserAlias anonymous ftpanon",
			"  RequireValidShell off",
			"  <Limit WRITE>",
			"    DenyAll",
			"  </Limit>",
			"</Anonymous>",
		)
	}
	path := filepath.Join(s.dir, "proftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	return exec.Command(bin, "--nodaemon", "-c", path), nil
}
