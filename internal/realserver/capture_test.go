package realserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// TestCaptureListings regenerates listing/testdata/servers: it builds the
// same tree of files on every server kind and records, byte for byte, the
// replies to SYST and FEAT, the data of LIST, LIST -a, NLST and MLSD, and
// the reply to MLST of one file. It also writes tree.json, what the tree
// really is on disk (lstat of every object) and the reference time for
// year inference, and README.md. It runs only with FTPKIT_CAPTURE=1:
//
//	FTPKIT_CAPTURE=1 go test -run '^TestCaptureListings$' -count=1 ./internal/realserver/
//
// The listing package's servers_test.go checks its parsers against these
// files.
func TestCaptureListings(t *testing.T) {
	if os.Getenv("FTPKIT_CAPTURE") != "1" {
		t.Skip("set FTPKIT_CAPTURE=1 to regenerate listing/testdata/servers")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "listing", "testdata", "servers")
	// Everything is written to tmp first, so that a server that cannot
	// start (the test is skipped) leaves the old capture whole.
	tmp := t.TempDir()
	// Servers that list in local time do so in UTC, like the others.
	t.Setenv("TZ", "UTC")

	start := time.Now().UTC()
	times := captureTimes{
		Old: time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC),
		// A few days before the capture, with seconds, so that LIST
		// (minutes) and MLSD (seconds) differ.
		Recent: start.Add(-3 * 24 * time.Hour).Truncate(time.Minute).Add(17 * time.Second),
	}
	m := captureManifest{
		Old:      times.Old,
		Recent:   times.Recent,
		Versions: serverVersions(t),
		Servers:  map[Kind]*serverTree{},
	}
	var files []string
	for _, kind := range Kinds {
		s := Start(t, kind, Config{})
		tree := buildTree(t, s, times)
		m.Servers[kind] = tree
		got := captureServer(t, s, tmp)
		files = append(files, got...)
		tree.Captured = got
	}
	// The server clock when the last listing was made: the "now" against
	// which "Mon DD HH:MM" dates are placed in a year.
	m.Reference = time.Now().UTC().Truncate(time.Second).Add(time.Second)

	b, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	writeOut(t, filepath.Join(tmp, "tree.json"), append(b, '\n'))
	writeOut(t, filepath.Join(tmp, "README.md"), captureReadme(m, files))

	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(out, os.DirFS(tmp)); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// captureTimes are the modification times given to the tree.
type captureTimes struct {
	Old, Recent time.Time
}

// captureManifest is tree.json.
type captureManifest struct {
	// Reference is the time to use as the servers' "now" when reading
	// dates without a year.
	Reference   time.Time
	Old, Recent time.Time
	Versions    map[Kind]string
	Servers     map[Kind]*serverTree
}

// serverTree is the tree on one server as lstat saw it after building it.
type serverTree struct {
	User, Group string // owner of every object
	UID, GID    int
	Objects     []treeObject
	Captured    []string // the files written for this server
}

// treeObject is one object of the tree. Name "." is the root itself.
type treeObject struct {
	Name  string
	Type  string // "file", "dir" or "symlink"
	Size  int64
	Perm  uint32 // permission bits, fs.FileMode.Perm
	MTime time.Time
	Dev   uint64
	Ino   uint64
	// Symbolic links: the link text and what it resolves to; TargetType
	// is "" for a dangling link.
	Target      string    `json:",omitempty"`
	TargetType  string    `json:",omitempty"`
	TargetSize  int64     `json:",omitempty"`
	TargetPerm  uint32    `json:",omitempty"`
	TargetMTime time.Time `json:",omitzero"`
	TargetIno   uint64    `json:",omitempty"`
}

// treeSpec is what buildTree creates, in order.
type treeSpec struct {
	name   string
	kind   string // "file", "dir", "symlink"
	size   int64  // files: size; content is size bytes of 'x'
	sparse bool   // grow with Truncate instead of writing
	perm   fs.FileMode
	old    bool   // give the old time instead of the recent one
	target string // symlinks
}

