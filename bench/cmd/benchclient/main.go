// Command benchclient is the Go side of the benchmark harness: it runs one
// operation with the ftpkit library or with github.com/jlaffaye/ftp, or a raw
// TCP copy, as a process of its own so that ftpbench can measure its time and
// peak RSS like those of curl, lftp and Python.
//
// Usage:
//
//	benchclient [flags] get REMOTE LOCAL
//	benchclient [flags] put LOCAL REMOTE
//	benchclient [flags] many REMOTEDIR COUNT LOCALDIR
//	benchclient [flags] list REMOTEDIR
//	benchclient [flags] mlsd REMOTEDIR
//	benchclient [flags] pool-get [-n N] REMOTEDIR COUNT LOCALDIR
//	benchclient [flags] seg-get [-n N] REMOTE LOCAL
//	benchclient [-sendbuf N] [-recvbuf N] tcp SRC DST
//	benchclient -check -lib LIB OP
//
// "many" downloads REMOTEDIR/f0000 ... one by one over one connection;
// "list" lists REMOTEDIR with LIST, parses it into entries and prints their
// number, "." and ".." not counted; "mlsd" does the same with MLSD;
// "tcp" copies the file SRC to DST over a loopback TCP connection with
// sendfile on the sending side and splice on the receiving side, or, with
// -sendbuf or -recvbuf, a read/write loop through a buffer of that size on
// that side (as a server that copies through user space does).
//
// "pool-get" downloads the same files as "many" over N sessions at once:
// with -lib ftpkit or jlaffaye, N connections of that library, each used by
// one goroutine (pool.go); with -lib ftpkit-client, ftpkit's pooled
// ftp.Client (kitclient.go). "seg-get" downloads one file in N segments
// over N sessions, with -lib ftpkit-client only. "-check" exits with status
// 0 if LIB implements OP and 3 if it does not yet, without connecting.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"time"

	ftpkit "github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
	jftp "github.com/jlaffaye/ftp"
)

var (
	lib        = flag.String("lib", "ftpkit", "client library: ftpkit, jlaffaye, or ftpkit-client (the pooled ftp.Client; pool-get and seg-get only)")
	check      = flag.Bool("check", false, "exit with status 0 if -lib implements the operation and 3 if not, without connecting")
	addr       = flag.String("addr", "127.0.0.1:21", "server host:port")
	user       = flag.String("user", "anonymous", "login user")
	pass       = flag.String("pass", "", "login password")
	caFile     = flag.String("ca", "", "CA certificate (PEM): use explicit FTPS with PROT P and verify against it")
	cpuProfile = flag.String("cpuprofile", "", "write a CPU profile to this file")
	sendBuf    = flag.Int("sendbuf", 0, "tcp: the sender copies through a buffer of this many bytes (read, then write) instead of sendfile")
	recvBuf    = flag.Int("recvbuf", 0, "tcp: the receiver copies through a buffer of this many bytes (read, then write) instead of splice")
)

// op is the operation (first argument): jlaffaye/ftp is configured for
// LIST or MLSD when it connects.
var op string

func main() {
	log.SetFlags(0)
	log.SetPrefix("benchclient: ")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		log.Fatal("missing operation")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	op = args[0]
	if *check {
		if !implemented(*lib, op) {
			os.Exit(exitNotImplemented)
		}
		return
	}
	var err error
	switch {
	case !implemented(*lib, op):
		log.Printf("%s %s: not implemented", *lib, op)
		os.Exit(exitNotImplemented)
	case op == "pool-get":
		var p poolArgs
		if p, err = parsePoolArgs(args[1:]); err == nil {
			if *lib == "ftpkit-client" {
				err = kitPoolGet(p)
			} else {
				err = connPoolGet(p)
			}
		}
	case op == "seg-get":
		fs := flag.NewFlagSet("seg-get", flag.ContinueOnError)
		n := fs.Int("n", 4, "segments, each over a session of its own")
		if err = fs.Parse(args[1:]); err == nil {
			if fs.NArg() != 2 || *n < 1 {
				err = errors.New("usage: seg-get [-n N] REMOTE LOCAL")
			} else {
				err = kitSegGet(*n, fs.Arg(0), fs.Arg(1))
			}
		}
	case op == "tcp":
		if len(args) != 3 {
			log.Fatal("usage: tcp SRC DST")
		}
		err = tcpCopy(args[1], args[2])
	default:
		var c client
		c, err = dial()
		if err == nil {
			err = run(c, args)
			if qerr := c.quit(); err == nil {
				err = qerr
			}
		}
	}
	if err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

// exitNotImplemented is the exit status for an operation that -lib does
// not implement (yet).
const exitNotImplemented = 3

// implemented reports whether library lib implements operation op.
func implemented(lib, op string) bool {
	switch lib {
	case "ftpkit-client":
		return op == "pool-get" && kitPoolGet != nil || op == "seg-get" && kitSegGet != nil
	case "ftpkit", "jlaffaye":
		return op != "seg-get"
	}
	return op == "tcp"
}

// client is the part of an FTP client library that the benchmark uses.
type client interface {
	retr(remote string, w io.Writer) error
	stor(remote string, r io.Reader) error
	list(dir string) (int, error)
	mlsd(dir string) (int, error)
	quit() error
}

func tlsConfig() (*tls.Config, error) {
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no certificate", *caFile)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		RootCAs:            pool,
		ServerName:         host,
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
	}, nil
}

