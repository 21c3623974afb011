package listing

import (
	"io/fs"
	"slices"
	"testing"
	"time"
)

// The lines below follow the shapes that the servers' documentation and
// other clients' notes describe; they are written for these tests, not
// copied from captures.

var dosCases = []listCase{
	// IIS defaults: MM-DD-YY, 12-hour clock, fixed columns (the name
	// starts ten spaces after <DIR>, one space after the size).
	{"01-31-24  12:00PM       <DIR>          Program Files", "Program Files", TypeDir, "", -1, date(2024, 1, 31, 12, 0), PrecisionMinute, fs.ModeDir, "", ""},
	{"01-31-24  12:05AM                 1234 notes.txt", "notes.txt", TypeFile, "", 1234, date(2024, 1, 31, 0, 5), PrecisionMinute, 0, "", ""},
	{"11-23-98  07:30PM                  500 old.txt", "old.txt", TypeFile, "", 500, date(1998, 11, 23, 19, 30), PrecisionMinute, 0, "", ""},
	{"07-04-03  03:15PM       <DIR>          Shared Docs", "Shared Docs", TypeDir, "", -1, date(2003, 7, 4, 15, 15), PrecisionMinute, fs.ModeDir, "", ""},
	// The two-digit year pivot: 00-69 are 2000-2069, 70-99 are 1970-1999.
	{"12-31-69  11:59PM                  100 pivot-69.txt", "pivot-69.txt", TypeFile, "", 100, date(2069, 12, 31, 23, 59), PrecisionMinute, 0, "", ""},
	{"01-01-70  12:00AM                  100 pivot-70.txt", "pivot-70.txt", TypeFile, "", 100, date(1970, 1, 1, 0, 0), PrecisionMinute, 0, "", ""},
	// IIS with long dates (four-digit years), sizes above 4 GiB.
	{"01-31-2024  13:05             1234 four digit year", "four digit year", TypeFile, "", 1234, date(2024, 1, 31, 13, 5), PrecisionMinute, 0, "", ""},
	{"03-15-2024  08:41AM           5368709120 disk image.vhdx", "disk image.vhdx", TypeFile, "", 5368709120, date(2024, 3, 15, 8, 41), PrecisionMinute, 0, "", ""},
	// Windows CE and other 24-hour servers.
	{"09-17-12  21:48       <DIR>          Storage Card", "Storage Card", TypeDir, "", -1, date(2012, 9, 17, 21, 48), PrecisionMinute, fs.ModeDir, "", ""},
	// ISO dates and grouped sizes.
	{"2024-01-31  13:05              1,234 comma size", "comma size", TypeFile, "", 1234, date(2024, 1, 31, 13, 5), PrecisionMinute, 0, "", ""},
	// cmd.exe "dir" style: slashes, "AM"/"PM" apart, grouped sizes,
	// reparse points with their target in brackets.
	{"03/15/2024  08:41 PM     5,368,709,120 backup.vhdx", "backup.vhdx", TypeFile, "", 5368709120, date(2024, 3, 15, 20, 41), PrecisionMinute, 0, "", ""},
	{"01/31/2024  09:15    <JUNCTION>     Documents [C:\\Users\\me\\Documents]", "Documents", TypeSymlink, "C:\\Users\\me\\Documents", -1, date(2024, 1, 31, 9, 15), PrecisionMinute, fs.ModeSymlink, "", ""},
	{"06/02/2023  10:00 AM    <SYMLINKD>     current [releases\\v2.1]", "current", TypeSymlink, "releases\\v2.1", -1, date(2023, 6, 2, 10, 0), PrecisionMinute, fs.ModeSymlink, "", ""},
	{"06/02/2023  12:30 PM    <SYMLINK>      latest.log [logs\\2023-06-02.log]", "latest.log", TypeSymlink, "logs\\2023-06-02.log", -1, date(2023, 6, 2, 12, 30), PrecisionMinute, fs.ModeSymlink, "", ""},
	// cmd.exe "dir" in a locale with dotted dates: day first.
	{"01.02.2024  13:05    <DIR>          Eigene Dateien", "Eigene Dateien", TypeDir, "", -1, date(2024, 2, 1, 13, 5), PrecisionMinute, fs.ModeDir, "", ""},
	{"31.01.24  07:00             1.234.567 bericht.pdf", "bericht.pdf", TypeFile, "", 1234567, date(2024, 1, 31, 7, 0), PrecisionMinute, 0, "", ""},
	// Names: leading, inner and trailing spaces, digits only.
	{"01-31-24  01:05 PM       <DIR>           leading space", " leading space", TypeDir, "", -1, date(2024, 1, 31, 13, 5), PrecisionMinute, fs.ModeDir, "", ""},
	{"01-31-24  12:00PM                    0  two-space name", " two-space name", TypeFile, "", 0, date(2024, 1, 31, 12, 0), PrecisionMinute, 0, "", ""},
	{"11-05-24  09:07PM                 2048 two  inner  spaces ", "two  inner  spaces ", TypeFile, "", 2048, date(2024, 11, 5, 21, 7), PrecisionMinute, 0, "", ""},
	{"11-05-24  09:07PM                   42 1234", "1234", TypeFile, "", 42, date(2024, 11, 5, 21, 7), PrecisionMinute, 0, "", ""},
}

