package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/ftpkit/ftp/ftptest"
)

// shellServer returns a server holding dir/a.txt, dir/b.txt,
// dir/sub/c.txt and "with space.txt".
func shellServer(t *testing.T) *ftptest.Server {
	t.Helper()
	s := ftptest.NewServer(t)
	for name, content := range map[string]string{
		"dir/a.txt": "a\n", "dir/b.txt": "bee\n", "dir/sub/c.txt": "sea\n", "with space.txt": "space\n",
	} {
		p := filepath.Join(s.Root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestShellScript runs the shell on commands from standard input.
func TestShellScript(t *testing.T) {
	s := shellServer(t)
	local := t.TempDir()
	if err := os.WriteFile(filepath.Join(local, "up.txt"), []byte("up\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(local, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := strings.Join([]string{
		"pwd",
		"ls",
		"cd nodir",
		"cd dir",
		"pwd",
		"ls -l sub",
		"lcd " + quoteWord(local),
		"get a.txt",
		"get -o out *.txt",
		"put up.txt",
		"ls",
		"mv up.txt moved.txt",
		"stat moved.txt",
		"cat b.txt",
		"mkdir -p x/y",
		"ls x",
		"rmdir x/y",
		"rm -r x",
		"rm moved.txt",
		"quote SYST",
		"cd ..",
		`get "with space.txt"`,
		"get with\\ space.txt -o copy.txt",
		"bye",
		"pwd",
	}, "\n") + "\n"
	out, stderr, code := ftpkitIn(t, script, "shell", serverURL(s, ""))
	if code != 0 {
		t.Errorf("exit %d; stderr:\n%s", code, stderr)
	}
	wantOut := "/\n" +
		"dir\nwith space.txt\n" +
		"/dir\n" +
		"-????????? -        -                   4 " // ls -l sub: MLSD without UNIX.mode
	if !strings.HasPrefix(out, wantOut) {
		t.Errorf("stdout starts:\n%s\nwant:\n%s", out, wantOut)
	}
	for _, want := range []string{
		" c.txt\n",
		"a.txt\nb.txt\nsub\nup.txt\n",
		"path:   /dir/moved.txt\ntype:   file\nsize:   3\n",
		"bee\n",
		"y\n",
		"215 UNIX Type: L8\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if stderr != "ftpkit: cd nodir: ftp: MLST /nodir: 550 /nodir: No such file or directory\n" &&
		!strings.HasPrefix(stderr, "ftpkit: cd /dir/nodir") && !strings.HasPrefix(stderr, "ftpkit: cd /nodir") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if names := entries(t, local); !slices.Equal(names, []string{"a.txt", "copy.txt", "out", "up.txt", "with space.txt"}) {
		t.Errorf("local directory holds %q", names)
	}
	if names := entries(t, filepath.Join(local, "out")); !slices.Equal(names, []string{"a.txt", "b.txt"}) {
		t.Errorf("get -o out *.txt wrote %q", names)
	}
	if names := entries(t, filepath.Join(s.Root, "dir")); !slices.Equal(names, []string{"a.txt", "b.txt", "sub"}) {
		t.Errorf("the server's dir holds %q", names)
	}
}

// TestShellStatus checks that the shell's exit status is its last
// command's, and that a script's errors do not end it.
func TestShellStatus(t *testing.T) {
	s := shellServer(t)
	_, stderr, code := ftpkitIn(t, "cd nodir\n", "shell", serverURL(s, ""))
	if code != exitNotFound || !strings.HasPrefix(stderr, "ftpkit: cd ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	out, stderr, code := ftpkitIn(t, "ls\nfrobnicate\n'unterminated\nls nodir\nls dir\n", "shell", serverURL(s, ""))
	if code != 0 || out != "dir\nwith space.txt\na.txt\nb.txt\nsub\n" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	want := "ftpkit: unknown command \"frobnicate\" (try help)\nftpkit: unterminated ' (try help)\n"
	if !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "ftpkit: ls nodir: ") {
		t.Errorf("stderr:\n%s", stderr)
	}
	out, _, code = ftpkitIn(t, "help\nls\n", "shell")
	if code != exitUsage || !strings.Contains(out, "get [-c] [-n] [-p]") {
		t.Errorf("help, then ls without a server: exit %d, stdout:\n%s", code, out)
	}
}

// TestShellTerminal runs the shell on a pseudo-terminal: prompts, tab
// completion of remote names, ^C at the prompt, the history file.
func TestShellTerminal(t *testing.T) {
	s := shellServer(t)
	home, local := t.TempDir(), t.TempDir()
	cmd := command(t, "shell", serverURL(s, ""))
	cmd.Env = append(os.Environ(), "HOME="+home)
	cmd.Dir = local
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := readPTY(tty)
	// send types keys and returns the mark of the output before them.
	send := func(keys string) int {
		t.Helper()
		m := out.mark()
		io.WriteString(tty, keys)
		return m
	}
	out.waitText(t, "ftpkit 127.0.0.1:/> ")
	out.waitAfter(t, send("cd di\t"), "cd dir/")
	out.waitAfter(t, send("\r"), "ftpkit 127.0.0.1:/dir> ")
	out.waitAfter(t, send("get a\t"), "get a.txt ")
	out.waitAfter(t, send("\r"), "ftpkit 127.0.0.1:/dir> ")
	out.waitAfter(t, send("ls su\t"), "ls sub/")
	m := send("\r")
	out.waitAfter(t, m, "c.txt")
	out.waitAfter(t, m, "ftpkit 127.0.0.1:/dir> ")
	out.waitAfter(t, send("half a line"), "half a line")
	out.waitAfter(t, send("\x03"), "ftpkit 127.0.0.1:/dir> ") // ^C: a new line, the session goes on
	out.waitAfter(t, send("cd ..\r"), "ftpkit 127.0.0.1:/> ")
	out.waitAfter(t, send("get wi\t"), `get with\ space.txt `)
	out.waitAfter(t, send("\r"), "ftpkit 127.0.0.1:/> ")
	// ^C during a command interrupts the command, not the session.
	writeRandom(t, filepath.Join(s.Root, "big.bin"), 4<<20)
	s.StallData("RETR", 1, 1<<20, stall)
	send("get big.bin\r")
	var seen string // what the wait saw last, told if it fails
	defer func() {
		if t.Failed() {
			t.Logf("last seen: %s; terminal:\n%s", seen, out)
		}
	}()
	waitFor(t, "1 MiB of big.bin", func() bool {
		parts, _ := filepath.Glob(filepath.Join(local, ".big.bin.ftpkit-*.part"))
		seen = fmt.Sprintf("temporary files %q", parts)
		if len(parts) != 1 {
			return false
		}
		fi, err := os.Stat(parts[0])
		if err == nil {
			seen += fmt.Sprintf(", %d bytes", fi.Size())
		}
		return err == nil && fi.Size() == 1<<20
	})
	m = send("\x03")
	out.waitAfter(t, m, "ftpkit: interrupted")
	out.waitAfter(t, m, "ftpkit 127.0.0.1:/> ")
	out.waitAfter(t, send("pwd\r"), "pwd\r\n/\r\n")
	send("bye\r")
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the shell did not end; terminal:\n%s", out)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d; terminal:\n%s", code, out)
	}
	if names := entries(t, local); !slices.Equal(names, []string{"a.txt", "with space.txt"}) {
		t.Errorf("downloaded %q; terminal:\n%s", names, out)
	}
	history, _ := os.ReadFile(filepath.Join(home, ".ftpkit_history"))
	if !strings.Contains(string(history), "cd dir/\n") || strings.Contains(string(history), "half a line") {
		t.Errorf("history:\n%s", history)
	}
}

// TestShellOpenPrompt checks open with a user and no password in the
// shell on a terminal: the password is asked for without echo, between
// two lines that readline reads.
func TestShellOpenPrompt(t *testing.T) {
	s := secretServer(t)
	cmd := command(t, "shell")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := readPTY(tty)
	out.waitText(t, "ftpkit> ")
	open := func(password string) int {
		t.Helper()
		m := out.mark()
		io.WriteString(tty, "open ftp://alice@"+s.Addr+"/\r")
		out.waitAfter(t, m, "Password for alice@127.0.0.1: ")
		m = out.mark()
		io.WriteString(tty, password+"\r")
		return m
	}
	m := open("not-" + secret)
	out.waitAfter(t, m, "ftpkit: login as alice")
	out.waitAfter(t, m, "ftpkit> ")
	m = open(secret)
	out.waitAfter(t, m, "ftpkit 127.0.0.1:/> ")
	if strings.Contains(out.String()[m:], secret) {
		t.Errorf("the password was echoed:\n%s", out)
	}
	io.WriteString(tty, "bye\r")
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d; terminal:\n%s", code, out)
	}
}
