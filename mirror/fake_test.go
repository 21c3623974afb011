package mirror_test

// A scripted server (ftptest.Fake) that serves a made-up tree: any
// listing at all, hostile names included.

import (
	"fmt"
	"net"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
)

// A fakeTree is what a fake server serves: listing lines by directory
// ("" is the login directory, "/"), file contents by path.
type fakeTree struct {
	mlsd  bool                // FEAT offers MLST (listings are MLSD lines), else LIST
	feat  []string            // more features
	dirs  map[string][]string // listing lines
	files map[string]string
	sums  map[string]string // XSHA256 replies by path
}

// serve starts a Fake serving ft and returns a Client for it.
func (ft *fakeTree) serve(t *testing.T, conns int) (*ftp.Client, *ftptest.Fake) {
	f := ftptest.NewFake(t, ft.handle)
	c, err := ftp.NewClient("ftp://u:p@"+f.Addr+"/", ftp.WithTimeout(10*time.Second), ftp.WithoutNetrc(),
		ftp.WithMaxConns(conns), ftp.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, f
}

// clean makes a request's path a key of dirs or files.
func clean(p string) string {
	p = strings.TrimPrefix(p, "-a ")
	p = path.Clean("/" + p)
	return strings.TrimPrefix(p, "/")
}

func (ft *fakeTree) handle(c *ftptest.FakeConn) {
	c.Reply("220 fake")
	var data *ftptest.FakeData
	var mu sync.Mutex
	transfer := func(body string) {
		mu.Lock()
		d := data
		data = nil
		mu.Unlock()
		if d == nil {
			c.Reply("425 no EPSV first")
			return
		}
		conn, err := d.Accept()
		if err != nil {
			c.Reply("425 no data connection")
			return
		}
		c.Reply(fmt.Sprintf("150 here (%d bytes)", len(body)))
		conn.Write([]byte(body))
		conn.(*net.TCPConn).CloseWrite()
		conn.Close()
		c.Reply("226 done")
	}
	for {
		line, ok := c.ReadCommand()
		if !ok {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "USER":
			c.Reply("331 password")
		case "PASS":
			c.Reply("230 in")
		case "PWD":
			c.Reply(`257 "/"`)
		case "SYST":
			c.Reply("215 UNIX Type: L8")
		case "FEAT":
			lines := []string{"211-Features:", " SIZE", " MDTM", " UTF8"}
			if ft.mlsd {
				lines = append(lines, " MLST type*;size*;modify*;")
			}
			for _, f := range ft.feat {
				lines = append(lines, " "+f)
			}
			c.Reply(append(lines, "211 End")...)
		case "TYPE", "OPTS", "NOOP":
			c.Reply("200 ok")
		case "EPSV":
			d := c.Passive()
			mu.Lock()
			data = d
			mu.Unlock()
			c.Reply(d.EPSVReply())
		case "MLSD", "LIST":
			lines, ok := ft.dirs[clean(arg)]
			if !ok {
				c.Reply("550 no such directory")
				continue
			}
			transfer(strings.Join(lines, "\r\n") + "\r\n")
		case "RETR":
			body, ok := ft.files[clean(arg)]
			if !ok {
				c.Reply("550 no such file")
				continue
			}
			transfer(body)
		case "SIZE":
			if body, ok := ft.files[clean(arg)]; ok {
				c.Reply(fmt.Sprintf("213 %d", len(body)))
			} else {
				c.Reply("550 no such file")
			}
		case "MDTM":
			if _, ok := ft.files[clean(arg)]; ok {
				c.Reply("213 20240506070809")
			} else {
				c.Reply("550 no such file")
			}
		case "XSHA256":
			if sum, ok := ft.sums[clean(arg)]; ok {
				c.Reply("250 " + sum)
			} else {
				c.Reply("550 no such file")
			}
		case "QUIT":
			c.Reply("221 bye")
			return
		default:
			c.Reply("502 not here")
		}
	}
}
