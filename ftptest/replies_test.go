package ftptest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// replyScenarios are file commands on which vsftpd, proftpd, pure-ftpd and
// pyftpdlib agree and goftp did not. Each runs in a fresh session on the
// tree made by replyTree: the files "file" ("hello\n") and "other"
// ("other\n"), the empty directory "empty" and the directory "full"
// holding "full/inner". cmds are sent in order and must get the reply
// codes want; present and absent are paths that must then exist or not.
var replyScenarios = []struct {
	name            string
	cmds            []string
	want            []int
	present, absent []string
}{
	{name: "RETR missing", cmds: []string{"RETR missing"}, want: []int{550}},
	{name: "RETR directory", cmds: []string{"RETR empty"}, want: []int{550}},
	{name: "SIZE missing", cmds: []string{"SIZE missing"}, want: []int{550}},
	{name: "SIZE directory", cmds: []string{"SIZE empty"}, want: []int{550}},
	{name: "MDTM missing", cmds: []string{"MDTM missing"}, want: []int{550}},
	{name: "DELE missing", cmds: []string{"DELE missing"}, want: []int{550}},
	{name: "DELE directory", cmds: []string{"DELE empty"}, want: []int{550}, present: []string{"empty"}},
	{name: "CWD missing", cmds: []string{"CWD missing"}, want: []int{550}},
	{name: "CWD file", cmds: []string{"CWD file"}, want: []int{550}},
	{name: "RNFR missing", cmds: []string{"RNFR missing"}, want: []int{550}},
	{name: "RMD missing", cmds: []string{"RMD missing"}, want: []int{550}},
	{name: "RMD non-empty", cmds: []string{"RMD full"}, want: []int{550}, present: []string{"full/inner"}},
	{name: "RMD file", cmds: []string{"RMD file"}, want: []int{550}, present: []string{"file"}},
	{name: "RMD empty", cmds: []string{"RMD empty"}, want: []int{250}, absent: []string{"empty"}},
	{name: "MKD existing directory", cmds: []string{"MKD empty"}, want: []int{550}},
	{name: "MKD existing file", cmds: []string{"MKD file"}, want: []int{550}, present: []string{"file"}},
	{name: "MKD without parent", cmds: []string{"MKD missing/sub"}, want: []int{550}, absent: []string{"missing"}},
	{name: "MKD", cmds: []string{"MKD new"}, want: []int{257}, present: []string{"new"}},
	{name: "STOR missing directory", cmds: []string{"STOR missing/new"}, want: []int{550}, absent: []string{"missing"}},
	{name: "STOR under a file", cmds: []string{"STOR file/new"}, want: []int{550}, present: []string{"file"}},
	{name: "STOR directory", cmds: []string{"STOR empty"}, want: []int{550}, present: []string{"empty"}},
	{name: "APPE missing directory", cmds: []string{"APPE missing/new"}, want: []int{550}, absent: []string{"missing"}},
	{name: "APPE directory", cmds: []string{"APPE empty"}, want: []int{550}, present: []string{"empty"}},
	{name: "STOR", cmds: []string{"STOR new"}, want: []int{226}, present: []string{"new"}},
	{name: "RNTO existing file", cmds: []string{"RNFR file", "RNTO other"}, want: []int{350, 250}, present: []string{"other"}, absent: []string{"file"}},
	{name: "RNTO existing directory", cmds: []string{"RNFR file", "RNTO empty"}, want: []int{350, 550}, present: []string{"file", "empty"}},
	{name: "RNTO without RNFR", cmds: []string{"RNTO other"}, want: []int{503}, present: []string{"other"}},
}

func replyTree(t *testing.T, s *Server) {
	writeFile(t, s, "file", []byte("hello\n"))
	writeFile(t, s, "other", []byte("other\n"))
	writeFile(t, s, "full/inner", nil)
	if err := os.Mkdir(filepath.Join(s.Root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestRepliesAsRealServers(t *testing.T) {
	for _, sc := range replyScenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := NewServer(t)
			replyTree(t, s)
			c := logIn(t, s)
			for i, cmd := range sc.cmds {
				var code int
				var reply string // code and text
				if verb := strings.ToUpper(strings.Fields(cmd)[0]); transferVerbs[verb] {
					var up []byte
					if uploadVerbs[verb] {
						up = []byte("uploaded\n")
					}
					r := c.Xfer(cmd, up, nil)
					code, reply = r.Code, strings.TrimPrefix(r.Prelim+", "+r.Final, ", ")
					// Real servers refuse a transfer before any 1xx.
					if sc.want[i] >= 400 && r.Prelim != "" {
						t.Errorf("%s: %s before the refusal", cmd, r.Prelim)
					}
				} else {
					var msg string
					code, msg = c.Cmd("%s", cmd)
					reply = fmt.Sprintf("%d %s", code, msg)
				}
				t.Logf("%s: %s", cmd, reply)
				if code != sc.want[i] {
					t.Errorf("%s: got %s, want %d", cmd, reply, sc.want[i])
				}
			}
			for _, p := range sc.present {
				if _, err := os.Lstat(filepath.Join(s.Root, p)); err != nil {
					t.Errorf("%s is gone", p)
				}
			}
			for _, p := range sc.absent {
				if _, err := os.Lstat(filepath.Join(s.Root, p)); err == nil {
					t.Errorf("%s exists", p)
				}
			}
		})
	}
}

// RNTO onto an existing file replaces it, as rename(2).
func TestRenameReplaces(t *testing.T) {
	s := NewServer(t)
	replyTree(t, s)
	c := logIn(t, s)
	c.Expect(350, "RNFR file")
	c.Expect(250, "RNTO other")
	if b, _ := os.ReadFile(filepath.Join(s.Root, "other")); string(b) != "hello\n" {
		t.Errorf("other holds %q", b)
	}
}

// MKD replies with the quoted path (RFC 959), quotes doubled, and RMD
// leaves the current directory alone (goftp's moved it up).
func TestMKDRMDPaths(t *testing.T) {
	s := NewServer(t)
	c := logIn(t, s)
	if msg := c.Expect(257, `MKD a"b`); msg != `"/a""b" created` {
		t.Errorf("MKD reply %q", msg)
	}
	c.Expect(257, "MKD /d")
	c.Expect(257, "MKD /d/e")
	c.Expect(250, "CWD /d")
	c.Expect(550, "RMD /d/e/f")
	c.Expect(250, "RMD /d/e")
	if dir := c.PWD(); dir != "/d" {
		t.Errorf("PWD after RMD = %q, want /d", dir)
	}
}
