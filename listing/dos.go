package listing

import (
	"strings"
	"time"
)

// parseDOS parses an MS-DOS style line, as IIS and many Windows servers
// send it, with 12- or 24-hour times and two- or four-digit years:
//
//	01-31-24  12:00PM       <DIR>          Program Files
//	01-31-2024  13:05             1234 notes.txt
//	2024-01-31  13:05              1,234 notes.txt
func parseDOS(p *Parser, line string, e *Entry) bool {
	var f [5]span
	n := fields(line, f[:])
	if n < 4 {
		return false
	}
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	y, mon, d, ok := dosDate(tok(0))
	if !ok {
		return false
	}
	k := 1
	clk := tok(k)
	pm, twelve := false, false
	if u := len(clk) - 2; u > 0 && (clk[u:] == "AM" || clk[u:] == "PM" || clk[u:] == "am" || clk[u:] == "pm") {
		pm, twelve = lower(clk[u]) == 'p', true
		clk = clk[:u]
	} else if ap := tok(k + 1); equalFold(ap, "AM") || equalFold(ap, "PM") {
		// "12:00 PM", with a space.
		pm, twelve = lower(ap[0]) == 'p', true
		k++
		if n < 5 {
			return false
		}
	}
	h, mi, s, prec, ok := clock(clk)
	if !ok {
		return false
	}
	if twelve {
		if h < 1 || h > 12 {
			return false
		}
		if h == 12 {
			h = 0
		}
		if pm {
			h += 12
		}
	}
	k++
	sz := tok(k)
	rest := line[f[k].end:]
	switch {
	case equalFold(sz, "<DIR>"):
		e.Type = TypeDir
		if len(rest) > 10 && strings.TrimLeft(rest[:10], " ") == "" && rest[10] != '\t' {
			rest = rest[10:]
		} else {
			rest = strings.TrimLeft(rest, " \t")
		}
	case equalFold(sz, "<JUNCTION>"), equalFold(sz, "<SYMLINK>"), equalFold(sz, "<SYMLINKD>"):
		e.Type = TypeSymlink
		rest = strings.TrimLeft(rest, " \t")
		if i := strings.LastIndex(rest, " ["); i > 0 && strings.HasSuffix(rest, "]") {
			rest, e.Target = rest[:i], rest[i+2:len(rest)-1]
		}
	default:
		size, ok := dosSize(sz)
		if !ok || len(rest) < 2 || !isSpace(rest[0]) {
			return false
		}
		e.Type, e.Size = TypeFile, size
		rest = rest[1:]
	}
	if rest == "" {
		return false
	}
	e.Name = rest
	e.ModTime = time.Date(y, mon, d, h, mi, s, 0, p.loc())
	e.Precision = prec
	e.Mode = typeMode(e.Type)
	return true
}

// dosDate parses MM-DD-YY, MM-DD-YYYY or YYYY-MM-DD ('/' and '.' are
// accepted in place of '-'), except that a date with dots first,
// DD.MM.YY or DD.MM.YYYY, has the day first, as Windows writes it in
// the locales that use dots.
func dosDate(s string) (int, time.Month, int, bool) {
	var y, m, d int
	var ok1, ok2, ok3 bool
	sep := func(c byte) bool { return c == '-' || c == '/' || c == '.' }
	switch {
	case (len(s) == 8 || len(s) == 10) && sep(s[2]) && sep(s[5]):
		m, ok1 = atoiN(s[0:2])
		d, ok2 = atoiN(s[3:5])
		y, ok3 = atoiN(s[6:])
		if len(s) == 8 {
			y = twoDigitYear(y)
		}
		if s[2] == '.' {
			// Dotted dates are European: DD.MM.YY[YY].
			m, d = d, m
		}
	case len(s) == 10 && sep(s[4]) && sep(s[7]):
		y, ok1 = atoiN(s[0:4])
		m, ok2 = atoiN(s[5:7])
		d, ok3 = atoiN(s[8:10])
	default:
		return 0, 0, 0, false
	}
	if !ok1 || !ok2 || !ok3 || !validDate(y, time.Month(m), d) {
		return 0, 0, 0, false
	}
	return y, time.Month(m), d, true
}

// dosSize parses a size that may contain thousands separators.
func dosSize(s string) (int64, bool) {
	if n, ok := atoi(s); ok {
		return n, true
	}
	if s == "" || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return 0, false
	}
	var n int64
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			n = n*10 + int64(c-'0')
			digits++
			if digits > 18 {
				return 0, false
			}
		case c == ',' || c == '.':
		default:
			return 0, false
		}
	}
	return n, true
}
