package listing

import "strings"

// VMSJoiner puts back together the OpenVMS entries that a server wraps
// over two lines. When a name is too long for its column, VMS writes it
// alone on a line and the rest of the entry on the next line, indented:
//
//	A_NAME_TOO_LONG_FOR_THE_NAME_COLUMN.TXT;1
//	                     12/15     3-JUL-2023 16:02:45  [STAFF,JDOE]  (RWED,RWED,R,)
//
// Feed the lines of a listing, in order, to Push, and call Flush after
// the last one; both pass the lines on to emit, joined where needed, for
// a Parser to parse.
//
// A line that is a bare VMS file name with a version ("NAME.EXT;N", no
// spaces, not indented, trailing spaces allowed) is held back until the
// next line. If that line is indented (starts with a space or tab) and is
// not blank, the two go on as one line: the name line without its line
// terminator ("\n" or "\r\n", if it has one) followed by the whole next
// line. Otherwise the held line goes on alone, and the next line is
// handled as any other. Flush passes on a line still held at the end. So
// no line is dropped, and no byte is lost but the line terminators of
// joined name lines.
//
// The zero value is ready to use. A VMSJoiner holds at most one line and
// allocates only to join two. It is not safe for concurrent use.
type VMSJoiner struct {
	held    string
	holding bool
}

// Push passes line to emit, or holds it back as described for
// VMSJoiner; it may call emit twice (a held line that is not continued,
// then line). It returns the first error emit returns; after an error
// the VMSJoiner holds nothing, and line may not have been passed on.
func (j *VMSJoiner) Push(line string, emit func(string) error) error {
	if j.holding {
		held := j.held
		j.held, j.holding = "", false
		if vmsContinuation(line) {
			return emit(cutEOL(held) + line)
		}
		if err := emit(held); err != nil {
			return err
		}
	}
	if vmsBareName(line) {
		j.held, j.holding = line, true
		return nil
	}
	return emit(line)
}

// Flush passes on the line held back, if any, and returns emit's error.
// Call it after the last line of a listing; the VMSJoiner is then ready
// for another.
func (j *VMSJoiner) Flush(emit func(string) error) error {
	if !j.holding {
		return nil
	}
	held := j.held
	j.held, j.holding = "", false
	return emit(held)
}

// cutEOL removes one trailing "\n" or "\r\n".
func cutEOL(s string) string {
	if strings.HasSuffix(s, "\r\n") {
		return s[:len(s)-2]
	}
	return strings.TrimSuffix(s, "\n")
}

// vmsBareName reports whether line, without its terminator and trailing
// blanks, is a VMS file name with a version and nothing else.
func vmsBareName(line string) bool {
	s := strings.TrimRight(cutEOL(line), " \t")
	if s == "" || isSpace(s[0]) || strings.ContainsAny(s, " \t") {
		return false
	}
	semi := strings.LastIndexByte(s, ';')
	return semi > 0 && allDigits(s[semi+1:])
}

// vmsContinuation reports whether line can be the rest of a wrapped
// entry: indented and not blank.
func vmsContinuation(line string) bool {
	if line == "" || !isSpace(line[0]) {
		return false
	}
	return strings.TrimLeft(cutEOL(line), " \t") != ""
}
