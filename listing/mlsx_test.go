package listing

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseMLSxGolden checks the split of name and facts against the
// output of CPython's ftplib.FTP.mlsd on the same lines (see
// testdata/gen_mlsd_golden.py).
func TestParseMLSxGolden(t *testing.T) {
	f, err := os.Open("testdata/mlsd_ftplib.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var rec [3]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		var line, name string
		var facts map[string]string
		if json.Unmarshal(rec[0], &line) != nil || json.Unmarshal(rec[1], &name) != nil || json.Unmarshal(rec[2], &facts) != nil {
			t.Fatalf("bad golden record %s", sc.Text())
		}
		e := ParseMLSx(line)
		if got := maps.Collect(e.Facts.All()); e.Name != name || !maps.Equal(got, facts) || e.Raw != line {
			t.Errorf("ParseMLSx(%q) = name %q facts %v raw %q; ftplib: name %q facts %v", line, e.Name, got, e.Raw, name, facts)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d golden lines", n)
	}
}

func TestParseMLSxQuirks(t *testing.T) {
	for _, tc := range []struct {
		line, name string
		facts      map[string]string
	}{
		{"", "", map[string]string{"": ""}},
		{"\r\n", "", map[string]string{"": ""}},
		{"nofacts", "", map[string]string{"nofact": ""}},
		{"type=file; name\r\n\r\n", "name", map[string]string{"type": "file"}},
		{"a=1;A=2; x", "x", map[string]string{"a": "2"}},
	} {
		e := ParseMLSx(tc.line)
		if got := maps.Collect(e.Facts.All()); e.Name != tc.name || !maps.Equal(got, tc.facts) {
			t.Errorf("ParseMLSx(%q) = %q %v, want %q %v", tc.line, e.Name, got, tc.name, tc.facts)
		}
	}
}

// TestParseMLSxCPythonData checks the structured fields of the 17 lines of
// test_ftplib's MLSD_DATA.
func TestParseMLSxCPythonData(t *testing.T) {
	data, err := os.ReadFile("testdata/mlsd_cpython.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = lines[:len(lines)-1]
	type want struct {
		name   string
		typ    Type
		target string
		mode   fs.FileMode
		dot    bool
	}
	wants := []want{
		{"test", TypeDir, "", fs.ModeDir | 0o500, true},
		{"..", TypeDir, "", fs.ModeDir | 0o100, true},
		{"foobar", TypeSymlink, "/foobar", fs.ModeSymlink, false},
		{"device", TypeCharDevice, "", fs.ModeDevice | fs.ModeCharDevice, false},
		{"block", TypeBlockDevice, "", fs.ModeDevice, false},
		{"writable", TypeFile, "", 0o600, false},
		{"promiscuous", TypeDir, "", fs.ModeDir | 0o700, false},
		{"no-exec", TypeDir, "", fs.ModeDir, false},
		{"two words", TypeFile, "", 0o400, false},
		{" leading space", TypeFile, "", 0o400, false},
		{"file1", TypeFile, "", 0o400, false},
		{"incoming", TypeDir, "", fs.ModeDir | 0o700, false},
		{"file2", TypeFile, "", 0o400, false},
		{"file3", TypeFile, "", 0o400, false},
		{"file4", TypeFile, "", 0o400, false},
		{"dir ® non-ascii char", TypeDir, "", fs.ModeDir | 0o700, false},
		{"file ® non-ascii char", TypeFile, "", 0o400, false},
	}
	if len(lines) != len(wants) {
		t.Fatalf("%d lines, want %d", len(lines), len(wants))
	}
	for i, line := range lines {
		e := ParseMLSx(line)
		w := wants[i]
		if e.Name != w.name || e.Type != w.typ || e.Target != w.target || e.Mode != w.mode || e.IsDotDir() != w.dot || e.Size != -1 {
			t.Errorf("ParseMLSx(%q) = name %q type %v target %q mode %v dot %v size %d; want %+v",
				line, e.Name, e.Type, e.Target, e.Mode, e.IsDotDir(), e.Size, w)
		}
		for _, k := range []string{"type", "perm", "unique"} {
			if _, ok := e.Facts.Get(k); !ok {
				t.Errorf("ParseMLSx(%q): no %q fact", line, k)
			}
		}
		if e.Unparsed() {
			t.Errorf("ParseMLSx(%q).Unparsed() = true", line)
		}
	}
}

func TestParseMLSxFields(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, time.UTC)
	}
	for _, tc := range []struct {
		line         string
		name         string
		typ          Type
		target       string
		size         int64
		mtime        time.Time
		prec         Precision
		mode         fs.FileMode
		owner, group string
	}{
		{"type=file;size=1048576;modify=20241123193000;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=1001;unique=803g2c; vsftpd-style.bin",
			"vsftpd-style.bin", TypeFile, "", 1048576, utc(2024, 11, 23, 19, 30, 0, 0), PrecisionSecond, 0o644, "1001", "1001"},
		{"modify=20241123193012;perm=adfrw;size=512;type=file;unique=FD00U2C0C7;UNIX.group=1000;UNIX.mode=0644;UNIX.owner=1000; proftpd.txt",
			"proftpd.txt", TypeFile, "", 512, utc(2024, 11, 23, 19, 30, 12, 0), PrecisionSecond, 0o644, "1000", "1000"},
		{"type=OS.unix=symlink;modify=20241123193012;perm=adfr;size=7;UNIX.mode=0777;UNIX.owner=root;UNIX.group=root; proftpd-link",
			"proftpd-link", TypeSymlink, "", 7, utc(2024, 11, 23, 19, 30, 12, 0), PrecisionSecond, fs.ModeSymlink | 0o777, "root", "root"},
		{"type=dir;sizd=4096;modify=20241123193012;UNIX.mode=02775;UNIX.ownername=alice;UNIX.groupname=staff; pure dir",
			"pure dir", TypeDir, "", 4096, utc(2024, 11, 23, 19, 30, 12, 0), PrecisionSecond, fs.ModeDir | fs.ModeSetgid | 0o775, "alice", "staff"},
		{"type=file;UNIX.mode=4755; suid", "suid", TypeFile, "", -1, time.Time{}, PrecisionUnknown, fs.ModeSetuid | 0o755, "", ""},
		{"type=dir;UNIX.mode=1777; tmp", "tmp", TypeDir, "", -1, time.Time{}, PrecisionUnknown, fs.ModeDir | fs.ModeSticky | 0o777, "", ""},
		{"modify=20241123193000.123456789012;type=file;size=42; long fraction",
			"long fraction", TypeFile, "", 42, utc(2024, 11, 23, 19, 30, 0, 123456789), PrecisionSubsecond, 0, "", ""},
		{"modify=20241123193000.5;type=file; half", "half", TypeFile, "", -1, utc(2024, 11, 23, 19, 30, 0, 500000000), PrecisionSubsecond, 0, "", ""},
		{"type=file;size=;modify=garbage; bad values", "bad values", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;size=-1;modify=2024113119300; short time", "short time", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;size=12;modify=20240230120000; feb 30", "feb 30", TypeFile, "", 12, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;size=12;modify=20241123193000.; empty fraction", "empty fraction", TypeFile, "", 12, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;size=99999999999999999999; huge size", "huge size", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;UNIX.mode=0999; bad mode", "bad mode", TypeFile, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=OS.unix=slink; dangling", "dangling", TypeSymlink, "", -1, time.Time{}, PrecisionUnknown, fs.ModeSymlink, "", ""},
		{"type=OS.unix=slink:; empty target", "empty target", TypeSymlink, "", -1, time.Time{}, PrecisionUnknown, fs.ModeSymlink, "", ""},
		{"type=OS.unix=slink:../x=y;perm=r; eq target", "eq target", TypeSymlink, "../x=y", -1, time.Time{}, PrecisionUnknown, fs.ModeSymlink | 0o400, "", ""},
		{"type=OS.unix=fifo; a pipe", "a pipe", TypePipe, "", -1, time.Time{}, PrecisionUnknown, fs.ModeNamedPipe, "", ""},
		{"type=OS.unix=socket; a socket", "a socket", TypeSocket, "", -1, time.Time{}, PrecisionUnknown, fs.ModeSocket, "", ""},
		{"type=OS.z/OS=dataset; odd", "odd", TypeOther, "", -1, time.Time{}, PrecisionUnknown, fs.ModeIrregular, "", ""},
		{"type=weird; odd type", "odd type", TypeUnknown, "", -1, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"TYPE=FILE;SIZE=5;MODIFY=20000101000000; UPPER", "UPPER", TypeFile, "", 5, utc(2000, 1, 1, 0, 0, 0, 0), PrecisionSecond, 0, "", ""},
		{"type=file;size=5;sizd=9; both", "both", TypeFile, "", 5, time.Time{}, PrecisionUnknown, 0, "", ""},
		{"type=file;modify=20161231235960; leap second", "leap second", TypeFile, "", -1, utc(2017, 1, 1, 0, 0, 0, 0), PrecisionSecond, 0, "", ""},
		{"size=5; no type", "no type", TypeUnknown, "", 5, time.Time{}, PrecisionUnknown, 0, "", ""},
	} {
		e := ParseMLSx(tc.line)
		if e.Name != tc.name || e.Type != tc.typ || e.Target != tc.target || e.Size != tc.size ||
			!e.ModTime.Equal(tc.mtime) || e.Precision != tc.prec || e.Mode != tc.mode || e.Owner != tc.owner || e.Group != tc.group {
			t.Errorf("ParseMLSx(%q) =\n  name %q type %v target %q size %d mtime %v prec %v mode %v owner %q group %q\nwant\n  %+v",
				tc.line, e.Name, e.Type, e.Target, e.Size, e.ModTime, e.Precision, e.Mode, e.Owner, e.Group, tc)
		}
		if !e.ModTime.IsZero() && e.ModTime.Location() != time.UTC {
			t.Errorf("ParseMLSx(%q): ModTime not in UTC", tc.line)
		}
		if e.Unparsed() {
			t.Errorf("ParseMLSx(%q).Unparsed() = true", tc.line)
		}
	}
}

