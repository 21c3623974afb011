package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/internal/realserver"
)

// rsURL returns the URL of p on the real server s.
func rsURL(s *realserver.Server, p string) string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(s.User, s.Password), Host: s.Addr, Path: "/" + p}
	return u.String()
}

// rsGlobURL returns the URL of p on s with its wildcards as they are.
func rsGlobURL(s *realserver.Server, p string) string {
	return "ftp://" + url.UserPassword(s.User, s.Password).String() + "@" + s.Addr + "/" + p
}

// TestCommandsRealServers runs every command against each real server:
// the same output on all four, missing paths as errors (exit status 6),
// listings sorted, without "." and "..", names relative to the listed
// directory.
func TestCommandsRealServers(t *testing.T) {
	t.Parallel() // proftpd greets each session 0.4 s late: overlap it with the rest
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := realserver.Start(t, kind, realserver.Config{})
			s.WriteFile("dir/b.txt", []byte("bee\n"))
			s.WriteFile("dir/a.txt", []byte("a\n"))
			s.WriteFile("dir/.hidden", []byte("h"))
			s.WriteFile("dir/sub/c.txt", []byte("sea\n"))
			s.Mkdir("empty")
			s.WriteFileMode("secret.txt", []byte("s"), 0)
			local := t.TempDir()

			check := func(name string, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
				}
			}
			checkExit := func(args []string, code int) string {
				t.Helper()
				out, stderr, got := ftpkit(t, args...)
				if got != code && !(code < 0 && got != 0) {
					t.Errorf("%q: exit %d, want %d; stderr %q", args, got, code, stderr)
				}
				return out
			}

			// ls: names, sorted, the same on every server.
			check("ls dir", mustRun(t, "ls", rsURL(s, "dir")), "a.txt\nb.txt\nsub\n")
			check("ls dir/", mustRun(t, "ls", rsURL(s, "dir/")), "a.txt\nb.txt\nsub\n")
			check("ls -a dir", mustRun(t, "ls", "-a", rsURL(s, "dir")), ".hidden\na.txt\nb.txt\nsub\n")
			check("ls -R dir", mustRun(t, "ls", "-R", rsURL(s, "dir")), "dir:\na.txt\nb.txt\nsub\n\ndir/sub:\nc.txt\n")
			check("ls empty", mustRun(t, "ls", rsURL(s, "empty")), "")
			check("ls glob", mustRun(t, "ls", rsGlobURL(s, "dir/*.txt")), "dir/a.txt\ndir/b.txt\n")
			long := strings.Split(strings.TrimSuffix(mustRun(t, "ls", "-l", rsURL(s, "dir")), "\n"), "\n")
			if len(long) != 3 || !strings.HasPrefix(long[0], "-") || !strings.HasSuffix(long[0], " a.txt") ||
				!strings.HasPrefix(long[2], "d") || !strings.HasSuffix(long[2], " sub") || !strings.Contains(long[1], " 4 ") {
				t.Errorf("ls -l dir:\n%s", strings.Join(long, "\n"))
			}
			var js []jsonEntry
			for _, l := range strings.Split(strings.TrimSpace(mustRun(t, "ls", "--json", rsURL(s, "dir"))), "\n") {
				var e jsonEntry
				if err := json.Unmarshal([]byte(l), &e); err != nil {
					t.Fatalf("ls --json line %q: %v", l, err)
				}
				js = append(js, e)
			}
			if len(js) != 3 || js[0].Name != "a.txt" || js[0].Path != "dir/a.txt" || js[0].Type != "file" ||
				js[0].Size == nil || *js[0].Size != 2 || js[0].MTime == nil || js[2].Type != "dir" {
				t.Errorf("ls --json: %+v", js)
			}

			// A missing directory is an error, with or without -l, on
			// every server (vsftpd and pure-ftpd list it as empty).
			checkExit([]string{"ls", rsURL(s, "nodir")}, exitNotFound)
			checkExit([]string{"ls", "-l", rsURL(s, "nodir")}, exitNotFound)
			checkExit([]string{"ls", "-U", rsURL(s, "nodir/")}, exitNotFound)

			// stat and cat.
			st := mustRun(t, "stat", rsURL(s, "dir/b.txt"))
			if !strings.Contains(st, "type:   file\n") || !strings.Contains(st, "size:   4\n") || !strings.Contains(st, "path:   dir/b.txt\n") {
				t.Errorf("stat:\n%s", st)
			}
			if st := mustRun(t, "stat", rsURL(s, "dir/sub")); !strings.Contains(st, "type:   dir\n") {
				t.Errorf("stat dir/sub:\n%s", st)
			}
			checkExit([]string{"stat", rsURL(s, "dir/nothing")}, exitNotFound)
			check("cat", mustRun(t, "cat", rsURL(s, "dir/a.txt"), rsURL(s, "dir/b.txt")), "a\nbee\n")

			// get: one file, wildcards, a missing file, an unreadable one.
			mustRun(t, "get", rsURL(s, "dir/a.txt"), filepath.Join(local, "one.txt"))
			if b, _ := os.ReadFile(filepath.Join(local, "one.txt")); string(b) != "a\n" {
				t.Errorf("get: %q", b)
			}
			into := t.TempDir()
			mustRun(t, "get", "-j", "2", rsGlobURL(s, "dir/*.txt"), into)
			if names := entries(t, into); !slices.Equal(names, []string{"a.txt", "b.txt"}) {
				t.Errorf("get dir/*.txt: %q", names)
			}
			checkExit([]string{"get", rsURL(s, "dir/none.txt"), into}, exitNotFound)
			secret := exitPermission
			if kind == realserver.Vsftpd {
				secret = exitNotFound // vsftpd says "Failed to open file." for both
			}
			checkExit([]string{"get", rsURL(s, "secret.txt"), into}, secret)
			checkExit([]string{"get", rsURL(s, "dir/sub"), into}, exitFailure)

			// put: one file, several, standard input.
			src := filepath.Join(local, "up.txt")
			os.WriteFile(src, []byte("up\n"), 0o644)
			mustRun(t, "put", src, rsURL(s, "dir/"))
			mustRun(t, "put", src, filepath.Join(local, "one.txt"), rsURL(s, "empty"))
			if out, stderr, code := ftpkitIn(t, "from stdin\n", "put", "-", rsURL(s, "stdin.txt")); code != 0 {
				t.Errorf("put -: exit %d, %q %q", code, out, stderr)
			}
			check("after put", mustRun(t, "ls", rsURL(s, "empty")), "one.txt\nup.txt\n")
			check("put -", mustRun(t, "cat", rsURL(s, "stdin.txt")), "from stdin\n")

			// mv, mkdir, rmdir, rm.
			mustRun(t, "mv", rsURL(s, "dir/up.txt"), "dir/moved.txt")
			mustRun(t, "mv", rsURL(s, "stdin.txt"), rsURL(s, "empty"))
			check("after mv", mustRun(t, "ls", rsURL(s, "empty")), "one.txt\nstdin.txt\nup.txt\n")
			mustRun(t, "mkdir", "-p", rsURL(s, "new/x/y"))
			mustRun(t, "mkdir", "-p", rsURL(s, "new/x/y"))
			checkExit([]string{"mkdir", rsURL(s, "nodir/x")}, -1)
			mustRun(t, "mkdir", rsURL(s, "new/z"))
			check("after mkdir", mustRun(t, "ls", "-R", rsURL(s, "new")), "new:\nx\nz\n\nnew/x:\ny\n\nnew/x/y:\n\nnew/z:\n")
			mustRun(t, "rmdir", rsURL(s, "new/x/y"))
			checkExit([]string{"rmdir", rsURL(s, "new/x/y")}, exitNotFound)
			mustRun(t, "rm", rsURL(s, "dir/moved.txt"))
			checkExit([]string{"rm", rsURL(s, "dir/moved.txt")}, exitNotFound)
			mustRun(t, "rm", "-f", rsURL(s, "dir/moved.txt"))
			checkExit([]string{"rm", rsURL(s, "new")}, exitFailure)
			mustRun(t, "rm", "-r", rsURL(s, "new"))
			mustRun(t, "rm", rsGlobURL(s, "empty/*.txt"))
			check("after rm", mustRun(t, "ls", rsURL(s, "")), "dir\nempty\nsecret.txt\n")

			// quote.
			if out := mustRun(t, "quote", rsURL(s, ""), "NOOP", "SYST"); !strings.HasPrefix(out, "200") || !strings.Contains(out, "\n215 ") {
				t.Errorf("quote: %q", out)
			}
			checkExit([]string{"quote", rsURL(s, ""), "CWD nodir"}, exitNotFound)
		})
	}
}

