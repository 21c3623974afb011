package realserver

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/internal/rawclient"
)

// TestFTPTestAnswersAsRealServers runs replyCases on an ftptest.Server
// over the same tree (replyTree) and checks that it answers each case with
// the codes of a real server: those of the most servers, or, for a case in
// ftptestMinority, those of at least one. The real servers' codes are the
// cases' want, which TestReplyTexts checks against the servers themselves;
// so this test needs no server installed. Cases in ftptestAnonymous run
// logged in as "anonymous"; cases in ftptestSkip do not run.
func TestFTPTestAnswersAsRealServers(t *testing.T) {
	s := ftptest.NewServer(t, ftptest.WithAnonymous())
	replyTree(dirTree{t, s.Root})
	user := ftptestTarget(s, s.User, s.Password)
	anon := ftptestTarget(s, "anonymous", "guest@")
	names := map[string]bool{}
	var table strings.Builder
	mdRow(&table, "Case", "ftptest", "vsftpd, pure-ftpd, proftpd, pyftpdlib")
	mdRow(&table, "---", "---", "---")
	for _, rc := range replyCases {
		names[rc.name] = true
		var real []string
		for _, kind := range Kinds {
			real = append(real, rc.want[kind])
		}
		if why, ok := ftptestSkip[rc.name]; ok {
			mdRow(&table, rc.name, "skipped", strings.Join(real, ", "))
			t.Logf("%s: skipped: %s", rc.name, why)
			continue
		}
		tg, who := user, ""
		if ftptestAnonymous[rc.name] {
			tg, who = anon, " (anonymous)"
		}
		r := runReplyCase(t, tg, rc)
		mdRow(&table, rc.name+who, r.codes, strings.Join(real, ", "))

		most := mostCommon(real)
		why, minority := ftptestMinority[rc.name]
		switch {
		case !slices.Contains(real, r.codes):
			t.Errorf("%s: ftptest answers %q (%q), as no real server does: they answer %q",
				rc.name, r.codes, r.replies, real)
		case !slices.Contains(most, r.codes) && !minority:
			t.Errorf("%s: ftptest answers %q (%q), as fewer real servers do than %q (%q); answer as most do, or explain in ftptestMinority",
				rc.name, r.codes, r.replies, most, real)
		case slices.Contains(most, r.codes) && minority:
			t.Errorf("%s: ftptest answers %q as most real servers do; drop it from ftptestMinority (%q)", rc.name, r.codes, why)
		}
		if want, ok := ftptestEffects[rc.name]; ok && r.effect != want {
			t.Errorf("%s: on ftptest %s, on every real server %s", rc.name, r.effect, want)
		}
	}
	t.Logf("reply codes of ftptest.Server and of the real servers:\n%s", &table)
	for _, lists := range []map[string]string{ftptestSkip, ftptestMinority} {
		for name := range lists {
			if !names[name] {
				t.Errorf("%q is no case of replyCases", name)
			}
		}
	}
	for name := range ftptestAnonymous {
		if !names[name] {
			t.Errorf("%q is no case of replyCases", name)
		}
	}
}

// ftptestSkip lists, with the reason, the cases that
// TestFTPTestAnswersAsRealServers does not run on ftptest.Server because
// it cannot answer as a real server does.
var ftptestSkip = map[string]string{
	// A real server acts as the FTP user, whom file modes bind. An
	// ftptest.Server serves in the test's process, as the test's user:
	// root here (the real servers need it), whom file modes do not bind.
	// And its one restricted login, anonymous, may read everything. So it
	// reads and enters what the servers refuse (RETR: 150 226; CWD: 250),
	// and LIST and NLST answer 150 226, as most servers do, but list what
	// the directory holds where the servers list nothing.
	"RETR of an unreadable file":                "file modes do not bind ftptest.Server, which runs as root here, and it cannot refuse reading",
	"CWD into a directory without x permission": "file modes do not bind ftptest.Server, which runs as root here, and it cannot refuse entering",
	"LIST of a directory without permissions":   "file modes do not bind ftptest.Server, which runs as root here, and it cannot refuse listing",
	"NLST of a directory without permissions":   "file modes do not bind ftptest.Server, which runs as root here, and it cannot refuse listing",
}

