package main

import (
	"context"
	"errors"
	"sync"

	"github.com/ftpkit/ftp"
)

// This file holds the benchmark operations of the ftpkit pooled client
// (ftp.Client, goroutine-safe, N sessions), run with -lib ftpkit-client.
// ftpbench measures them as the "ftpkit-client" rows of the pool and
// segmented scenario groups, and leaves those rows out while the
// functions below are nil (it asks with "benchclient -check -lib
// ftpkit-client OP", which exits with status 3 for a nil one).
//
// ftpbench calls them as
//
//	benchclient -lib ftpkit-client -addr HOST:PORT -user U -pass P pool-get -n 8 REMOTEDIR COUNT LOCALDIR
//	benchclient -lib ftpkit-client -addr HOST:PORT -user U -pass P seg-get -n 4 REMOTE LOCAL
//
// and checks the downloaded files itself (sizes and content).
var (
	// kitPoolGet downloads p.count files of p.dir over one ftp.Client
	// with p.n sessions.
	kitPoolGet = clientPoolGet

	// kitSegGet downloads remote into local in n segments, each over a
	// session of its own (REST and RETR).
	kitSegGet = clientSegGet
)

// newKitClient returns an ftp.Client for the server of the flags, with
// n sessions and no retries (a failure fails the row, as for the
// peers).
func newKitClient(n int) (*ftp.Client, error) {
	conn := &ftp.Connector{Addr: *addr, User: *user, Password: *pass}
	if *caFile != "" {
		cfg, err := tlsConfig()
		if err != nil {
			return nil, err
		}
		conn.Options = append(conn.Options, ftp.WithExplicitTLS(cfg))
	}
	return ftp.NewClientFromConnector(conn, ftp.WithMaxConns(n), ftp.WithRetry(0, 0, 0))
}

// clientPoolGet downloads p's files with p.n Downloads in flight on one
// Client of p.n sessions: the pool is the library's.
func clientPoolGet(p poolArgs) error {
	c, err := newKitClient(p.n)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx := context.Background()
	var (
		mu   sync.Mutex
		next int
		errs []error
		wg   sync.WaitGroup
	)
	for range p.n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := i >= p.count || len(errs) > 0
				mu.Unlock()
				if stop {
					return
				}
				if err := c.Download(ctx, p.remote(i), p.file(i), ftp.WithoutModTime()); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// clientSegGet downloads remote into local in n segments.
func clientSegGet(n int, remote, local string) error {
	c, err := newKitClient(n)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Download(context.Background(), remote, local, ftp.WithSegments(n), ftp.WithoutModTime())
}
