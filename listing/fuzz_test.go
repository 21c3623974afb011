package listing

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedList adds the table lines and a few hostile shapes to a fuzz corpus.
func seedList(f *testing.F, cases []listCase) {
	for _, tc := range cases {
		f.Add(tc.line)
	}
	for _, s := range []string{"", "total 12", "-", "-rw-r--r--", "-rw-r--r-- 1 u g 1 Nov 23 19:30", "+\t", "01-31-24", "X;1 1 1-JAN-2020 00:00"} {
		f.Add(s)
	}
}

// checkEntry verifies what must hold for every line a LIST parser returns.
func checkEntry(t *testing.T, p *Parser, line string, e Entry, ok bool) {
	t.Helper()
	s := trimEOL(line)
	if !ok {
		if !notEntry(s) {
			t.Fatalf("Parse(%q) dropped a line", line)
		}
		return
	}
	if e.Raw != line {
		t.Fatalf("Parse(%q).Raw = %q", line, e.Raw)
	}
	if e.Size < -1 {
		t.Fatalf("Parse(%q).Size = %d", line, e.Size)
	}
	if e.Type > TypeOther {
		t.Fatalf("Parse(%q).Type = %d", line, e.Type)
	}
	if e.Mode.Type() != typeMode(e.Type) {
		t.Fatalf("Parse(%q): mode %v does not match type %v", line, e.Mode, e.Type)
	}
	if e.ModTime.IsZero() != (e.Precision == PrecisionUnknown) {
		t.Fatalf("Parse(%q): ModTime %v with precision %v", line, e.ModTime, e.Precision)
	}
	if e.Facts != "" {
		t.Fatalf("Parse(%q): LIST line with facts", line)
	}
	if e.Unparsed() {
		if e.Name != s || e.Size != -1 || !e.ModTime.IsZero() {
			t.Fatalf("Parse(%q): unparsed entry %+v", line, e)
		}
		return
	}
	if e.Name == "" {
		t.Fatalf("Parse(%q): empty name", line)
	}
	for _, sub := range []string{e.Name, e.Target, e.Owner, e.Group} {
		if !strings.Contains(s, sub) {
			t.Fatalf("Parse(%q): %q is not part of the line", line, sub)
		}
	}
	if e.Type == TypeSymlink && e.Target != "" && !strings.Contains(s, e.Name) {
		t.Fatalf("Parse(%q): bad link split", line)
	}
	e2, ok2 := p.Parse(line)
	if !ok2 || e2.Name != e.Name || e2.Size != e.Size || !e2.ModTime.Equal(e.ModTime) || e2.Type != e.Type {
		t.Fatalf("Parse(%q) is not deterministic", line)
	}
}

// seedServers adds every line of the captured testdata/servers/*-WHAT.txt
// files, terminators kept, to a fuzz corpus.
func seedServers(f *testing.F, what ...string) {
	for _, w := range what {
		files, _ := filepath.Glob(filepath.Join(serversDir, "*-"+w+".txt"))
		if len(files) == 0 {
			f.Fatalf("no %s/*-%s.txt", serversDir, w)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			for _, l := range strings.SplitAfter(string(b), "\n") {
				if l != "" {
					f.Add(l)
				}
			}
		}
	}
}

func fuzzFormat(f *testing.F, format Format, cases []listCase) {
	seedList(f, cases)
	f.Fuzz(func(t *testing.T, line string) {
		p := Parser{Format: format, Now: func() time.Time { return testNow }}
		e, ok := p.Parse(line)
		checkEntry(t, &p, line, e, ok)
	})
}

func FuzzParseUnix(f *testing.F) {
	seedServers(f, "list", "list-a")
	fuzzFormat(f, FormatUnix, unixCases)
}

func FuzzParseDOS(f *testing.F)     { fuzzFormat(f, FormatDOS, dosCases) }
func FuzzParseEPLF(f *testing.F)    { fuzzFormat(f, FormatEPLF, eplfCases) }
func FuzzParseVMS(f *testing.F)     { fuzzFormat(f, FormatVMS, vmsCases) }
func FuzzParseNetware(f *testing.F) { fuzzFormat(f, FormatNetware, netwareCases) }
func FuzzParseOS2(f *testing.F)     { fuzzFormat(f, FormatOS2, os2Cases) }
func FuzzParseAS400(f *testing.F)   { fuzzFormat(f, FormatAS400, as400Cases) }

func FuzzParseAuto(f *testing.F) {
	seedServers(f, "list", "list-a")
	for _, cs := range [][]listCase{unixCases, dosCases, eplfCases, vmsCases, netwareCases, os2Cases, as400Cases} {
		seedList(f, cs)
	}
	f.Fuzz(func(t *testing.T, line string) {
		p := Parser{Now: func() time.Time { return testNow }}
		e, ok := p.Parse(line)
		checkEntry(t, &p, line, e, ok)
	})
}

