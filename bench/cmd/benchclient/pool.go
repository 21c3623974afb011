package main

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
)

// poolArgs are the arguments of pool-get: -n N REMOTEDIR COUNT LOCALDIR.
type poolArgs struct {
	n      int
	dir    string
	count  int
	local  string
	remote func(i int) string // REMOTEDIR/f0000 ...
	file   func(i int) string // LOCALDIR/f0000 ...
}

func parsePoolArgs(args []string) (poolArgs, error) {
	fs := flag.NewFlagSet("pool-get", flag.ContinueOnError)
	n := fs.Int("n", 8, "connections")
	if err := fs.Parse(args); err != nil {
		return poolArgs{}, err
	}
	if fs.NArg() != 3 || *n < 1 {
		return poolArgs{}, errors.New("usage: pool-get [-n N] REMOTEDIR COUNT LOCALDIR")
	}
	count, err := strconv.Atoi(fs.Arg(1))
	if err != nil {
		return poolArgs{}, err
	}
	p := poolArgs{n: *n, dir: fs.Arg(0), count: count, local: fs.Arg(2)}
	p.remote = func(i int) string { return fmt.Sprintf("%s/f%04d", p.dir, i) }
	p.file = func(i int) string { return filepath.Join(p.local, fmt.Sprintf("f%04d", i)) }
	return p, nil
}

// connPoolGet downloads p's files over p.n connections of the library
// chosen by -lib, each logged in on its own and used by one goroutine
// that takes the next file from a shared counter: the pool a user of a
// library without one writes by hand (jlaffaye/ftp's ServerConn, like
// ftpkit's Conn, is not safe for concurrent use). The first error stops
// every worker after its current file.
func connPoolGet(p poolArgs) error {
	var (
		mu   sync.Mutex
		next int
		errs []error
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= p.count || len(errs) > 0 {
			return 0, false
		}
		next++
		return next - 1, true
	}
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for range min(p.n, max(p.count, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial()
			if err != nil {
				fail(err)
				return
			}
			for {
				i, ok := take()
				if !ok {
					break
				}
				if err := get(c, p.remote(i), p.file(i)); err != nil {
					fail(err)
					break
				}
			}
			if err := c.quit(); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
