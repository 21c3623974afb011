package listing

import (
	"io/fs"
	"testing"
	"time"
)

var dosCases = []listCase{
	{"01-31-24  12:00PM       <DIR>          Program Files", "Program Files", TypeDir, "", -1, date(2024, 1, 31, 12, 0), PrecisionMinute, fs.ModeDir, "", ""},
	{"01-31-24  12:05AM                 1234 notes.txt", "notes.txt", TypeFile, "", 1234, date(2024, 1, 31, 0, 5), PrecisionMinute, 0, "", ""},
	{"11-23-98  07:30PM                  500 old.txt", "old.txt", TypeFile, "", 500, date(1998, 11, 23, 19, 30), PrecisionMinute, 0, "", ""},
	{"01-31-2024  13:05             1234 four digit year", "four digit year", TypeFile, "", 1234, date(2024, 1, 31, 13, 5), PrecisionMinute, 0, "", ""},
	{"2024-01-31  13:05              1,234 comma size", "comma size", TypeFile, "", 1234, date(2024, 1, 31, 13, 5), PrecisionMinute, 0, "", ""},
	{"01-31-24  01:05 PM       <DIR>           leading space", " leading space", TypeDir, "", -1, date(2024, 1, 31, 13, 5), PrecisionMinute, fs.ModeDir, "", ""},
	{"01-31-24  12:00PM                    0  two-space name", " two-space name", TypeFile, "", 0, date(2024, 1, 31, 12, 0), PrecisionMinute, 0, "", ""},
	{"01/31/2024  09:15    <JUNCTION>     Documents [C:\\Users\\me\\Documents]", "Documents", TypeSymlink, "C:\\Users\\me\\Documents", -1, date(2024, 1, 31, 9, 15), PrecisionMinute, fs.ModeSymlink, "", ""},
}

var eplfCases = []listCase{
	{"+i8388621.48594,m825718503,r,s280,\tdjb.html", "djb.html", TypeFile, "", 280, time.Unix(825718503, 0), PrecisionSecond, 0, "", ""},
	{"+i8388621.50690,m824255907,/,\t514", "514", TypeDir, "", -1, time.Unix(824255907, 0), PrecisionSecond, fs.ModeDir, "", ""},
	{"+i8388621.48598,m824253270,r,s612,\t a name with spaces ", " a name with spaces ", TypeFile, "", 612, time.Unix(824253270, 0), PrecisionSecond, 0, "", ""},
	{"+m824253270,up755,/,\tbin", "bin", TypeDir, "", -1, time.Unix(824253270, 0), PrecisionSecond, fs.ModeDir | 0o755, "", ""},
	{"+,zz,\tneither", "neither", TypeOther, "", -1, time.Time{}, PrecisionUnknown, fs.ModeIrregular, "", ""},
}

var vmsCases = []listCase{
	{"FILE.TXT;1           2/3          24-NOV-2024 19:30:12  [GROUP,OWNER]  (RWED,RWED,RE,)", "FILE.TXT", TypeFile, "", 1024, time.Date(2024, 11, 24, 19, 30, 12, 0, time.UTC), PrecisionSecond, 0o750, "OWNER", "GROUP"},
	{"SUBDIR.DIR;1         1/4           1-JAN-2020 08:00     [SYSTEM]       (RWE,RWE,RE,RE)", "SUBDIR", TypeDir, "", 512, date(2020, 1, 1, 8, 0), PrecisionMinute, fs.ModeDir | 0o755, "SYSTEM", ""},
	{"LOGIN.COM;12         5            31-DEC-1999 23:59:59.99", "LOGIN.COM", TypeFile, "", 2560, time.Date(1999, 12, 31, 23, 59, 59, 990000000, time.UTC), PrecisionSubsecond, 0, "", ""},
	{"DATA.DAT;3 0/0 5-MAR-2024 10:00 [100,200] (RWED,RWED,,)", "DATA.DAT", TypeFile, "", 0, date(2024, 3, 5, 10, 0), PrecisionMinute, 0o700, "200", "100"},
}

var netwareCases = []listCase{
	{"d [RWCEAFMS] admin                 512 Nov 23 19:30 public", "public", TypeDir, "", 512, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir, "admin", ""},
	{"- [R----F--] jdoe                 1024 Nov 23  2020 report 2020.txt", "report 2020.txt", TypeFile, "", 1024, date(2020, 11, 23, 0, 0), PrecisionDay, 0, "jdoe", ""},
}

var os2Cases = []listCase{
	{"     0           DIR   11-23-24   19:30  dirname", "dirname", TypeDir, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir, "", ""},
	{"  1024      A          11-23-24   19:30  file name.txt", "file name.txt", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0, "", ""},
	{" 73098                 04-06-97   15:44  readme", "readme", TypeFile, "", 73098, date(1997, 4, 6, 15, 44), PrecisionMinute, 0, "", ""},
}