var captureTree = []treeSpec{
	{name: "empty.txt", kind: "file", size: 0, perm: 0o644},
	{name: "one.txt", kind: "file", size: 1, perm: 0o644},
	{name: "size-1234.bin", kind: "file", size: 1234, perm: 0o644},
	{name: "sparse-5e9.bin", kind: "file", size: 5_000_000_000, sparse: true, perm: 0o644},
	{name: "dir", kind: "dir", perm: 0o755},
	{name: "dir/inside.txt", kind: "file", size: 7, perm: 0o644},
	{name: "dir with space", kind: "dir", perm: 0o755},
	{name: "link-to-file", kind: "symlink", target: "one.txt"},
	{name: "link-to-dir", kind: "symlink", target: "dir"},
	{name: "dangling", kind: "symlink", target: "no-such-file"},
	{name: "spaced link", kind: "symlink", target: " leading space.txt"},
	{name: "inner  two spaces.txt", kind: "file", size: 11, perm: 0o644},
	{name: " leading space.txt", kind: "file", size: 12, perm: 0o644},
	{name: "trailing space.txt ", kind: "file", size: 13, perm: 0o644},
	{name: "arrow -> in name.txt", kind: "file", size: 14, perm: 0o644},
	{name: "café ünïcödé.txt", kind: "file", size: 15, perm: 0o644},
	{name: "日本語.txt", kind: "file", size: 16, perm: 0o644},
	{name: "semi;colon=equals.txt", kind: "file", size: 17, perm: 0o644},
	{name: ".hidden", kind: "file", size: 18, perm: 0o644},
	{name: "old.txt", kind: "file", size: 19, perm: 0o644, old: true},
	{name: "recent.txt", kind: "file", size: 20, perm: 0o644},
	{name: "private.txt", kind: "file", size: 21, perm: 0o600},
	{name: "script.sh", kind: "file", size: 22, perm: 0o755},
}

// buildTree creates captureTree in s.Root, owned by the FTP user, and
// returns what lstat sees of the objects in the root directory. Files and
// directories get the recent time plus one minute per object (or the old
// time); symbolic links keep the time they were made.
func buildTree(t *testing.T, s *Server, times captureTimes) *serverTree {
	t.Helper()
	mtime := map[string]time.Time{".": times.Recent}
	for i, o := range captureTree {
		p := s.Path(o.name)
		switch o.kind {
		case "file":
			if o.sparse {
				s.WriteFile(o.name, nil)
				if err := os.Truncate(p, o.size); err != nil {
					t.Fatal(err)
				}
			} else {
				s.WriteFile(o.name, bytes.Repeat([]byte("x"), int(o.size)))
			}
		case "dir":
			s.Mkdir(o.name)
		case "symlink":
			if err := os.Symlink(o.target, p); err != nil {
				t.Fatal(err)
			}
			s.chown(p)
			continue
		}
		if err := os.Chmod(p, o.perm); err != nil {
			t.Fatal(err)
		}
		if o.old {
			mtime[o.name] = times.Old
		} else {
			mtime[o.name] = times.Recent.Add(time.Duration(i) * time.Minute)
		}
	}
	// Directories last (and the root at the very end): filling them
	// changed their times.
	for _, pass := range []bool{false, true} {
		for name, mt := range mtime {
			if fi, err := os.Lstat(s.Path(name)); err != nil {
				t.Fatal(err)
			} else if fi.IsDir() != pass {
				continue
			}
			if err := os.Chtimes(s.Path(name), mt, mt); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chtimes(s.Root, times.Recent, times.Recent); err != nil {
		t.Fatal(err)
	}

	tree := &serverTree{User: User, Group: User, UID: s.uid, GID: s.gid}
	if g, err := exec.Command("id", "-gn", User).Output(); err == nil {
		tree.Group = strings.TrimSpace(string(g))
	}
	names := []string{"."}
	for _, o := range captureTree {
		if !strings.Contains(o.name, "/") {
			names = append(names, o.name)
		}
	}
	for _, name := range names {
		p := s.Path(name)
		if name == "." {
			p = s.Root
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		o := treeObject{
			Name:  name,
			Size:  fi.Size(),
			Perm:  uint32(fi.Mode().Perm()),
			MTime: fi.ModTime().UTC(),
			Dev:   st.Dev,
			Ino:   st.Ino,
		}
		switch {
		case fi.Mode().IsRegular():
			o.Type = "file"
		case fi.IsDir():
			o.Type = "dir"
		case fi.Mode()&fs.ModeSymlink != 0:
			o.Type = "symlink"
			if o.Target, err = os.Readlink(p); err != nil {
				t.Fatal(err)
			}
			if ti, err := os.Stat(p); err == nil {
				o.TargetType = "file"
				if ti.IsDir() {
					o.TargetType = "dir"
				}
				o.TargetSize = ti.Size()
				o.TargetPerm = uint32(ti.Mode().Perm())
				o.TargetMTime = ti.ModTime().UTC()
				o.TargetIno = ti.Sys().(*syscall.Stat_t).Ino
			}
		default:
			t.Fatalf("%s: unexpected mode %v", p, fi.Mode())
		}
		tree.Objects = append(tree.Objects, o)
	}
	return tree
}

// captureServer records the replies and listings of s into dir and
// returns the names of the files it wrote.
func captureServer(t *testing.T, s *Server, dir string) []string {
	t.Helper()
	c := dial(t, s, nil)
	c.Login(User, Password)
	var files []string
	save := func(what string, data []byte) {
		name := string(s.Kind) + "-" + what + ".txt"
		writeOut(t, filepath.Join(dir, name), data)
		files = append(files, name)
	}
	save("syst", rawReply(t, c, "SYST"))
	feat := rawReply(t, c, "FEAT")
	save("feat", feat)
	// Listings are text: ask for them as clients do (ftplib, this
	// module's RetrLines).
	c.Expect(200, "TYPE A")
	mlst := regexp.MustCompile(`(?m)^ MLST`).Match(feat)
	for _, l := range []struct{ what, cmd string }{
		{"list", "LIST"},
		{"list-a", "LIST -a"},
		{"nlst", "NLST"},
		{"mlsd", "MLSD"},
	} {
		if l.what == "mlsd" && !mlst {
			continue
		}
		r := c.Xfer(l.cmd, nil, nil)
		if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
			t.Logf("%s: %s refused: %q, %q, %v", s.Kind, l.cmd, r.Prelim, r.Final, r.DataErr)
			continue
		}
		save(l.what, r.Data)
	}
	if mlst {
		save("mlst", rawReply(t, c, "MLST recent.txt"))
	}
	c.Expect(221, "QUIT")
	return files
}

// rawReply sends cmd and returns its reply exactly as received, all lines
// with their terminators.
func rawReply(t *testing.T, c *rawclient.Client, cmd string) []byte {
	t.Helper()
	c.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
	if _, err := fmt.Fprintf(c.Conn, "%s\r\n", cmd); err != nil {
		t.Fatal(err)
	}
	r := c.Text.R
	var buf bytes.Buffer
	var code string
	for {
		line, err := r.ReadString('\n')
		buf.WriteString(line)
		if err != nil {
			t.Fatalf("%s: %v after %q", cmd, err, buf.Bytes())
		}
		if code == "" {
			if len(line) < 4 {
				t.Fatalf("%s: bad reply %q", cmd, line)
			}
			code = line[:3]
			if line[3] != '-' {
				break
			}
			continue
		}
		if strings.HasPrefix(line, code+" ") {
			break
		}
	}
	if code[0] != '2' {
		t.Fatalf("%s: %q", cmd, buf.Bytes())
	}
	return buf.Bytes()
}

// serverVersions returns the installed package version of every kind.
func serverVersions(t *testing.T) map[Kind]string {
	t.Helper()
	v := map[Kind]string{}
	for kind, pkg := range map[Kind]string{Vsftpd: "vsftpd", Pyftpdlib: "python3-pyftpdlib"} {
		out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
		if err != nil {
			t.Fatalf("dpkg-query %s: %v", pkg, err)
		}
		v[kind] = pkg + " " + string(out) + " (Debian)"
	}
	d, err := serversDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(d, "VERSIONS"))
	if err != nil {
		t.Fatal(err)
	}
	// "Package: proftpd-core Version: 1.3.8+dfsg-4+deb12u5"
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 {
			continue
		}
		switch f[1] {
		case "proftpd-core":
			v[ProFTPD] = f[1] + " " + f[3] + " (Debian)"
		case "pure-ftpd":
			v[PureFTPd] = f[1] + " " + f[3] + " (Debian)"
		}
	}
	return v
}

