package main

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// proxySet is a set of in-process toxiproxy proxies listening on one
// loopback address (host) in front of servers on 127.0.0.1: one for each
// server's control port and one for each of its passive ports, on the same
// port numbers. A client that connects its data connections to the control
// connection's address (rather than the 127.0.0.1 of a PASV reply) or uses
// EPSV goes through a proxy for those too. Toxiproxy runs each toxic
// afresh for every connection, so a bandwidth toxic limits each connection
// on its own.
type proxySet struct {
	host    string
	proxies []*toxiproxy.Proxy
	data    atomic.Int64 // connections accepted on the passive ports
}

// startProxies starts a proxySet on host for servers, each proxy with the
// given toxics (toxiproxy's JSON form, see latencyToxics and
// bandwidthToxic).
func startProxies(host string, servers []*server, toxics ...string) (*proxySet, error) {
	ps := &proxySet{host: host}
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	// Toxiproxy logs "Accepted client" at Info level for every connection:
	// a passive port's proxy counts them.
	counting := zerolog.New(io.Discard).Level(zerolog.InfoLevel).Hook(acceptCounter{&ps.data})
	for _, srv := range servers {
		ports := []int{srv.port}
		for p := srv.pasvMin; p <= srv.pasvMax; p++ {
			ports = append(ports, p)
		}
		for _, port := range ports {
			p := toxiproxy.NewProxy(api, fmt.Sprintf("p%d", port),
				fmt.Sprintf("%s:%d", host, port), fmt.Sprintf("127.0.0.1:%d", port))
			if port != srv.port {
				p.Logger = &counting
			}
			if err := p.Start(); err != nil {
				ps.stop()
				return nil, fmt.Errorf("proxy %s:%d: %w", host, port, err)
			}
			ps.proxies = append(ps.proxies, p)
			for _, js := range toxics {
				if _, err := p.Toxics.AddToxicJson(strings.NewReader(js)); err != nil {
					ps.stop()
					return nil, fmt.Errorf("toxic: %w", err)
				}
			}
		}
	}
	return ps, nil
}

func (ps *proxySet) stop() {
	for _, p := range ps.proxies {
		p.Stop()
	}
}

// addr is the proxied control address of srv.
func (ps *proxySet) addr(srv *server) string { return fmt.Sprintf("%s:%d", ps.host, srv.port) }

// dataConns returns the number of connections the passive ports' proxies
// have accepted so far.
func (ps *proxySet) dataConns() int64 { return ps.data.Load() }

// acceptCounter counts toxiproxy's "Accepted client" log events.
type acceptCounter struct{ n *atomic.Int64 }

func (a acceptCounter) Run(_ *zerolog.Event, _ zerolog.Level, msg string) {
	if msg == "Accepted client" {
		a.n.Add(1)
	}
}

// latencyToxics delay every chunk by ms milliseconds in each direction.
func latencyToxics(ms int) []string {
	var ts []string
	for _, stream := range []string{"upstream", "downstream"} {
		ts = append(ts, fmt.Sprintf(`{"name":"lat_%s","type":"latency","stream":%q,"attributes":{"latency":%d,"jitter":0}}`, stream, stream, ms))
	}
	return ts
}

// bandwidthToxic limits what flows from the server to the client to
// kbPerSec*1000 bytes per second, on each connection separately.
func bandwidthToxic(kbPerSec int) string {
	return fmt.Sprintf(`{"name":"bw_down","type":"bandwidth","stream":"downstream","attributes":{"rate":%d}}`, kbPerSec)
}
