package netrc_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/ftpkit/ftp/netrc"
)

func Example() {
	const data = `
# Credentials for ftp clients.
machine ftp.example.com
	login alice
	password "correct horse battery staple"

macdef init
binary

default login anonymous password guest@example.com
`
	f, err := netrc.Parse(strings.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	for _, host := range []string{"FTP.example.com", "ftp.gnu.org"} {
		m, ok := f.Lookup(host)
		fmt.Printf("%s: %v login=%q password=%q default=%v\n", host, ok, m.Login, m.Password, m.Name == "")
	}
	// Output:
	// FTP.example.com: true login="alice" password="correct horse battery staple" default=false
	// ftp.gnu.org: true login="anonymous" password="guest@example.com" default=true
}

func ExampleParse_error() {
	_, err := netrc.Parse(strings.NewReader("machine a\nlogin u\nuser x\n"))
	fmt.Println(err)
	// Output:
	// netrc: line 3: unknown keyword "user"
}
