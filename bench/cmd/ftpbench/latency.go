package main

import (
	"fmt"
	"path/filepath"
)

// latencyMs is the delay the toxic adds in each direction.
const latencyMs = 10

// tlsLatencyRounds caps the rounds of the TLS rows under latency (0: as many
// as the other scenarios).
const tlsLatencyRounds = 0

// runLatency repeats the large-file and small-file scenarios through
// in-process toxiproxy proxies on 127.0.0.2 that add latencyMs in each
// direction: one for the control port and one for every passive port, so
// that a client connecting its data connections to the control connection's
// address (rather than the 127.0.0.1 of the PASV reply) goes through a proxy
// too. The clear-text server and the TLS server (whose certificate is
// valid for 127.0.0.2, see genCerts) each get their set of proxies.
func (b *bench) runLatency() error {
	ps, err := startProxies("127.0.0.2", []*server{b.clear, b.tls}, latencyToxics(latencyMs)...)
	if err != nil {
		return err
	}
	defer ps.stop()
	addr := ps.addr(b.clear)
	mid := human(b.sz.mid)
	tag := fmt.Sprintf("4. +%dms each way: ", latencyMs)
	local := filepath.Join(b.out, "mid.bin")
	b.run(scenario{name: tag + "download " + mid, op: op{kind: "get", addr: addr, remote: "mid.bin", local: local}, bytes: b.sz.mid})
	b.run(scenario{name: tag + "upload " + mid, op: op{kind: "put", addr: addr, local: filepath.Join(b.root, "mid.bin"), remote: "up/mid.bin"}, bytes: b.sz.mid})
	n := b.sz.latSmallN
	b.run(scenario{name: fmt.Sprintf("%s%d x %s files", tag, n, human(int64(b.sz.small))),
		op:    op{kind: "many", addr: addr, remote: "small", local: filepath.Join(b.out, "small"), count: n},
		bytes: int64(n * b.sz.small), files: n})
	tlsAddr := ps.addr(b.tls)
	b.run(scenario{name: tag + "TLS download " + mid, op: op{kind: "get", addr: tlsAddr, tls: true, remote: "mid.bin", local: local},
		bytes: b.sz.mid, rounds: tlsLatencyRounds})
	b.run(scenario{name: tag + "TLS upload " + mid, op: op{kind: "put", addr: tlsAddr, tls: true, local: filepath.Join(b.root, "mid.bin"), remote: "up/mid.bin"},
		bytes: b.sz.mid, rounds: tlsLatencyRounds})
	return nil
}