var as400Cases = []listCase{
	{"QSYS           77824 02/23/00 15:09:55 *DIR       QSYS.LIB/", "QSYS.LIB", TypeDir, "", 77824, time.Date(2000, 2, 23, 15, 9, 55, 0, time.UTC), PrecisionSecond, fs.ModeDir, "QSYS", ""},
	{"QPGMR           1234 11/23/24 19:30:00 *STMF      file name.txt", "file name.txt", TypeFile, "", 1234, time.Date(2024, 11, 23, 19, 30, 0, 0, time.UTC), PrecisionSecond, 0, "QPGMR", ""},
	{"QPGMR                                  *MEM       MYLIB.FILE/MBR.MBR", "MYLIB.FILE/MBR.MBR", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "QPGMR", ""},
	{"JDOE             512 23.11.2024 08:00:00 *FLR       docs", "docs", TypeDir, "", 512, time.Date(2024, 11, 23, 8, 0, 0, 0, time.UTC), PrecisionSecond, fs.ModeDir, "JDOE", ""},
}

func TestParseDOS(t *testing.T)     { checkList(t, FormatDOS, dosCases) }
func TestParseEPLF(t *testing.T)    { checkList(t, FormatEPLF, eplfCases) }
func TestParseVMS(t *testing.T)     { checkList(t, FormatVMS, vmsCases) }
func TestParseNetware(t *testing.T) { checkList(t, FormatNetware, netwareCases) }
func TestParseOS2(t *testing.T)     { checkList(t, FormatOS2, os2Cases) }
func TestParseAS400(t *testing.T)   { checkList(t, FormatAS400, as400Cases) }

func TestVMSKeepVersion(t *testing.T) {
	p := Parser{Format: FormatVMS, KeepVMSVersion: true}
	e, _ := p.Parse("SUBDIR.DIR;1         1/4           1-JAN-2020 08:00     [SYSTEM]       (RWE,RWE,RE,RE)")
	if e.Name != "SUBDIR.DIR;1" || e.Type != TypeDir {
		t.Errorf("got %q %v", e.Name, e.Type)
	}
}

func TestLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	p := Parser{Location: ny}
	e, _ := p.Parse("01-31-24  12:00PM                 1234 notes.txt")
	if want := time.Date(2024, 1, 31, 17, 0, 0, 0, time.UTC); !e.ModTime.Equal(want) {
		t.Errorf("got %v, want %v", e.ModTime, want)
	}
	// MLSx and EPLF ignore the Location: they are UTC by definition.
	q := Parser{Location: ny}
	e, _ = q.Parse("+m824253270,r,\tx")
	if e.ModTime.Location() != time.UTC {
		t.Errorf("EPLF time in %v", e.ModTime.Location())
	}
}

// TestDetectSticks checks that auto mode keeps a detected format and still
// parses lines of another format.
func TestDetectSticks(t *testing.T) {
	p := Parser{Now: func() time.Time { return testNow }}
	lines := []string{
		"01-31-24  12:00PM       <DIR>          Program Files",
		"-rw-r--r--    1 u g 5 Nov 23 19:30 unix among dos",
		"01-31-24  12:05AM                 1234 notes.txt",
	}
	es := p.ParseList(lines)
	if p.Detected() != FormatDOS || len(es) != 3 || es[1].Name != "unix among dos" || es[2].Size != 1234 {
		t.Errorf("detected %v, entries %+v", p.Detected(), es)
	}
	// A hint that does not fit is ignored.
	q := Parser{Hint: FormatVMS, Now: func() time.Time { return testNow }}
	if e, _ := q.Parse(lines[1]); e.Unparsed() || q.Detected() != FormatUnix {
		t.Errorf("hint VMS, unix line: %+v detected %v", e, q.Detected())
	}
	// An explicit format does not fall back.
	r := Parser{Format: FormatDOS}
	if e, _ := r.Parse(lines[1]); !e.Unparsed() {
		t.Errorf("explicit DOS parsed a Unix line: %+v", e)
	}
}

func TestParserMLSx(t *testing.T) {
	p := Parser{Format: FormatMLSx}
	e, ok := p.Parse("type=file;size=3; a b\r\n")
	if !ok || e.Name != "a b" || e.Size != 3 {
		t.Errorf("got %+v %v", e, ok)
	}
	if _, ok := p.Parse("\r\n"); ok {
		t.Errorf("blank MLSD line reported as an entry")
	}
}

func TestFormatFromSYST(t *testing.T) {
	for reply, want := range map[string]Format{
		"215 UNIX Type: L8":              FormatUnix,
		"UNIX Type: L8":                  FormatUnix,
		"215 UNIX emulated by FileZilla": FormatUnix,
		"215 Windows_NT":                 FormatDOS,
		"215 Windows_NT version 5.0":     FormatDOS,
		"215 VMS OpenVMS V7.3":           FormatVMS,
		"215 NETWARE Type: L8":           FormatNetware,
		"215 OS/2":                       FormatOS2,
		"215 OS/400 is the remote operating system. The TCP/IP version is \"V7R3M0\".":   FormatAS400,
		"215 MVS is the operating system of this server. FTP Server is running on z/OS.": FormatAuto,
		"":    FormatAuto,
		"215": FormatAuto,
	} {
		if got := FormatFromSYST(reply); got != want {
			t.Errorf("FormatFromSYST(%q) = %v, want %v", reply, got, want)
		}
	}
}

func TestStrings(t *testing.T) {
	if TypeSymlink.String() != "symlink" || Type(99).String() != "Type(99)" ||
		PrecisionDay.String() != "day" || Precision(9).String() != "Precision(9)" ||
		FormatAS400.String() != "as400" || Format(42).String() != "Format(42)" {
		t.Error("String methods")
	}
}
