package listing

import (
	"strings"
	"time"
)

// parseAS400 parses an IBM OS/400 (AS/400, IBM i) line: the owner, the
// size, the date, the time, the object type and the name. The owner is
// blank in anonymous sessions; members (*MEM) have no size or date. The
// date and time are in the server job's formats: MM/DD/YY[YY],
// DD.MM.YY[YY] or YYYY-MM-DD, and HH:MM:SS or HH.MM.SS.
//
//	QSYS           77824 02/23/00 15:09:55 *DIR       QSYS.LIB/
//	QPGMR           1234 11/23/24 19:30:00 *STMF      file.txt
//	QPGMR                                  *MEM       MYLIB.FILE/MBR.MBR
//	                4096 2024-11-23 19.30.00 *DIR       pub/
//
// Object types *DIR, *DDIR, *LIB and *FLR, *FILE objects named *.FILE
// (database files, which hold members), and names ending in '/' are
// directories (the '/' is removed); *SYMLNK is a symbolic link;
// everything else (*STMF, *DOC, *MEM, save files...) is a file.
func parseAS400(p *Parser, line string, e *Entry) bool {
	var f [6]span
	n := fields(line, f[:])
	if n < 2 {
		return false
	}
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	k := 0
	// A user profile name starts with a letter, '$', '#' or '@': a
	// first field that starts with a digit or '*' means no owner.
	if c := tok(0)[0]; !isDigit(c) && c != '*' {
		e.Owner = tok(0)
		k = 1
	}
	if k >= n {
		return false
	}
	if tok(k)[0] != '*' {
		if n < k+5 {
			return false
		}
		size, ok := atoi(tok(k))
		if !ok {
			return false
		}
		y, mon, d, ok := as400Date(tok(k + 1))
		if !ok {
			return false
		}
		h, mi, s, prec, ok := as400Clock(tok(k + 2))
		if !ok {
			return false
		}
		e.Size = size
		e.ModTime = time.Date(y, mon, d, h, mi, s, 0, p.loc())
		e.Precision = prec
		k += 3
	}
	typ := tok(k)
	if len(typ) < 2 || typ[0] != '*' {
		return false
	}
	name := strings.TrimLeft(line[f[k].end:], " \t")
	if name == "" {
		return false
	}
	e.Type = TypeFile
	switch typ {
	case "*DIR", "*DDIR", "*LIB", "*FLR":
		e.Type = TypeDir
	case "*FILE":
		if len(name) > 5 && equalFold(name[len(name)-5:], ".FILE") {
			e.Type = TypeDir
		}
	case "*SYMLNK":
		e.Type = TypeSymlink
	}
	if len(name) > 1 && name[len(name)-1] == '/' {
		e.Type = TypeDir
		name = name[:len(name)-1]
	}
	e.Name = name
	e.Mode = typeMode(e.Type)
	return true
}

// as400Clock parses HH:MM:SS, or HH.MM.SS or HH,MM,SS as the *ISO and
// *EUR time formats and some job time separators give it.
func as400Clock(s string) (int, int, int, Precision, bool) {
	if len(s) == 8 && (s[2] == '.' || s[2] == ',') && s[5] == s[2] {
		h, ok1 := atoiN(s[0:2])
		m, ok2 := atoiN(s[3:5])
		sec, ok3 := atoiN(s[6:8])
		if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 60 {
			return 0, 0, 0, 0, false
		}
		return h, m, sec, PrecisionSecond, true
	}
	return clock(s)
}

// as400Date parses MM/DD/YY, MM/DD/YYYY, DD.MM.YY, DD.MM.YYYY or
// YYYY-MM-DD. Two-digit years follow twoDigitYear.
func as400Date(s string) (int, time.Month, int, bool) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := atoiN(s[0:4])
		m, ok2 := atoiN(s[5:7])
		d, ok3 := atoiN(s[8:10])
		if !ok1 || !ok2 || !ok3 || !validDate(y, time.Month(m), d) {
			return 0, 0, 0, false
		}
		return y, time.Month(m), d, true
	}
	if (len(s) != 8 && len(s) != 10) || s[2] != s[5] || (s[2] != '/' && s[2] != '.') {
		return 0, 0, 0, false
	}
	a, ok1 := atoiN(s[0:2])
	b, ok2 := atoiN(s[3:5])
	y, ok3 := atoiN(s[6:])
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, 0, false
	}
	if len(s) == 8 {
		y = twoDigitYear(y)
	}
	m, d := a, b
	if s[2] == '.' {
		m, d = b, a
	}
	if !validDate(y, time.Month(m), d) {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}