func captureReadme(m captureManifest, files []string) []byte {
	var b strings.Builder
	b.WriteString(`# Listings captured from real FTP servers

Generated by TestCaptureListings in internal/realserver/capture_test.go;
do not edit. Regenerate, as root with the servers installed by
scripts/install-servers.sh, with

    FTPKIT_CAPTURE=1 go test -run '^TestCaptureListings$' -count=1 ./internal/realserver/

and update the expectations in listing/servers_test.go if the servers'
behaviour changed.

Every server got the same tree (captureTree in capture_test.go): files of
0, 1, 1234 and 5000000000 (sparse) bytes, directories, symbolic links to a
file, to a directory, to nothing, and one with a space in its name and
target, names with inner, leading and trailing spaces, UTF-8, ';' and '=',
" -> ", a dot file, modes 0600 and 0755, one file dated ` + m.Old.Format(time.RFC3339) + `
and the others a few days before the capture. tree.json is the tree as
lstat saw it on each server (sizes, modes, times, devices and inodes) and
the reference time.

Files are raw bytes as the servers sent them, line ends included:
KIND-syst.txt, KIND-feat.txt and KIND-mlst.txt ("MLST recent.txt") are
control connection replies; KIND-list.txt, KIND-list-a.txt, KIND-nlst.txt
and KIND-mlsd.txt are the data of LIST, LIST -a, NLST and MLSD, sent in
TYPE A. Servers that do not advertise MLST in FEAT have no MLSD or MLST
file.

`)
	fmt.Fprintf(&b, "Captured: %s\n\n", m.Reference.Format("2006-01-02"))
	fmt.Fprintf(&b, "Reference time (the servers' \"now\" for dates without a year): %s\n\n", m.Reference.Format(time.RFC3339))
	b.WriteString("Servers:\n\n")
	for _, kind := range Kinds {
		fmt.Fprintf(&b, "- %s: %s\n", kind, m.Versions[kind])
	}
	b.WriteString("\nFiles:\n\n")
	for _, f := range files {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	return []byte(b.String())
}

func writeOut(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
