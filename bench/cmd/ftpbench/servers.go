package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The login that scripts/install-servers.sh creates.
const (
	ftpUser = "ftpkit"
	ftpPass = "ftpkit-secret"
	// ftpHash is the SHA-512 crypt of ftpPass used by install-servers.sh.
	ftpHash = "$6$ftpkitsalt$WCJn/NWT0bhfMJwLvFd1iQBLqc9e3yBW6yLU9cI7isdAmgCR4gaGRGkMoVxrjdWeGXAUZEfR.UKwq6fQ.JvbN0"
)

// server is a running FTP server.
type server struct {
	name    string
	addr    string // 127.0.0.1:port
	port    int
	pasvMin int
	pasvMax int
	tls     bool
	logPath string // protocol log, "" if the server writes none
	cmd     *exec.Cmd
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// logSize returns the current size of the protocol log.
func (s *server) logSize() int64 {
	fi, err := os.Stat(s.logPath)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logStats is what vsftpd's protocol log shows of a run.
type logStats struct {
	commands int // commands
	logins   int // sessions logged in ("OK LOGIN")
	retrs    int // RETR commands
}

// readLog reads the protocol log from offset on.
func (s *server) readLog(offset int64) (logStats, error) {
	var st logStats
	f, err := os.Open(s.logPath)
	if err != nil {
		return st, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		return st, err
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, "FTP command:"):
			st.commands++
			if strings.Contains(line, `", "RETR `) {
				st.retrs++
			}
		case strings.Contains(line, "OK LOGIN:"):
			st.logins++
		}
	}
	return st, sc.Err()
}

// startVsftpd runs vsftpd in the foreground serving root; with useTLS it
// requires TLS with the certificate and key files of tc.
func startVsftpd(work, root string, tc certs, port, pasvMin int, useTLS bool) (*server, error) {
	name := "vsftpd"
	if useTLS {
		name = "vsftpd-tls"
	}
	dir := filepath.Join(work, name)
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, err
	}
	s := &server{name: name, port: port, addr: fmt.Sprintf("127.0.0.1:%d", port),
		pasvMin: pasvMin, pasvMax: pasvMin + pasvPorts - 1, tls: useTLS,
		logPath: filepath.Join(dir, "vsftpd.log")}
	os.Remove(s.logPath)
	conf := []string{
		"listen=YES", "listen_ipv6=NO", "background=NO",
		"listen_address=127.0.0.1", fmt.Sprintf("listen_port=%d", port),
		"seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
		"anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022",
		"chroot_local_user=YES", "allow_writeable_chroot=YES", "local_root=" + root,
		"secure_chroot_dir=" + empty, "pam_service_name=ftpkit-bench",
		"pasv_enable=YES", "pasv_address=127.0.0.1",
		fmt.Sprintf("pasv_min_port=%d", s.pasvMin), fmt.Sprintf("pasv_max_port=%d", s.pasvMax),
		"connect_from_port_20=NO", "use_localtime=NO", "dirmessage_enable=NO",
		// Server-to-server copies (group 9): through the proxies, the
		// other server's address is not the client's.
		"port_promiscuous=YES", "pasv_promiscuous=YES",
		"max_clients=0", "max_per_ip=0", "idle_session_timeout=600", "data_connection_timeout=600",
		"xferlog_enable=YES", "xferlog_std_format=NO", "log_ftp_protocol=YES",
		"vsftpd_log_file=" + s.logPath, "syslog_enable=NO",
	}
	if useTLS {
		conf = append(conf, "ssl_enable=YES",
			"rsa_cert_file="+tc.cert, "rsa_private_key_file="+tc.key,
			"force_local_logins_ssl=YES", "force_local_data_ssl=YES",
			"require_ssl_reuse=YES", "ssl_ciphers=HIGH")
	}
	confPath := filepath.Join(dir, "vsftpd.conf")
	if err := os.WriteFile(confPath, []byte(strings.Join(conf, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	s.cmd = exec.Command("/usr/sbin/vsftpd", confPath)
	return s, s.start(filepath.Join(dir, "output.txt"))
}

// listMax is the most entries pure-ftpd sends for one LIST, NLST or MLSD
// (its -L option; the default, 10000 in pure-ftpd 1.0.50, would cut the
// listing scenario short).
const listMax = 200000

// startPureFTPd runs pure-ftpd (unpacked by install-servers.sh) serving root.
func startPureFTPd(work, repo, root string, port, pasvMin int) (*server, error) {
	dir := filepath.Join(work, "pure-ftpd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	u, err := user.Lookup(ftpUser)
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(repo, ".cache/servers/usr")
	passwd := filepath.Join(dir, "pureftpd.passwd")
	pdb := filepath.Join(dir, "pureftpd.pdb")
	line := fmt.Sprintf("%s:%s:%s:%s::%s/./::::::::::::\n", ftpUser, ftpHash, u.Uid, u.Gid, root)
	if err := os.WriteFile(passwd, []byte(line), 0o600); err != nil {
		return nil, err
	}
	mk := exec.Command(filepath.Join(bin, "bin/pure-pw"), "mkdb", pdb, "-f", passwd)
	if out, err := mk.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pure-pw mkdb: %v: %s", err, out)
	}
	s := &server{name: "pure-ftpd", port: port, addr: fmt.Sprintf("127.0.0.1:%d", port),
		pasvMin: pasvMin, pasvMax: pasvMin + purePasvPorts - 1}
	s.cmd = exec.Command(filepath.Join(bin, "sbin/pure-ftpd"),
		"-S", fmt.Sprintf("127.0.0.1,%d", port), "-l", "puredb:"+pdb,
		"-p", fmt.Sprintf("%d:%d", s.pasvMin, s.pasvMax), "-L", fmt.Sprintf("%d:5", listMax),
		"-A", "-H", "-f", "none", "-E", "-w") // -w: FXP (group 9)
	return s, s.start(filepath.Join(dir, "output.txt"))
}

// start starts the server process and waits for its greeting. The port
// must be free first: another server already listening there would answer
// the greeting check and be measured in this one's place.
func (s *server) start(output string) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("%s: %s is taken (is an earlier server still running?): %v", s.name, s.addr, err)
	}
	ln.Close()
	out, err := os.Create(output)
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && strings.HasPrefix(line, "220") {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	b, _ := os.ReadFile(output)
	return fmt.Errorf("%s did not greet on %s: %s", s.name, s.addr, b)
}

// chownTree gives path and everything below it to the FTP user.
func chownTree(path string) error {
	u, err := user.Lookup(ftpUser)
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}
