package realserver

import (
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// A replyCase is one scenario of TestReplyTexts: steps run in a fresh
// session, logged in, in /.
type replyCase struct {
	group string // missing, permission, exists or type
	op    string // the command the case is about, to compare cases by
	name  string
	steps []string // commands; "xfer " prefixes a transfer (RETR, STOR, LIST, NLST)
	// want holds, per server, the codes of every reply of the steps,
	// space-separated (a transfer gives its 1xx reply, if any, and its
	// final reply).
	want map[Kind]string
	// effect, if set, reports what the steps did to the files below
	// root, the directory served.
	effect func(root string) string
}

// The fixture tree, the same on every server (replyTree):
//
//	file.txt                a file
//	dir/                    an empty directory
//	full/inner.txt          a directory with a file
//	secret.txt              mode 0o000: the FTP user cannot read it
//	locked/                 mode 0o555: the FTP user cannot change it
//	locked/f.txt, locked/sub/
//	noexec/                 mode 0o600: the FTP user cannot enter it
//	closed/                 mode 0o000: nor list it
//	ren-a.txt, ren-b.txt    for RNTO onto an existing file
//	over.txt                for STOR over an existing file
var replyCases = []replyCase{
	// A missing path.
	{group: "missing", op: "RETR", name: "RETR of a missing file", steps: []string{"xfer RETR missing.txt"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "SIZE", name: "SIZE of a missing file", steps: []string{"SIZE missing.txt"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "MDTM", name: "MDTM of a missing file", steps: []string{"MDTM missing.txt"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "CWD", name: "CWD to a missing directory", steps: []string{"CWD missing"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "DELE", name: "DELE of a missing file", steps: []string{"DELE missing.txt"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "RMD", name: "RMD of a missing directory", steps: []string{"RMD missing"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "RNFR", name: "RNFR of a missing file", steps: []string{"RNFR missing.txt"}, want: w("550", "550", "550", "550")},
	{group: "missing", op: "MLST", name: "MLST of a missing file", steps: []string{"MLST missing.txt"}, want: w("500", "550", "550", "550")},
	{group: "missing", op: "STAT", name: "STAT of a missing file", steps: []string{"STAT missing.txt"}, want: w("213", "213", "450", "550")},
	{group: "missing", op: "LIST", name: "LIST of a missing directory", steps: []string{"xfer LIST missing"}, want: w("150 226", "150 226", "150 450", "550")},
	{group: "missing", op: "NLST", name: "NLST of a missing directory", steps: []string{"xfer NLST missing"}, want: w("150 226", "550", "450", "550")},
	{group: "missing", op: "STOR", name: "STOR into a missing directory", steps: []string{"xfer STOR missing/new.txt"}, want: w("553", "553", "550", "550")},
	{group: "missing", op: "MKD", name: "MKD in a missing directory", steps: []string{"MKD missing/new"}, want: w("550", "550", "550", "550")},

	// Permission denied by the file system.
	{group: "permission", op: "RETR", name: "RETR of an unreadable file", steps: []string{"xfer RETR secret.txt"}, want: w("550", "550", "550", "550")},
	{group: "permission", op: "STOR", name: "STOR into an unwritable directory", steps: []string{"xfer STOR locked/new.txt"}, want: w("553", "553", "550", "550")},
	{group: "permission", op: "DELE", name: "DELE in an unwritable directory", steps: []string{"DELE locked/f.txt"}, want: w("550", "550", "550", "550")},
	{group: "permission", op: "MKD", name: "MKD in an unwritable directory", steps: []string{"MKD locked/new"}, want: w("550", "550", "550", "550")},
	{group: "permission", op: "RMD", name: "RMD in an unwritable directory", steps: []string{"RMD locked/sub"}, want: w("550", "550", "550", "550")},
	{group: "permission", op: "RNFR", name: "RNFR and RNTO in an unwritable directory", steps: []string{"RNFR locked/f.txt", "RNTO locked/g.txt"}, want: w("350 550", "350 451", "350 550", "350 550")},
	{group: "permission", op: "CWD", name: "CWD into a directory without x permission", steps: []string{"CWD noexec"}, want: w("550", "550", "550", "550")},
	{group: "permission", op: "LIST", name: "LIST of a directory without permissions", steps: []string{"xfer LIST closed"}, want: w("150 226", "150 226", "150 226", "550")},
	{group: "permission", op: "NLST", name: "NLST of a directory without permissions", steps: []string{"xfer NLST closed"}, want: w("150 226", "550", "150 226", "550")},

	// The name exists.
	{group: "exists", op: "MKD", name: "MKD of an existing directory", steps: []string{"MKD dir"}, want: w("550", "550", "550", "550")},
	{group: "exists", op: "MKD", name: "MKD where a file has the name", steps: []string{"MKD file.txt"}, want: w("550", "550", "550", "550")},
	{group: "exists", op: "RNFR", name: "RNFR and RNTO onto an existing file", steps: []string{"RNFR ren-a.txt", "RNTO ren-b.txt"}, want: w("350 250", "350 250", "350 250", "350 250"),
		effect: func(root string) string {
			a, errA := os.ReadFile(filepath.Join(root, "ren-a.txt"))
			b, _ := os.ReadFile(filepath.Join(root, "ren-b.txt"))
			switch {
			case os.IsNotExist(errA) && string(b) == "rename me\n":
				return "ren-b.txt replaced"
			case string(a) == "rename me\n" && string(b) == "in the way\n":
				return "nothing renamed"
			}
			return fmt.Sprintf("ren-a.txt %q (%v), ren-b.txt %q", a, errA, b)
		}},
	{group: "exists", op: "STOR", name: "STOR over an existing file", steps: []string{"xfer STOR over.txt"}, want: w("150 226", "150 226", "150 226", "150 226"),
		effect: func(root string) string {
			b, err := os.ReadFile(filepath.Join(root, "over.txt"))
			switch {
			case err == nil && string(b) == string(replyUpload):
				return "over.txt replaced"
			case err == nil && string(b) == "old content\n":
				return "over.txt kept"
			}
			return fmt.Sprintf("over.txt %q (%v)", b, err)
		}},

	// The path is of the wrong type.
	{group: "type", op: "DELE", name: "DELE of a directory", steps: []string{"DELE dir"}, want: w("550", "550", "550", "550")},
	{group: "type", op: "RMD", name: "RMD of a file", steps: []string{"RMD file.txt"}, want: w("550", "550", "550", "550")},
	{group: "type", op: "RMD", name: "RMD of a non-empty directory", steps: []string{"RMD full"}, want: w("550", "550", "550", "550")},
	{group: "type", op: "CWD", name: "CWD to a file", steps: []string{"CWD file.txt"}, want: w("550", "550", "550", "550")},
	{group: "type", op: "RETR", name: "RETR of a directory", steps: []string{"xfer RETR dir"}, want: w("550", "550", "550", "550")},
	{group: "type", op: "SIZE", name: "SIZE of a directory", steps: []string{"SIZE dir"}, want: w("550", "550", "550", "550")},
}

// w returns the codes wanted of vsftpd, pure-ftpd, proftpd and pyftpdlib.
func w(vsftpd, pureFTPd, proFTPD, pyftpdlib string) map[Kind]string {
	return map[Kind]string{Vsftpd: vsftpd, PureFTPd: pureFTPd, ProFTPD: proFTPD, Pyftpdlib: pyftpdlib}
}

// replyUpload is what STOR sends.
var replyUpload = []byte("uploaded by TestReplyTexts\n")

// A fixture makes files and directories below a served directory, as
// *Server does.
type fixture interface {
	WriteFile(name string, data []byte) string
	Mkdir(name string) string
	WriteFileMode(name string, data []byte, perm fs.FileMode) string
	MkdirMode(name string, perm fs.FileMode) string
}

// replyTree builds the fixture tree described above replyCases.
func replyTree(s fixture) {
	s.WriteFile("file.txt", []byte("a file\n"))
	s.Mkdir("dir")
	s.WriteFile("full/inner.txt", []byte("inner\n"))
	s.WriteFileMode("secret.txt", []byte("secret\n"), 0o000)
	s.WriteFile("locked/f.txt", []byte("locked in\n"))
	s.Mkdir("locked/sub")
	s.MkdirMode("locked", 0o555)
	s.WriteFile("noexec/x.txt", []byte("x\n"))
	s.MkdirMode("noexec", 0o600)
	s.WriteFile("closed/y.txt", []byte("y\n"))
	s.MkdirMode("closed", 0o000)
	s.WriteFile("ren-a.txt", []byte("rename me\n"))
	s.WriteFile("ren-b.txt", []byte("in the way\n"))
	s.WriteFile("over.txt", []byte("old content\n"))
}

// replyResult is what one case got on one server.
type replyResult struct {
	replies []string // every reply, "CODE text", lines joined by "\n"
	codes   string   // their codes, space-separated
	data    string   // what a listing or RETR sent, if anything
	effect  string
}

// TestReplyTexts runs replyCases on every server and checks the reply
// codes. It logs, and with FTPKIT_CAPTURE=1 writes to testdata/replies.md,
// the table of replies; without it, it checks that the replies' texts are
// still those of testdata/replies.md:
//
//	FTPKIT_CAPTURE=1 go test -run '^TestReplyTexts$' -count=1 ./internal/realserver/
func TestReplyTexts(t *testing.T) {
	results := map[Kind][]replyResult{}
	for _, kind := range Kinds {
		s := Start(t, kind, Config{})
		replyTree(s)
		for _, rc := range replyCases {
			r := runReplyCase(t, serverTarget(s), rc)
			results[kind] = append(results[kind], r)
			if want := rc.want[kind]; r.codes != want {
				t.Errorf("%s: %s: codes %q, want %q; replies %q", kind, rc.name, r.codes, want, r.replies)
			}
		}
		s.Stop()
	}
	table := replyTable(serverVersions(t), results)
	t.Logf("\n%s", table)
	path := filepath.Join("testdata", "replies.md")
	if os.Getenv("FTPKIT_CAPTURE") == "1" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		writeOut(t, path, []byte(table))
		return
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The server versions may change without the replies changing.
	replies := func(md string) string {
		_, after, _ := strings.Cut(md, "\n## Codes\n")
		return after
	}
	if replies(string(old)) != replies(table) {
		t.Errorf("the replies differ from %s (FTPKIT_CAPTURE=1 rewrites it)", path)
	}
}

// A replyTarget is a server that reply cases run on.
type replyTarget struct {
	dial           func(t testing.TB) *rawclient.Client // connects and reads the greeting
	user, password string
	root           string // the directory served as "/"
}

// serverTarget returns s as a replyTarget, with the FTP user's login.
func serverTarget(s *Server) replyTarget {
	return replyTarget{
		dial:     func(t testing.TB) *rawclient.Client { return dial(t, s, nil) },
		user:     User,
		password: Password,
		root:     s.Root,
	}
}

// runReplyCase runs rc in a new session on s.
func runReplyCase(t *testing.T, s replyTarget, rc replyCase) replyResult {
	t.Helper()
	c := s.dial(t)
	defer c.Conn.Close()
	c.Login(s.user, s.password)
	var r replyResult
	add := func(reply string) {
		if reply == "" {
			return
		}
		r.replies = append(r.replies, reply)
	}
	for _, step := range rc.steps {
		if cmd, ok := strings.CutPrefix(step, "xfer "); ok {
			var up []byte
			if strings.HasPrefix(cmd, "STOR") {
				up = replyUpload
			}
			prelim, final, data := commandFirstXfer(t, c, cmd, up)
			add(prelim)
			add(final)
			r.data = string(data)
			continue
		}
		add(formatReply(c.Cmd("%s", step)))
	}
	var codes []string
	for _, reply := range r.replies {
		codes = append(codes, reply[:3])
	}
	r.codes = strings.Join(codes, " ")
	if rc.effect != nil {
		r.effect = rc.effect(s.root)
	}
	return r
}

// commandFirstXfer runs a transfer over a passive data connection that it
// opens after sending the command: pyftpdlib answers 125 instead of 150
// when the data connection is already there, which it sees or not
// depending on timing. It returns the 1xx reply, if any, the final reply
// and the data read.
func commandFirstXfer(t *testing.T, c *rawclient.Client, cmd string, upload []byte) (prelim, final string, data []byte) {
	t.Helper()
	port := c.PASV().Port
	c.Send("%s", cmd)
	// A server that refuses the command may not listen any more.
	host := c.Conn.RemoteAddr().(*net.TCPAddr).IP.String()
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), rawclient.Timeout)
	if err == nil {
		defer d.Close()
		d.SetDeadline(time.Now().Add(rawclient.Timeout))
	}
	reply := formatReply(c.Reply())
	if reply[0] != '1' {
		return "", reply, nil
	}
	if err != nil {
		t.Fatalf("%s: %s, but the data connection failed: %v", cmd, reply, err)
	}
	if upload == nil {
		data, err = io.ReadAll(d)
	} else {
		_, err = d.Write(upload)
	}
	if err != nil {
		t.Fatalf("%s: data connection: %v", cmd, err)
	}
	d.Close()
	return reply, formatReply(c.Reply()), data
}

// pureTimes matches the throughput line of pure-ftpd's 226 reply.
var pureTimes = regexp.MustCompile(`\d+\.\d+ seconds \(measured here\), \d+(\.\d+)? \w+ per second`)

// replyTable renders the results as markdown.
func replyTable(versions map[Kind]string, results map[Kind][]replyResult) string {
	var b strings.Builder
	b.WriteString(`# Replies of real FTP servers to failing commands

Generated by TestReplyTexts in internal/realserver/replies_test.go; do not
edit. Regenerate, as root with the servers installed by
scripts/install-servers.sh, with

    FTPKIT_CAPTURE=1 go test -run '^TestReplyTexts$' -count=1 ./internal/realserver/

Each case runs in a new plain FTP session, logged in as the FTP user, in
"/", over this tree, all owned by the FTP user (the servers act as that
user, not as root, so the modes bind them):

    file.txt                a file
    dir/                    an empty directory
    full/inner.txt          a directory with a file
    secret.txt              mode 0000: unreadable
    locked/                 mode 0555: unwritable, with f.txt and sub/
    noexec/                 mode 0600: cannot be entered
    closed/                 mode 0000: cannot be listed or entered
    ren-a.txt, ren-b.txt    for RNTO onto an existing file
    over.txt                for STOR over an existing file

A transfer (RETR, STOR, LIST, NLST) goes over a passive data connection
and shows its 1xx reply, if any, and its final reply. Lines of a
multi-line reply are separated by "⏎". pure-ftpd's throughput figures are
replaced by N.

Servers:

`)
	for _, kind := range Kinds {
		fmt.Fprintf(&b, "- %s: %s\n", kind, versions[kind])
	}

	b.WriteString(replyReading)
	b.WriteString("\n## Codes\n\n")
	head := []string{"Case"}
	for _, kind := range Kinds {
		head = append(head, string(kind))
	}
	mdRow(&b, head...)
	mdRow(&b, slices.Repeat([]string{"---"}, len(head))...)
	for i, rc := range replyCases {
		row := []string{rc.name}
		for _, kind := range Kinds {
			row = append(row, results[kind][i].codes)
		}
		mdRow(&b, row...)
	}

	b.WriteString(`
## Final replies by command

The final reply of each case, by the command it is about and what is
wrong, to compare the texts of one server: can a client tell a missing
path from a permission denied from an existing name by the text?
`)
	groups := []string{"missing", "permission", "exists", "type"}
	var ops []string
	for _, rc := range replyCases {
		if !slices.Contains(ops, rc.op) {
			ops = append(ops, rc.op)
		}
	}
	for _, kind := range Kinds {
		fmt.Fprintf(&b, "\n### %s\n\n", kind)
		mdRow(&b, append([]string{"Command"}, groups...)...)
		mdRow(&b, slices.Repeat([]string{"---"}, 1+len(groups))...)
		for _, op := range ops {
			row := []string{op}
			for _, g := range groups {
				var cell []string
				for i, rc := range replyCases {
					if rc.op == op && rc.group == g {
						rs := results[kind][i].replies
						cell = append(cell, mdReply(rs[len(rs)-1]))
					}
				}
				row = append(row, strings.Join(cell, "<br>"))
			}
			mdRow(&b, row...)
		}
	}

	b.WriteString("\n## Every reply\n")
	for _, kind := range Kinds {
		fmt.Fprintf(&b, "\n### %s\n\n", kind)
		mdRow(&b, "Case", "Commands", "Replies", "Data, effect")
		mdRow(&b, "---", "---", "---", "---")
		for i, rc := range replyCases {
			r := results[kind][i]
			var cmds, replies []string
			for _, s := range rc.steps {
				cmds = append(cmds, mdCode(strings.TrimPrefix(s, "xfer ")))
			}
			for _, s := range r.replies {
				replies = append(replies, mdReply(s))
			}
			var extra []string
			if r.data != "" {
				// The names only: dates and owners vary.
				var names []string
				for _, line := range strings.Split(strings.TrimRight(r.data, "\r\n"), "\n") {
					f := strings.Fields(line)
					names = append(names, f[len(f)-1])
				}
				extra = append(extra, "data: names "+mdCode(strings.Join(names, " ")))
			}
			if r.effect != "" {
				extra = append(extra, r.effect)
			}
			mdRow(&b, rc.name, strings.Join(cmds, "<br>"), strings.Join(replies, "<br>"), strings.Join(extra, "; "))
		}
	}
	return b.String()
}

// replyReading sums up the table. It is prose, written from the replies
// below: check it when they change.
const replyReading = `
## Reading the table

- Every server answers 550 to nearly every failure, whatever the cause.
  The exceptions: vsftpd and pure-ftpd answer 553 to STOR; pure-ftpd
  answers 451 to an RNTO the file system refuses; proftpd answers 450 to
  STAT, LIST and NLST of a missing path; vsftpd has no MLST (500).
- vsftpd's text depends only on the command ("Failed to open file.",
  "Create directory operation failed.", ...): it cannot tell a missing
  path from a permission denied from an existing name. Only RNFR of a
  missing file ("RNFR command failed.") differs from a refused RNTO
  ("Rename failed.").
- pure-ftpd ends most texts with the system's error string: "No such file
  or directory", "Permission denied", "File exists", "Not a directory",
  "Directory not empty" (but DELE of a directory: "Invalid argument").
  SIZE, MDTM, MLST and NLST say "Can't check for file existence" for any
  failure, RNFR of a missing file "Sorry, but that file doesn't exist",
  RETR and SIZE of a directory "I can only retrieve regular files".
- proftpd answers "PATH: " and the system's error string, always, except
  MLST ("'PATH' cannot be listed").
- pyftpdlib answers the system's error string and a period ("No such file
  or directory.", "Permission denied.", "File exists.", ...), except SIZE
  and MDTM ("PATH is not retrievable").
- LIST or NLST of a missing directory: vsftpd answers 150 and 226 with an
  empty listing, pure-ftpd 150 and 226 to LIST (an empty listing, "0
  matches total") but 550 to NLST; proftpd 450 (after 150 for LIST),
  pyftpdlib 550. Of a directory the FTP user cannot read or enter, vsftpd
  lists the directory itself (its one entry is "closed"), pure-ftpd and
  proftpd send an empty listing with 226 (pure-ftpd's NLST: 550), and
  pyftpdlib answers 550 "Permission denied.".
- STAT of a missing path: 213 with nothing listed from vsftpd and
  pure-ftpd, 450 from proftpd, 550 from pyftpdlib.
- RNTO onto an existing file and STOR over one replace it on every server.
`

// mdRow writes a table row of cells.
func mdRow(b *strings.Builder, cells ...string) {
	for _, c := range cells {
		b.WriteString("| ")
		if c != "" {
			b.WriteString(c + " ")
		}
	}
	b.WriteString("|\n")
}

// mdReply renders a reply as code in a table cell.
func mdReply(reply string) string {
	reply = pureTimes.ReplaceAllString(reply, "N seconds (measured here), N per second")
	return mdCode(strings.ReplaceAll(reply, "\n", " ⏎ "))
}

// mdCode renders s as inline code in a table cell.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}
