package ftp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
)

// TestRealServerFSErrors checks how each real server's refusals map to
// io/fs errors through the library: a missing path matches
// fs.ErrNotExist on every server; a refusal for lack of permission
// matches fs.ErrPermission, and MKD of an existing name fs.ErrExist,
// where the server's text says so (pure-ftpd, proftpd, pyftpdlib).
// vsftpd's texts name only the command, so its permission refusals read
// as missing paths (RETR, DELE, RMD, CWD) or as nothing (STOR, MKD,
// RNTO), and its MKD of an existing name as nothing: the table in
// docs/errors.md.
func TestRealServerFSErrors(t *testing.T) {
	const (
		none = "none"
		ne   = "not-exist"
		perm = "permission"
		ex   = "exist"
	)
	type call func(ctx context.Context, c *ftp.Conn) error
	cases := []struct {
		name    string
		call    call
		want    string
		vsftpd  string // when vsftpd differs
		pureftp string // when pure-ftpd differs
	}{
		{"RETR missing", func(ctx context.Context, c *ftp.Conn) error { return c.Retrieve(ctx, "missing.txt", io.Discard) }, ne, "", ""},
		{"SIZE missing", func(ctx context.Context, c *ftp.Conn) error { _, err := c.Size(ctx, "missing.txt"); return err }, ne, "", ""},
		{"MDTM missing", func(ctx context.Context, c *ftp.Conn) error { _, err := c.ModTime(ctx, "missing.txt"); return err }, ne, "", ""},
		{"CWD missing", func(ctx context.Context, c *ftp.Conn) error { return c.Cwd(ctx, "missing") }, ne, "", ""},
		{"DELE missing", func(ctx context.Context, c *ftp.Conn) error { return c.Delete(ctx, "missing.txt") }, ne, "", ""},
		{"RMD missing", func(ctx context.Context, c *ftp.Conn) error { return c.Rmd(ctx, "missing") }, ne, "", ""},
		{"RNFR missing", func(ctx context.Context, c *ftp.Conn) error { return c.Rename(ctx, "missing.txt", "x.txt") }, ne, "", ""},
		{"Stat missing", func(ctx context.Context, c *ftp.Conn) error { _, err := c.Stat(ctx, "missing.txt"); return err }, ne, "", ""},
		{"ReadDir missing", func(ctx context.Context, c *ftp.Conn) error { _, err := c.ReadDir(ctx, "missing"); return err }, ne, "", ""},
		{"STOR into missing dir", func(ctx context.Context, c *ftp.Conn) error {
			return c.Store(ctx, "missing/new.txt", bytes.NewReader([]byte("x")))
		}, ne, none, ""},
		{"RETR unreadable", func(ctx context.Context, c *ftp.Conn) error { return c.Retrieve(ctx, "secret.txt", io.Discard) }, perm, ne, ""},
		{"STOR into unwritable dir", func(ctx context.Context, c *ftp.Conn) error {
			return c.Store(ctx, "locked/new.txt", bytes.NewReader([]byte("x")))
		}, perm, none, ""},
		{"DELE in unwritable dir", func(ctx context.Context, c *ftp.Conn) error { return c.Delete(ctx, "locked/f.txt") }, perm, ne, ""},
		{"MKD in unwritable dir", func(ctx context.Context, c *ftp.Conn) error { _, err := c.Mkd(ctx, "locked/new"); return err }, perm, none, ""},
		{"RMD in unwritable dir", func(ctx context.Context, c *ftp.Conn) error { return c.Rmd(ctx, "locked/sub") }, perm, ne, ""},
		{"RNTO in unwritable dir", func(ctx context.Context, c *ftp.Conn) error { return c.Rename(ctx, "locked/f.txt", "locked/g.txt") }, perm, none, ""},
		{"CWD without x", func(ctx context.Context, c *ftp.Conn) error { return c.Cwd(ctx, "noexec") }, perm, ne, ""},
		{"MKD existing dir", func(ctx context.Context, c *ftp.Conn) error { _, err := c.Mkd(ctx, "dir"); return err }, ex, none, ""},
		{"MKD over a file", func(ctx context.Context, c *ftp.Conn) error { _, err := c.Mkd(ctx, "file.txt"); return err }, ex, none, ""},
		{"CWD to a file", func(ctx context.Context, c *ftp.Conn) error { return c.Cwd(ctx, "file.txt") }, none, ne, ""},
		{"RMD non-empty", func(ctx context.Context, c *ftp.Conn) error { return c.Rmd(ctx, "full") }, none, ne, ""},
	}
	class := func(err error) string {
		switch {
		case err == nil:
			return "nil"
		case errors.Is(err, fs.ErrNotExist):
			return ne
		case errors.Is(err, fs.ErrPermission):
			return perm
		case errors.Is(err, fs.ErrExist):
			return ex
		}
		return none
	}
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			srv := realserver.Start(t, kind, realserver.Config{})
			srv.WriteFile("file.txt", []byte("file"))
			srv.Mkdir("dir")
			srv.WriteFile("full/inner.txt", []byte("inner"))
			srv.WriteFileMode("secret.txt", []byte("secret"), 0o000)
			srv.WriteFile("locked/f.txt", []byte("f"))
			srv.Mkdir("locked/sub")
			srv.MkdirMode("locked", 0o555)
			srv.MkdirMode("noexec", 0o600)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			c := rsDial(t, ctx, srv)
			for _, tc := range cases {
				want := tc.want
				switch {
				case kind == realserver.Vsftpd && tc.vsftpd != "":
					want = tc.vsftpd
				case kind == realserver.PureFTPd && tc.pureftp != "":
					want = tc.pureftp
				}
				err := tc.call(ctx, c)
				if got := class(err); got != want {
					t.Errorf("%s: %v: %s, want %s", tc.name, err, got, want)
				}
				if err != nil && !errors.Is(err, ftp.ErrPermanent) && !errors.Is(err, ftp.ErrTemporary) {
					t.Errorf("%s: %v has no reply class", tc.name, err)
				}
			}
		})
	}
}
