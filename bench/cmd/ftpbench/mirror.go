package main

import (
	"fmt"
	"path/filepath"
)

// runMirror times making a local copy of a served tree (many small files
// in a few hundred directories, and a few big ones) into an empty
// directory, and a no-op rerun over a bigger tree of small files (the
// target already a copy: only the rerun is timed), directly and through
// proxies adding latencyMs each way. It runs on pure-ftpd, whose MLSD
// gives exact sizes and times, unless -server vsftpd or pure-ftpd did not
// start. The mirror clients have no ftpkit row to compare with until the
// ftpkit CLI has a mirror command: the ratio is to ftpkit-mirror's time.
func (b *bench) runMirror() error {
	srv := b.pure
	if srv == nil || *serverFl == "vsftpd" {
		srv = b.vsftpd
	}
	clients := b.env.mirrorClients()
	t, rt := b.tree, b.resyncTree
	name := fmt.Sprintf("%d x %s + %d x %s files, %d dirs", b.sz.tree.fileCount()-b.sz.tree.bigN, human(int64(b.sz.tree.fileSize)),
		b.sz.tree.bigN, human(b.sz.tree.bigSize), b.sz.tree.dirCount())
	rname := fmt.Sprintf("%d files, %d dirs", b.sz.resyncTree.fileCount(), b.sz.resyncTree.dirCount())
	copyOp := op{kind: "mirror", addr: srv.addr, remote: t.dir, local: filepath.Join(b.out, "mirror"), tree: t, n: poolSessions}
	rerunOp := op{kind: "resync", addr: srv.addr, fillAddr: srv.addr, remote: rt.dir, local: filepath.Join(b.out, "resync"), tree: rt, n: poolSessions}
	count := srv == b.vsftpd
	tag := " (" + srv.name + ")"
	b.run(scenario{name: "8. mirror: " + name + tag, op: copyOp, bytes: t.bytes, files: len(t.files),
		count: count, clients: clients, base: "ftpkit-mirror"})
	b.run(scenario{name: "8. mirror, no-op rerun: " + rname + tag, op: rerunOp, files: len(rt.files),
		count: count, clients: clients, base: "ftpkit-mirror"})
	ps, err := startProxies(mirrorProxyHost, []*server{srv}, latencyToxics(latencyMs)...)
	if err != nil {
		return err
	}
	defer ps.stop()
	lat := fmt.Sprintf(", +%dms each way", latencyMs)
	copyOp.addr, rerunOp.addr = ps.addr(srv), ps.addr(srv)
	b.run(scenario{name: "8. mirror" + lat + ": " + name + tag, op: copyOp, bytes: t.bytes, files: len(t.files),
		count: count, clients: clients, base: "ftpkit-mirror", rounds: slowRounds, proxies: ps})
	b.run(scenario{name: "8. mirror, no-op rerun" + lat + ": " + rname + tag, op: rerunOp, files: len(rt.files),
		count: count, clients: clients, base: "ftpkit-mirror", rounds: slowRounds, proxies: ps})
	return nil
}
