package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// op is one client operation of a scenario.
type op struct {
	// "get", "put", "many", "list" (LIST), "mlsd" (MLSD), "tcp"; for the
	// parallel groups "pool" (count files of a directory, as "many", over n
	// sessions), "seg" (one file in n segments), "mirror" (a tree into an
	// empty directory), "resync" (the same into an identical copy) and
	// "s2s" (a tree from one server into an empty directory on another).
	kind   string
	addr   string // server host:port
	tls    bool
	remote string // remote file or directory
	local  string // local file or directory
	count  int    // files for "many" and "pool"
	n      int    // sessions ("pool", "mirror", "resync") or segments ("seg")
	src    string // "seg": the served file, to compare the download with
	tree   *tree  // "mirror", "resync": what the copy must hold
	// fillAddr ("resync") is the address to make the client's first,
	// untimed copy from (the rerun then goes to addr).
	fillAddr string
	// "s2s": the target server and directory of a mirror from addr and
	// remote; local is the target directory on disk.
	dstAddr, dstRemote string
}

// client knows how to run an op as a separate process.
type client struct {
	name string
	// command returns the process for o, or nil if the client cannot do it.
	command func(o op) *exec.Cmd
	// rawList: for "list" and "mlsd" the client writes the listing itself
	// to its standard output, and ftpbench counts the entries
	// (countListing); otherwise the client prints the number of entries it
	// got, "." and ".." not counted.
	rawList bool
}

// env holds what the client commands need.
type env struct {
	work        string // scratch directory for scripts
	benchclient string // path of the benchclient binary
	ftpkitCLI   string // path of the ftpkit CLI, "" if it did not build
	caFile      string
	peers
}

func (e *env) clients() []client {
	cs := []client{
		{name: "ftpkit", command: e.lib("ftpkit")},
	}
	if e.ftpkitCLI != "" {
		cs = append(cs, client{name: "ftpkit-cli", command: e.cli})
	}
	return append(cs,
		client{name: "jlaffaye", command: e.lib("jlaffaye")},
		client{name: "curl", command: e.curl, rawList: true},
		client{name: "lftp", command: e.lftp, rawList: true},
		client{name: "python-ftplib", command: e.python},
	)
}

func (e *env) lib(name string) func(o op) *exec.Cmd {
	return func(o op) *exec.Cmd {
		args := []string{"-lib", name, "-addr", o.addr, "-user", ftpUser, "-pass", ftpPass}
		if o.tls {
			args = append(args, "-ca", e.caFile)
		}
		// "seg" and "pool" with one connection, one file after the
		// other: the baselines of the segmented and pool groups.
		switch o.kind {
		case "get", "seg":
			args = append(args, "get", o.remote, o.local)
		case "put":
			args = append(args, "put", o.local, o.remote)
		case "many", "pool":
			args = append(args, "many", o.remote, fmt.Sprint(o.count), o.local)
		case "list", "mlsd":
			args = append(args, o.kind, o.remote)
		default:
			return nil
		}
		return exec.Command(e.benchclient, args...)
	}
}

// cli runs the ftpkit command (cmd/ftpkit): one file per process, clear text.
func (e *env) cli(o op) *exec.Cmd {
	if o.tls {
		return nil
	}
	url := fmt.Sprintf("ftp://%s:%s@%s/%s", ftpUser, ftpPass, o.addr, o.remote)
	switch o.kind {
	case "get":
		return exec.Command(e.ftpkitCLI, "get", url, o.local)
	case "put":
		return exec.Command(e.ftpkitCLI, "put", o.local, url)
	}
	return nil
}

func (e *env) curl(o op) *exec.Cmd {
	args := []string{"-sS", "--fail", "-u", ftpUser + ":" + ftpPass}
	if o.tls {
		args = append(args, "--ssl-reqd", "--cacert", e.caFile)
	}
	base := "ftp://" + o.addr + "/"
	switch o.kind {
	case "get":
		args = append(args, "-o", o.local, base+o.remote)
	case "put":
		args = append(args, "-T", o.local, base+o.remote)
	case "many":
		// One curl process, all URLs: curl keeps the control connection.
		var b strings.Builder
		for i := range o.count {
			name := fmt.Sprintf("f%04d", i)
			fmt.Fprintf(&b, "url = \"%s%s/%s\"\noutput = \"%s\"\n", base, o.remote, name, filepath.Join(o.local, name))
		}
		cfg := filepath.Join(e.work, "curl-many.cfg")
		if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
			return nil
		}
		args = append(args, "-K", cfg)
	case "list":
		// The listing goes to standard output, where ftpbench counts it.
		args = append(args, base+o.remote+"/")
	case "mlsd":
		args = append(args, "-X", "MLSD", base+o.remote+"/")
	default:
		return nil
	}
	return exec.Command("curl", args...)
}

