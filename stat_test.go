package ftp

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ftpkit/ftp/listing"
)

func TestStatServer(t *testing.T) {
	c, s := dialServer(t, map[string]string{"d/f.txt": "hello", "d/e/": ""})
	ctx := context.Background()
	mt := time.Date(2022, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(s.Root, "d", "f.txt"), mt, mt); err != nil {
		t.Fatal(err)
	}
	e, err := c.Stat(ctx, "d/f.txt")
	if err != nil || e.Name != "f.txt" || e.Type != listing.TypeFile || e.Size != 5 || !e.ModTime.Equal(mt) {
		t.Errorf("Stat(d/f.txt) = %+v, %v", e, err)
	}
	for p, name := range map[string]string{"d": "d", "/d/e/": "e", "/": "/", "": ".", ".": "."} {
		e, err := c.Stat(ctx, p)
		if err != nil || e.Name != name || e.Type != listing.TypeDir {
			t.Errorf("Stat(%q) = %+v, %v", p, e, err)
		}
	}
	for _, p := range []string{"missing", "d/missing", "/missing/x"} {
		_, err := c.Stat(ctx, p)
		var fe *Error
		if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) || !errors.As(err, &fe) {
			t.Errorf("Stat(%q) = %v, want an *Error matching fs.ErrNotExist and ErrPermanent", p, err)
		}
	}
}

func TestStatMLST(t *testing.T) {
	ctx := context.Background()
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " MLST type*;size*;modify*;perm*;", "211 End"),
		step("MLST /a dir/f", "250-Listing /a dir/f", " type=file;size=42;modify=20240102030405.5;perm=r; /a dir/f", "250 End"),
		step("MLST gone", "550 No such file or directory"),
		step("MLST bad", "250 nothing to see"),
		step("MLST busy", "421 too busy"),
	)
	e, err := c.Stat(ctx, "/a dir/f")
	want := time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC)
	if err != nil || e.Name != "f" || e.Type != listing.TypeFile || e.Size != 42 || !e.ModTime.Equal(want) || e.Facts != "type=file;size=42;modify=20240102030405.5;perm=r;" {
		t.Errorf("Stat = %+v, %v", e, err)
	}
	if _, err := c.Stat(ctx, "gone"); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) {
		t.Errorf("Stat(gone) = %v", err)
	}
	if _, err := c.Stat(ctx, "bad"); !errors.Is(err, ErrProtocol) {
		t.Errorf("Stat(bad) = %v, want ErrProtocol", err)
	}
	if _, err := c.Stat(ctx, "busy"); !errors.Is(err, ErrTemporary) || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(busy) = %v, want ErrTemporary only", err)
	}
}

// TestStatFallback checks the exact commands Stat sends to a server
// without MLST, such as vsftpd.
func TestStatFallback(t *testing.T) {
	ctx := context.Background()
	listData := "total 2\r\n-rw-r--r--    1 1000     1000            0 Jan 01  2024 other\r\nprw-r--r--    1 1000     1000            0 Jan 01  2024 fifo\r\n"
	c := dialLoggedIn(t,
		vsftpdFEAT,
		// A file: SIZE and MDTM.
		step("TYPE I", "200 Switching to Binary mode."),
		step("SIZE dir/f", "213 1234"),
		step("MDTM dir/f", "213 20240102030405"),
		// A directory: SIZE refused, CWD probe, back to the working directory.
		step("SIZE dir", "550 Could not get file size."),
		step("PWD", `257 "/home/u" is the current directory`),
		step("CWD dir", "250 Directory successfully changed."),
		step("CWD /home/u", "250 Directory successfully changed."),
		// Neither: LIST of the parent, where it is missing.
		step("SIZE dir/gone", "550 Could not get file size."),
		step("PWD", `257 "/home/u" is the current directory`),
		step("CWD dir/gone", "550 Failed to change directory."),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 Switching to ASCII mode."),
		step("EPSV"),
		fakeStep{cmd: "LIST -a dir", reply: []string{"150 Here comes the directory listing.", "226 Directory send OK."}, xfer: true, data: listData},
		// Neither, and found in the listing: a named pipe.
		step("TYPE I", "200 Switching to Binary mode."),
		step("SIZE dir/fifo", "550 Could not get file size."),
		step("PWD", `257 "/home/u" is the current directory`),
		step("CWD dir/fifo", "550 Failed to change directory."),
		step("TYPE A", "200 Switching to ASCII mode."),
		step("EPSV"),
		fakeStep{cmd: "LIST -a dir", reply: []string{"150 Here comes the directory listing.", "226 Directory send OK."}, xfer: true, data: listData},
		// A top-level name: its parent is the working directory.
		step("TYPE I", "200 Switching to Binary mode."),
		step("SIZE top", "550 Could not get file size."),
		step("PWD", `257 "/home/u" is the current directory`),
		step("CWD top", "550 Failed to change directory."),
		step("TYPE A", "200 Switching to ASCII mode."),
		step("EPSV"),
		fakeStep{cmd: "LIST -a", reply: []string{"150 Here comes the directory listing.", "550 cannot list"}, xfer: true},
	)
	e, err := c.Stat(ctx, "dir/f")
	if err != nil || e.Name != "f" || e.Type != listing.TypeFile || e.Size != 1234 ||
		!e.ModTime.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) || e.Precision != listing.PrecisionSecond {
		t.Errorf("Stat(dir/f) = %+v, %v", e, err)
	}
	e, err = c.Stat(ctx, "dir")
	if err != nil || e.Name != "dir" || e.Type != listing.TypeDir || e.Size != -1 {
		t.Errorf("Stat(dir) = %+v, %v", e, err)
	}
	_, err = c.Stat(ctx, "dir/gone")
	var fe *Error
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) || !errors.As(err, &fe) || fe.Cmd != "CWD dir/gone" {
		t.Errorf("Stat(dir/gone) = %v", err)
	}
	e, err = c.Stat(ctx, "dir/fifo")
	if err != nil || e.Name != "fifo" || e.Type != listing.TypePipe {
		t.Errorf("Stat(dir/fifo) = %+v, %v", e, err)
	}
	if _, err = c.Stat(ctx, "top"); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) {
		t.Errorf("Stat(top) = %v", err)
	}
}

// TestStatFallbackRestoreFails checks that a failure to go back to the
// working directory is reported, not hidden.
func TestStatFallbackRestoreFails(t *testing.T) {
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " MDTM", "211 End"), // no SIZE: skipped
		step("PWD", `257 "/home/u"`),
		step("CWD d", "250 ok"),
		step("CWD /home/u", "550 gone"),
	)
	if _, err := c.Stat(context.Background(), "d"); !errors.Is(err, ErrPermanent) || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat = %v", err)
	}
}
