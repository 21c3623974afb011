package ftptest_test

import (
	"bufio"
	"fmt"
	"net"
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
