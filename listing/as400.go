package listing

import (
	"strings"
	"time"
)

// parseAS400 parses an IBM OS/400 (AS/400, IBM i) line: the owner, the
// size, the date (MM/DD/YY[YY] or DD.MM.YY[YY]), the time, the object
// type and the name. Members (*MEM) have no size or date.
//
//	QSYS           77824 02/23/00 15:09:55 *DIR       QSYS.LIB/
//	QPGMR           1234 11/23/24 19:30:00 *STMF      file.txt
//	QPGMR                                  *MEM       MYLIB.FILE/MBR.MBR
//
// Object types *DIR, *LIB and *FLR, and names ending in '/', are
// directories (the '/' is removed); everything else is a file.
func parseAS400(p *Parser, line string, e *Entry) bool {
	var f [6]span
	n := fields(line, f[:])
	if n < 3 {
		return false
	}
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	k := 1
	if tok(1) == "" || tok(1)[0] != '*' {
		if n < 6 {
			return false
		}
		size, ok := atoi(tok(1))
		if !ok {
			return false
		}
		y, mon, d, ok := as400Date(tok(2))
		if !ok {
			return false
		}
		h, mi, s, prec, ok := clock(tok(3))
		if !ok {
			return false
		}
		e.Size = size
		e.ModTime = time.Date(y, mon, d, h, mi, s, 0, p.loc())
		e.Precision = prec
		k = 4
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
	case "*DIR", "*LIB", "*FLR":
		e.Type = TypeDir
	}
	if len(name) > 1 && name[len(name)-1] == '/' {
		e.Type = TypeDir
		name = name[:len(name)-1]
	}
	e.Name = name
	e.Owner = tok(0)
	e.Mode = typeMode(e.Type)
	return true
}

// as400Date parses MM/DD/YY, MM/DD/YYYY, DD.MM.YY or DD.MM.YYYY.
func as400Date(s string) (int, time.Month, int, bool) {
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