func TestParseMLST(t *testing.T) {
	line := " type=file;size=3;modify=20241123193000; /pub/a file"
	e := ParseMLST(line)
	if e.Name != "/pub/a file" || e.Type != TypeFile || e.Size != 3 || e.Raw != line || e.Facts != "type=file;size=3;modify=20241123193000;" {
		t.Errorf("ParseMLST(%q) = %+v", line, e)
	}
	// Without the leading space it is the same as ParseMLSx.
	e = ParseMLST("type=dir; x")
	if e.Name != "x" || e.Type != TypeDir {
		t.Errorf("ParseMLST without space = %+v", e)
	}
}

func TestFacts(t *testing.T) {
	type kv struct{ k, v string }
	for _, tc := range []struct {
		f   Facts
		all []kv
		get map[string]string // names to look up; missing ones "-"
	}{
		{"", nil, map[string]string{"": "-", "type": "-"}},
		{";", []kv{{"", ""}}, map[string]string{"": "", "type": "-"}},
		{"x", []kv{{"", ""}}, map[string]string{"": "", "x": "-"}},
		{"nofacts", []kv{{"nofact", ""}}, map[string]string{"nofact": "", "nofacts": "-"}},
		{"type=file;size=12;", []kv{{"type", "file"}, {"size", "12"}},
			map[string]string{"type": "file", "TYPE": "file", "Size": "12", "modify": "-", "typ": "-", "types": "-"}},
		// The last byte is dropped whatever it is, as in ftplib.
		{"type=file;size=12", []kv{{"type", "file"}, {"size", "1"}}, map[string]string{"size": "1"}},
		// Duplicates: All yields each, Get the last.
		{"a=1;A=2;a=3;b=4;", []kv{{"a", "1"}, {"a", "2"}, {"a", "3"}, {"b", "4"}}, map[string]string{"a": "3", "b": "4"}},
		// No '=', empty values, '=' in values, empty facts.
		{"a;b=;c==x=;", []kv{{"a", ""}, {"b", ""}, {"c", "=x="}}, map[string]string{"a": "", "b": "", "c": "=x="}},
		{"a=1;;b=2;;", []kv{{"a", "1"}, {"", ""}, {"b", "2"}, {"", ""}}, map[string]string{"": "", "a": "1", "b": "2"}},
		{";;;", []kv{{"", ""}, {"", ""}, {"", ""}}, map[string]string{"": ""}},
		{"=;", []kv{{"", ""}}, map[string]string{"": ""}},
		{"==;", []kv{{"", "="}}, map[string]string{"": "="}},
		// Names are lower-cased as strings.ToLower does; values are kept.
		{"Type=Dir;UNIX.Mode=0755;X-Custom=Yes;", []kv{{"type", "Dir"}, {"unix.mode", "0755"}, {"x-custom", "Yes"}},
			map[string]string{"type": "Dir", "unix.MODE": "0755", "X-CUSTOM": "Yes"}},
		{"S\u0130ZE=5;\u212Aey=k;\u00c9t\u00c9=x;", []kv{{"size", "5"}, {"key", "k"}, {"\u00e9t\u00e9", "x"}},
			map[string]string{"size": "5", "SIZE": "5", "KEY": "k", "\u00c9T\u00e9": "x", "ete": "-"}},
		{"\xff=1;\xfe=2;", []kv{{"\ufffd", "1"}, {"\ufffd", "2"}}, map[string]string{"\xfd": "2", "\ufffd": "2", "?": "-"}},
	} {
		var all []kv
		for k, v := range tc.f.All() {
			all = append(all, kv{k, v})
		}
		if !slices.Equal(all, tc.all) {
			t.Errorf("Facts(%q).All() = %q, want %q", tc.f, all, tc.all)
		}
		for name, want := range tc.get {
			v, ok := tc.f.Get(name)
			if want == "-" && ok || want != "-" && (!ok || v != want) {
				t.Errorf("Facts(%q).Get(%q) = %q, %v; want %q", tc.f, name, v, ok, want)
			}
		}
	}
	n := 0
	for range Facts("a=1;b=2;c=3;").All() {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("All did not stop: %d", n)
	}
	// Non-ASCII names that lower-case to standard ones count, as they did
	// when the facts were a map with strings.ToLower keys.
	if e := ParseMLSx("T\u0130ME=1;S\u0130ZE=5;\u212A=1; x"); e.Size != 5 {
		t.Errorf("S\u0130ZE=5: size %d", e.Size)
	}
}

