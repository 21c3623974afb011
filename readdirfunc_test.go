package ftp_test

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

// TestReadDirFunc checks that ReadDirFunc streams the entries of
// ReadDir, without "." and "..", that a missing directory is an error,
// and that an error from fn ends the listing, with the Conn still
// usable.
func TestReadDirFunc(t *testing.T) {
	files := map[string][]byte{}
	for i := range 50 {
		files[fmt.Sprintf("d/f%02d", i)] = []byte("x")
	}
	files["d/sub/g"] = []byte("g")
	srv := clServer(t, files)
	ctx := clCtx(t)
	c := dialLogin(t, ctx, srv.Addr, srv.User, srv.Password)

	var got []string
	err := c.ReadDirFunc(ctx, "d", func(e listing.Entry) error {
		got = append(got, e.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.ReadDir(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if len(got) != 51 || !slices.Equal(got, entryNames(want)) {
		t.Errorf("ReadDirFunc = %q, ReadDir = %q", got, entryNames(want))
	}

	err = c.ReadDirFunc(ctx, "missing", func(listing.Entry) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDirFunc(missing) = %v, want fs.ErrNotExist", err)
	}

	stop := errors.New("stop")
	n := 0
	err = c.ReadDirFunc(ctx, "d", func(listing.Entry) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("ReadDirFunc stopped: %v after %d entries; want %v after 3", err, n, stop)
	}
	if _, err := c.Stat(ctx, "d/sub"); err != nil {
		t.Errorf("Stat after a stopped listing: %v", err)
	}
}

// TestClientReadDirFunc checks that the Client retries a listing that
// broke before any entry came, and not one that broke after.
func TestClientReadDirFunc(t *testing.T) {
	files := map[string][]byte{}
	for i := range 2000 {
		files[fmt.Sprintf("d/a-rather-long-file-name-%04d", i)] = []byte("x")
	}
	srv := clServer(t, files)
	c := clClient(t, srv)
	ctx := clCtx(t)

	count := func() (int, error) {
		n := 0
		err := c.ReadDirFunc(ctx, "d", func(e listing.Entry) error {
			if !strings.HasPrefix(e.Name, "a-rather-long-file-name-") {
				return fmt.Errorf("entry %q", e.Name)
			}
			n++
			return nil
		})
		return n, err
	}
	if n, err := count(); n != 2000 || err != nil {
		t.Fatalf("ReadDirFunc: %d entries, %v", n, err)
	}

	srv.CutData("MLSD", 1, 0)
	if n, err := count(); n != 2000 || err != nil {
		t.Errorf("listing cut before any entry: %d entries, %v; want a retry", n, err)
	}

	srv.CutData("MLSD", 1, 50_000)
	n, err := count()
	var pe *fs.PathError
	if err == nil || n == 0 || n >= 2000 || !errors.As(err, &pe) || pe.Path != "d" || !ftp.IsSessionError(err) {
		t.Errorf("listing cut after %d entries: %v; want a session error, not retried", n, err)
	}
	if n, err := count(); n != 2000 || err != nil {
		t.Errorf("ReadDirFunc after the cut: %d entries, %v", n, err)
	}
}

func entryNames(es []listing.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}
