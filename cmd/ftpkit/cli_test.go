package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
)

// writeRandom writes n random bytes to the new file name and returns
// their SHA-256.
func writeRandom(t *testing.T, name string, n int) [32]byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// sum returns the SHA-256 of the file name.
func sum(t *testing.T, name string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// entries returns the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestPutGetRoundTrip(t *testing.T) {
	for _, mode := range []string{"passive", "active"} {
		t.Run(mode, func(t *testing.T) {
			var flags []string
			if mode == "active" {
				flags = []string{"--active"}
			}
			s := ftptest.NewServer(t, ftptest.WithCredentials("alice", "p@ss:w/rd#1"))
			if err := os.Mkdir(filepath.Join(s.Root, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			local := t.TempDir()
			src := filepath.Join(local, "data.bin")
			want := writeRandom(t, src, 3<<20+5)

			mustRun(t, append(flags, "put", src, serverURL(s, "sub/"))...)
			if got := sum(t, filepath.Join(s.Root, "sub", "data.bin")); got != want {
				t.Fatal("uploaded file differs")
			}
			mustRun(t, append(flags, "put", src, serverURL(s, "renamed.bin"))...)
			if got := sum(t, filepath.Join(s.Root, "renamed.bin")); got != want {
				t.Fatal("uploaded renamed.bin differs")
			}

			dst := filepath.Join(local, "copy.bin")
			mustRun(t, append(flags, "get", serverURL(s, "sub/data.bin"), dst)...)
			if got := sum(t, dst); got != want {
				t.Fatal("downloaded file differs")
			}

			// Into a directory, under the remote base name.
			into := t.TempDir()
			mustRun(t, append(flags, "get", serverURL(s, "renamed.bin"), into)...)
			if got := sum(t, filepath.Join(into, "renamed.bin")); got != want {
				t.Fatal("downloaded renamed.bin differs")
			}
			if names := entries(t, into); len(names) != 1 {
				t.Errorf("download left %q", names)
			}

			// To standard output.
			out := mustRun(t, append(flags, "get", serverURL(s, "renamed.bin"), "-")...)
			if sha256.Sum256([]byte(out)) != want {
				t.Fatal("download to stdout differs")
			}
		})
	}
}

func TestGetDefaultName(t *testing.T) {
	s := ftptest.NewServer(t)
	if err := os.WriteFile(filepath.Join(s.Root, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	mustRun(t, "get", serverURL(s, "hello.txt"))
	b, err := os.ReadFile(filepath.Join(dir, "hello.txt"))
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("hello.txt = %q, %v", b, err)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"hello.txt"}) {
		t.Errorf("directory holds %q", names)
	}
}

func TestLs(t *testing.T) {
	s := ftptest.NewServer(t)
	for _, name := range []string{"b.txt", "a.txt", "sub/c.txt"} {
		p := filepath.Join(s.Root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	out := mustRun(t, "ls", serverURL(s, ""))
	names := strings.Fields(out)
	slices.Sort(names)
	if !slices.Equal(names, []string{"a.txt", "b.txt", "sub"}) {
		t.Errorf("ls = %q", out)
	}
	out = mustRun(t, "ls", serverURL(s, "sub"))
	if got := strings.Fields(out); len(got) != 1 || !strings.HasSuffix(got[0], "c.txt") {
		t.Errorf("ls sub = %q", out)
	}

	out = mustRun(t, "ls", "-l", serverURL(s, ""))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("ls -l printed %d lines:\n%s", len(lines), out)
	}
	for _, l := range lines {
		switch {
		case strings.HasSuffix(l, " a.txt"), strings.HasSuffix(l, " b.txt"):
			if !strings.HasPrefix(l, "-") {
				t.Errorf("file line %q", l)
			}
		case strings.HasSuffix(l, " sub"):
			if !strings.HasPrefix(l, "d") {
				t.Errorf("directory line %q", l)
			}
		default:
			t.Errorf("unexpected line %q", l)
		}
	}
}

func TestNetrc(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithCredentials("alice", "wonder land"))
	if err := os.WriteFile(filepath.Join(s.Root, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	host, _, _ := strings.Cut(s.Addr, ":")
	netrcFile := filepath.Join(t.TempDir(), "netrc")
	write := func(content string, perm os.FileMode) {
		t.Helper()
		if err := os.WriteFile(netrcFile, []byte(content), perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(netrcFile, perm); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("NETRC", netrcFile)
	write(fmt.Sprintf("machine %s login alice password \"wonder land\"\n", host), 0o600)

	noUser := "ftp://" + s.Addr + "/"
	if out := mustRun(t, "ls", noUser); strings.TrimSpace(out) != "f" {
		t.Errorf("ls with netrc login = %q", out)
	}
	if out := mustRun(t, "ls", "ftp://alice@"+s.Addr+"/"); strings.TrimSpace(out) != "f" {
		t.Errorf("ls with netrc password = %q", out)
	}

	_, stderr, code := ftpkit(t, "ls", "ftp://bob@"+s.Addr+"/")
	want := fmt.Sprintf("ftpkit: no password for bob@%s: give it with -u bob:PASSWORD, in $FTPKIT_PASSWORD or in the netrc file (no terminal to ask on)\n", host)
	if code != 5 || stderr != want {
		t.Errorf("user not in netrc: exit %d, stderr %q, want 5, %q", code, stderr, want)
	}

	// A readable netrc with passwords is refused.
	write(fmt.Sprintf("machine %s login alice password x\n", host), 0o644)
	_, stderr, code = ftpkit(t, "ls", noUser)
	if code != 1 || !strings.HasPrefix(stderr, "ftpkit: netrc: ") {
		t.Errorf("insecure netrc: exit %d, stderr %q", code, stderr)
	}

	// No entry for the host: anonymous, which this server refuses.
	write("machine elsewhere login alice password x\n", 0o600)
	_, stderr, code = ftpkit(t, "ls", noUser)
	if code != 5 || !strings.HasPrefix(stderr, "ftpkit: login as anonymous on "+s.Addr+": ") {
		t.Errorf("anonymous refused: exit %d, stderr %q", code, stderr)
	}
}

func TestAnonymous(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithAnonymous())
	if err := os.WriteFile(filepath.Join(s.Root, "pub.txt"), []byte("pub"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ftp://" + s.Addr + "/", "ftp://anonymous@" + s.Addr + "/", "ftp://ftp@" + s.Addr + "/"} {
		if out := mustRun(t, "ls", u); strings.TrimSpace(out) != "pub.txt" {
			t.Errorf("ls %s = %q", u, out)
		}
	}
}

func TestErrors(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithCredentials("test", "right-password"))
	local := t.TempDir()
	src := filepath.Join(local, "src")
	writeRandom(t, src, 10)
	wrong := "ftp://test:wrong-password@" + s.Addr + "/"

	tests := []struct {
		name   string
		args   []string
		code   int
		prefix string
	}{
		{"no command", nil, 2, "ftpkit: missing command"},
		{"unknown command", []string{"fetch"}, 2, `ftpkit: unknown command "fetch"`},
		{"local first", []string{"get", "file", serverURL(s, "x")}, 2, `ftpkit: "file" is not a URL: only the last argument may be a local name`},
		{"put URL URL", []string{"put", serverURL(s, "a"), serverURL(s, "b")}, 2, "ftpkit: ftp://test:xxxxx@"},
		{"percent in path", []string{"get", "ftp://test:right-password@" + s.Addr + "/100%"}, 2, `ftpkit: bad URL "ftp://test:xxxxx@` + s.Addr + `/100%": invalid URL escape "%"`},
		{"unknown flag", []string{"ls", "--nope", "ftp://h/"}, 2, "ftpkit: unknown flag: --nope"},
		{"missing URL", []string{"get"}, 2, "ftpkit: usage: ftpkit get [flags] URL... [LOCAL]"},
		{"put to a local name", []string{"put", "a", "b", "c"}, 2, `ftpkit: "c" is not a URL: the last argument of put is the URL to upload to`},
		{"bad scheme", []string{"ls", "http://h/"}, 2, `ftpkit: bad URL "http://h/": scheme "http"`},
		{"bad port", []string{"ls", "ftp://u:hunter2@h:99999/"}, 2, `ftpkit: bad URL "ftp://u:xxxxx@h:99999/"`},
		{"no file name", []string{"get", serverURL(s, "dir/")}, 2, "ftpkit: ftp://test:xxxxx@"},
		{"bad timeout", []string{"--timeout=0s", "ls", serverURL(s, "")}, 2, "ftpkit: --timeout must be positive"},
		{"bad tls-reuse", []string{"--tls-reuse=maybe", "ls", serverURL(s, "")}, 2, "ftpkit: --tls-reuse must be on or off"},
		{"tls flag without tls", []string{"--insecure", "ls", serverURL(s, "")}, 2, "ftpkit: --cacert, --insecure and --tls-reuse need"},
		{"wrong password", []string{"ls", wrong}, 5, "ftpkit: login as test on " + s.Addr + ": ftp: PASS ****: 530"},
		{"missing file", []string{"get", serverURL(s, "nope.txt"), filepath.Join(local, "nope.txt")}, 6, "ftpkit: get nope.txt: ftp: RETR nope.txt: 55"},
		{"no match", []string{"get", "ftp://test:right-password@" + s.Addr + "/nope*.txt", local}, 6, "ftpkit: no match for nope*.txt"},
		{"missing local", []string{"put", filepath.Join(local, "absent"), serverURL(s, "")}, 8, "ftpkit: put: stat "},
		{"local dir", []string{"put", local, serverURL(s, "")}, 8, "ftpkit: put: " + local + " is a directory"},
		{"refused", []string{"--retries=0", "ls", "ftp://test:x@127.0.0.1:1/"}, 3, "ftpkit: connect to 127.0.0.1:1: "},
		{"list missing", []string{"ls", "-l", serverURL(s, "nodir")}, 6, "ftpkit: ls nodir: "},
		{"rm missing", []string{"rm", serverURL(s, "nodir")}, 6, "ftpkit: rm nodir: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := ftpkit(t, tt.args...)
			if code != tt.code || !strings.HasPrefix(stderr, tt.prefix) {
				t.Errorf("exit %d, stderr %q; want %d, %q...", code, stderr, tt.code, tt.prefix)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			for _, secret := range []string{"right-password", "wrong-password", "hunter2"} {
				if strings.Contains(stderr, secret) {
					t.Errorf("stderr shows a password: %q", stderr)
				}
			}
		})
	}
	if names := entries(t, local); !slices.Equal(names, []string{"src"}) {
		t.Errorf("failed commands left %q in %s", names, local)
	}
}

func TestHelp(t *testing.T) {
	out, stderr, code := ftpkit(t, "--help")
	if code != 0 || stderr != "" || !strings.Contains(out, "ftp://[user[:password]@]host[:port]/path") {
		t.Errorf("--help: exit %d, stderr %q, stdout:\n%s", code, stderr, out)
	}
	out, _, code = ftpkit(t, "get", "--help")
	if code != 0 || !strings.Contains(out, "ftpkit get [flags] URL... [LOCAL]") {
		t.Errorf("get --help: exit %d, stdout:\n%s", code, out)
	}
}

// shortRetr is a fake server whose RETR announces 1000 bytes and sends
// 10.
func shortRetr(c *ftptest.FakeConn) {
	c.Reply("220 fake ready")
	for {
		line, ok := c.ReadCommand()
		if !ok {
			return
		}
		verb, _, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "USER":
			c.Reply("331 password please")
		case "PASS":
			c.Reply("230 in")
		case "PWD":
			c.Reply(`257 "/" is the current directory`)
		case "TYPE":
			c.Reply("200 ok")
		case "EPSV":
			d := c.Passive()
			c.Reply(d.EPSVReply())
			if _, ok := c.ReadCommand(); !ok {
				return
			}
			c.Reply("150 Opening BINARY mode data connection for f (1000 bytes).")
			if dc, err := d.Accept(); err == nil {
				dc.Write(bytes.Repeat([]byte("x"), 10))
				dc.Close()
			}
			c.Reply("226 done")
		case "QUIT":
			c.Reply("221 bye")
			return
		default:
			c.Reply("502 no")
		}
	}
}

func TestFailedDownloadLeavesNoFile(t *testing.T) {
	f := ftptest.NewFake(t, shortRetr)
	dir := t.TempDir()
	final := filepath.Join(dir, "f")
	if err := os.WriteFile(final, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := ftpkit(t, "--retries=0", "get", "ftp://u:p@"+f.Addr+"/f", final)
	if code != 9 || !strings.HasPrefix(stderr, "ftpkit: get f: ") || !strings.Contains(stderr, "transfer incomplete") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"f"}) {
		t.Errorf("failed download left %q", names)
	}
	if b, _ := os.ReadFile(final); string(b) != "old" {
		t.Errorf("failed download changed the file: %q", b)
	}

	// With no earlier file there is nothing at all.
	os.Remove(final)
	if _, _, code := ftpkit(t, "--retries=0", "get", "ftp://u:p@"+f.Addr+"/f", final); code != 9 {
		t.Errorf("exit %d", code)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("failed download left %q", names)
	}
}

func TestDebugHidesPassword(t *testing.T) {
	const pw = "Sup3r-Secret-Word"
	s := ftptest.NewServer(t, ftptest.WithCredentials("test", pw))
	_, stderr, code := ftpkit(t, "--debug=2", "ls", serverURL(s, ""))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, `*cmd* "PASS ****"`) || !strings.Contains(stderr, "*put*") {
		t.Errorf("debug output lacks the exchange:\n%s", stderr)
	}
	_, stderr2, code := ftpkit(t, "-d", "-d", "-d", "ls", "ftp://test:wrong"+pw+"@"+s.Addr+"/")
	if code != 5 {
		t.Errorf("wrong password: exit %d", code)
	}
	if strings.Contains(stderr+stderr2, pw) {
		t.Errorf("debug output shows the password:\n%s%s", stderr, stderr2)
	}
}

func TestProgressBar(t *testing.T) {
	orig := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	defer func() { isTerminal = orig }()
	s := ftptest.NewServer(t)
	local := t.TempDir()
	src := filepath.Join(local, "big.bin")
	want := writeRandom(t, src, 2<<20)

	_, stderr, code := ftpkit(t, "put", src, serverURL(s, ""))
	if code != 0 || !strings.Contains(stderr, "big.bin") || !strings.Contains(stderr, "100%") {
		t.Errorf("put: exit %d, stderr %q", code, stderr)
	}
	dst := filepath.Join(local, "copy.bin")
	_, stderr, code = ftpkit(t, "get", serverURL(s, "big.bin"), dst)
	if code != 0 || !strings.Contains(stderr, "100%") || !strings.Contains(stderr, "2.1 MB") {
		t.Errorf("get: exit %d, stderr %q", code, stderr)
	}
	if sum(t, dst) != want {
		t.Error("download differs")
	}
	_, stderr, code = ftpkit(t, "--quiet", "get", serverURL(s, "big.bin"), dst)
	if code != 0 || stderr != "" {
		t.Errorf("get --quiet: exit %d, stderr %q", code, stderr)
	}

	// To standard output: a bar only when standard output is not the
	// terminal too.
	_, stderr, code = ftpkit(t, "get", serverURL(s, "big.bin"), "-")
	if code != 0 || stderr != "" {
		t.Errorf("get - with stdout on the terminal: exit %d, stderr %q", code, stderr)
	}
	var out bytes.Buffer
	isTerminal = func(w io.Writer) bool { return w != io.Writer(&out) }
	errb := &bytes.Buffer{}
	code = run(context.Background(), []string{"get", serverURL(s, "big.bin"), "-"}, strings.NewReader(""), &out, errb)
	if code != 0 || !strings.Contains(errb.String(), "100%") || sha256.Sum256(out.Bytes()) != want {
		t.Errorf("get - with stdout to a pipe: exit %d, stderr %q", code, errb.String())
	}

	// Several files at once: one bar.
	into := t.TempDir()
	writeRandom(t, filepath.Join(s.Root, "other.bin"), 2<<20)
	_, stderr, code = ftpkit(t, "get", "-j", "2", serverURL(s, "big.bin"), "ftp://"+s.User+":"+s.Password+"@"+s.Addr+"/o*", into)
	if code != 0 || !strings.Contains(stderr, "2/2 files") || !strings.Contains(stderr, "4.2 MB") {
		t.Errorf("get -j 2: exit %d, stderr %q", code, stderr)
	}
}

func TestInterruptedDownloadLeavesNoFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		c.Reply("220 fake ready")
		for {
			line, ok := c.ReadCommand()
			if !ok {
				return
			}
			verb, _, _ := strings.Cut(line, " ")
			switch strings.ToUpper(verb) {
			case "USER":
				c.Reply("331 password please")
			case "PASS", "TYPE":
				c.Reply("230 ok")
			case "PWD":
				c.Reply(`257 "/" is the current directory`)
			case "ABOR":
				c.Reply("226 aborted")
			case "NOOP":
				c.Reply("200 ok")
			case "EPSV":
				d := c.Passive()
				c.Reply(d.EPSVReply())
				c.ReadCommand()
				c.Reply("150 Opening BINARY mode data connection for f (1000 bytes).")
				if dc, err := d.Accept(); err == nil {
					dc.Write([]byte("0123456789"))
					cancel() // the user presses ^C mid-transfer
				}
			default:
				c.Reply("502 no")
			}
		}
	})
	dir := t.TempDir()
	var out, stderr bytes.Buffer
	code := run(ctx, []string{"get", "ftp://u:p@" + f.Addr + "/f", filepath.Join(dir, "f")}, strings.NewReader(""), &out, &stderr)
	if code != 130 || stderr.String() != "ftpkit: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("interrupted download left %q", names)
	}
}

