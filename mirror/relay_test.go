package mirror_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/mirror"
)

// ftClient returns a Client for the ftptest.Server srv with up to conns
// sessions.
func ftClient(t testing.TB, srv *ftptest.Server, conns int) *ftp.Client {
	t.Helper()
	c, err := ftp.NewClient(srv.URL, ftp.WithTimeout(10*time.Second), ftp.WithoutNetrc(), ftp.WithMaxConns(conns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestServerToServer copies a tree between two servers, from server to
// server (FXP, by default) and streamed from one Client to the other
// (FXPNever), and within one server through a single Client limited to
// one session (spooled through a local file).
func TestServerToServer(t *testing.T) {
	ctx := ctxT(t, time.Minute)
	a, b := ftptest.NewServer(t), ftptest.NewServer(t)
	files := map[string]string{"f": "file", "d/g": "gee", "d/e/": "", "empty": "", "big": string(make([]byte, 3<<20))}
	writeTree(t, filepath.Join(a.Root, "tree"), files, base)

	ca, cb := ftClient(t, a, 4), ftClient(t, b, 4)
	sum := run(t, ctx, mirror.Remote(ca, "tree"), mirror.Remote(cb, "copy"), mirror.Options{})
	sameTrees(t, filepath.Join(a.Root, "tree"), filepath.Join(b.Root, "copy"))
	if sum.Copied != 4 || sum.Made != 3 || sum.FXP != 4 {
		t.Errorf("between servers: %d copied (%d server to server), %d made; want 4 (4), 3; notes %q", sum.Copied, sum.FXP, sum.Made, sum.Notes)
	}
	sum = run(t, ctx, mirror.Remote(ca, "tree"), mirror.Remote(cb, "relayed"), mirror.Options{FXP: mirror.FXPNever})
	sameTrees(t, filepath.Join(a.Root, "tree"), filepath.Join(b.Root, "relayed"))
	if sum.Copied != 4 || sum.FXP != 0 {
		t.Errorf("through this machine: %d copied (%d server to server); want 4 (0)", sum.Copied, sum.FXP)
	}

	one := ftClient(t, a, 1)
	if sum = run(t, ctx, mirror.Remote(one, "tree"), mirror.Remote(one, "copy"), mirror.Options{Parallel: 3}); sum.Copied != 4 || sum.FXP != 0 {
		t.Errorf("within one Client: %d copied (%d server to server); want 4 (0)", sum.Copied, sum.FXP)
	}
	sameTrees(t, filepath.Join(a.Root, "tree"), filepath.Join(a.Root, "copy"))
	if sum = run(t, ctx, mirror.Remote(one, "tree"), mirror.Remote(one, "copy"), mirror.Options{}); sum.Copied != 0 {
		t.Errorf("rerun: %d copied", sum.Copied)
	}
}
