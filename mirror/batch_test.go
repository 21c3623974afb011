package mirror_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/mirror"
)

// TestBatches: a download from pure-ftpd takes its small files in
// batches (ftp.Client.DownloadEach), every file arrives whole, and the
// events tell the files of a batch as they go: never more copies under
// way than Parallel, each started once before it finishes.
func TestBatches(t *testing.T) {
	srv := realserver.Start(t, realserver.PureFTPd, realserver.Config{})
	files := map[string]string{}
	for i := range 100 {
		files[fmt.Sprintf("d%d/f%03d", i%3, i)] = strings.Repeat(string(rune('a'+i%26)), i*37)
	}
	serverTree(t, srv, "src", files)
	var debug bytes.Buffer // WithDebug writes one line at a time
	c := rsClient(t, srv, 2, ftp.WithDebug(1, &debug))
	var (
		mu               sync.Mutex
		running, maxRun  int
		started, problem = map[string]int{}, ""
	)
	opts := mirror.Options{Parallel: 2, Report: func(e mirror.Event) {
		if e.Action.Kind != mirror.Copy {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch e.State {
		case mirror.Started:
			started[e.Action.Path]++
			running++
			maxRun = max(maxRun, running)
		case mirror.Finished:
			if started[e.Action.Path] != 1 && problem == "" {
				problem = fmt.Sprintf("%s finished after %d Started events", e.Action.Path, started[e.Action.Path])
			}
			running--
		}
	}}
	local := filepath.Join(t.TempDir(), "dst")
	sum, err := mirror.Run(ctxT(t, time.Minute), mirror.Remote(c, "src"), mirror.Local(local), opts)
	if err != nil || sum.Copied != 100 {
		t.Fatalf("Run: %+v, %v", sum, err)
	}
	for name, data := range files {
		if b, err := os.ReadFile(filepath.Join(local, name)); err != nil || string(b) != data {
			t.Errorf("%s: %d bytes, %v; want %d", name, len(b), err, len(data))
		}
	}
	if problem != "" {
		t.Error(problem)
	}
	if maxRun > 2 {
		t.Errorf("%d copies under way at once, with Parallel 2", maxRun)
	}
	if n := strings.Count(debug.String(), "*batch*"); n < 4 {
		t.Errorf("%d batches for 100 small files", n)
	}
}

// TestBatchesStop: batches stop where the mirror does. With MaxErrors 3
// and one transfer at a time, a download of 40 unreadable files fails
// exactly 3, not a batch's 16; interrupted after 20 files, a download
// reports no file it did not begin, and nothing after the interruption
// fails on its own account.
func TestBatchesStop(t *testing.T) {
	srv := realserver.Start(t, realserver.PureFTPd, realserver.Config{})
	for i := range 40 {
		srv.WriteFileMode(fmt.Sprintf("bad/f%02d", i), []byte("secret"), 0)
		srv.WriteFile(fmt.Sprintf("good/f%02d", i), []byte(strings.Repeat("g", i)))
	}
	c := rsClient(t, srv, 1)
	t.Run("MaxErrors", func(t *testing.T) {
		sum, err := mirror.Run(ctxT(t, time.Minute), mirror.Remote(c, "bad"), mirror.Local(t.TempDir()),
			mirror.Options{Parallel: 1, MaxErrors: 3})
		if err == nil || sum.Failed != 3 {
			t.Errorf("Failed = %d (%v), want 3", sum.Failed, err)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctxT(t, time.Minute))
		defer cancel()
		var mu sync.Mutex
		started, finished := map[string]bool{}, 0
		opts := mirror.Options{Parallel: 1, Report: func(e mirror.Event) {
			if e.Action.Kind != mirror.Copy {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			switch e.State {
			case mirror.Started:
				started[e.Action.Path] = true
			case mirror.Finished:
				if !started[e.Action.Path] {
					t.Errorf("%s finished, never started", e.Action.Path)
				}
				if finished++; finished == 20 {
					cancel()
				}
			}
		}}
		sum, err := mirror.Run(ctx, mirror.Remote(c, "good"), mirror.Local(t.TempDir()), opts)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
		if sum.Copied != 20 || sum.Failed > 2 || finished > 21 {
			t.Errorf("Copied %d, Failed %d, %d finished; want 20 copied and the interruption alone failed", sum.Copied, sum.Failed, finished)
		}
	})
}
