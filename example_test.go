package ftp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"strings"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
)

// startServer starts an embedded server for the examples.
func startServer() (*ftptest.Server, func()) {
	dir, err := os.MkdirTemp("", "ftp-example")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := ftptest.Start(dir)
	if err != nil {
		log.Fatal(err)
	}
	return srv, func() { srv.Close(); os.RemoveAll(dir) }
}

func Example() {
	srv, stop := startServer()
	defer stop()
	ctx := context.Background()

	c, err := ftp.Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		log.Fatal(err)
	}
	if err := c.Store(ctx, "hello.txt", strings.NewReader("hello, world\n")); err != nil {
		log.Fatal(err)
	}
	names, err := c.NameList(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
	var buf bytes.Buffer
	if err := c.Retrieve(ctx, "hello.txt", &buf); err != nil {
		log.Fatal(err)
	}
	fmt.Print(buf.String())
	if err := c.Quit(ctx); err != nil {
		log.Fatal(err)
	}
	// Output:
	// [hello.txt]
	// hello, world
}

func ExampleConn_Retr() {
	srv, stop := startServer()
	defer stop()
	ctx := context.Background()
	os.WriteFile(srv.Root+"/data.bin", make([]byte, 1000), 0o644)

	c, err := ftp.Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		log.Fatal(err)
	}
	r, err := c.Retr(ctx, "data.bin")
	if err != nil {
		log.Fatal(err)
	}
	var n int64
	var buf bytes.Buffer
	n, _ = buf.ReadFrom(r)
	// Close reads the server's completion reply: only a nil error means
	// the whole file arrived.
	if err := r.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output: 1000 bytes
}

func ExampleConn_MLSD() {
	srv, stop := startServer()
	defer stop()
	ctx := context.Background()
	os.WriteFile(srv.Root+"/a.txt", []byte("abc"), 0o644)

	c, err := ftp.Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		log.Fatal(err)
	}
	for e, err := range c.MLSD(ctx, "") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Name, e.Type, e.Size)
	}
	// Output: a.txt file 3
}

func ExampleIsSessionError() {
	srv, stop := startServer()
	defer stop()
	ctx := context.Background()

	c, err := ftp.Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		log.Fatal(err)
	}
	_, err = c.Size(ctx, "missing")
	var fe *ftp.Error
	if errors.As(err, &fe) {
		fmt.Println("server replied", fe.Code, errors.Is(err, ftp.ErrPermanent), errors.Is(err, fs.ErrNotExist), ftp.IsSessionError(err))
	}
	_, err = c.Cmd(ctx, "NOOP\r\nDELE x")
	fmt.Println(errors.Is(err, ftp.ErrInvalidCommand), ftp.IsSessionError(err))
	// Output:
	// server replied 550 true true true
	// true false
}

// A Client for an automated job: several goroutines share its sessions,
// and a download is written under a temporary name and renamed when
// whole.
func ExampleNewClient() {
	srv, stop := startServer()
	defer stop()
	os.WriteFile(srv.Root+"/report.pdf", []byte("%PDF-1.7 ..."), 0o644)
	ctx := context.Background()

	// srv.URL is "ftp://test:test@127.0.0.1:PORT/". A real server: say
	// "ftpes://user@host/" (explicit TLS) with the password in ~/.netrc.
	c, err := ftp.NewClient(srv.URL, ftp.WithMaxConns(8))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	dir, _ := os.MkdirTemp("", "ftp-example")
	defer os.RemoveAll(dir)
	if err := c.Download(ctx, "report.pdf", dir+"/report.pdf"); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(dir + "/report.pdf")
	fmt.Printf("%s\n", b)
	if err := c.Upload(ctx, dir+"/report.pdf", "copy.pdf", ftp.WithTempName()); err != nil {
		log.Fatal(err)
	}
	e, err := c.Stat(ctx, "copy.pdf")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Name, e.Size)
	_, err = c.Stat(ctx, "missing.pdf")
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// %PDF-1.7 ...
	// copy.pdf 12
	// true
}

func ExampleClient_DownloadEach() {
	srv, stop := startServer()
	defer stop()
	os.Mkdir(srv.Root+"/logs", 0o755)
	for _, name := range []string{"a.log", "b.log", "c.log"} {
		os.WriteFile(srv.Root+"/logs/"+name, []byte("log "+name+"\n"), 0o644)
	}
	ctx := context.Background()
	c, err := ftp.NewClient(srv.URL, ftp.WithMaxConns(4))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	// The listing gives each file's size and time, which lets
	// DownloadEach send the commands of several small files at once to
	// servers that queue them.
	entries, err := c.ReadDir(ctx, "logs")
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "ftp-example")
	defer os.RemoveAll(dir)
	var files []ftp.Transfer
	for _, e := range entries {
		files = append(files, ftp.Transfer{
			Remote:  "logs/" + e.Name,
			Local:   dir + "/" + e.Name,
			Options: []ftp.FileOption{ftp.WithListedEntry(e)},
		})
	}
	for i, err := range c.DownloadEach(ctx, files) {
		if err != nil {
			fmt.Println(files[i].Remote, err)
			continue
		}
		b, _ := os.ReadFile(files[i].Local)
		fmt.Print(string(b))
	}
	// Unordered output:
	// log a.log
	// log b.log
	// log c.log
}
