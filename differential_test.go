package ftp

// Differential test: the same session, run by this package and by
// Python's ftplib against two identical ftptest Dummies, must put the
// same commands on the wire, apart from the documented differences.

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

const ftplibSession = `
import ftplib, io, sys
f = ftplib.FTP(timeout=10)
f.connect(sys.argv[1], int(sys.argv[2]))
f.login()
f.cwd('/foo')
f.pwd()
f.mkd('d')
f.rmd('d')
f.delete('x')
f.rename('a', 'b')
f.retrbinary('RETR x', lambda b: None, rest=10)
f.storlines('STOR y', io.BytesIO(b'l1\nl2\r\nl3'))
f.nlst()
f.dir(lambda l: None)
list(f.mlsd(facts=['type', 'size']))
f.size('x')
f.quit()
`

func python3(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import ftplib").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with ftplib is required in CI: %v", err)
		}
		t.Skipf("python3 with ftplib not available: %v", err)
	}
	return py
}

// sameTypeSkipped drops a TYPE command that repeats the type in force:
// this package remembers the type, ftplib sends it before every transfer.
func sameTypeSkipped(cmds []string) []string {
	var out []string
	last := ""
	for _, c := range cmds {
		if strings.HasPrefix(c, "TYPE ") {
			if c == last {
				continue
			}
			last = c
		}
		out = append(out, c)
	}
	return out
}

func TestDifferential_ftplib(t *testing.T) {
	py := python3(t)
	pd := ftptest.NewDummy(t)
	host, port, _ := net.SplitHostPort(pd.Addr)
	ctx := testCtx(t)
	out, err := exec.CommandContext(ctx, py, "-c", ftplibSession, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("ftplib session: %v\n%s", err, out)
	}
	pyCmds := pd.Fake.Commands()
	if len(pyCmds) < 20 || pyCmds[len(pyCmds)-1] != "QUIT" {
		t.Fatalf("ftplib session incomplete: %q", pyCmds)
	}

	gd := ftptest.NewDummy(t)
	// PASV only: ftplib never uses EPSV over IPv4.
	c := mustDial(t, ctx, gd.Addr, WithDisabledEPSV(), WithTimeout(10*time.Second))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Login(ctx, "", ""))
	must(c.Cwd(ctx, "/foo"))
	_, err = c.Pwd(ctx)
	must(err)
	_, err = c.Mkd(ctx, "d")
	must(err)
	must(c.Rmd(ctx, "d"))
	must(c.Delete(ctx, "x"))
	must(c.Rename(ctx, "a", "b"))
	must(c.RetrBinaryCmd(ctx, "RETR x", io.Discard, WithOffset(10)))
	must(c.StorLinesCmd(ctx, "STOR y", strings.NewReader("l1\nl2\r\nl3"), nil))
	_, err = c.NameList(ctx)
	must(err)
	_, err = c.List(ctx)
	must(err)
	for _, err := range c.MLSD(ctx, "", "type", "size") {
		must(err)
	}
	// Different: Size sends TYPE I first and the Dummy's "250 1000" is an
	// error (ftplib: None).
	if _, err := c.Size(ctx, "x"); err == nil {
		t.Error("Size accepted a 250 reply")
	}
	must(c.Quit(ctx))
	goCmds := gd.Fake.Commands()

	// Expected: ftplib's commands with TYPE I before SIZE, and repeated
	// TYPEs dropped.
	var want []string
	for _, cmd := range pyCmds {
		if strings.HasPrefix(cmd, "SIZE ") {
			want = append(want, "TYPE I")
		}
		want = append(want, cmd)
	}
	want = sameTypeSkipped(want)
	if !reflect.DeepEqual(goCmds, want) {
		t.Errorf("command logs differ\n  ftplib: %q\nexpected: %q\n      go: %q", pyCmds, want, goCmds)
	}
	// Both stored the same bytes for storlines.
	pr, _, _ := pd.State()
	gr, _, _ := gd.State()
	if !bytes.Equal(pr, gr) || string(gr) != "l1\r\nl2\r\nl3\r\n" {
		t.Errorf("storlines data: ftplib %q, go %q", pr, gr)
	}
}