// refMLSx is ftplib's algorithm written as plainly as possible, as the
// model ParseMLSx is checked against.
func refMLSx(line string) (string, map[string]string) {
	s := strings.TrimRight(line, "\r\n")
	factStr, name := s, ""
	if i := strings.Index(s, " "); i >= 0 {
		factStr, name = s[:i], s[i+1:]
	}
	if len(factStr) > 0 {
		factStr = factStr[:len(factStr)-1]
	}
	facts := map[string]string{}
	for _, fact := range strings.Split(factStr, ";") {
		k, v, _ := strings.Cut(fact, "=")
		facts[strings.ToLower(k)] = v
	}
	return name, facts
}

// checkFacts verifies that f, the Facts ParseMLSx gave for line, starts
// the line, that All yields one fact per ';'-separated part, each name
// lower-cased and each value taken from the line, and that Get agrees
// with the last value All yields for each name.
func checkFacts(t *testing.T, line string, f Facts) {
	t.Helper()
	if f == "" || (f != ";" && !strings.HasPrefix(line, string(f))) {
		t.Fatalf("ParseMLSx(%q).Facts = %q: not the start of the line", line, f)
	}
	// The names are cut from f without its last byte, which may split a
	// UTF-8 sequence, so look for them there.
	lowBody := strings.ToLower(string(f[:len(f)-1]))
	last := map[string]string{}
	n := 0
	for k, v := range f.All() {
		n++
		if k != strings.ToLower(k) || !strings.Contains(lowBody, k) {
			t.Fatalf("ParseMLSx(%q): fact name %q not lower-cased or not from the line", line, k)
		}
		if !strings.Contains(string(f), v) || !strings.Contains(line, v) {
			t.Fatalf("ParseMLSx(%q): fact value %q not from the line", line, v)
		}
		last[k] = v
	}
	if want := strings.Count(string(f[:len(f)-1]), ";") + 1; n != want {
		t.Fatalf("ParseMLSx(%q): All yields %d facts, want %d", line, n, want)
	}
	for k, v := range last {
		if got, ok := f.Get(k); !ok || got != v {
			t.Fatalf("ParseMLSx(%q): Get(%q) = %q, %v; All's last value %q", line, k, got, ok, v)
		}
		if got, ok := f.Get(strings.ToUpper(k)); strings.ToLower(strings.ToUpper(k)) == k && (!ok || got != v) {
			t.Fatalf("ParseMLSx(%q): Get(%q) = %q, %v; All's last value %q", line, strings.ToUpper(k), got, ok, v)
		}
	}
	if v, ok := f.Get("no fact"); ok { // facts end at the first space
		t.Fatalf("ParseMLSx(%q): Get(%q) = %q", line, "no fact", v)
	}
	for range f.All() {
		break // stopping early must not panic
	}
}

func FuzzParseMLSx(f *testing.F) {
	for _, s := range []string{"", "nofacts", "type=file;size=3;modify=20241123193000.5; a b ", "type=OS.unix=slink:/x;perm=; l",
		"type=cdir;perm=el;unique==keVO1+ZF4; test\r\n", ";;; ;", "=;= =", "modify=99999999999999;sizd=1; x", "UNIX.mode=7777;type=dir; d", "\u00fc", "S\u0130ZE=1;\u212A=2; n"} {
		f.Add(s)
	}
	seedServers(f, "mlsd", "mlst")
	f.Fuzz(func(t *testing.T, line string) {
		e := ParseMLSx(line)
		name, facts := refMLSx(line)
		got := maps.Collect(e.Facts.All())
		if e.Name != name || e.Raw != line || !maps.Equal(got, facts) {
			t.Fatalf("ParseMLSx(%q) = %q %v, want %q %v", line, e.Name, got, name, facts)
		}
		checkFacts(t, line, e.Facts)
		if e.Size < -1 || e.Type > TypeOther || e.Mode.Type() != typeMode(e.Type) {
			t.Fatalf("ParseMLSx(%q) = %+v", line, e)
		}
		if e.ModTime.IsZero() != (e.Precision == PrecisionUnknown) || (!e.ModTime.IsZero() && e.ModTime.Location() != time.UTC) {
			t.Fatalf("ParseMLSx(%q): time %v precision %v", line, e.ModTime, e.Precision)
		}
		if e.Unparsed() {
			t.Fatalf("ParseMLSx(%q) unparsed", line)
		}
		m := ParseMLST(" " + line)
		if m.Name != e.Name || m.Raw != " "+line {
			t.Fatalf("ParseMLST(%q) = %q", " "+line, m.Name)
		}
	})
}
