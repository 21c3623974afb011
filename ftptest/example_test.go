package ftptest_test

import (
	"bufio"
	"fmt"
	"net"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
)

// This example scripts a server that greets, accepts a login and then
// sends a reply the client must reject; a real test would run the client
// under test instead of the few raw lines below.
func ExampleNewFake() {
	t := &testing.T{} // in a test, use the test's *testing.T
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		_ = c.Reply("220 example ready")
		c.Expect("USER")
		_ = c.WriteRaw([]byte("331 bare LF\n")) // malformed line end
		c.Expect("QUIT")
		_ = c.Reply("221 bye")
	})
	defer f.Close()

	conn, err := net.Dial("tcp", f.Addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	greeting, _ := r.ReadString('\n')
	fmt.Fprintf(conn, "USER anonymous\r\n")
	reply, _ := r.ReadString('\n')
	fmt.Fprintf(conn, "QUIT\r\n")
	bye, _ := r.ReadString('\n')

	fmt.Printf("%q\n%q\n%q\n", greeting, reply, bye)
	fmt.Println(strings.Join(f.Commands(), ", "))
	// Output:
	// "220 example ready\r\n"
	// "331 bare LF\n"
	// "221 bye\r\n"
	// USER anonymous, QUIT
}

// This example starts a server, hands its URL to the code under test and
// makes the server refuse one download, as a busy server would; a real
// test would run its client instead of the raw lines below.
func ExampleNewServer() {
	t := &testing.T{} // in a test, use the test's *testing.T
	s := ftptest.NewServer(t)
	defer s.Close()                          // in a test, t.Cleanup does this
	defer os.RemoveAll(filepath.Dir(s.Root)) // and this
	if err := os.WriteFile(filepath.Join(s.Root, "f.txt"), []byte("hello\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	s.Fail("RETR", 1, "451 Local error: try again")

	u, err := url.Parse(s.URL) // ftp://test:test@127.0.0.1:port/
	if err != nil {
		fmt.Println(err)
		return
	}
	pass, _ := u.User.Password()
	c, err := textproto.Dial("tcp", u.Host)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	_, _, err = c.ReadResponse(220)
	for _, step := range []struct {
		cmd  string
		code int
	}{{"USER " + u.User.Username(), 331}, {"PASS " + pass, 230}, {"RETR f.txt", 150}} {
		if err == nil {
			_, err = c.Cmd("%s", step.cmd)
		}
		if err == nil {
			_, _, err = c.ReadResponse(step.code)
		}
	}
	fmt.Println(u.Scheme, u.User.Username())
	if te, ok := err.(*textproto.Error); ok {
		fmt.Println(te.Code, te.Msg)
	}
	fmt.Println(strings.Join(s.Commands(), ", "))
	// Output:
	// ftp test
	// 451 Local error: try again
	// USER test, PASS ****, RETR f.txt
}
