package realserver

import (
	"os"
	"testing"
)

// TestPermissionFixtures checks that every server is denied what
// WriteFileMode and MkdirMode deny the FTP user, and still allowed the
// rest.
func TestPermissionFixtures(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := Start(t, kind, Config{})
			s.WriteFileMode("secret.txt", []byte("secret\n"), 0o000)
			s.WriteFile("locked/in.txt", []byte("in\n"))
			s.MkdirMode("locked", 0o555)
			s.MkdirMode("noexec", 0o600)
			c := dial(t, s, nil)
			c.Login(User, Password)

			if r := c.Xfer("RETR secret.txt", nil, nil); r.Code/100 != 5 || len(r.Data) != 0 {
				t.Errorf("RETR of a 0000 file: %q %q, %d bytes", r.Prelim, r.Final, len(r.Data))
			}
			if r := c.Xfer("STOR locked/new.txt", []byte("new\n"), nil); r.Code/100 != 5 {
				t.Errorf("STOR into a 0555 directory: %q %q", r.Prelim, r.Final)
			}
			if _, err := os.Stat(s.Path("locked/new.txt")); !os.IsNotExist(err) {
				t.Errorf("STOR into a 0555 directory created the file: %v", err)
			}
			if code, msg := c.Cmd("DELE locked/in.txt"); code/100 != 5 {
				t.Errorf("DELE in a 0555 directory: %d %s", code, msg)
			}
			if code, msg := c.Cmd("CWD noexec"); code/100 != 5 {
				t.Errorf("CWD into a 0600 directory: %d %s", code, msg)
			}
			// What the modes allow still works.
			if r := c.MustXfer("RETR locked/in.txt", nil); string(r.Data) != "in\n" {
				t.Errorf("RETR from a 0555 directory: %q", r.Data)
			}
			c.Expect(250, "CWD locked")
		})
	}
}
