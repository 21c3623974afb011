package listing

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// joinVMS runs lines through a VMSJoiner and returns what it passes on.
func joinVMS(lines []string) []string {
	var out []string
	emit := func(l string) error {
		out = append(out, l)
		return nil
	}
	var j VMSJoiner
	for _, l := range lines {
		_ = j.Push(l, emit)
	}
	_ = j.Flush(emit)
	return out
}

const (
	longName = "A_NAME_TOO_LONG_FOR_THE_NAME_COLUMN.TXT;1"
	longRest = "                     12/15     3-JUL-2023 16:02:45  [STAFF,JDOE]  (RWED,RWED,R,)"
)

func TestVMSJoiner(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in, out []string
	}{
		{"empty", nil, nil},
		{"one-line entries pass", []string{"Directory X:[Y]", "", "A.TXT;1  1  1-JAN-2020 00:00", "Total of 1 file, 1 block."},
			[]string{"Directory X:[Y]", "", "A.TXT;1  1  1-JAN-2020 00:00", "Total of 1 file, 1 block."}},
		{"wrapped", []string{longName, longRest}, []string{longName + longRest}},
		{"wrapped, terminators kept", []string{longName + "\r\n", longRest + "\r\n"}, []string{longName + longRest + "\r\n"}},
		{"wrapped, LF", []string{longName + "\n", longRest + "\n"}, []string{longName + longRest + "\n"}},
		{"trailing blanks on the name line", []string{longName + "  \t", longRest}, []string{longName + "  \t" + longRest}},
		{"tab indent", []string{longName, "\t12  1-JAN-2020 00:00"}, []string{longName + "\t12  1-JAN-2020 00:00"}},
		{"CMU directory prefix", []string{"[PUB]" + longName, longRest}, []string{"[PUB]" + longName + longRest}},
		{"error message continues", []string{longName, "        %RMS-E-PRV, insufficient privilege or file protection violation"},
			[]string{longName + "        %RMS-E-PRV, insufficient privilege or file protection violation"}},
		{"name at the end", []string{"X.TXT;1  1  1-JAN-2020 00:00", longName}, []string{"X.TXT;1  1  1-JAN-2020 00:00", longName}},
		{"name then unindented line", []string{longName, "X.TXT;1  1  1-JAN-2020 00:00"}, []string{longName, "X.TXT;1  1  1-JAN-2020 00:00"}},
		{"name then blank lines", []string{longName, "", longName, "   \r\n", "Total of 2 files."}, []string{longName, "", longName, "   \r\n", "Total of 2 files."}},
		{"name then name then rest", []string{longName, "B" + longName, longRest}, []string{longName, "B" + longName + longRest}},
		{"two indented lines", []string{longName, longRest, longRest}, []string{longName + longRest, longRest}},
		{"indented line alone", []string{longRest}, []string{longRest}},
		{"not bare names", []string{"NAME.TXT", longRest, "NAME;X", longRest, " NAME;1", longRest, "A B;1", longRest, ";1", longRest},
			[]string{"NAME.TXT", longRest, "NAME;X", longRest, " NAME;1", longRest, "A B;1", longRest, ";1", longRest}},
	} {
		if got := joinVMS(tc.in); !slices.Equal(got, tc.out) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.out)
		}
	}
}

// TestVMSJoinerParse joins and parses a listing with wrapped entries.
func TestVMSJoinerParse(t *testing.T) {
	listing := "\r\n" +
		"Directory DISK$USER:[JDOE.PUB]\r\n" +
		"\r\n" +
		"NOTES.TXT;2                 3  14-FEB-2021 09:05 [ANONYMOUS] (RWE,RWE,RE,RWE)\r\n" +
		"THIS_IS_A_LONG_DIRECTORY_NAME.DIR;1\r\n" +
		"                            1  14-FEB-2021 09:06 [ANONYMOUS] (RWE,RWE,RE,RWE)\r\n" +
		"AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT;12\r\n" +
		"                      213/216  29-JAN-1996 03:33:12  [STAFF,JDOE] (RWED,RWED,,)\r\n" +
		"SECRET_AND_LONG_FILE_NAME_TOO.DAT;1\r\n" +
		"                    %RMS-E-PRV, insufficient privilege or file protection violation\r\n" +
		"LAST_LONG_NAME_WITHOUT_ITS_DETAILS.TXT;1\r\n" +
		"\r\n" +
		"Total of 5 files, 217/231 blocks.\r\n"
	type ent struct {
		name string
		typ  Type
		size int64
		mt   time.Time
	}
	var got []ent
	p := Parser{Hint: FormatVMS}
	var j VMSJoiner
	emit := func(l string) error {
		if e, ok := p.Parse(l); ok {
			got = append(got, ent{e.Name, e.Type, e.Size, e.ModTime})
		}
		return nil
	}
	for _, l := range strings.SplitAfter(listing, "\n") {
		if l != "" {
			_ = j.Push(l, emit)
		}
	}
	_ = j.Flush(emit)
	want := []ent{
		{"NOTES.TXT", TypeFile, 1536, date(2021, 2, 14, 9, 5)},
		{"THIS_IS_A_LONG_DIRECTORY_NAME", TypeDir, 512, date(2021, 2, 14, 9, 6)},
		{"AN_EVEN_LONGER_FILE_NAME_THAN_THE_OTHER.TXT", TypeFile, 213 * 512, time.Date(1996, 1, 29, 3, 33, 12, 0, time.UTC)},
		{"SECRET_AND_LONG_FILE_NAME_TOO.DAT", TypeFile, -1, time.Time{}},
		// Not continued: kept, as an unparsed entry.
		{"LAST_LONG_NAME_WITHOUT_ITS_DETAILS.TXT;1", TypeUnknown, -1, time.Time{}},
	}
	if !slices.EqualFunc(got, want, func(a, b ent) bool {
		return a.name == b.name && a.typ == b.typ && a.size == b.size && a.mt.Equal(b.mt)
	}) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if p.Detected() != FormatVMS {
		t.Errorf("detected %v", p.Detected())
	}
}

