package listing

import (
	"io/fs"
	"testing"
	"time"
)

// listCase is one LIST line and what parsing it must give. A zero mtime
// with a non-zero prec is not allowed; size -1 means unknown.
type listCase struct {
	line         string
	name         string
	typ          Type
	target       string
	size         int64
	mtime        time.Time
	prec         Precision
	mode         fs.FileMode
	owner, group string
}

// testNow is the server clock used by the table tests.
var testNow = time.Date(2024, 11, 25, 12, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC)
}

func checkList(t *testing.T, format Format, cases []listCase) {
	t.Helper()
	for _, tc := range cases {
		p := Parser{Format: format, Now: func() time.Time { return testNow }}
		e, ok := p.Parse(tc.line)
		if !ok {
			t.Errorf("%v: Parse(%q) reported a non-entry", format, tc.line)
			continue
		}
		if e.Unparsed() {
			t.Errorf("%v: Parse(%q) did not parse", format, tc.line)
			continue
		}
		if e.Name != tc.name || e.Type != tc.typ || e.Target != tc.target || e.Size != tc.size ||
			!e.ModTime.Equal(tc.mtime) || e.Precision != tc.prec || e.Mode != tc.mode ||
			e.Owner != tc.owner || e.Group != tc.group || e.Raw != tc.line || e.Facts != "" {
			t.Errorf("%v: Parse(%q) =\n  name %q type %v target %q size %d mtime %v prec %v mode %v owner %q group %q\nwant\n  name %q type %v target %q size %d mtime %v prec %v mode %v owner %q group %q",
				format, tc.line, e.Name, e.Type, e.Target, e.Size, e.ModTime, e.Precision, e.Mode, e.Owner, e.Group,
				tc.name, tc.typ, tc.target, tc.size, tc.mtime, tc.prec, tc.mode, tc.owner, tc.group)
		}
		// Auto detection must agree with the explicit format.
		if format != FormatAuto {
			q := Parser{Now: func() time.Time { return testNow }}
			a, _ := q.Parse(tc.line)
			if a.Name != e.Name || a.Type != e.Type || a.Size != e.Size || !a.ModTime.Equal(e.ModTime) || q.Detected() != format {
				t.Errorf("auto: Parse(%q) = %q %v %d %v detected %v; %v gives %q %v %d %v",
					tc.line, a.Name, a.Type, a.Size, a.ModTime, q.Detected(), format, e.Name, e.Type, e.Size, e.ModTime)
			}
		}
	}
}

