package listing

import "time"

// This file holds the small allocation-free scanning helpers the parsers
// share. None of them uses regexp or strings.Fields.

// maxFields bounds how many fields a parser tokenizes before it looks for
// the name; it keeps the field array on the stack.
const maxFields = 20

// span is a field of a line: line[start:end].
type span struct{ start, end int }

// fields splits s at runs of spaces and tabs, storing at most len(dst)
// fields in dst, and returns how many it stored.
func fields(s string, dst []span) int {
	n, i := 0, 0
	for n < len(dst) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			i++
		}
		dst[n] = span{start, i}
		n++
	}
	return n
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi parses a non-empty run of at most 18 ASCII digits, so that it
// cannot overflow an int64.
func atoi(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// atoiN parses s as a number of exactly len(s) digits, 1 to 9 of them.
func atoiN(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// itoa formats a small int without strconv, for String methods.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether s and t are equal under ASCII case folding.
func equalFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != lower(t[i]) {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s begins with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}

// month returns the month named by s: the English three-letter
// abbreviation or full name, in any case.
func month(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	k := int(lower(s[0]))<<16 | int(lower(s[1]))<<8 | int(lower(s[2]))
	var m time.Month
	switch k {
	case 'j'<<16 | 'a'<<8 | 'n':
		m = time.January
	case 'f'<<16 | 'e'<<8 | 'b':
		m = time.February
	case 'm'<<16 | 'a'<<8 | 'r':
		m = time.March
	case 'a'<<16 | 'p'<<8 | 'r':
		m = time.April
	case 'm'<<16 | 'a'<<8 | 'y':
		m = time.May
	case 'j'<<16 | 'u'<<8 | 'n':
		m = time.June
	case 'j'<<16 | 'u'<<8 | 'l':
		m = time.July
	case 'a'<<16 | 'u'<<8 | 'g':
		m = time.August
	case 's'<<16 | 'e'<<8 | 'p':
		m = time.September
	case 'o'<<16 | 'c'<<8 | 't':
		m = time.October
	case 'n'<<16 | 'o'<<8 | 'v':
		m = time.November
	case 'd'<<16 | 'e'<<8 | 'c':
		m = time.December
	default:
		return 0, false
	}
	if len(s) == 3 || equalFold(s, m.String()) || (m == time.September && equalFold(s, "sept")) {
		return m, true
	}
	return 0, false
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// validDate reports whether y-m-d is a real calendar date.
func validDate(y int, m time.Month, d int) bool {
	return m >= time.January && m <= time.December && d >= 1 && d <= daysIn(y, m)
}

// clock parses "HH:MM" or "HH:MM:SS" (hours may have one digit) and
// returns the time of day and the precision it carries.
func clock(s string) (h, m, sec int, p Precision, ok bool) {
	i := 0
	for i < len(s) && i < 2 && isDigit(s[i]) {
		h = h*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' || h > 23 {
		return 0, 0, 0, 0, false
	}
	rest := s[i+1:]
	if len(rest) < 2 {
		return 0, 0, 0, 0, false
	}
	m, ok = atoiN(rest[:2])
	if !ok || m > 59 {
		return 0, 0, 0, 0, false
	}
	rest = rest[2:]
	if rest == "" {
		return h, m, 0, PrecisionMinute, true
	}
	if len(rest) != 3 || rest[0] != ':' {
		return 0, 0, 0, 0, false
	}
	sec, ok = atoiN(rest[1:])
	if !ok || sec > 60 {
		return 0, 0, 0, 0, false
	}
	return h, m, sec, PrecisionSecond, true
}

// twoDigitYear turns a two-digit year into a full one the way most FTP
// clients do: 70-99 are 1970-1999, 00-69 are 2000-2069.
func twoDigitYear(y int) int {
	if y < 70 {
		return 2000 + y
	}
	return 1900 + y
}

// trimEOL removes one trailing "\n" or "\r\n", and any further trailing
// "\r", from a line.
func trimEOL(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		s = s[:n-1]
	}
	for n := len(s); n > 0 && s[n-1] == '\r'; n = len(s) {
		s = s[:n-1]
	}
	return s
}
