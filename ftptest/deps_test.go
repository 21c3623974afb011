package ftptest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Programs that use ftptest outside tests, such as the ftpkit CLI's demo
// (Start), must not link package testing: it registers its flags and
// bloats the binary.
func TestNoTestingDependency(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	for _, pkg := range []string{"github.com/ftpkit/ftp/ftptest", "github.com/ftpkit/ftp/cmd/ftpkit"} {
		out, err := exec.Command(gocmd, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		if slices.Contains(strings.Fields(string(out)), "testing") {
			t.Errorf("%s depends on package testing", pkg)
		}
	}
}