func (e *env) lftp(o op) *exec.Cmd {
	var b strings.Builder
	switch o.kind {
	case "get":
		fmt.Fprintf(&b, "get %s -o %s\n", o.remote, o.local)
	case "put":
		fmt.Fprintf(&b, "put %s -o %s\n", o.local, o.remote)
	case "many":
		for i := range o.count {
			name := fmt.Sprintf("f%04d", i)
			fmt.Fprintf(&b, "get %s/%s -o %s\n", o.remote, name, filepath.Join(o.local, name))
		}
	case "list":
		// LIST; the listing goes to standard output, where ftpbench counts it.
		fmt.Fprintf(&b, "ls %s\n", o.remote)
	default:
		return nil
	}
	return e.lftpScript(o, b.String())
}

// lftpScript runs lftp with a script that sets it up, logs in to o's
// server, runs body and quits.
func (e *env) lftpScript(o op, body string) *exec.Cmd {
	var b strings.Builder
	b.WriteString("set cmd:fail-exit yes\nset net:max-retries 1\nset net:timeout 60\n")
	b.WriteString("set xfer:clobber yes\nset ftp:ignore-pasv-address yes\n")
	if o.tls {
		fmt.Fprintf(&b, "set ftp:ssl-force yes\nset ftp:ssl-protect-data yes\nset ssl:ca-file %s\nset ssl:verify-certificate yes\n", e.caFile)
	} else {
		b.WriteString("set ftp:ssl-allow no\n")
	}
	fmt.Fprintf(&b, "open -u %s,%s ftp://%s\n", ftpUser, ftpPass, o.addr)
	b.WriteString(body)
	b.WriteString("quit\n")
	script := filepath.Join(e.work, "lftp-script")
	if err := os.WriteFile(script, []byte(b.String()), 0o644); err != nil {
		return nil
	}
	return exec.Command("lftp", "-f", script)
}

// pythonClient uses ftplib with its default block size (8192 bytes for
// retrbinary and storbinary). Its TLS data connections offer the control
// connection's session, which vsftpd's require_ssl_reuse needs and stock
// ftplib does not do.
const pythonClient = `import ftplib, ssl, sys

class ReuseTLS(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size

def main():
    addr, user, pw, ca, op = sys.argv[1:6]
    args = sys.argv[6:]
    host, port = addr.rsplit(":", 1)
    if ca:
        ftp = ReuseTLS(context=ssl.create_default_context(cafile=ca), timeout=60)
    else:
        ftp = ftplib.FTP(timeout=60)
    ftp.connect(host, int(port))
    ftp.login(user, pw)
    if ca:
        ftp.prot_p()
    if op == "get":
        with open(args[1], "wb") as f:
            ftp.retrbinary("RETR " + args[0], f.write)
    elif op == "put":
        with open(args[0], "rb") as f:
            ftp.storbinary("STOR " + args[1], f)
    elif op == "many":
        for i in range(int(args[1])):
            name = "f%04d" % i
            with open(args[2] + "/" + name, "wb") as f:
                ftp.retrbinary("RETR %s/%s" % (args[0], name), f.write)
    elif op == "list":
        lines = []
        ftp.retrlines("LIST " + args[0], lines.append)
        n = 0
        for line in lines:
            f = line.split()
            if not f or (len(f) == 2 and f[0] == "total") or f[-1] in (".", ".."):
                continue
            n += 1
        print(n)
    elif op == "mlsd":
        n = 0
        for name, facts in ftp.mlsd(args[0]):
            if facts.get("type", "").lower() not in ("cdir", "pdir"):
                n += 1
        print(n)
    ftp.quit()

main()
`

// writeScripts writes the Python client into the scratch directory,
// replacing that of an earlier run.
func (e *env) writeScripts() error {
	return os.WriteFile(e.pythonScript(), []byte(pythonClient), 0o644)
}

func (e *env) pythonScript() string { return filepath.Join(e.work, "ftplib_client.py") }

func (e *env) python(o op) *exec.Cmd {
	script := e.pythonScript()
	ca := ""
	if o.tls {
		ca = e.caFile
	}
	args := []string{script, o.addr, ftpUser, ftpPass, ca, o.kind}
	switch o.kind {
	case "get":
		args = append(args, o.remote, o.local)
	case "put":
		args = append(args, o.local, o.remote)
	case "many":
		args = append(args, o.remote, fmt.Sprint(o.count), o.local)
	case "list", "mlsd":
		args = append(args, o.remote)
	default:
		return nil
	}
	return exec.Command("/usr/bin/python3", args...)
}
