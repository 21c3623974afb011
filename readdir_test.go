package ftp

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/listing"
)

func TestReadDirServer(t *testing.T) {
	c, _ := dialServer(t, map[string]string{"d/b.txt": "bb", "d/a.txt": "a", "d/c/": "", "d/ space .txt": "x"})
	ctx := context.Background()
	entries, err := c.ReadDir(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(entries); !slices.Equal(got, []string{" space .txt", "a.txt", "b.txt", "c"}) {
		t.Errorf("ReadDir = %q", got)
	}
	if e := entries[2]; e.Type != listing.TypeFile || e.Size != 2 {
		t.Errorf("b.txt = %+v", e)
	}
	if e := entries[3]; e.Type != listing.TypeDir {
		t.Errorf("c = %+v", e)
	}
	if _, err := c.ReadDir(ctx, "missing"); !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrPermanent) {
		t.Errorf("ReadDir(missing) = %v", err)
	}
	if err := c.Cwd(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if entries, err := c.ReadDir(ctx, ""); err != nil || len(entries) != 4 {
		t.Errorf("ReadDir(\"\") = %q, %v", names(entries), err)
	}
}

// TestReadDirLIST checks the commands and parsing on a server without
// MLST: LIST -a, and plain LIST once -a is refused; no line is dropped
// but "total", "." and "..".
func TestReadDirLIST(t *testing.T) {
	data := "total 12\r\n" +
		"drwxr-xr-x    3 1000     1000         4096 Jan 01  2024 .\r\n" +
		"drwxr-xr-x    3 1000     1000         4096 Jan 01  2024 ..\r\n" +
		"-rw-r--r--    1 1000     1000           42 Jan 01  2024 file name\r\n" +
		"drwxr-xr-x    2 1000     1000         4096 Jan 01  2024 sub\r\n" +
		"lrwxrwxrwx    1 1000     1000            3 Jan 01  2024 link -> sub\r\n" +
		"!!! a line no parser knows\r\n"
	c := dialLoggedIn(t,
		vsftpdFEAT,
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 Switching to ASCII mode."),
		step("EPSV"),
		fakeStep{cmd: "LIST -a /d", reply: []string{"150 Here comes the directory listing.", "226 Directory send OK."}, xfer: true, data: data},
		// FEAT and SYST are remembered; TYPE A is still in force. A
		// refused -a is dropped, for this call and the next.
		step("EPSV"),
		step("LIST -a", "501 Unknown option"),
		step("EPSV"),
		fakeStep{cmd: "LIST", reply: []string{"150 Here comes the directory listing.", "226 Directory send OK."}, xfer: true, data: ""},
		step("EPSV"),
		step("LIST gone", "550 No such directory"),
	)
	ctx := context.Background()
	entries, err := c.ReadDir(ctx, "/d")
	if err != nil {
		t.Fatal(err)
	}
	if got := names(entries); !slices.Equal(got, []string{"!!! a line no parser knows", "file name", "link", "sub"}) {
		t.Fatalf("ReadDir = %q", got)
	}
	if !entries[0].Unparsed() || entries[1].Size != 42 || entries[2].Type != listing.TypeSymlink || entries[2].Target != "sub" || entries[3].Type != listing.TypeDir {
		t.Errorf("entries = %+v", entries)
	}
	if entries, err := c.ReadDir(ctx, ""); err != nil || len(entries) != 0 {
		t.Errorf("empty ReadDir = %q, %v", names(entries), err)
	}
	if _, err := c.ReadDir(ctx, "gone"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir(gone) = %v", err)
	}
}

func TestReadDirMLSD(t *testing.T) {
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " MLST type*;perm*;unique*;", "211 End"),
		// No TYPE A: MLSD data is TYPE L 8 whatever TYPE is (RFC 3659, 7.2).
		step("EPSV"),
		fakeStep{cmd: "MLSD", reply: []string{"150 ok", "226 ok"}, xfer: true, data: ftptest.MLSDData + "\r\n"},
	)
	entries, err := c.ReadDir(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 15 {
		t.Errorf("got %d entries, want 17 - cdir - pdir: %q", len(entries), names(entries))
	}
	i := slices.IndexFunc(entries, func(e listing.Entry) bool { return e.Name == "foobar" })
	if i < 0 || entries[i].Type != listing.TypeSymlink || entries[i].Target != "/foobar" {
		t.Errorf("foobar = %+v", entries[i])
	}
	if !slices.Contains(names(entries), " leading space") {
		t.Errorf("leading space lost: %q", names(entries))
	}
}
