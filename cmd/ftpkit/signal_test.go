package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// stall is how long a transfer stops in the middle for a signal to come:
// long, so that a loaded machine still sees the transfer stopped, and
// free, since a client that resets the data connection (as an abort
// does) ends a download's stall at once.
const stall = 10 * time.Second

// stalledServer returns a server holding big.bin (4 MiB) whose next
// transfer by verb stops for a while after 1 MiB.
func stalledServer(t *testing.T, verb string) *ftptest.Server {
	t.Helper()
	s := ftptest.NewServer(t)
	writeRandom(t, filepath.Join(s.Root, "big.bin"), 4<<20)
	s.StallData(verb, 1, 1<<20, stall)
	return s
}

// sawABOR reports whether the server was sent ABOR.
func sawABOR(s *ftptest.Server) bool {
	return slices.ContainsFunc(s.Commands(), func(c string) bool { return strings.HasSuffix(c, "ABOR") })
}

// TestSignalsEndDownloads checks that SIGINT, SIGTERM and SIGHUP in the
// middle of a download abort the transfer (ABOR), remove the temporary
// file, and exit with 128 plus the signal's number.
func TestSignalsEndDownloads(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(signalName(sig), func(t *testing.T) {
			t.Parallel()
			s := stalledServer(t, "RETR")
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "big.bin"), []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := command(t, "--quiet", "get", serverURL(s, "big.bin"), filepath.Join(dir, "big.bin"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "1 MiB in the temporary file", func() bool {
				parts, _ := filepath.Glob(filepath.Join(dir, ".big.bin.ftpkit-*.part"))
				if len(parts) != 1 {
					return false
				}
				fi, err := os.Stat(parts[0])
				return err == nil && fi.Size() == 1<<20
			})
			cmd.Process.Signal(sig)
			cmd.Wait()
			if code, want := cmd.ProcessState.ExitCode(), 128+int(sig); code != want {
				t.Errorf("exit %d, want %d; stderr %q", code, want, stderr.String())
			}
			if want := "ftpkit: interrupted by " + signalName(sig) + "\n"; stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			if names := entries(t, dir); !slices.Equal(names, []string{"big.bin"}) {
				t.Errorf("left %q", names)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "big.bin")); string(b) != "old" {
				t.Errorf("the existing file changed: %d bytes", len(b))
			}
			waitFor(t, "ABOR", func() bool { return sawABOR(s) })
		})
	}
}

// TestSignalDuringUpload checks that an interrupted put aborts the
// transfer and says what it left on the server, and how to resume.
//
// (An upload whose every byte is already in the sockets' buffers when
// the signal comes is not aborted: Close waits for the completion reply
// and the Conn is closed when the context ends, without ABOR.)
func TestSignalDuringUpload(t *testing.T) {
	t.Parallel()
	s := ftptest.NewServer(t)
	src := filepath.Join(t.TempDir(), "up.bin")
	// Larger than what the sockets' buffers hold, so that the upload is
	// still sending when the signal comes.
	writeRandom(t, src, 32<<20)
	// An upload's stall does not end when the client resets (the server
	// is not reading): a short one, which a 32 MiB upload outlasts.
	s.StallData("STOR", 1, 1<<20, 3*time.Second)
	cmd := command(t, "--quiet", "put", src, serverURL(s, ""))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "1 MiB on the server", func() bool {
		fi, err := os.Stat(filepath.Join(s.Root, "up.bin"))
		return err == nil && fi.Size() >= 1<<20
	})
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Errorf("exit %d, want 143; stderr %q", code, stderr.String())
	}
	want := regexp.MustCompile(`^ftpkit: interrupted by SIGTERM\n` +
		`ftpkit: note: up.bin now holds \d+ bytes, part of the upload: run put -c to send the rest, or use --temp to upload under a temporary name, renamed when complete\n$`)
	if !want.MatchString(stderr.String()) {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), want)
	}
	waitFor(t, "ABOR", func() bool { return sawABOR(s) })
}

// TestBrokenPipe checks that a closed standard output ends a download
// quietly, with the transfer aborted and the status of SIGPIPE (141).
func TestBrokenPipe(t *testing.T) {
	s := ftptest.NewServer(t)
	writeRandom(t, filepath.Join(s.Root, "big.bin"), 4<<20)
	cmd := command(t, "get", serverURL(s, "big.bin"), "-")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := io.ReadFull(r, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	r.Close() // as head -c 100 does
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 141 || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 141 and nothing", code, stderr.String())
	}
	waitFor(t, "ABOR", func() bool { return sawABOR(s) })
}

// TestDemoBrokenPipe checks that "ftpkit demo | head -1" removes the
// demo's temporary directory.
func TestDemoBrokenPipe(t *testing.T) {
	tmp := t.TempDir()
	cmd := command(t, "demo")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ftpkit demo") {
		t.Fatalf("first line %q, %v", line, err)
	}
	r.Close()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 141 || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 141 and nothing", code, stderr.String())
	}
	if names := entries(t, tmp); len(names) != 0 {
		t.Errorf("the demo left %q in TMPDIR", names)
	}
}