func TestVMSJoinerError(t *testing.T) {
	stop := errors.New("stop")
	var seen []string
	emit := func(l string) error {
		seen = append(seen, l)
		return stop
	}
	var j VMSJoiner
	if err := j.Push(longName, emit); err != nil || len(seen) != 0 {
		t.Fatalf("Push(name) = %v, emitted %q", err, seen)
	}
	// The held name is not continued: it goes on, and its error stops
	// the next line.
	if err := j.Push("X.TXT;1  1  1-JAN-2020 00:00", emit); err != stop || !slices.Equal(seen, []string{longName}) {
		t.Fatalf("Push = %v, emitted %q", err, seen)
	}
	if err := j.Flush(emit); err != nil || len(seen) != 1 {
		t.Errorf("Flush after an error = %v, emitted %q", err, seen)
	}
	if err := j.Push(longName, emit); err != nil {
		t.Fatal(err)
	}
	if err := j.Flush(emit); err != stop || len(seen) != 2 || seen[1] != longName {
		t.Errorf("Flush = %v, emitted %q", err, seen)
	}
}

func TestVMSJoinerAllocs(t *testing.T) {
	lines := []string{"Directory X:[Y]", "A.TXT;1  1  1-JAN-2020 00:00", longName, "B.TXT;1  1  1-JAN-2020 00:00", ""}
	n := 0
	emit := func(string) error { n++; return nil }
	var j VMSJoiner
	if a := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			_ = j.Push(l, emit)
		}
		_ = j.Flush(emit)
	}); a != 0 {
		t.Errorf("%v allocations per listing without wrapped entries", a)
	}
}

// FuzzVMSJoin checks that the joiner passes on every line in order, and
// joins only a bare name line with the indented line after it, removing
// nothing but the name line's terminator; and that a Parser takes every
// line it passes on.
func FuzzVMSJoin(f *testing.F) {
	for _, eol := range []string{"\n", "\r\n"} {
		f.Add("Directory X:[Y]" + eol + eol + longName + eol + longRest + eol + "Total of 1 file." + eol)
		f.Add(longName + eol + longName + eol + "X.TXT;1  1  1-JAN-2020 00:00" + eol + longName)
		f.Add(longName + "  " + eol + "   " + eol + "\t1 1-JAN-2020 00:00" + eol)
	}
	for _, tc := range vmsCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, data string) {
		in := strings.SplitAfter(data, "\n")
		if in[len(in)-1] == "" {
			in = in[:len(in)-1]
		}
		out := joinVMS(in)
		// Reconstruct the input from the output.
		i := 0
		for _, o := range out {
			switch {
			case i < len(in) && o == in[i]:
				i++
			case i+1 < len(in) && o == cutEOL(in[i])+in[i+1] && vmsBareName(in[i]) && in[i+1] != "" && isSpace(in[i+1][0]):
				i += 2
			default:
				t.Fatalf("output %q is not input line %d or the join of %d and %d: %q", o, i, i, i+1, in)
			}
		}
		if i != len(in) {
			t.Fatalf("%d of %d lines passed on: %q -> %q", i, len(in), in, out)
		}
		// The joins are exactly those the rule asks for.
		var want []string
		for k := 0; k < len(in); k++ {
			if k+1 < len(in) && vmsBareName(in[k]) && vmsContinuation(in[k+1]) {
				want = append(want, cutEOL(in[k])+in[k+1])
				k++
				continue
			}
			want = append(want, in[k])
		}
		if !slices.Equal(out, want) {
			t.Fatalf("joined %q to %q, want %q", in, out, want)
		}
		p := Parser{Format: FormatVMS, Now: func() time.Time { return testNow }}
		for _, o := range out {
			e, ok := p.Parse(o)
			checkEntry(t, &p, o, e, ok)
		}
	})
}
