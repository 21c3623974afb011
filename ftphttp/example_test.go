package ftphttp_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/ftpkit/ftp/ftphttp"
	"github.com/ftpkit/ftp/ftptest"
)

func Example() {
	// A server to talk to: ftptest over a directory holding pub/hello.txt.
	dir, err := os.MkdirTemp("", "ftphttp-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "pub"), 0o755)
	os.WriteFile(filepath.Join(dir, "pub", "hello.txt"), []byte("hello, world\n"), 0o644)
	srv, err := ftptest.Start(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ftpTransport := ftphttp.NewTransport()
	defer ftpTransport.CloseIdleConnections()
	t := &http.Transport{}
	t.RegisterProtocol("ftp", ftpTransport)
	t.RegisterProtocol("ftps", ftpTransport)
	client := &http.Client{Transport: t}

	// srv.URL is "ftp://test:test@127.0.0.1:PORT/".
	resp, err := client.Get(srv.URL + "pub/hello.txt")
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, resp.ContentLength, resp.Header.Get("Content-Type"))
	fmt.Printf("%q %v\n", body, err)

	req, err := http.NewRequest(http.MethodPut, srv.URL+"pub/new.txt", strings.NewReader("new\n"))
	if err != nil {
		log.Fatal(err)
	}
	resp, err = client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)

	resp, err = client.Get(srv.URL + "pub/")
	if err != nil {
		log.Fatal(err)
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("%s %q %v\n", resp.Header.Get("Content-Type"), body, err)

	resp, err = client.Get(srv.URL + "pub/missing.txt")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get(ftphttp.ReplyHeader))
	// Output:
	// 200 OK 13 text/plain; charset=utf-8
	// "hello, world\n" <nil>
	// 201 Created
	// text/plain; charset=utf-8 "hello.txt\nnew.txt\n" <nil>
	// 404 Not Found 550 lstat /pub/missing.txt: no such file or directory
}
