package ftp

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// vmsListing is a LIST reply of an OpenVMS server (TCP/IP Services
// style) with entries whose names do not fit their column: the name is
// alone on its line and the rest of the entry follows, indented. The last
// name line is not continued.
const vmsListing = "\r\n" +
	"Directory DISK$USER:[JDOE.PUB]\r\n" +
	"\r\n" +
	"NOTES.TXT;2                 3  14-FEB-2021 09:05:00  [STAFF,JDOE]  (RWED,RWED,RE,)\r\n" +
	"THIS_IS_A_LONG_DIRECTORY_NAME.DIR;1\r\n" +
	"                            1  14-FEB-2021 09:06:00  [STAFF,JDOE]  (RWE,RWE,RE,RE)\r\n" +
	"AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT;12\r\n" +
	"                      213/216  29-JAN-1996 03:33:12  [STAFF,JDOE]  (RWED,RWED,,)\r\n" +
	"LAST_LONG_NAME_WITHOUT_ITS_DETAILS.TXT;1\r\n" +
	"\r\n" +
	"Total of 4 files, 217/231 blocks.\r\n"

// TestReadDirVMS checks that ReadDir joins the wrapped entries of a VMS
// listing, and still returns a name line that nothing continued.
func TestReadDirVMS(t *testing.T) {
	c := dialLoggedIn(t,
		step("FEAT", "211-Extensions supported:", " SIZE", " MDTM", "211 End"),
		step("SYST", "215 VMS OpenVMS V8.4"),
		step("TYPE A", "200 TYPE set to A."),
		step("EPSV"),
		fakeStep{cmd: "LIST [.PUB]", reply: []string{"150 Opening data connection.", "226 Transfer complete."}, xfer: true, data: vmsListing},
	)
	entries, err := c.ReadDir(context.Background(), "[.PUB]")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT",
		"LAST_LONG_NAME_WITHOUT_ITS_DETAILS.TXT;1",
		"NOTES.TXT",
		"THIS_IS_A_LONG_DIRECTORY_NAME",
	}
	if got := names(entries); !slices.Equal(got, want) {
		t.Fatalf("ReadDir = %q, want %q", got, want)
	}
	if e := entries[0]; e.Type != listing.TypeFile || e.Size != 213*512 || e.Owner != "JDOE" || e.Group != "STAFF" ||
		!e.ModTime.Equal(time.Date(1996, 1, 29, 3, 33, 12, 0, time.UTC)) || e.Raw != "AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT;12"+
		"                      213/216  29-JAN-1996 03:33:12  [STAFF,JDOE]  (RWED,RWED,,)" {
		t.Errorf("joined file entry = %+v", e)
	}
	if e := entries[1]; !e.Unparsed() {
		t.Errorf("last name line = %+v, want an unparsed entry", e)
	}
	if e := entries[2]; e.Type != listing.TypeFile || e.Size != 3*512 {
		t.Errorf("one-line entry = %+v", e)
	}
	if e := entries[3]; e.Type != listing.TypeDir || e.Size != 512 || !e.ModTime.Equal(time.Date(2021, 2, 14, 9, 6, 0, 0, time.UTC)) {
		t.Errorf("joined directory entry = %+v", e)
	}
}

