package mirror_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/mirror"
)

// TestResumeLargePartial cuts the download of a large file: the failed
// run leaves no partial file under the file's name, and the next run
// resumes the kept data (REST) and completes the mirror.
func TestResumeLargePartial(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	srv := ftptest.NewServer(t)
	big := strings.Repeat("0123456789abcdef", 1<<17) // 2 MiB
	writeTree(t, filepath.Join(srv.Root, "tree"), map[string]string{"big": big, "small": "s"}, base)
	c, err := ftp.NewClient(srv.URL, ftp.WithTimeout(10*time.Second), ftp.WithoutNetrc(), ftp.WithRetry(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst := filepath.Join(t.TempDir(), "tree")
	// One transfer at a time: "big" comes first, and is the one cut.
	srv.CutData("RETR", 1, 1<<20)
	sum, err := mirror.Run(ctx, mirror.Remote(c, "tree"), mirror.Local(dst), mirror.Options{Parallel: 1})
	if err == nil || sum.Failed != 1 || sum.Copied != 1 {
		t.Fatalf("cut run: %d copied, %d failed, %v; want 1, 1 and an error", sum.Copied, sum.Failed, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "big")); err == nil {
		t.Fatal("a partial file stands under the file's name")
	}
	before := len(srv.Commands())
	run(t, ctx, mirror.Remote(c, "tree"), mirror.Local(dst), mirror.Options{})
	sameTrees(t, filepath.Join(srv.Root, "tree"), dst)
	var rest []string
	for _, cmd := range srv.Commands()[before:] {
		if strings.HasPrefix(cmd, "REST ") {
			rest = append(rest, cmd)
		}
	}
	if len(rest) != 1 || rest[0] == "REST 0" {
		t.Errorf("the rerun sent %q; want one REST past the kept data", rest)
	}
	if got := fingerprint(t, dst); slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, ".ftpkit-") }) {
		t.Errorf("temporary files left: %q", got)
	}
}
