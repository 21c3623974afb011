package mirror_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/realserver"
)

// TestPeakRSS measures the peak RSS of the ftpkit CLI mirroring a tree
// of 100,000 files in 1,110 directories from pure-ftpd (its first copy,
// a no-op rerun, a dry run, and one listing pass of the tree to time the
// rerun against), for docs/performance.md. It takes minutes, so it
// runs only with FTPKIT_MIRROR_RSS=1.
func TestPeakRSS(t *testing.T) {
	if os.Getenv("FTPKIT_MIRROR_RSS") == "" {
		t.Skip("set FTPKIT_MIRROR_RSS=1 to measure the peak RSS of a 100,000-file mirror")
	}
	bin := filepath.Join(t.TempDir(), "ftpkit")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/ftpkit").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := realserver.Start(t, realserver.PureFTPd, realserver.Config{})
	start := time.Now()
	for i := range 10 {
		for j := range 100 {
			for k := range 100 {
				srv.WriteFile(fmt.Sprintf("big/d%d/s%02d/f%02d", i, j, k), []byte("sixteen bytes..\n"))
			}
		}
	}
	t.Logf("100,000 files written in %v", time.Since(start).Round(time.Second))
	local := filepath.Join(t.TempDir(), "big")
	url := fmt.Sprintf("ftp://%s:%s@%s/big/", srv.User, srv.Password, srv.Addr)
	empty := filepath.Join(t.TempDir(), "none")
	for _, step := range []string{"first copy", "no-op rerun", "dry run", "listing pass", "no-op rerun"} {
		args := []string{"mirror", "-q", "-P", "8", url, local}
		switch step {
		case "dry run":
			args = []string{"mirror", "--dry-run", "-P", "8", url, local}
		case "listing pass":
			// A dry run into a missing directory lists the source
			// tree and nothing else.
			args = []string{"mirror", "--dry-run", "-P", "8", url, empty}
		}
		cmd := exec.Command(bin, args...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", step, err, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		t.Logf("%s: %v, peak RSS %.1f MiB (%s, %d CPUs)", step, time.Since(start).Round(time.Millisecond), float64(ru.Maxrss)/1024, runtime.GOOS, runtime.NumCPU())
		if mib := float64(ru.Maxrss) / 1024; mib >= 100 {
			t.Errorf("%s: peak RSS %.1f MiB, want under 100", step, mib)
		}
	}
}