// TestStatVMS checks that Stat finds a wrapped entry in the listing of
// the parent directory.
func TestStatVMS(t *testing.T) {
	c := dialLoggedIn(t,
		step("FEAT", "211-Extensions supported:", " REST STREAM", "211 End"),
		step("PWD", `257 "DISK$USER:[JDOE.PUB]" is current directory.`),
		step("CWD AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT", "550 not a directory"),
		step("SYST", "215 VMS OpenVMS V8.4"),
		step("TYPE A", "200 TYPE set to A."),
		step("EPSV"),
		fakeStep{cmd: "LIST", reply: []string{"150 Opening data connection.", "226 Transfer complete."}, xfer: true, data: vmsListing},
	)
	e, err := c.Stat(context.Background(), "AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT" || e.Type != listing.TypeFile || e.Size != 213*512 || e.Owner != "JDOE" {
		t.Errorf("Stat = %+v", e)
	}
}

// TestWithListParser checks that ReadDir and Stat parse LIST with the
// WithListParser parser: its time zone and clock place a recent Unix
// date, and a chosen format is used whatever SYST says, with plain LIST
// (-a is for Unix listings only).
func TestWithListParser(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	now := func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }
	unix := "-rw-r--r-- 1 u g 42 Dec 31 23:30 late.txt\r\n"
	c := dialLoggedInWith(t, []DialOption{WithListParser(listing.Parser{Location: tokyo, Now: now})},
		step("FEAT", "211-Features:", " SIZE", "211 End"),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 ok"),
		step("EPSV"),
		fakeStep{cmd: "LIST -a", reply: []string{"150 ok", "226 ok"}, xfer: true, data: unix},
	)
	entries, err := c.ReadDir(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	// Dec 31 23:30 in Tokyo, in the year before the parser's clock.
	if want := time.Date(2024, 12, 31, 14, 30, 0, 0, time.UTC); len(entries) != 1 || !entries[0].ModTime.Equal(want) {
		t.Errorf("ReadDir = %+v, want late.txt at %v", entries, want)
	}

	dos := "01-31-24  12:05AM                 1234 notes.txt\r\n"
	c = dialLoggedInWith(t, []DialOption{WithListParser(listing.Parser{Format: listing.FormatDOS})},
		step("FEAT", "211-Features:", " SIZE", "211 End"),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 ok"),
		step("EPSV"),
		fakeStep{cmd: "LIST", reply: []string{"150 ok", "226 ok"}, xfer: true, data: dos},
	)
	entries, err = c.ReadDir(context.Background(), "")
	if err != nil || len(entries) != 1 || entries[0].Name != "notes.txt" || entries[0].Size != 1234 {
		t.Errorf("ReadDir with FormatDOS = %+v, %v", entries, err)
	}
}

// TestListAllFallback checks LIST -a against servers that take "-a" for
// a file name: an empty listing or a 550 is asked again with plain LIST,
// which is used from then on if it finds something; an empty directory
// on a server that understands -a costs nothing more.
func TestListAllFallback(t *testing.T) {
	ctx := context.Background()
	file := "-rw-r--r-- 1 u g 42 Jan 01  2024 f.txt\r\n"
	dots := "drwxr-xr-x 2 u g 4096 Jan 01  2024 .\r\ndrwxr-xr-x 3 u g 4096 Jan 01  2024 ..\r\n"
	ok := []string{"150 ok", "226 ok"}
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " SIZE", "211 End"),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 ok"),
		// An empty directory listed with . and ..: no second LIST.
		step("EPSV"),
		fakeStep{cmd: "LIST -a empty", reply: ok, xfer: true, data: dots},
		// Nothing at all, then LIST finds an entry: -a is dropped.
		step("EPSV"),
		fakeStep{cmd: "LIST -a d", reply: ok, xfer: true, data: ""},
		step("EPSV"),
		fakeStep{cmd: "LIST d", reply: ok, xfer: true, data: file},
		step("EPSV"),
		fakeStep{cmd: "LIST d", reply: ok, xfer: true, data: file},
	)
	if entries, err := c.ReadDir(ctx, "empty"); err != nil || len(entries) != 0 {
		t.Errorf("ReadDir(empty) = %q, %v", names(entries), err)
	}
	for range 2 {
		if entries, err := c.ReadDir(ctx, "d"); err != nil || !slices.Equal(names(entries), []string{"f.txt"}) {
			t.Errorf("ReadDir(d) = %q, %v", names(entries), err)
		}
	}

	// A 550 to LIST -a, then LIST finds an entry: -a is dropped too.
	c = dialLoggedIn(t,
		step("FEAT", "211-Features:", " SIZE", "211 End"),
		step("SYST", "215 UNIX Type: L8"),
		step("TYPE A", "200 ok"),
		step("EPSV"),
		step("LIST -a d", "550 -a d: No such file or directory"),
		step("EPSV"),
		fakeStep{cmd: "LIST d", reply: ok, xfer: true, data: file},
		step("EPSV"),
		fakeStep{cmd: "LIST d", reply: ok, xfer: true, data: file},
	)
	for range 2 {
		if entries, err := c.ReadDir(ctx, "d"); err != nil || !slices.Equal(names(entries), []string{"f.txt"}) {
			t.Errorf("ReadDir(d) after 550 = %q, %v", names(entries), err)
		}
	}
}
