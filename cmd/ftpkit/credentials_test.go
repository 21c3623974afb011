package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/ftpkit/ftp/ftptest"
)

// secret is the password of the tests that check it is never shown.
const secret = "S3cr3t-Pa55"

// secretServer returns a server for alice, password secret, holding a.txt
// and b.txt.
func secretServer(t *testing.T) *ftptest.Server {
	t.Helper()
	s := ftptest.NewServer(t, ftptest.WithCredentials("alice", secret))
	for _, n := range []string{"a.txt", "b.txt"} {
		if err := os.WriteFile(filepath.Join(s.Root, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestTwoURLs checks the mistake of the issue: "get URL1 URL2" downloads
// both files; it neither writes URL1 to a file named like URL2 nor shows
// the password.
func TestTwoURLs(t *testing.T) {
	s := secretServer(t)
	dir := t.TempDir()
	t.Chdir(dir)
	out, stderr, code := ftpkit(t, "get", serverURL(s, "a.txt"), serverURL(s, "b.txt"))
	if code != 0 || out != "" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"a.txt", "b.txt"}) {
		t.Errorf("get URL1 URL2 wrote %q", names)
	}
}

// TestNoPasswordShown runs failing commands whose URLs carry a password
// and checks that no output shows it.
func TestNoPasswordShown(t *testing.T) {
	s := secretServer(t)
	dir := t.TempDir()
	t.Chdir(dir) // "get good missing" writes a.txt to the working directory
	good := serverURL(s, "a.txt")
	wrong := "ftp://alice:" + secret + "x@" + s.Addr + "/a.txt"
	s.CutData("RETR", 1, 1)
	for _, args := range [][]string{
		{"get", good, serverURL(s, "missing.txt")},
		{"get", good, serverURL(s, "missing.txt"), dir},
		{"get", serverURL(s, "missing.txt"), "ftp:/alice:" + secret + "@" + s.Addr + "/b.txt"},
		{"get", "ftp://alice:" + secret + "@" + s.Addr + ":99999/a.txt"},
		{"get", "ftp://alice:" + secret + "@" + s.Addr + "/a%zz"},
		{"get", "ftp://alice:" + secret + "/x@" + s.Addr + "/a.txt"},
		{"ls", wrong},
		{"-u", "alice:" + secret + "x", "ls", "ftp://" + s.Addr + "/"},
		{"-d", "-d", "-d", "ls", wrong},
		{"-d", "--retries=1", "get", good, filepath.Join(dir, "a.txt")},
		{"put", good, serverURL(s, "up.txt")},
		{"mv", good, "ftp://bob:" + secret + "@elsewhere/x"},
		{"quote", good, "PASS " + secret},
		{"--tls", "ls", good},
	} {
		out, stderr, code := ftpkit(t, args...)
		if strings.Contains(out+stderr, secret) {
			t.Errorf("%q: exit %d, output shows the password:\n%s%s", args, code, out, stderr)
		}
	}
}

// TestUserFlag checks -u user:password, -u user with $FTPKIT_PASSWORD,
// and a user without any password when there is no terminal to ask on.
func TestUserFlag(t *testing.T) {
	s := secretServer(t)
	noUser := "ftp://" + s.Addr + "/"
	if out := mustRun(t, "-u", "alice:"+secret, "ls", noUser); out != "a.txt\nb.txt\n" {
		t.Errorf("-u alice:PASSWORD: %q", out)
	}
	// -u wins over the URL's credentials.
	if out := mustRun(t, "-u", "alice:"+secret, "ls", "ftp://bob:x@"+s.Addr+"/"); out != "a.txt\nb.txt\n" {
		t.Errorf("-u over the URL's user: %q", out)
	}
	_, stderr, code := ftpkit(t, "-u", "alice", "ls", noUser)
	if code != exitLogin || !strings.HasPrefix(stderr, "ftpkit: no password for alice@127.0.0.1: give it with -u alice:PASSWORD, in $FTPKIT_PASSWORD or in the netrc file") {
		t.Errorf("-u alice without a password: exit %d, stderr %q", code, stderr)
	}
	t.Setenv("FTPKIT_PASSWORD", secret)
	if out := mustRun(t, "-u", "alice", "ls", noUser); out != "a.txt\nb.txt\n" {
		t.Errorf("-u alice with $FTPKIT_PASSWORD: %q", out)
	}
	if out := mustRun(t, "ls", "ftp://alice@"+s.Addr+"/"); out != "a.txt\nb.txt\n" {
		t.Errorf("URL user with $FTPKIT_PASSWORD: %q", out)
	}
}

// ptyOutput collects what a process writes to its terminal.
type ptyOutput struct {
	mu   sync.Mutex
	b    bytes.Buffer
	done chan struct{}
}

func readPTY(f *os.File) *ptyOutput {
	p := &ptyOutput{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			p.mu.Lock()
			p.b.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.String()
}

// waitText waits for s in the output.
func (p *ptyOutput) waitText(t *testing.T, s string) {
	t.Helper()
	p.waitAfter(t, 0, s)
}

// mark returns how much output has come so far, for waitAfter.
func (p *ptyOutput) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.Len()
}

// waitAfter waits for s in the output after the mark from.
func (p *ptyOutput) waitAfter(t *testing.T, from int, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.String()[from:], s) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; the terminal shows:\n%s", s, p.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPasswordPrompt checks the prompt on the terminal for a user
// without a password: the password is read without echo.
func TestPasswordPrompt(t *testing.T) {
	s := secretServer(t)
	cmd := command(t, "-u", "alice", "ls", "ftp://"+s.Addr+"/")
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := readPTY(tty)
	out.waitText(t, "Password for alice@127.0.0.1: ")
	io.WriteString(tty, secret+"\r")
	cmd.Wait()
	<-out.done
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d; terminal:\n%s", code, out)
	}
	if got := out.String(); strings.Contains(got, secret) || !strings.HasSuffix(got, "a.txt\r\nb.txt\r\n") {
		t.Errorf("terminal:\n%q", got)
	}
}
