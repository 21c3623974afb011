package main

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
)

// Sessions of the pool and mirror groups and segments of the segmented
// group, for every client that takes a number.
const (
	poolSessions = 8
	segments     = 4
)

// rcloneConcurrency is rclone's --ftp-concurrency: the most FTP
// connections it opens. Its documentation asks for --transfers plus
// --checkers plus one, warning that fewer can deadlock: with 8 transfers
// and 8 checkers, rclone 1.60.1 copying 100 files from vsftpd hung after 8
// files with a concurrency of 8 (three tries out of three) and finished
// with 9. On vsftpd (no MLSD) the checkers take connections too, for an
// MDTM per file, so a copy uses up to 16 sessions.
const rcloneConcurrency = 2*poolSessions + 1

// peers are the optional programs of the parallel groups: "" if missing.
type peers struct {
	rclone     string // rclone binary
	rclonePass string // the password, obscured as rclone's --ftp-pass wants it
	aria2c     string
	// ftpkitClient: benchclient implements pool-get and seg-get with the
	// pooled ftp.Client (cmd/benchclient/kitclient.go).
	ftpkitPool, ftpkitSeg bool
	// ftpkitMirror: the ftpkit CLI has a mirror command.
	ftpkitMirror bool
}

// findPeers looks for rclone, aria2c, the ftpkit-client operations of
// benchclient and the mirror command of the ftpkit CLI, and says in a
// note what is missing.
func (b *bench) findPeers() {
	e := b.env
	if p, err := exec.LookPath("rclone"); err == nil {
		if out, err := exec.Command(p, "obscure", ftpPass).Output(); err == nil {
			e.rclone, e.rclonePass = p, strings.TrimSpace(string(out))
		}
	}
	if e.rclone == "" {
		b.note("rclone is not installed (apt-get install rclone): its rows are left out")
	}
	if p, err := exec.LookPath("aria2c"); err == nil {
		e.aria2c = p
	} else {
		b.note("aria2c is not installed (apt-get install aria2): its row is left out")
	}
	check := func(op string) bool {
		return exec.Command(e.benchclient, "-check", "-lib", "ftpkit-client", op).Run() == nil
	}
	e.ftpkitPool, e.ftpkitSeg = check("pool-get"), check("seg-get")
	if !e.ftpkitPool || !e.ftpkitSeg {
		b.note("ftpkit-client rows left out: benchclient does not implement pool-get and seg-get with ftp.Client yet (bench/cmd/benchclient/kitclient.go)")
	}
	if e.ftpkitCLI != "" {
		out, err := exec.Command(e.ftpkitCLI, "mirror", "-h").CombinedOutput()
		e.ftpkitMirror = err == nil && strings.Contains(string(out), "mirror")
	}
	if !e.ftpkitMirror {
		b.note("ftpkit-mirror rows left out: the ftpkit CLI has no mirror command yet")
	}
}

// poolClients are the clients of the pool group: ftpkit's Conn one file
// after the other (the baseline), the pooled ftp.Client, a hand-written
// pool of Conns and of jlaffaye ServerConns, lftp and rclone.
func (e *env) poolClients() []client {
	cs := []client{{name: "ftpkit", command: e.lib("ftpkit")}}
	if e.ftpkitPool {
		cs = append(cs, client{name: "ftpkit-client", command: e.pool("ftpkit-client")})
	}
	cs = append(cs,
		client{name: fmt.Sprintf("ftpkit, %d Conns", poolSessions), command: e.pool("ftpkit")},
		client{name: fmt.Sprintf("jlaffaye, %d conns", poolSessions), command: e.pool("jlaffaye")},
		client{name: fmt.Sprintf("lftp get -P %d", poolSessions), command: e.lftpGetP},
		client{name: fmt.Sprintf("lftp mirror -P %d", poolSessions), command: e.lftpParallel},
	)
	if e.rclone != "" {
		cs = append(cs, client{name: fmt.Sprintf("rclone copy, %d transfers", poolSessions), command: e.rcloneCmd})
	}
	return cs
}

// segClients are the clients of the segmented group: ftpkit's Conn (one
// stream, the baseline), the pooled ftp.Client, lftp's pget and aria2c.
func (e *env) segClients() []client {
	cs := []client{{name: "ftpkit", command: e.lib("ftpkit")}}
	if e.ftpkitSeg {
		cs = append(cs, client{name: "ftpkit-client", command: e.seg})
	}
	cs = append(cs, client{name: fmt.Sprintf("lftp pget -n %d", segments), command: e.lftpParallel})
	if e.aria2c != "" {
		cs = append(cs, client{name: fmt.Sprintf("aria2c -x%d -s%d", segments, segments), command: e.aria2})
	}
	// Not rclone: its multi-thread download (copyto --multi-thread-streams
	// 4) fails on vsftpd in Debian's 1.60.1, which takes the 426 vsftpd
	// answers to a range read closed early for an error.
	return cs
}

// mirrorClients are the clients of the mirror group.
func (e *env) mirrorClients() []client {
	var cs []client
	if e.ftpkitMirror {
		cs = append(cs, client{name: "ftpkit-mirror", command: e.mirrorCLI})
	}
	cs = append(cs, client{name: fmt.Sprintf("lftp mirror -P %d", poolSessions), command: e.lftpParallel})
	if e.rclone != "" {
		cs = append(cs, client{name: fmt.Sprintf("rclone sync, %d transfers", poolSessions), command: e.rcloneCmd})
	}
	return cs
}

// login returns benchclient's arguments for o's server and login.
func (e *env) login(lib string, o op) []string {
	return []string{"-lib", lib, "-addr", o.addr, "-user", ftpUser, "-pass", ftpPass}
}