// TestGetBatchesRealServers: get of a wildcard sends the small files it
// listed in batches (DownloadEach) to the servers that take them, one at
// a time to pyftpdlib, and every file arrives whole; a file over 256 KiB
// goes alone.
func TestGetBatchesRealServers(t *testing.T) {
	t.Parallel()
	for _, kind := range []realserver.Kind{realserver.Vsftpd, realserver.PureFTPd, realserver.Pyftpdlib} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := realserver.Start(t, kind, realserver.Config{})
			want := map[string][]byte{}
			for i := range 40 {
				b := []byte(strings.Repeat(string(rune('a'+i%26)), i*1013))
				name := fmt.Sprintf("f%02d.bin", i)
				want[name] = b
				s.WriteFile("dir/"+name, b)
			}
			want["zbig.bin"] = []byte(strings.Repeat("z", 300<<10))
			s.WriteFile("dir/zbig.bin", want["zbig.bin"])
			into := t.TempDir()
			_, stderr, code := ftpkit(t, "--debug", "get", "-j", "2", rsGlobURL(s, "dir/*.bin"), into)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for name, b := range want {
				got, err := os.ReadFile(filepath.Join(into, name))
				if err != nil || sha256.Sum256(got) != sha256.Sum256(b) {
					t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(b))
				}
			}
			batches := strings.Count(stderr, "*batch*")
			switch {
			case kind == realserver.Pyftpdlib && batches != 0:
				t.Errorf("%d batches to pyftpdlib", batches)
			case kind != realserver.Pyftpdlib && batches < 3:
				t.Errorf("%d batches for 40 small files, want at least 3", batches)
			}
			if strings.Contains(stderr, `"RETR dir/zbig.bin"`) == false {
				t.Errorf("the large file was not downloaded")
			}
		})
	}
}
