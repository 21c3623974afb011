package main

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
)

// s2sProxyHost is the loopback address of the server-to-server group's
// proxies.
const s2sProxyHost = "127.0.0.7"

// s2sCopy is the directory, under the served root, that the
// server-to-server group's mirrors make.
const s2sCopy = "s2s-copy"

// runServerToServer times mirrors of a tree from vsftpd to pure-ftpd
// (both serving the same root, so the copy is checked on disk): from
// server to server (FXP: the data goes from one server to the other and
// never through the client) and through the client, with ftpkit mirror
// (--fxp always, --fxp never) and lftp mirror (ftp:use-fxp yes, no), and
// rclone sync (through the client only). Then again through proxies on
// s2sProxyHost adding latencyMs each way in front of both servers: the
// clients' control connections go through them, and so do data
// connections to a passive port at the proxies' address (ftpkit's PORT
// names the passive server's port at the address the client reaches it
// by: with the proxies, one proxy between the servers and none through
// the client; a relay crosses two, to the client and from it).
func (b *bench) runServerToServer() error {
	if b.pure == nil {
		return errors.New("pure-ftpd did not start: the group needs two servers")
	}
	src, dst := b.vsftpd, b.pure
	t := b.s2sTree
	o := op{kind: "s2s", addr: src.addr, dstAddr: dst.addr, remote: t.dir, dstRemote: s2sCopy,
		local: filepath.Join(b.root, s2sCopy), tree: t, n: poolSessions}
	name := fmt.Sprintf("%d x %s + %d x %s files, %d dirs (%s to %s)", b.sz.s2sTree.fileCount()-b.sz.s2sTree.bigN,
		human(int64(b.sz.s2sTree.fileSize)), b.sz.s2sTree.bigN, human(b.sz.s2sTree.bigSize), b.sz.s2sTree.dirCount(), src.name, dst.name)
	clients := b.env.s2sClients()
	b.run(scenario{name: "9. mirror server to server: " + name, op: o, bytes: t.bytes, files: len(t.files),
		count: true, clients: clients, base: s2sBase})
	ps, err := startProxies(s2sProxyHost, []*server{src, dst}, latencyToxics(latencyMs)...)
	if err != nil {
		return err
	}
	defer ps.stop()
	o.addr, o.dstAddr = ps.addr(src), ps.addr(dst)
	b.run(scenario{name: fmt.Sprintf("9. mirror server to server, +%dms each way: %s", latencyMs, name), op: o, bytes: t.bytes, files: len(t.files),
		count: true, clients: clients, base: s2sBase, rounds: slowRounds, proxies: ps})
	return nil
}

// s2sBase is the client whose time is ratio 1 in the server-to-server
// group.
const s2sBase = "ftpkit-mirror, FXP"

// s2sClients are the clients of the server-to-server group.
func (e *env) s2sClients() []client {
	var cs []client
	if e.ftpkitMirror {
		cs = append(cs,
			client{name: s2sBase, command: e.mirrorS2S("always")},
			client{name: "ftpkit-mirror, through client", command: e.mirrorS2S("never")})
	}
	cs = append(cs,
		client{name: fmt.Sprintf("lftp mirror -P %d, FXP", poolSessions), command: e.lftpS2S(true)},
		client{name: fmt.Sprintf("lftp mirror -P %d, through client", poolSessions), command: e.lftpS2S(false)})
	if e.rclone != "" {
		cs = append(cs, client{name: fmt.Sprintf("rclone sync, %d transfers", poolSessions), command: e.rcloneS2S})
	}
	return cs
}

// mirrorS2S runs the ftpkit CLI's mirror between o's two servers:
//
//	ftpkit mirror -q -P N --fxp MODE ftp://USER:PASS@SRC/DIR ftp://USER:PASS@DST/COPY
//
// --fxp always fails a file rather than copy it through the client, so
// that the FXP row cannot quietly become a relay.
func (e *env) mirrorS2S(fxp string) func(o op) *exec.Cmd {
	return func(o op) *exec.Cmd {
		if o.kind != "s2s" {
			return nil
		}
		return exec.Command(e.ftpkitCLI, "mirror", "-q", "-P", fmt.Sprint(o.n), "--fxp", fxp,
			ftpURL(o.addr, o.remote), ftpURL(o.dstAddr, o.dstRemote))
	}
}

// lftpS2S runs lftp's mirror --parallel from o's source server to a URL
// of its target, with FXP (lftp's default, ftp:use-fxp yes) or without.
func (e *env) lftpS2S(fxp bool) func(o op) *exec.Cmd {
	return func(o op) *exec.Cmd {
		if o.kind != "s2s" {
			return nil
		}
		body := fmt.Sprintf("set ftp:use-fxp %s\nmirror --parallel=%d %s %s\n", yesNo(fxp), o.n, o.remote, ftpURL(o.dstAddr, o.dstRemote))
		return e.lftpScript(o, body)
	}
}

// rcloneS2S runs rclone sync between two FTP remotes given as
// connection strings (":ftp,host=...,port=...:DIR"), each with
// rcloneConcurrency connections at most; rclone copies through the
// client.
func (e *env) rcloneS2S(o op) *exec.Cmd {
	if o.kind != "s2s" {
		return nil
	}
	remote := func(addr, dir string) string {
		host, port, _ := net.SplitHostPort(addr)
		return fmt.Sprintf(":ftp,host=%s,port=%s,user=%s,pass=%s,concurrency=%d:%s", host, port, ftpUser, e.rclonePass, rcloneConcurrency, dir)
	}
	return exec.Command(e.rclone, "--config", "/dev/null", "-q", "--retries", "1", "--low-level-retries", "1",
		"sync", remote(o.addr, o.remote), remote(o.dstAddr, o.dstRemote),
		"--transfers", fmt.Sprint(o.n), "--checkers", fmt.Sprint(o.n))
}

// ftpURL is the URL of dir on the server at addr, with the login.
func ftpURL(addr, dir string) string {
	return fmt.Sprintf("ftp://%s:%s@%s/%s", ftpUser, ftpPass, addr, dir)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