// TestParallelAndSegments checks get and put of several files at once
// (-j), local wildcards the shell left alone, and a segmented download.
func TestParallelAndSegments(t *testing.T) {
	s := ftptest.NewServer(t)
	local := t.TempDir()
	sums := map[string][32]byte{}
	for _, n := range []string{"one.dat", "two.dat", "three.dat", "skip.txt"} {
		sums[n] = writeRandom(t, filepath.Join(local, n), 200_000)
	}
	// The pattern reaches ftpkit as it is, as from a quoted argument.
	mustRun(t, "put", "-j", "3", filepath.Join(local, "*.dat"), serverURL(s, ""))
	if names := entries(t, s.Root); !slices.Equal(names, []string{"one.dat", "three.dat", "two.dat"}) {
		t.Fatalf("put -j 3 *.dat: %q", names)
	}
	if s.PeakSessions() < 2 {
		t.Errorf("put -j 3 used %d session at most", s.PeakSessions())
	}
	into := t.TempDir()
	mustRun(t, "get", "-j", "3", "ftp://"+s.User+":"+s.Password+"@"+s.Addr+"/*.dat", into)
	for _, n := range []string{"one.dat", "two.dat", "three.dat"} {
		if sum(t, filepath.Join(into, n)) != sums[n] {
			t.Errorf("%s differs", n)
		}
	}

	big := writeRandom(t, filepath.Join(s.Root, "big.bin"), 8<<20)
	dst := filepath.Join(into, "big.bin")
	mustRun(t, "get", "--segments", "4", serverURL(s, "big.bin"), dst)
	if sum(t, dst) != big {
		t.Error("segmented download differs")
	}
	rests := 0
	for _, c := range s.Commands() {
		if strings.HasPrefix(c, "REST ") {
			rests++
		}
	}
	if rests < 3 {
		t.Errorf("--segments 4: %d REST commands, want 3", rests)
	}
}
