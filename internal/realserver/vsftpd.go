package realserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// vsftpd writes vsftpd.conf and returns the command that runs it in the
// foreground. vsftpd authenticates User through PAM; naming a PAM service
// that does not exist makes PAM fall back to /etc/pam.d/other, which does
// not insist on a login shell.
func (s *Server) vsftpd(bin string) (*exec.Cmd, error) {
	cfg := s.Config
	empty := filepath.Join(s.dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		return nil, err
	}
	s.logFile = filepath.Join(s.dir, "vsftpd.log")
	yes := func(b bool) string {
		if b {
			return "YES"
		}
		return "NO"
	}
	conf := []string{
		"listen=" + yes(!cfg.IPv6),
		"listen_ipv6=" + yes(cfg.IPv6),
		"background=NO",
		fmt.Sprintf("listen_port=%d", s.Port),
		"seccomp_sandbox=NO",
		"isolate=NO",
		"isolate_network=NO",
		"pam_service_name=ftpkit-realserver",
		"local_enable=YES",
		"write_enable=YES",
		"local_umask=022",
		"chroot_local_user=YES",
		"allow_writeable_chroot=YES",
		"local_root=" + s.Root,
		"secure_chroot_dir=" + empty,
		"anonymous_enable=" + yes(cfg.Anonymous),
		"anon_root=" + s.Root,
		"no_anon_password=YES",
		"anon_upload_enable=NO",
		"anon_mkdir_write_enable=NO",
		"anon_other_write_enable=NO",
		"pasv_enable=YES",
		"port_enable=YES",
		"pasv_promiscuous=" + yes(cfg.AllowFXP),
		"port_promiscuous=" + yes(cfg.AllowFXP),
		"connect_from_port_20=NO",
		fmt.Sprintf("pasv_min_port=%d", s.PasvMin),
		fmt.Sprintf("pasv_max_port=%d", s.PasvMax),
		"ls_recurse_enable=YES",
		"use_localtime=NO",
		"max_clients=0",
		fmt.Sprintf("max_per_ip=%d", cfg.MaxSessionsPerIP),
		"delay_failed_login=0",
		"delay_successful_login=0",
		"userlist_enable=NO",
		"tcp_wrappers=NO",
		"dirmessage_enable=NO",
		"syslog_enable=NO",
		"xferlog_enable=YES",
		"xferlog_std_format=NO",
		"log_ftp_protocol=YES",
		"vsftpd_log_file=" + s.logFile,
	}
	if cfg.IdleTimeout > 0 {
		conf = append(conf, fmt.Sprintf("idle_session_timeout=%d", cfg.IdleTimeout/time.Second))
	}
	if cfg.IPv6 {
		conf = append(conf, "listen_address6="+s.Host)
	} else {
		conf = append(conf, "listen_address="+s.Host, "pasv_address="+s.Host)
	}
	if cfg.TLS != None {
		conf = append(conf,
			"ssl_enable=YES",
			"rsa_cert_file="+s.certFile(),
			"rsa_private_key_file="+s.keyFile(),
			// The default allows only an RSA TLS 1.2 suite.
			"ssl_ciphers=HIGH:!aNULL:!MD5",
			"ssl_sslv2=NO",
			"ssl_sslv3=NO",
			"ssl_tlsv1=NO",
			"ssl_request_cert=NO",
			"allow_anon_ssl=YES",
			"force_local_logins_ssl=YES",
			"force_local_data_ssl=YES",
			"force_anon_logins_ssl=YES",
			"force_anon_data_ssl=YES",
			"require_ssl_reuse="+yes(!cfg.NoReuseRequired),
			"implicit_ssl="+yes(cfg.TLS == Implicit),
			"debug_ssl=YES",
		)
	}
	path := filepath.Join(s.dir, "vsftpd.conf")
	if err := os.WriteFile(path, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	return exec.Command(bin, path), nil
}
