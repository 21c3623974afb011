package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// The loopback addresses of the parallel groups' proxies (the latency
// group's are on 127.0.0.2).
const (
	poolProxyHost   = "127.0.0.3"
	segProxyHost    = "127.0.0.4"
	mirrorProxyHost = "127.0.0.5"
)

// segRateKB is the segmented group's bandwidth limit of each connection,
// in toxiproxy's unit of 1000 bytes per second: 20 MB/s.
const segRateKB = 20000

// slowRounds caps the rounds of the parallel groups' slow rows (those
// through latency or a bandwidth limit): their times vary little, and a
// round of them takes minutes.
const slowRounds = 3

// poolDir is the served directory of the pool group.
func poolDir(n int) string { return fmt.Sprintf("pool%d", n) }

// makePoolDir makes the pool group's directory: exactly poolN files f0000
// ... of small bytes each, numbered like makeTree's.
func (b *bench) makePoolDir(block []byte) error {
	dir := filepath.Join(b.root, poolDir(b.sz.poolN))
	if countFiles(dir) == b.sz.poolN {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range b.sz.poolN {
		if err := writeNumbered(filepath.Join(dir, fmt.Sprintf("f%04d", i)), int64(b.sz.small), uint64(i), block); err != nil {
			return err
		}
	}
	return nil
}

// runPool times poolN downloads of small files: ftpkit's Conn one after
// the other against the pooled and parallel clients, each with
// poolSessions sessions, on vsftpd (whose log gives the commands and
// sessions of each client), directly and through proxies adding latencyMs
// each way.
func (b *bench) runPool() error {
	n := b.sz.poolN
	files := fmt.Sprintf("%d x %s files (%s)", n, human(int64(b.sz.small)), b.vsftpd.name)
	o := op{kind: "pool", addr: b.vsftpd.addr, remote: poolDir(n), local: filepath.Join(b.out, "pool"), count: n, n: poolSessions}
	clients := b.env.poolClients()
	b.run(scenario{name: "6. pool: " + files, op: o, bytes: int64(n * b.sz.small), files: n, count: true, clients: clients})
	ps, err := startProxies(poolProxyHost, []*server{b.vsftpd}, latencyToxics(latencyMs)...)
	if err != nil {
		return err
	}
	defer ps.stop()
	o.addr = ps.addr(b.vsftpd)
	b.run(scenario{name: fmt.Sprintf("6. pool, +%dms each way: %s", latencyMs, files), op: o, bytes: int64(n * b.sz.small), files: n,
		count: true, clients: clients, rounds: slowRounds, proxies: ps})
	return nil
}

// runSegmented times the large file's download through proxies that
// limit each connection to segRateKB: one stream (ftpkit's Conn) against
// clients that download it in segments over that many connections at
// once.
func (b *bench) runSegmented() error {
	ps, err := startProxies(segProxyHost, []*server{b.vsftpd}, bandwidthToxic(segRateKB))
	if err != nil {
		return err
	}
	defer ps.stop()
	o := op{kind: "seg", addr: ps.addr(b.vsftpd), remote: "big.bin", local: filepath.Join(b.out, "big.bin"),
		src: filepath.Join(b.root, "big.bin"), n: segments}
	name := fmt.Sprintf("7. segmented, %d MB/s per connection: %s (%s)", segRateKB/1000, human(b.sz.big), b.vsftpd.name)
	b.run(scenario{name: name, op: o, bytes: b.sz.big,
		count: true, clients: b.env.segClients(), rounds: slowRounds, proxies: ps})
	return nil
}

// checkParallel checks what a run of a parallel group's op left: "pool"
// exactly count files like the served ones, "seg" a copy of the served
// file, "mirror" and "resync" a copy of the tree.
func (b *bench) checkParallel(o op) error {
	switch o.kind {
	case "pool":
		ents, err := os.ReadDir(o.local)
		if err != nil {
			return err
		}
		if len(ents) != o.count {
			return fmt.Errorf("%s holds %d entries, want %d files", o.local, len(ents), o.count)
		}
		for i := range o.count {
			name := fmt.Sprintf("f%04d", i)
			want, err := os.ReadFile(filepath.Join(b.root, o.remote, name))
			if err != nil {
				return err
			}
			got, err := os.ReadFile(filepath.Join(o.local, name))
			if err != nil {
				return err
			}
			if !bytes.Equal(got, want) {
				return fmt.Errorf("%s: %d bytes, not those of the served file", name, len(got))
			}
		}
	case "seg":
		fi, err := os.Stat(o.local)
		if err != nil {
			return err
		}
		src, err := os.Stat(o.src)
		if err != nil {
			return err
		}
		if fi.Size() != src.Size() {
			return fmt.Errorf("%s has %d bytes, want %d", o.local, fi.Size(), src.Size())
		}
		same, err := sameFile(o.src, o.local)
		if err != nil {
			return err
		}
		if !same {
			return fmt.Errorf("%s differs from the served file (SHA-256)", o.local)
		}
	case "mirror", "resync", "s2s":
		return o.tree.check(b.root, o.local)
	default:
		return errors.New("not a parallel operation")
	}
	return nil
}

// fill makes c's first copy of o's tree in o.local, untimed, from
// o.fillAddr, and checks it; once per client and tree.
func (b *bench) fill(c client, o op) error {
	if b.filled[o.local] {
		return nil
	}
	if err := os.RemoveAll(o.local); err != nil {
		return err
	}
	f := o
	f.kind, f.addr = "mirror", o.fillAddr
	log.Printf("  %s: first copy of %s into %s", c.name, o.tree.dir, o.local)
	if _, err := b.runOnce(c, f, 0, 0, 0); err != nil {
		return fmt.Errorf("first copy: %w", err)
	}
	if b.filled == nil {
		b.filled = map[string]bool{}
	}
	b.filled[o.local] = true
	return nil
}

// resyncLocal is c's copy for the "resync" o: a directory of its own for
// each client, made by its first run (fill).
func resyncLocal(o op, c client) string { return filepath.Join(o.local, slug(c.name)) }

// slug turns a client name into a directory name.
func slug(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, name)
}
