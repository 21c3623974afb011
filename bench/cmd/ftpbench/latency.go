package main

import (
	"fmt"
	"path/filepath"
	"strings"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
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
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	var proxies []*toxiproxy.Proxy
	defer func() {
		for _, p := range proxies {
			p.Stop()
		}
	}()
	var ports []int
	for _, srv := range []*server{b.clear, b.tls} {
		ports = append(ports, srv.port)
		for p := srv.pasvMin; p <= srv.pasvMax; p++ {
			ports = append(ports, p)
		}
	}
	for _, port := range ports {
		p := toxiproxy.NewProxy(api, fmt.Sprintf("p%d", port),
			fmt.Sprintf("127.0.0.2:%d", port), fmt.Sprintf("127.0.0.1:%d", port))
		if err := p.Start(); err != nil {
			return fmt.Errorf("proxy %d: %w", port, err)
		}
		proxies = append(proxies, p)
		for _, stream := range []string{"upstream", "downstream"} {
			js := fmt.Sprintf(`{"name":"lat_%s","type":"latency","stream":%q,"attributes":{"latency":%d,"jitter":0}}`, stream, stream, latencyMs)
			if _, err := p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
				return fmt.Errorf("toxic: %w", err)
			}
		}
	}
	addr := fmt.Sprintf("127.0.0.2:%d", b.clear.port)
	mid := human(b.sz.mid)
	tag := fmt.Sprintf("4. +%dms each way: ", latencyMs)
	local := filepath.Join(b.out, "mid.bin")
	b.run(scenario{name: tag + "download " + mid, op: op{kind: "get", addr: addr, remote: "mid.bin", local: local}, bytes: b.sz.mid})
	b.run(scenario{name: tag + "upload " + mid, op: op{kind: "put", addr: addr, local: filepath.Join(b.root, "mid.bin"), remote: "up/mid.bin"}, bytes: b.sz.mid})
	n := b.sz.latSmallN
	b.run(scenario{name: fmt.Sprintf("%s%d x %s files", tag, n, human(int64(b.sz.small))),
		op:    op{kind: "many", addr: addr, remote: "small", local: filepath.Join(b.out, "small"), count: n},
		bytes: int64(n * b.sz.small), files: n})
	tlsAddr := fmt.Sprintf("127.0.0.2:%d", b.tls.port)
	b.run(scenario{name: tag + "TLS download " + mid, op: op{kind: "get", addr: tlsAddr, tls: true, remote: "mid.bin", local: local},
		bytes: b.sz.mid, rounds: tlsLatencyRounds})
	b.run(scenario{name: tag + "TLS upload " + mid, op: op{kind: "put", addr: tlsAddr, tls: true, local: filepath.Join(b.root, "mid.bin"), remote: "up/mid.bin"},
		bytes: b.sz.mid, rounds: tlsLatencyRounds})
	return nil
}
