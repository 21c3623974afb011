package mirror_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/mirror"
)

// faultTree is 400 small files in 40 directories and two of 3 MiB.
func faultTree() map[string]string {
	files := map[string]string{}
	for i := range 40 {
		for j := range 10 {
			files[fmt.Sprintf("d%02d/f%d", i, j)] = fmt.Sprintf("file %d %d\n", i, j)
		}
	}
	files["big1"] = strings.Repeat("0123456789abcdef", 3<<16)
	files["d20/big2"] = strings.Repeat("fedcba9876543210", 3<<16)
	return files
}

// TestServerKilled kills the server in the middle of a mirror, in both
// directions, and starts it again: the rerun ends with identical trees
// and no temporary file left on either side. On vsftpd (LIST, no MFMT)
// and proftpd (MLSD, MFMT).
func TestServerKilled(t *testing.T) {
	files := faultTree()
	for _, kind := range []realserver.Kind{realserver.Vsftpd, realserver.ProFTPD} {
		for _, dir := range []string{"download", "upload"} {
			t.Run(string(kind)+"/"+dir, func(t *testing.T) {
				ctx := ctxT(t, 3*time.Minute)
				srv := realserver.Start(t, kind, realserver.Config{})
				c := rsClient(t, srv, 8)
				var src, dst mirror.Tree
				var srcDir, dstDir string
				if dir == "download" {
					serverTree(t, srv, "tree", files)
					srcDir, dstDir = srv.Path("tree"), filepath.Join(t.TempDir(), "tree")
					src, dst = mirror.Remote(c, "tree"), mirror.Local(dstDir)
				} else {
					srcDir, dstDir = t.TempDir(), srv.Path("tree")
					writeTree(t, srcDir, files, base)
					src, dst = mirror.Local(srcDir), mirror.Remote(c, "tree")
				}
				var copied atomic.Int64
				var once sync.Once
				kill := make(chan struct{})
				opts := mirror.Options{Parallel: 8, MaxErrors: 3, Report: func(e mirror.Event) {
					if e.State == mirror.Finished && e.Action.Kind == mirror.Copy && copied.Add(1) == 150 {
						once.Do(func() { close(kill) })
					}
				}}
				done := make(chan error, 1)
				go func() {
					_, err := mirror.Run(ctx, src, dst, opts)
					done <- err
				}()
				select {
				case <-kill:
					srv.Kill()
				case err := <-done:
					t.Fatalf("the mirror ended before the kill: %v", err)
				}
				if err := <-done; err == nil {
					t.Fatal("the mirror succeeded with its server killed")
				}
				leftovers := 0
				for _, l := range fingerprint(t, dstDir) {
					if strings.Contains(l, ".ftpkit-") {
						leftovers++
					}
				}
				t.Logf("after the kill: %d files copied, %d temporary files in the target", copied.Load(), leftovers)
				srv.Restart(t)
				opts.Report = nil
				opts.MaxErrors = 0
				run(t, context.Background(), src, dst, opts)
				sameTrees(t, srcDir, dstDir)
			})
		}
	}
}

// TestSessionLimit mirrors with 8 transfers at once from and to a server
// that takes 2 sessions per client: the Client's pool settles at the
// server's limit, and the mirror succeeds.
func TestSessionLimit(t *testing.T) {
	files := map[string]string{}
	for i := range 20 {
		for j := range 10 {
			files[fmt.Sprintf("d%02d/f%d", i, j)] = fmt.Sprintf("file %d %d\n", i, j)
		}
	}
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			ctx := ctxT(t, 3*time.Minute)
			srv := realserver.Start(t, kind, realserver.Config{MaxSessionsPerIP: 2})
			c := rsClient(t, srv, 8)
			serverTree(t, srv, "down", files)
			local := filepath.Join(t.TempDir(), "down")
			opts := mirror.Options{Parallel: 8}
			run(t, ctx, mirror.Remote(c, "down"), mirror.Local(local), opts)
			sameTrees(t, srv.Path("down"), local)
			run(t, ctx, mirror.Local(local), mirror.Remote(c, "up"), opts)
			sameTrees(t, local, srv.Path("up"))
		})
	}
}
