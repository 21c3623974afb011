package main

import (
	"bytes"
	"crypto/sha256"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ftpkit/ftp/ftptest"
)

// fileServer returns a server holding f.bin (300 KB), and its SHA-256.
func fileServer(t *testing.T) (*ftptest.Server, [32]byte) {
	t.Helper()
	s := ftptest.NewServer(t)
	return s, writeRandom(t, filepath.Join(s.Root, "f.bin"), 300_000)
}

// readFIFO reads the FIFO name to its end in the background and returns
// a channel that gets the SHA-256 of what came.
func readFIFO(t *testing.T, name string) <-chan [32]byte {
	t.Helper()
	ch := make(chan [32]byte, 1)
	go func() {
		f, err := os.Open(name)
		if err != nil {
			ch <- [32]byte{}
			return
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		var sum [32]byte
		copy(sum[:], h.Sum(nil))
		ch <- sum
	}()
	return ch
}

// TestGetIntoSpecialFiles checks that get writes a destination that is
// not a regular file in place, never replacing it: a FIFO, a character
// device, a symbolic link to either; and that a symbolic link to a
// regular file stays a link, its target updated.
func TestGetIntoSpecialFiles(t *testing.T) {
	s, want := fileServer(t)
	url := serverURL(s, "f.bin")

	t.Run("fifo", func(t *testing.T) {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "pipe")
		if err := unix.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		got := readFIFO(t, fifo)
		mustRun(t, "get", url, fifo)
		if <-got != want {
			t.Error("the FIFO's reader got other bytes")
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode().Type() != fs.ModeNamedPipe {
			t.Errorf("the FIFO is now %v, %v", fi.Mode(), err)
		}
		if names := entries(t, dir); !slices.Equal(names, []string{"pipe"}) {
			t.Errorf("left %q", names)
		}
	})

	t.Run("link to fifo", func(t *testing.T) {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "pipe")
		link := filepath.Join(dir, "link")
		if err := unix.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("pipe", link); err != nil {
			t.Fatal(err)
		}
		got := readFIFO(t, fifo)
		mustRun(t, "get", url, link)
		if <-got != want {
			t.Error("the FIFO's reader got other bytes")
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode().Type() != fs.ModeSymlink {
			t.Errorf("the link is now %v, %v", fi.Mode(), err)
		}
	})

	t.Run("char device", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("mknod needs root")
		}
		dir := t.TempDir()
		null := filepath.Join(dir, "null")
		// A device like /dev/null (1, 3), made where the test may write.
		if err := unix.Mknod(null, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Skipf("mknod: %v", err)
		}
		mustRun(t, "get", url, null)
		if fi, err := os.Lstat(null); err != nil || fi.Mode().Type() != fs.ModeDevice|fs.ModeCharDevice {
			t.Errorf("the device is now %v, %v", fi.Mode(), err)
		}
		if names := entries(t, dir); !slices.Equal(names, []string{"null"}) {
			t.Errorf("left %q", names)
		}
	})

	t.Run("link to regular file", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "target.bin")
		link := filepath.Join(dir, "link.bin")
		if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("target.bin", link); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "get", url, link)
		if fi, err := os.Lstat(link); err != nil || fi.Mode().Type() != fs.ModeSymlink {
			t.Errorf("the link is now %v, %v", fi.Mode(), err)
		}
		if sum(t, target) != want {
			t.Error("the link's target was not updated")
		}
		if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
			t.Errorf("the target's mode is %v, want 0640", fi.Mode().Perm())
		}
		if names := entries(t, dir); !slices.Equal(names, []string{"link.bin", "target.bin"}) {
			t.Errorf("left %q", names)
		}
	})
}

// TestGetDevNullAsUser checks "get URL /dev/null" run by a user who may
// not write in /dev: the device is written, nothing is made beside it.
func TestGetDevNullAsUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("running as another user needs root")
	}
	s, _ := fileServer(t)
	cmd := command(t, "get", serverURL(s, "f.bin"), "/dev/null")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("get URL /dev/null as nobody: %v\n%s", err, out)
	}
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode().Type() != fs.ModeDevice|fs.ModeCharDevice {
		t.Fatalf("/dev/null is now %v, %v", fi.Mode(), err)
	}
	if parts, _ := filepath.Glob("/dev/.null*"); len(parts) != 0 {
		t.Errorf("left %q in /dev", parts)
	}
}