var eplfCases = []listCase{
	{"+i8388621.48594,m825718503,r,s280,\tdjb.html", "djb.html", TypeFile, "", 280, time.Unix(825718503, 0), PrecisionSecond, 0, "", ""},
	{"+i8388621.50690,m824255907,/,\t514", "514", TypeDir, "", -1, time.Unix(824255907, 0), PrecisionSecond, fs.ModeDir, "", ""},
	{"+i8388621.48598,m824253270,r,s612,\t a name with spaces ", " a name with spaces ", TypeFile, "", 612, time.Unix(824253270, 0), PrecisionSecond, 0, "", ""},
	{"+m824253270,up755,/,\tbin", "bin", TypeDir, "", -1, time.Unix(824253270, 0), PrecisionSecond, fs.ModeDir | 0o755, "", ""},
	{"+,zz,\tneither", "neither", TypeOther, "", -1, time.Time{}, PrecisionUnknown, fs.ModeIrregular, "", ""},
	// Facts in any order; i is an identifier and is ignored.
	{"+i2049.77,m1700000000,/,\tincoming", "incoming", TypeDir, "", -1, time.Unix(1700000000, 0), PrecisionSecond, fs.ModeDir, "", ""},
	{"+s0,r,m1700000000,\tempty", "empty", TypeFile, "", 0, time.Unix(1700000000, 0), PrecisionSecond, 0, "", ""},
	{"+r,s5368709120,\tbig.iso", "big.iso", TypeFile, "", 5368709120, time.Time{}, PrecisionUnknown, 0, "", ""},
	{"+r,up644,s1,\tperm.txt", "perm.txt", TypeFile, "", 1, time.Time{}, PrecisionUnknown, 0o644, "", ""},
	{"+up4755,r,m0,\tsetuid", "setuid", TypeFile, "", -1, time.Unix(0, 0), PrecisionSecond, fs.ModeSetuid | 0o755, "", ""},
	// Unknown facts, and known facts with bad values, are ignored.
	{"+r,s10,xlang=en,m1700000000,Q,\tunknown facts", "unknown facts", TypeFile, "", 10, time.Unix(1700000000, 0), PrecisionSecond, 0, "", ""},
	{"+r,sX,m-1,up9,u,\tbad values", "bad values", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
	// The name is everything after the first tab.
	{"+i99.1,r,\tname\twith\ttabs", "name\twith\ttabs", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
	{"+/,r,\tboth", "both", TypeDir, "", -1, time.Time{}, PrecisionUnknown, fs.ModeDir, "", ""},
}

var vmsCases = []listCase{
	{"FILE.TXT;1           2/3          24-NOV-2024 19:30:12  [GROUP,OWNER]  (RWED,RWED,RE,)", "FILE.TXT", TypeFile, "", 1024, time.Date(2024, 11, 24, 19, 30, 12, 0, time.UTC), PrecisionSecond, 0o750, "OWNER", "GROUP"},
	{"SUBDIR.DIR;1         1/4           1-JAN-2020 08:00     [SYSTEM]       (RWE,RWE,RE,RE)", "SUBDIR", TypeDir, "", 512, date(2020, 1, 1, 8, 0), PrecisionMinute, fs.ModeDir | 0o755, "SYSTEM", ""},
	{"LOGIN.COM;12         5            31-DEC-1999 23:59:59.99", "LOGIN.COM", TypeFile, "", 2560, time.Date(1999, 12, 31, 23, 59, 59, 990000000, time.UTC), PrecisionSubsecond, 0, "", ""},
	{"DATA.DAT;3 0/0 5-MAR-2024 10:00 [100,200] (RWED,RWED,,)", "DATA.DAT", TypeFile, "", 0, date(2024, 3, 5, 10, 0), PrecisionMinute, 0o700, "200", "100"},
	// UCX / TCP/IP Services: used/allocated blocks, seconds, [GROUP,OWNER].
	{"SETUP.COM;7          12/14     3-JUL-2023 16:02:45  [STAFF,JDOE]  (RWED,RWED,R,)", "SETUP.COM", TypeFile, "", 6144, time.Date(2023, 7, 3, 16, 2, 45, 0, time.UTC), PrecisionSecond, 0o740, "JDOE", "STAFF"},
	// MultiNet: plain block count, minutes, [OWNER].
	{"NOTES.TXT;2                 3  14-FEB-2021 09:05 [ANONYMOUS] (RWE,RWE,RE,RWE)", "NOTES.TXT", TypeFile, "", 1536, date(2021, 2, 14, 9, 5), PrecisionMinute, 0o757, "ANONYMOUS", ""},
	// TCPware: hundredths of a second, no owner or protection.
	{".LOGIN_HIST;4   1   2-JAN-2022 07:15:00.05", ".LOGIN_HIST", TypeFile, "", 512, time.Date(2022, 1, 2, 7, 15, 0, 50000000, time.UTC), PrecisionSubsecond, 0, "", ""},
	{"NOEXT.;1  0/1  28-FEB-2023 23:59", "NOEXT.", TypeFile, "", 0, date(2023, 2, 28, 23, 59), PrecisionMinute, 0, "", ""},
	// ODS-5 volumes keep lower case; .dir is still a directory.
	{"readme.txt;3   4  18-APR-2021 10:40:39.90", "readme.txt", TypeFile, "", 2048, time.Date(2021, 4, 18, 10, 40, 39, 900000000, time.UTC), PrecisionSubsecond, 0, "", ""},
	{"archive.dir;1   1/3  1-Dec-2023 09:00 [ftp] (RWE,RWE,RE,RE)", "archive", TypeDir, "", 512, date(2023, 12, 1, 9, 0), PrecisionMinute, fs.ModeDir | 0o755, "ftp", ""},
	// CMU/VMS-IP: the directory precedes the name.
	{"[PUB.SOFTWARE]TOOLS.DIR;1 1/3 5-MAR-1993 18:09", "TOOLS", TypeDir, "", 512, date(1993, 3, 5, 18, 9), PrecisionMinute, fs.ModeDir, "", ""},
	// A size of asterisks is unknown (too wide for the column).
	{"HUGE.BCK;1   ******   6-MAY-2008 09:29 [BACKUP,OPER] (RE,RWED,RE,)", "HUGE.BCK", TypeFile, "", -1, date(2008, 5, 6, 9, 29), PrecisionMinute, 0o750, "OPER", "BACKUP"},
	// No privilege to read the file's header: only the name is known.
	{"PRIVATE.DAT;1        %RMS-E-PRV, insufficient privilege or file protection violation", "PRIVATE.DAT", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
	// Empty protection fields; an allocation too large to matter.
	{"EMPTY.LOG;1 0/0 10-OCT-2010 10:10:10 [1,1] (,,,)", "EMPTY.LOG", TypeFile, "", 0, time.Date(2010, 10, 10, 10, 10, 10, 0, time.UTC), PrecisionSecond, 0, "1", "1"},
	{"BIG.DAT;1  1/99999999999999999999  12-MAR-2005 08:44:57 [SYSTEM] (RWED,RWED,RE,RE)", "BIG.DAT", TypeFile, "", 512, time.Date(2005, 3, 12, 8, 44, 57, 0, time.UTC), PrecisionSecond, 0o755, "SYSTEM", ""},
}

var netwareCases = []listCase{
	{"d [RWCEAFMS] admin                 512 Nov 23 19:30 public", "public", TypeDir, "", 512, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir, "admin", ""},
	{"- [R----F--] jdoe                 1024 Nov 23  2020 report 2020.txt", "report 2020.txt", TypeFile, "", 1024, date(2020, 11, 23, 0, 0), PrecisionDay, 0, "jdoe", ""},
	{"- [RWCEAFMS] webuser                  192 Apr 27 15:21 index.html", "index.html", TypeFile, "", 192, date(2024, 4, 27, 15, 21), PrecisionMinute, 0, "webuser", ""},
	{"d [-W---F--] SYS_ADMIN                512 Apr 13 23:12 VOL1", "VOL1", TypeDir, "", 512, date(2024, 4, 13, 23, 12), PrecisionMinute, fs.ModeDir, "SYS_ADMIN", ""},
	{"- [R----F--] guest                 88000 Jan  5  2019 archive.zip", "archive.zip", TypeFile, "", 88000, date(2019, 1, 5, 0, 0), PrecisionDay, 0, "guest", ""},
	// A recent date ahead of the server's clock is from last year.
	{"- [RWCEAFMS] jdoe                   4096 Dec 24 10:00 wishlist.txt", "wishlist.txt", TypeFile, "", 4096, date(2023, 12, 24, 10, 0), PrecisionMinute, 0, "jdoe", ""},
	{"- [--------] nobody                    0 Nov 25 11:59 locked", "locked", TypeFile, "", 0, date(2024, 11, 25, 11, 59), PrecisionMinute, 0, "nobody", ""},
	{"- [RWCEAFMS] jdoe             5368709120 Oct 20 15:27 backup.tar", "backup.tar", TypeFile, "", 5368709120, date(2024, 10, 20, 15, 27), PrecisionMinute, 0, "jdoe", ""},
	{"d [RWCEAFMS] jdoe                    512 Feb 29 08:00  leading space", " leading space", TypeDir, "", 512, date(2024, 2, 29, 8, 0), PrecisionMinute, fs.ModeDir, "jdoe", ""},
	// Older Hellsoft servers: the type letter touches the rights, and the
	// columns are wider.
	{"d[RWCEMFA] supervisor            512       Jan 16 18:53    login", "login", TypeDir, "", 512, date(2024, 1, 16, 18, 53), PrecisionMinute, fs.ModeDir, "supervisor", ""},
	{"-[RWCEMFA] operator            73216       Oct 20  2021    nw admin.exe", "nw admin.exe", TypeFile, "", 73216, date(2021, 10, 20, 0, 0), PrecisionDay, 0, "operator", ""},
}

var os2Cases = []listCase{
	{"     0           DIR   11-23-24   19:30  dirname", "dirname", TypeDir, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir, "", ""},
	{"  1024      A          11-23-24   19:30  file name.txt", "file name.txt", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0, "", ""},
	{" 73098                 04-06-97   15:44  readme", "readme", TypeFile, "", 73098, date(1997, 4, 6, 15, 44), PrecisionMinute, 0, "", ""},
	// IBM TCP/IP for OS/2: a wide size column, attributes, then DIR.
	{"                 0  DIR            04-11-95   16:26  .", ".", TypeDir, "", -1, date(1995, 4, 11, 16, 26), PrecisionMinute, fs.ModeDir, "", ""},
	{"                 0  RHS   DIR      04-11-95   16:26  SYSTEM", "SYSTEM", TypeDir, "", -1, date(1995, 4, 11, 16, 26), PrecisionMinute, fs.ModeDir, "", ""},
	{"               612  RHSA           07-28-95   16:45  config.bak", "config.bak", TypeFile, "", 612, date(1995, 7, 28, 16, 45), PrecisionMinute, 0, "", ""},
	{"            204800                 06-28-94   09:56  SETUP.EXE", "SETUP.EXE", TypeFile, "", 204800, date(1994, 6, 28, 9, 56), PrecisionMinute, 0, "", ""},
	{"     0     H     DIR   12-31-99   23:59  .hidden dir", ".hidden dir", TypeDir, "", -1, date(1999, 12, 31, 23, 59), PrecisionMinute, fs.ModeDir, "", ""},
	{"   512      R          03-01-24   07:05  read only.txt", "read only.txt", TypeFile, "", 512, date(2024, 3, 1, 7, 5), PrecisionMinute, 0, "", ""},
	{"    17      S          02-29-24   12:00  OS2LDR", "OS2LDR", TypeFile, "", 17, date(2024, 2, 29, 12, 0), PrecisionMinute, 0, "", ""},
	{"5368709120      A      01-15-00   00:00  disk.img", "disk.img", TypeFile, "", 5368709120, date(2000, 1, 15, 0, 0), PrecisionMinute, 0, "", ""},
}

var as400Cases = []listCase{
	{"QSYS           77824 02/23/00 15:09:55 *DIR       QSYS.LIB/", "QSYS.LIB", TypeDir, "", 77824, time.Date(2000, 2, 23, 15, 9, 55, 0, time.UTC), PrecisionSecond, fs.ModeDir, "QSYS", ""},
	{"QPGMR           1234 11/23/24 19:30:00 *STMF      file name.txt", "file name.txt", TypeFile, "", 1234, time.Date(2024, 11, 23, 19, 30, 0, 0, time.UTC), PrecisionSecond, 0, "QPGMR", ""},
	{"QPGMR                                  *MEM       MYLIB.FILE/MBR.MBR", "MYLIB.FILE/MBR.MBR", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "QPGMR", ""},
	{"JDOE             512 23.11.2024 08:00:00 *FLR       docs", "docs", TypeDir, "", 512, time.Date(2024, 11, 23, 8, 0, 0, 0, time.UTC), PrecisionSecond, fs.ModeDir, "JDOE", ""},
	// A save file is a *FILE that holds data; a database file ("*.FILE"
	// in the QSYS.LIB file system) holds members, as a directory does.
	{"QSECOFR      5263360 06/11/97 12:27:39 *FILE      PTFSAVF", "PTFSAVF", TypeFile, "", 5263360, time.Date(1997, 6, 11, 12, 27, 39, 0, time.UTC), PrecisionSecond, 0, "QSECOFR", ""},
	{"QPGMR         983040 14.02.19 07:30:00 *FILE      BACKUP.SAVF", "BACKUP.SAVF", TypeFile, "", 983040, time.Date(2019, 2, 14, 7, 30, 0, 0, time.UTC), PrecisionSecond, 0, "QPGMR", ""},
	{"QPGMR          36864 03/21/24 10:05:11 *FILE      QCLSRC.FILE", "QCLSRC.FILE", TypeDir, "", 36864, time.Date(2024, 3, 21, 10, 5, 11, 0, time.UTC), PrecisionSecond, fs.ModeDir, "QPGMR", ""},
	{"QPGMR                                  *MEM       QCLSRC.FILE/STARTUP.MBR", "QCLSRC.FILE/STARTUP.MBR", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "QPGMR", ""},
	{"QSYS          151552 02/23/00 15:09:55 *LIB       QGPL", "QGPL", TypeDir, "", 151552, time.Date(2000, 2, 23, 15, 9, 55, 0, time.UTC), PrecisionSecond, fs.ModeDir, "QSYS", ""},
	{"QDOC           40960 11/23/24 19:30:00 *DOC       MINUTES.TXT", "MINUTES.TXT", TypeFile, "", 40960, time.Date(2024, 11, 23, 19, 30, 0, 0, time.UTC), PrecisionSecond, 0, "QDOC", ""},
	// Anonymous sessions leave the owner column blank.
	{"                4096 11/23/24 19:30:00 *DIR       pub/", "pub", TypeDir, "", 4096, time.Date(2024, 11, 23, 19, 30, 0, 0, time.UTC), PrecisionSecond, fs.ModeDir, "", ""},
	{"                                       *MEM       MYLIB.FILE/MBR.MBR", "MYLIB.FILE/MBR.MBR", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
	// The server job's date and time formats: *ISO (YYYY-MM-DD, HH.MM.SS),
	// *USA (MM/DD/YYYY).
	{"JDOE        8589934592 2024-11-23 19.30.00 *STMF      big file.bin", "big file.bin", TypeFile, "", 8589934592, time.Date(2024, 11, 23, 19, 30, 0, 0, time.UTC), PrecisionSecond, 0, "JDOE", ""},
	{"JDOE              1024 11/23/2024 08:00:00 *STMF      usa.txt", "usa.txt", TypeFile, "", 1024, time.Date(2024, 11, 23, 8, 0, 0, 0, time.UTC), PrecisionSecond, 0, "JDOE", ""},
	{"QSYS                 0 01/01/24 00:00:00 *SYMLNK    current", "current", TypeSymlink, "", 0, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionSecond, fs.ModeSymlink, "QSYS", ""},
}

func TestParseDOS(t *testing.T)     { checkList(t, FormatDOS, dosCases) }
func TestParseEPLF(t *testing.T)    { checkList(t, FormatEPLF, eplfCases) }
func TestParseVMS(t *testing.T)     { checkList(t, FormatVMS, vmsCases) }
func TestParseNetware(t *testing.T) { checkList(t, FormatNetware, netwareCases) }
func TestParseOS2(t *testing.T)     { checkList(t, FormatOS2, os2Cases) }
func TestParseAS400(t *testing.T)   { checkList(t, FormatAS400, as400Cases) }

func TestVMSKeepVersion(t *testing.T) {
	for line, want := range map[string]string{
		"SUBDIR.DIR;1         1/4           1-JAN-2020 08:00     [SYSTEM]       (RWE,RWE,RE,RE)": "SUBDIR.DIR;1",
		"archive.dir;2   1/3  1-Dec-2023 09:00 [ftp] (RWE,RWE,RE,RE)":                            "archive.dir;2",
		"[PUB.SOFTWARE]TOOLS.DIR;1 1/3 5-MAR-1993 18:09":                                         "TOOLS.DIR;1",
	} {
		p := Parser{Format: FormatVMS, KeepVMSVersion: true}
		e, _ := p.Parse(line)
		if e.Name != want || e.Type != TypeDir {
			t.Errorf("Parse(%q) = %q %v, want %q dir", line, e.Name, e.Type, want)
		}
	}
}

// TestVMSListing parses a whole VMS listing of two directories: the
// headers, blank, trailer and grand total lines are not entries,
// whatever the parser's mode.
func TestVMSListing(t *testing.T) {
	lines := []string{
		"",
		"Directory DISK$USER:[JDOE.PUB]",
		"",
		"NOTES.TXT;2                 3  14-FEB-2021 09:05 [ANONYMOUS] (RWE,RWE,RE,RWE)",
		"TOOLS.DIR;1                 1  14-FEB-2021 09:06 [ANONYMOUS] (RWE,RWE,RE,RWE)",
		"",
		"Total of 2 files, 4/12 blocks.",
		"",
		"Directory DISK$USER:[JDOE.EMPTY]   ",
		"",
		"Total of 0 files, 0/0 blocks.",
		"",
		"Grand total of 2 directories, 2 files, 4/12 blocks.",
	}
	for _, f := range []Format{FormatAuto, FormatVMS} {
		for _, eol := range []string{"", "\r\n"} {
			p := Parser{Format: f}
			var got []string
			for _, l := range lines {
				if e, ok := p.Parse(l + eol); ok {
					got = append(got, e.Name+"/"+e.Type.String())
				}
			}
			if want := []string{"NOTES.TXT/file", "TOOLS/dir"}; !slices.Equal(got, want) {
				t.Errorf("%v %q: got %q, want %q", f, eol, got, want)
			}
		}
	}
}

// TestUnparsedFormats lists lines that look like a format but break it:
// each must come back as an unparsed entry, never be dropped or half read.
func TestUnparsedFormats(t *testing.T) {
	for f, lines := range map[Format][]string{
		FormatDOS: {
			"01-31-24  13:00PM                  1 thirteen pm",
			"02-30-24  12:00PM                  1 no such day",
			"01-31-24  12:00PM                 1x bad size",
			"01-31-24  12:00PM       <DIR>",
		},
		FormatEPLF: {"+r,s1,no tab", "+\t", "-r,\tminus"},
		FormatVMS: {
			"A_NAME_TOO_LONG_FOR_THE_COLUMN.TXT;1",
			"                    12/15   3-JUL-2023 16:02:45  [STAFF,JDOE]  (RWED,RWED,R,)",
			"HUGE.DAT;1  99999999999999999  1-JAN-2020 00:00",
			"NOVERSION.TXT  1  1-JAN-2020 00:00",
			"BAD.TXT;1  1  31-FEB-2020 00:00",
			"BAD.TXT;1  1  1-JAN-2020 00:00 {SYSTEM}",
			"BAD.TXT;1  %RMS",
		},
		FormatNetware: {"d [RWCEAFMS] admin 512 Nov 23 19:30", "x [RWCEAFMS] admin 512 Nov 23 19:30 name", "d[RWCEAFMS admin 512 Nov 23 19:30 name"},
		FormatOS2:     {"  1024      X          11-23-24   19:30  bad attr", "  1024      A          11-23-24   19:30:00  seconds"},
		FormatAS400: {
			"QPGMR           1234 11/23/24 30:06:29 *STMF      bad hour",
			"QPGMR           1234 2024/11/23 19:30:00 *STMF      slashes",
			"QPGMR           1234 11/23/24 19:30:00 STMF       no star",
			"QPGMR                                  *MEM",
		},
	} {
		for _, line := range lines {
			p := Parser{Format: f, Now: func() time.Time { return testNow }}
			e, ok := p.Parse(line)
			if !ok || !e.Unparsed() || e.Name != line || e.Raw != line || e.Size != -1 {
				t.Errorf("%v: Parse(%q) = %+v, %v; want unparsed", f, line, e, ok)
			}
		}
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