// ftptestAnonymous lists the cases of changes that the file system refuses
// to the real servers' FTP user. As file modes do not bind ftptest.Server
// (see ftptestSkip), they run logged in as "anonymous", whom an
// ftptest.Server refuses every change: its own permission denied, which
// must get the codes that the file system's gets from the real servers.
var ftptestAnonymous = map[string]bool{
	"STOR into an unwritable directory":        true,
	"DELE in an unwritable directory":          true,
	"MKD in an unwritable directory":           true,
	"RMD in an unwritable directory":           true,
	"RNFR and RNTO in an unwritable directory": true,
}

// ftptestMinority lists, with the reason, the cases where ftptest.Server
// answers as only a minority of the real servers do. None is a case that
// the real servers answer alike.
var ftptestMinority = map[string]string{
	// vsftpd and pure-ftpd answer 213 with nothing listed: a client cannot
	// tell a missing path from an empty listing. ftptest answers 450 as
	// proftpd does (pyftpdlib 550): an error a client must handle anyway.
	"STAT of a missing file": "450 as proftpd; vsftpd and pure-ftpd list nothing with 213",
	// vsftpd and pure-ftpd send an empty listing with 226, proftpd 150
	// and 450. ftptest refuses before any 1xx, as pyftpdlib does: a client
	// that lists a missing directory on it gets the error.
	"LIST of a missing directory": "550 as pyftpdlib; vsftpd and pure-ftpd list nothing with 150 226",
}

// ftptestEffects are what the cases with an effect do on every real server
// (testdata/replies.md, which TestReplyTexts checks), and so must do on
// ftptest.Server.
var ftptestEffects = map[string]string{
	"RNFR and RNTO onto an existing file": "ren-b.txt replaced",
	"STOR over an existing file":          "over.txt replaced",
}

// mostCommon returns the values that occur most often in vs, in the order
// of their first occurrence.
func mostCommon(vs []string) []string {
	n := map[string]int{}
	top := 0
	for _, v := range vs {
		n[v]++
		top = max(top, n[v])
	}
	var most []string
	for _, v := range vs {
		if n[v] == top && !slices.Contains(most, v) {
			most = append(most, v)
		}
	}
	return most
}

// ftptestTarget returns s as a replyTarget with the login user, password.
func ftptestTarget(s *ftptest.Server, user, password string) replyTarget {
	return replyTarget{
		dial: func(t testing.TB) *rawclient.Client {
			c := rawclient.Dial(t, s.Addr)
			c.ExpectReply(220)
			return c
		},
		user:     user,
		password: password,
		root:     s.Root,
	}
}

// A dirTree is a fixture in a directory owned by the test's user, such as
// one an ftptest.Server serves.
type dirTree struct {
	tb   testing.TB
	root string
}

func (d dirTree) path(name string) string { return filepath.Join(d.root, filepath.FromSlash(name)) }

func (d dirTree) WriteFile(name string, data []byte) string {
	d.tb.Helper()
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		d.tb.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		d.tb.Fatal(err)
	}
	return p
}

func (d dirTree) Mkdir(name string) string {
	d.tb.Helper()
	p := d.path(name)
	if err := os.MkdirAll(p, 0o755); err != nil {
		d.tb.Fatal(err)
	}
	return p
}

func (d dirTree) WriteFileMode(name string, data []byte, perm fs.FileMode) string {
	d.tb.Helper()
	p := d.WriteFile(name, data)
	d.chmod(p, perm)
	return p
}

func (d dirTree) MkdirMode(name string, perm fs.FileMode) string {
	d.tb.Helper()
	p := d.Mkdir(name)
	d.chmod(p, perm)
	// Without root, t.TempDir could not remove what is inside.
	d.tb.Cleanup(func() { os.Chmod(p, 0o755) })
	return p
}

func (d dirTree) chmod(p string, perm fs.FileMode) {
	d.tb.Helper()
	if err := os.Chmod(p, perm); err != nil {
		d.tb.Fatal(err)
	}
}