var sinkEntry Entry

func TestParseMLSxNoAllocs(t *testing.T) {
	for _, line := range []string{
		"type=file;size=1048576;modify=20241123193000;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=1001;unique=803g2c; file.bin\r\n",
		"modify=20241123193012;perm=adfrw;size=512;type=file;unique=FD00U2C0C7;UNIX.group=1000;UNIX.mode=0644;UNIX.owner=1000; proftpd.txt",
		"type=dir;sizd=4096;modify=20241123193012.123;perm=flcdmpe;UNIX.mode=0755; a dir",
		"type=OS.unix=slink:/foobar;perm=;unique==keVO1+4G4; foobar",
		"Type=cdir;Perm=el;Unique=keVO1+ZF4;X.custom=1;UNIX.ownername=alice; .",
		"",
		"nofacts",
	} {
		if n := testing.AllocsPerRun(100, func() { sinkEntry = ParseMLSx(line) }); n != 0 {
			t.Errorf("ParseMLSx(%q): %v allocations", line, n)
		}
		mlst := " " + line
		if n := testing.AllocsPerRun(100, func() { sinkEntry = ParseMLST(mlst) }); n != 0 {
			t.Errorf("ParseMLST(%q): %v allocations", mlst, n)
		}
		f := ParseMLSx(line).Facts
		if n := testing.AllocsPerRun(100, func() { sinkEntry.Name, _ = f.Get("UNIX.Mode") }); n != 0 {
			t.Errorf("Facts(%q).Get: %v allocations", f, n)
		}
		if n := testing.AllocsPerRun(100, func() {
			for k, v := range f.All() {
				if k != "x.custom" {
					sinkEntry.Name, sinkEntry.Owner = k, v
				}
			}
		}); n != 0 && !strings.Contains(line, "X.custom") {
			t.Errorf("Facts(%q).All: %v allocations", f, n)
		}
	}
}