// pool runs pool-get with lib: ftpkit or jlaffaye (a goroutine with a
// connection of its own for each session), or ftpkit-client.
func (e *env) pool(lib string) func(o op) *exec.Cmd {
	return func(o op) *exec.Cmd {
		if o.kind != "pool" {
			return nil
		}
		args := append(e.login(lib, o), "pool-get", "-n", fmt.Sprint(o.n), o.remote, fmt.Sprint(o.count), o.local)
		return exec.Command(e.benchclient, args...)
	}
}

// seg runs seg-get with the pooled ftp.Client.
func (e *env) seg(o op) *exec.Cmd {
	if o.kind != "seg" {
		return nil
	}
	args := append(e.login("ftpkit-client", o), "seg-get", "-n", fmt.Sprint(o.n), o.remote, o.local)
	return exec.Command(e.benchclient, args...)
}

// mirrorCLI runs the mirror command of the ftpkit CLI:
//
//	ftpkit mirror -q -P N ftp://USER:PASS@HOST:PORT/DIR LOCALDIR
//
// which makes LOCALDIR (made if missing) a copy of DIR with N transfers
// (and directory listings) at once over at most N sessions, and copies
// nothing when they are already equal. -q leaves out the line per file
// it prints when stderr is not a terminal, as -q does for rclone.
func (e *env) mirrorCLI(o op) *exec.Cmd {
	if o.kind != "mirror" && o.kind != "resync" {
		return nil
	}
	url := fmt.Sprintf("ftp://%s:%s@%s/%s", ftpUser, ftpPass, o.addr, o.remote)
	return exec.Command(e.ftpkitCLI, "mirror", "-q", "-P", fmt.Sprint(o.n), url, o.local)
}

// lftpGetP runs lftp for "pool" as one get command naming every file, with
// -P: that many transfers at once, each on a session of its own. Like the
// other clients of the group but lftp mirror and rclone, it lists nothing.
func (e *env) lftpGetP(o op) *exec.Cmd {
	if o.kind != "pool" {
		return nil
	}
	var body strings.Builder
	// --parallel=N, not -P N: get's -P takes its number only when
	// attached, and "-P 8" reads the 8 as a file name.
	fmt.Fprintf(&body, "get --parallel=%d -O %s", o.n, o.local)
	for i := range o.count {
		fmt.Fprintf(&body, " %s/f%04d", o.remote, i)
	}
	body.WriteString("\n")
	return e.lftpScript(o, body.String())
}

// lftpParallel runs lftp's mirror --parallel for "pool", "mirror" and
// "resync", and pget -n for "seg", through the same script preamble as the
// other lftp rows.
func (e *env) lftpParallel(o op) *exec.Cmd {
	var body string
	switch o.kind {
	case "pool", "mirror", "resync":
		body = fmt.Sprintf("mirror --parallel=%d %s %s\n", o.n, o.remote, o.local)
	case "seg":
		body = fmt.Sprintf("pget -n %d %s -o %s\n", o.n, o.remote, o.local)
	default:
		return nil
	}
	return e.lftpScript(o, body)
}

// rcloneCmd runs rclone with an on-the-fly FTP remote (":ftp:" and
// --ftp-* flags, no configuration file): copy for "pool", sync for
// "mirror" and "resync". --transfers and --checkers are o.n;
// --ftp-concurrency is rcloneConcurrency. A whole sync is not retried
// (--retries 1), but rclone keeps its low-level retries of a single
// operation (10 by default), as ftpkit's Client keeps its 3: pure-ftpd
// gives two sessions the same passive port now and then ("425 ... Address
// already in use"), which every client must retry to finish the tree.
func (e *env) rcloneCmd(o op) *exec.Cmd {
	host, port, err := net.SplitHostPort(o.addr)
	if err != nil {
		return nil
	}
	args := []string{"--config", "/dev/null", "-q", "--retries", "1",
		"--ftp-host", host, "--ftp-port", port, "--ftp-user", ftpUser, "--ftp-pass", e.rclonePass,
		"--ftp-concurrency", fmt.Sprint(rcloneConcurrency)}
	src := ":ftp:" + o.remote
	switch o.kind {
	case "pool":
		args = append(args, "copy", src, o.local, "--transfers", fmt.Sprint(o.n), "--checkers", fmt.Sprint(o.n))
	case "mirror", "resync":
		args = append(args, "sync", src, o.local, "--transfers", fmt.Sprint(o.n), "--checkers", fmt.Sprint(o.n))
	default:
		return nil
	}
	return exec.Command(e.rclone, args...)
}

// aria2 runs aria2c on an ftp:// URL with o.n connections to the server
// (-x, whose default of 1 would not split at all) and o.n segments (-s),
// split down to 1 MiB (-k; the default of 20 MiB would split a small file
// of -quick fewer times). No preallocation (--file-allocation=none: lftp
// and rclone write the file as it comes too), no retry (--max-tries=1),
// no configuration file, and the login through --ftp-user and
// --ftp-passwd.
func (e *env) aria2(o op) *exec.Cmd {
	if o.kind != "seg" {
		return nil
	}
	return exec.Command(e.aria2c, "--no-conf", "--console-log-level=error", "--summary-interval=0", "--download-result=hide",
		"-x", fmt.Sprint(o.n), "-s", fmt.Sprint(o.n), "-k", "1M", "--file-allocation=none",
		"--max-tries=1", "--allow-overwrite=true", "--auto-file-renaming=false",
		"--ftp-user="+ftpUser, "--ftp-passwd="+ftpPass, "--ftp-pasv=true",
		"-d", filepath.Dir(o.local), "-o", filepath.Base(o.local),
		"ftp://"+o.addr+"/"+o.remote)
}