// TestGetModes checks the permissions get gives: a new file follows the
// umask (0600 under umask 077, not 0644), an existing file keeps its
// mode, and -p alone sets the remote time.
func TestGetModes(t *testing.T) {
	s, want := fileServer(t)
	url := serverURL(s, "f.bin")
	dir := t.TempDir()
	umask := func(mask, dst string, extra ...string) {
		t.Helper()
		args := append([]string{"get"}, extra...)
		args = append(args, url, dst)
		cmd := exec.Command("sh", append([]string{"-c", `umask ` + mask + ` && exec "$@"`, "sh", binary(t)}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("umask %s; ftpkit %q: %v\n%s", mask, args, err, out)
		}
		if sum(t, dst) != want {
			t.Errorf("%s differs", dst)
		}
	}
	mode := func(name string) fs.FileMode {
		t.Helper()
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}

	umask("077", filepath.Join(dir, "new077"))
	if m := mode(filepath.Join(dir, "new077")); m != 0o600 {
		t.Errorf("new file under umask 077: %v, want 0600", m)
	}
	umask("022", filepath.Join(dir, "new022"))
	if m := mode(filepath.Join(dir, "new022")); m != 0o644 {
		t.Errorf("new file under umask 022: %v, want 0644", m)
	}

	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	umask("022", existing)
	if m := mode(existing); m != 0o600 {
		t.Errorf("overwritten 0600 file: %v, want 0600", m)
	}
	if err := os.Chmod(existing, 0o664); err != nil {
		t.Fatal(err)
	}
	umask("077", existing)
	if m := mode(existing); m != 0o664 {
		t.Errorf("overwritten 0664 file under umask 077: %v, want 0664", m)
	}

	// Times: the download's own without -p, the server's with it.
	remote, _ := os.Stat(filepath.Join(s.Root, "f.bin"))
	old := remote.ModTime().Add(-48 * 3600e9)
	if err := os.Chtimes(filepath.Join(s.Root, "f.bin"), old, old); err != nil {
		t.Fatal(err)
	}
	noP, withP := filepath.Join(dir, "nop"), filepath.Join(dir, "withp")
	mustRun(t, "get", url, noP)
	mustRun(t, "get", "-p", url, withP)
	if fi, _ := os.Stat(noP); fi.ModTime().Unix() == old.Unix() {
		t.Errorf("without -p the file has the remote time %v", fi.ModTime())
	}
	if fi, _ := os.Stat(withP); fi.ModTime().Unix() != old.Unix() {
		t.Errorf("with -p the time is %v, want %v", fi.ModTime(), old)
	}
}

// TestGetTargetChecks checks that a destination that cannot be written
// fails before the download, naming the destination, not a temporary
// file: a directory holding the file's name, a missing directory.
func TestGetTargetChecks(t *testing.T) {
	s, _ := fileServer(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "f.bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := ftpkit(t, "get", serverURL(s, "f.bin"), dir)
	if code != exitLocal || stderr != "ftpkit: get f.bin: open "+filepath.Join(dir, "f.bin")+": is a directory\n" {
		t.Errorf("into a directory holding the name: exit %d, stderr %q", code, stderr)
	}
	missing := filepath.Join(dir, "nodir", "f.bin")
	_, stderr, code = ftpkit(t, "get", serverURL(s, "f.bin"), missing)
	if code != exitLocal || stderr != "ftpkit: get f.bin: open "+missing+": no such file or directory\n" {
		t.Errorf("into a missing directory: exit %d, stderr %q", code, stderr)
	}
	for _, c := range s.Commands() {
		if strings.HasPrefix(c, "RETR") {
			t.Errorf("the server was sent %s", c)
		}
	}
	if strings.Contains(stderr, ".part") {
		t.Errorf("the message names a temporary file: %q", stderr)
	}
}

// TestNoClobber checks get and put with --no-clobber: an existing file
// is left alone, with a message, and that is not a failure.
func TestNoClobber(t *testing.T) {
	s, want := fileServer(t)
	dir := t.TempDir()
	dst := filepath.Join(dir, "f.bin")
	if err := os.WriteFile(dst, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := ftpkit(t, "get", "--no-clobber", serverURL(s, "f.bin"), dst)
	if code != 0 || stderr != "ftpkit: get f.bin: "+dst+" exists, not overwritten (--no-clobber)\n" {
		t.Errorf("get -n: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(dst); string(b) != "mine" {
		t.Errorf("get -n overwrote the file: %q", b[:min(len(b), 10)])
	}
	_, stderr, code = ftpkit(t, "put", "-n", dst, serverURL(s, ""))
	if code != 0 || stderr != "ftpkit: put "+dst+": f.bin exists, not overwritten (--no-clobber)\n" {
		t.Errorf("put -n: exit %d, stderr %q", code, stderr)
	}
	if sum(t, filepath.Join(s.Root, "f.bin")) != want {
		t.Error("put -n overwrote the remote file")
	}
	_, stderr, code = ftpkitIn(t, "mine", "put", "-n", "-", serverURL(s, "f.bin"))
	if code != 0 || stderr != "ftpkit: put -: f.bin exists, not overwritten (--no-clobber)\n" {
		t.Errorf("put -n -: exit %d, stderr %q", code, stderr)
	}
	// Without it, both overwrite.
	mustRun(t, "get", serverURL(s, "f.bin"), dst)
	if sum(t, dst) != want {
		t.Error("get did not overwrite")
	}
}

// TestPutBroken checks what put says when an upload breaks, and that -c
// resumes it and --temp leaves nothing under the final name.
func TestPutBroken(t *testing.T) {
	s := ftptest.NewServer(t)
	src := filepath.Join(t.TempDir(), "up.bin")
	want := writeRandom(t, src, 1<<20)
	remote := filepath.Join(s.Root, "up.bin")

	s.CutData("STOR", 1, 300_000)
	_, stderr, code := ftpkit(t, "--retries=0", "put", src, serverURL(s, ""))
	wantNote := "ftpkit: note: up.bin now holds 300000 bytes, part of the upload: run put -c to send the rest, or use --temp to upload under a temporary name, renamed when complete\n"
	if code != exitTransfer || !strings.HasPrefix(stderr, "ftpkit: put up.bin: ") || !strings.HasSuffix(stderr, wantNote) {
		t.Errorf("broken put: exit %d, stderr:\n%s", code, stderr)
	}
	mustRun(t, "put", "-c", src, serverURL(s, ""))
	if sum(t, remote) != want {
		t.Error("put -c did not complete the file")
	}
	if !slices.Contains(s.Commands(), "REST 300000") {
		t.Errorf("put -c did not resume: %q", s.Commands())
	}

	os.Remove(remote)
	s.CutData("STOR", 1, 300_000)
	_, stderr, code = ftpkit(t, "--retries=0", "put", "--temp", src, serverURL(s, ""))
	if code != exitTransfer || strings.Contains(stderr, "note:") {
		t.Errorf("broken put --temp: exit %d, stderr:\n%s", code, stderr)
	}
	if names := entries(t, s.Root); len(names) != 0 {
		t.Errorf("broken put --temp left %q", names)
	}
	mustRun(t, "put", "--temp", src, serverURL(s, "final.bin"))
	if sum(t, filepath.Join(s.Root, "final.bin")) != want {
		t.Error("put --temp differs")
	}
	if names := entries(t, s.Root); !slices.Equal(names, []string{"final.bin"}) {
		t.Errorf("put --temp left %q", names)
	}

	// Standard input: --temp too.
	in := bytes.Repeat([]byte("stdin "), 1000)
	if _, stderr, code := ftpkitIn(t, string(in), "put", "--temp", "-", serverURL(s, "in.txt")); code != 0 {
		t.Fatalf("put --temp -: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(s.Root, "in.txt")); !bytes.Equal(b, in) {
		t.Error("put --temp - differs")
	}
	if names := entries(t, s.Root); !slices.Equal(names, []string{"final.bin", "in.txt"}) {
		t.Errorf("put --temp - left %q", names)
	}
}

// TestGetContinue checks get -c: the rest of the remote file is appended
// to the shorter local one.
func TestGetContinue(t *testing.T) {
	s, want := fileServer(t)
	data, _ := os.ReadFile(filepath.Join(s.Root, "f.bin"))
	dst := filepath.Join(t.TempDir(), "f.bin")
	if err := os.WriteFile(dst, data[:100_000], 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "get", "-c", serverURL(s, "f.bin"), dst)
	if sum(t, dst) != want {
		t.Error("get -c differs")
	}
	if !slices.Contains(s.Commands(), "REST 100000") {
		t.Errorf("get -c did not resume: %q", s.Commands())
	}
}