var unixCases = []listCase{
	// vsftpd (numeric owner and group with hide_ids=NO and no names)
	{"-rw-r--r--    1 1001     1001      1048576 Nov 23 19:30 name", "name", TypeFile, "", 1048576, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "1001", "1001"},
	{"drwxr-xr-x    2 ftp      ftp          4096 Jan 05  2021 pub", "pub", TypeDir, "", 4096, date(2021, 1, 5, 0, 0), PrecisionDay, fs.ModeDir | 0o755, "ftp", "ftp"},
	// proftpd
	{"-rw-r--r--   1 alice    staff       12345 Mar  3 09:05 report 2024.pdf", "report 2024.pdf", TypeFile, "", 12345, date(2024, 3, 3, 9, 5), PrecisionMinute, 0o644, "alice", "staff"},
	{"drwxrwsr-x   3 alice    staff        4096 Oct 31  2019 shared", "shared", TypeDir, "", 4096, date(2019, 10, 31, 0, 0), PrecisionDay, fs.ModeDir | fs.ModeSetgid | 0o775, "alice", "staff"},
	// pure-ftpd
	{"-rw-r--r--    1 1000       1000            42 Nov 25 11:59 answer", "answer", TypeFile, "", 42, date(2024, 11, 25, 11, 59), PrecisionMinute, 0o644, "1000", "1000"},
	// pyftpdlib
	{"-rw-rw-rw-   1 owner    group           0 Jun 15 14:00 empty", "empty", TypeFile, "", 0, date(2024, 6, 15, 14, 0), PrecisionMinute, 0o666, "owner", "group"},
	// busybox ftpd
	{"-rwxr-xr-x    1 0        0           12345 Feb 29 10:00 leap", "leap", TypeFile, "", 12345, date(2024, 2, 29, 10, 0), PrecisionMinute, 0o755, "0", "0"},
	// names with spaces and UTF-8
	{"-rw-r--r--    1 u g 5 Nov 23 19:30  leading", " leading", TypeFile, "", 5, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r--    1 u g 5 Nov 23 19:30 trailing  ", "trailing  ", TypeFile, "", 5, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r--    1 u g 5 Nov 23 19:30 in  ner", "in  ner", TypeFile, "", 5, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r--    1 u g 5 Nov 23 19:30 ünïcödé 名前.txt", "ünïcödé 名前.txt", TypeFile, "", 5, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r--    1 u g 5 Nov 23  2020 Nov 23 19:30 x", "Nov 23 19:30 x", TypeFile, "", 5, date(2020, 11, 23, 0, 0), PrecisionDay, 0o644, "u", "g"},
	// symlinks
	{"lrwxrwxrwx    1 root     root            7 Jan  1  2023 bin -> usr/bin", "bin", TypeSymlink, "usr/bin", 7, date(2023, 1, 1, 0, 0), PrecisionDay, fs.ModeSymlink | 0o777, "root", "root"},
	{"lrwxrwxrwx    1 root     root           13 Nov 23 19:30 a -> b -> c", "a", TypeSymlink, "b -> c", 13, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeSymlink | 0o777, "root", "root"},
	{"-rw-r--r--    1 root     root           13 Nov 23 19:30 not -> link", "not -> link", TypeFile, "", 13, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "root", "root"},
	// devices
	{"crw-rw-rw- 1 root root 1, 3 Nov 23 19:30 null", "null", TypeCharDevice, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDevice | fs.ModeCharDevice | 0o666, "root", "root"},
	{"brw-rw----    1 root     disk     8,   0 Nov 23 19:30 sda", "sda", TypeBlockDevice, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDevice | 0o660, "root", "disk"},
	{"crw--w----    1 root     tty      136,0 Nov 23 19:30 pts0", "pts0", TypeCharDevice, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDevice | fs.ModeCharDevice | 0o620, "root", "tty"},
	// other types
	{"prw-r--r--    1 u        g               0 Nov 23 19:30 fifo", "fifo", TypePipe, "", 0, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeNamedPipe | 0o644, "u", "g"},
	{"srwxrwxrwx    1 u        g               0 Nov 23 19:30 sock", "sock", TypeSocket, "", 0, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeSocket | 0o777, "u", "g"},
	{"Dr--r--r--    1 u        g               0 Nov 23 19:30 door", "door", TypeOther, "", 0, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeIrregular | 0o444, "u", "g"},
	{"frw-r--r--    1 u        g               9 Nov 23 19:30 f-type", "f-type", TypeFile, "", 9, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"erwxrwxrwx    1 u        g               9 Nov 23 19:30 e-type", "e-type", TypeSymlink, "", 9, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeSymlink | 0o777, "u", "g"},
	// special permission bits
	{"-rwsr-xr-x    1 root     root       54256 Nov 23 19:30 passwd", "passwd", TypeFile, "", 54256, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeSetuid | 0o755, "root", "root"},
	{"-rwSr--r--    1 root     root           1 Nov 23 19:30 S", "S", TypeFile, "", 1, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeSetuid | 0o644, "root", "root"},
	{"drwxrwxrwt   10 root     root        4096 Nov 23 19:30 tmp", "tmp", TypeDir, "", 4096, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir | fs.ModeSticky | 0o777, "root", "root"},
	{"drwxrwxrwT    2 root     root        4096 Nov 23 19:30 T", "T", TypeDir, "", 4096, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir | fs.ModeSticky | 0o776, "root", "root"},
	// ACL, extended attribute and SELinux suffixes
	{"drwxr-xr-x+  2 u        g            4096 Nov 23 19:30 acl", "acl", TypeDir, "", 4096, date(2024, 11, 23, 19, 30), PrecisionMinute, fs.ModeDir | 0o755, "u", "g"},
	{"-rw-r--r--@  1 u        staff         100 Nov 23 19:30 mac", "mac", TypeFile, "", 100, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "staff"},
	{"-rw-r--r--.  1 u        g             100 Nov 23 19:30 selinux", "selinux", TypeFile, "", 100, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	// missing group (ls -o, some embedded servers), missing link count
	{"-rw-r--r--    1 owner          1024 Nov 23 19:30 nogroup", "nogroup", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "owner", ""},
	{"-rw-r--r-- owner group 1024 Nov 23 19:30 nolinks", "nolinks", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "owner", "group"},
	{"-rw-r--r--   1024 Nov 23 19:30 bare", "bare", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "", ""},
	{"-rw-r--r--   1 Domain Users  Power Users   1024 Nov 23 19:30 spaced owner", "spaced owner", TypeFile, "", 1024, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "Domain", "Users  Power Users"},
	// ISO dates (ls --time-style=long-iso, full-iso, iso)
	{"-rw-r--r--    1 u g 12 2024-01-31 12:00 iso", "iso", TypeFile, "", 12, date(2024, 1, 31, 12, 0), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 12 2024-01-31 12:00:01.123456789 +0100 full", "full", TypeFile, "", 12, time.Date(2024, 1, 31, 11, 0, 1, 123456789, time.UTC), PrecisionSubsecond, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 12 2023-01-31  old-iso", " old-iso", TypeFile, "", 12, date(2023, 1, 31, 0, 0), PrecisionDay, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 12 01-31 12:00 short-iso", "short-iso", TypeFile, "", 12, date(2024, 1, 31, 12, 0), PrecisionMinute, 0o644, "u", "g"},
	// BSD ls -T, day-before-month locales, full month names
	{"-rw-r--r--  1 u  g  12 Nov 23 19:30:12 2019 bsd", "bsd", TypeFile, "", 12, time.Date(2019, 11, 23, 19, 30, 12, 0, time.UTC), PrecisionSecond, 0o644, "u", "g"},
	{"-rw-r--r--  1 u  g  12 23 Nov 19:30 dmy", "dmy", TypeFile, "", 12, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r--  1 u  g  12 June 3 2020 full-month", "full-month", TypeFile, "", 12, date(2020, 6, 3, 0, 0), PrecisionDay, 0o644, "u", "g"},
	{"-rw-r--r--  1 u  g  12 NOV 23 19:30 upper", "upper", TypeFile, "", 12, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	// year inference: up to a day in the future stays in this year
	{"-rw-r--r-- 1 u g 1 Nov 26 11:00 tomorrow", "tomorrow", TypeFile, "", 1, date(2024, 11, 26, 11, 0), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 1 Nov 27 12:01 future", "future", TypeFile, "", 1, date(2023, 11, 27, 12, 1), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 1 Dec 31 23:59 last-year", "last-year", TypeFile, "", 1, date(2023, 12, 31, 23, 59), PrecisionMinute, 0o644, "u", "g"},
	// tabs as separators, a huge size
	{"-rw-r--r--\t1\tu\tg\t77\tNov\t23\t19:30\ttabs", "tabs", TypeFile, "", 77, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 9223372036854775807000 Nov 23 19:30 huge", "huge", TypeFile, "", -1, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	{"-rw-r--r-- 1 u g 18446744073709551 Nov 23 19:30 big", "big", TypeFile, "", 18446744073709551, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
	// CRLF is removed
	{"-rw-r--r-- 1 u g 3 Nov 23 19:30 crlf\r\n", "crlf", TypeFile, "", 3, date(2024, 11, 23, 19, 30), PrecisionMinute, 0o644, "u", "g"},
}

func TestParseUnix(t *testing.T) { checkList(t, FormatUnix, unixCases) }

// TestYearInference checks dates without a year around the new year and
// in a server time zone.
func TestYearInference(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		now  time.Time
		loc  *time.Location
		line string
		want time.Time
	}{
		// Server clock says Jan 1: Dec 31 is last year.
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), nil, "Dec 31 23:59", date(2024, 12, 31, 23, 59)},
		{time.Date(2025, 1, 1, 0, 10, 0, 0, time.UTC), nil, "Jan  1 00:05", date(2025, 1, 1, 0, 5)},
		// Clock a little behind the server: Jan 1 00:05 seen on Dec 31.
		{time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC), nil, "Jan  1 00:05", date(2024, 1, 1, 0, 5)},
		{time.Date(2024, 12, 31, 23, 59, 0, 0, time.UTC), nil, "Dec 31 23:58", date(2024, 12, 31, 23, 58)},
		// It is already Jan 1 in Tokyo when it is Dec 31 15:30 in UTC.
		{time.Date(2024, 12, 31, 15, 30, 0, 0, time.UTC), tokyo, "Dec 31 23:59", time.Date(2024, 12, 31, 23, 59, 0, 0, tokyo)},
		{time.Date(2024, 12, 31, 15, 30, 0, 0, time.UTC), tokyo, "Jan  1 00:20", time.Date(2025, 1, 1, 0, 20, 0, 0, tokyo)},
		// Six months ago.
		{time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), nil, "Sep 15 08:00", date(2023, 9, 15, 8, 0)},
		// Feb 29 only exists in leap years.
		{time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), nil, "Feb 29 10:00", date(2024, 2, 29, 10, 0)},
	} {
		p := Parser{Format: FormatUnix, Location: tc.loc, Now: func() time.Time { return tc.now }}
		line := "-rw-r--r-- 1 u g 1 " + tc.line + " f"
		e, _ := p.Parse(line)
		if !e.ModTime.Equal(tc.want) || e.Name != "f" {
			t.Errorf("now %v, %q: got %v %q, want %v", tc.now, tc.line, e.ModTime, e.Name, tc.want)
		}
		if tc.loc != nil && e.ModTime.Location() != tc.loc {
			t.Errorf("%q: location %v, want %v", tc.line, e.ModTime.Location(), tc.loc)
		}
	}
	// Feb 29 seen in early 2025 is from 2024; seen in mid 2023 it is not
	// a date at all.
	p := Parser{Format: FormatUnix, Now: func() time.Time { return time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC) }}
	if e, _ := p.Parse("-rw-r--r-- 1 u g 1 Feb 29 10:00 f"); !e.ModTime.Equal(date(2024, 2, 29, 10, 0)) {
		t.Errorf("Feb 29 seen in Jan 2025: got %v", e.ModTime)
	}
	p = Parser{Format: FormatUnix, Now: func() time.Time { return time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC) }}
	if e, _ := p.Parse("-rw-r--r-- 1 u g 1 Feb 29 10:00 f"); !e.Unparsed() {
		t.Errorf("Feb 29 in 2024/2025: got %+v", e)
	}
}