func dial() (client, error) {
	var cfg *tls.Config
	if *caFile != "" {
		var err error
		if cfg, err = tlsConfig(); err != nil {
			return nil, err
		}
	}
	switch *lib {
	case "ftpkit":
		ctx := context.Background()
		opts := []ftpkit.DialOption{ftpkit.WithTimeout(60 * time.Second)}
		if cfg != nil {
			opts = append(opts, ftpkit.WithExplicitTLS(cfg))
		}
		c, err := ftpkit.Dial(ctx, *addr, opts...)
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, *user, *pass); err != nil {
			c.Close()
			return nil, err
		}
		return &kit{c: c, ctx: ctx}, nil
	case "jlaffaye":
		// jlaffaye's List sends MLSD when FEAT lists MLST, LIST otherwise.
		opts := []jftp.DialOption{jftp.DialWithTimeout(60 * time.Second),
			jftp.DialWithDisabledMLSD(op != "mlsd")}
		if cfg != nil {
			opts = append(opts, jftp.DialWithExplicitTLS(cfg))
		}
		c, err := jftp.Dial(*addr, opts...)
		if err != nil {
			return nil, err
		}
		if err := c.Login(*user, *pass); err != nil {
			c.Quit()
			return nil, err
		}
		return &jl{c: c}, nil
	}
	return nil, fmt.Errorf("unknown library %q", *lib)
}

func run(c client, args []string) error {
	switch {
	case args[0] == "get" && len(args) == 3:
		return get(c, args[1], args[2])
	case args[0] == "put" && len(args) == 3:
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		return c.stor(args[2], f)
	case args[0] == "many" && len(args) == 4:
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		for i := range n {
			name := fmt.Sprintf("f%04d", i)
			if err := get(c, args[1]+"/"+name, filepath.Join(args[3], name)); err != nil {
				return err
			}
		}
		return nil
	case (args[0] == "list" || args[0] == "mlsd") && len(args) == 2:
		list := c.list
		if args[0] == "mlsd" {
			list = c.mlsd
		}
		n, err := list(args[1])
		if err != nil {
			return err
		}
		fmt.Println(n)
		return nil
	}
	return fmt.Errorf("bad arguments %q", args)
}

func get(c client, remote, local string) error {
	f, err := os.Create(local)
	if err != nil {
		return err
	}
	err = c.retr(remote, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// kit is the ftpkit library.
type kit struct {
	c   *ftpkit.Conn
	ctx context.Context
}

func (k *kit) retr(remote string, w io.Writer) error {
	dc, err := k.c.Retr(k.ctx, remote)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, dc)
	if cerr := dc.Close(); err == nil {
		err = cerr
	}
	return err
}

func (k *kit) stor(remote string, r io.Reader) error {
	dc, err := k.c.Stor(k.ctx, remote)
	if err != nil {
		return err
	}
	_, err = io.Copy(dc, r)
	if cerr := dc.Close(); err == nil {
		err = cerr
	}
	return err
}

// list reads the LIST output and parses it with the listing package; lines
// it does not understand are not counted.
func (k *kit) list(dir string) (int, error) {
	lines, err := k.c.List(k.ctx, dir)
	if err != nil {
		return 0, err
	}
	var p listing.Parser
	n := 0
	for _, l := range lines {
		if e, ok := p.Parse(l); ok && !e.Unparsed() && !e.IsDotDir() {
			n++
		}
	}
	return n, nil
}

// mlsd lists dir with the library's MLSD iterator.
func (k *kit) mlsd(dir string) (int, error) {
	n := 0
	for e, err := range k.c.MLSD(k.ctx, dir) {
		if err != nil {
			return 0, err
		}
		if !e.IsDotDir() {
			n++
		}
	}
	return n, nil
}

func (k *kit) quit() error { return k.c.Quit(k.ctx) }

// jl is github.com/jlaffaye/ftp.
type jl struct{ c *jftp.ServerConn }

func (j *jl) retr(remote string, w io.Writer) error {
	r, err := j.c.Retr(remote)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

func (j *jl) stor(remote string, r io.Reader) error { return j.c.Stor(remote, r) }

// list and mlsd both call List, which sends LIST or MLSD as dial chose
// (DialWithDisabledMLSD); its parsers skip the lines they do not understand.
func (j *jl) list(dir string) (int, error) {
	entries, err := j.c.List(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if e.Name != "." && e.Name != ".." {
			n++
		}
	}
	return n, nil
}

func (j *jl) mlsd(dir string) (int, error) {
	if !j.c.IsTimePreciseInList() { // true exactly when List uses MLSD
		return 0, errors.New("the server does not offer MLSD (no MLST in FEAT)")
	}
	return j.list(dir)
}

func (j *jl) quit() error { return j.c.Quit() }

// tcpCopy sends src over a loopback TCP connection (sendfile) and writes what
// arrives to dst (splice): the ceiling for any FTP data transfer.
func tcpCopy(src, dst string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	sent := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			sent <- err
			return
		}
		f, err := os.Open(src)
		if err != nil {
			c.Close()
			sent <- err
			return
		}
		_, err = copyWith(c, f, *sendBuf) // TCPConn.ReadFrom: sendfile
		f.Close()
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		sent <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = copyWith(out, c, *recvBuf) // File.ReadFrom: splice
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return errors.Join(err, <-sent)
}

// copyWith copies src to dst with io.Copy (and so the kernel's zero-copy
// paths) if size is 0, or else through a buffer of size bytes, hiding
// both sides' ReadFrom and WriteTo.
func copyWith(dst io.Writer, src io.Reader, size int) (int64, error) {
	if size == 0 {
		return io.Copy(dst, src)
	}
	return io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, make([]byte, size))
}