func TestNotEntries(t *testing.T) {
	for _, line := range []string{"", "\r\n", "   ", "total 12", "total 0\r\n", "TOTAL 4", "total 1.2M", "total 12K",
		"Directory DISK$USER:[ME]", "Total of 2 files, 3/7 blocks."} {
		var p Parser
		if e, ok := p.Parse(line); ok {
			t.Errorf("Parse(%q) = %+v, true; want not an entry", line, e)
		}
	}
}

func TestUnparsedKept(t *testing.T) {
	lines := []string{
		"total 8",
		"-rw-r--r-- 1 u g 1 Nov 23 19:30 ok",
		"ls: cannot open directory .: Permission denied",
		"-rw-r--r-- 1 u g x Nov 23 19:30 bad-size",
		"drwxr-xr-x 1 u g 1 Nov 33 19:30 bad-day",
		"-rw-r--r-- 1 u g 1 Nov 23 19:30",
		"dir:",
		"totally 12",
	}
	for _, f := range []Format{FormatAuto, FormatUnix} {
		p := Parser{Format: f, Now: func() time.Time { return testNow }}
		es := p.ParseList(lines)
		if len(es) != len(lines)-1 {
			t.Fatalf("%v: %d entries, want %d", f, len(es), len(lines)-1)
		}
		if es[0].Name != "ok" || es[0].Unparsed() {
			t.Errorf("%v: first entry %+v", f, es[0])
		}
		for i, e := range es[1:] {
			if !e.Unparsed() || e.Name != lines[i+2] || e.Raw != lines[i+2] || e.Size != -1 {
				t.Errorf("%v: line %q gave %+v, want unparsed", f, lines[i+2], e)
			}
		}
	}
}
