package listing

import (
	"io/fs"
	"iter"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Facts are the facts of an MLSx line (RFC 3659) as the server sent
// them: the text before the line's first space, such as
// "type=file;size=12;modify=20241123193000;".
//
// Facts are read as Python's ftplib reads them: the last byte, normally
// the ';' that ends the last fact, is dropped; the rest is split at each
// ';' into facts, and each fact at its first '=' into a name and a value.
// So a value keeps any '=' after the first, a fact without '=' has the
// value "", an empty fact (as in "a=1;;b=2;") has the name "" and the
// value "", and a last fact not followed by ';' loses its last byte.
// (ftplib drops the last character, which differs only when the text
// ends in a non-ASCII character, and so lacks its final ';'.)
// Names may repeat: like ftplib's dict, Get and maps.Collect(f.All())
// keep the last value given.
//
// The empty Facts holds no facts; it is the Facts of every Entry not
// parsed from an MLSx line. An MLSx line with nothing before its first
// space has Facts ";", which holds the single fact "" with value "", as
// ftplib gives for such a line.
type Facts string

// Get returns the value, as sent, of the last fact named name and
// reports whether there is one. Names are compared after lower-casing
// both as strings.ToLower does, so Get("type"), Get("Type") and
// Get("TYPE") are the same. Get does not allocate.
func (f Facts) Get(name string) (value string, ok bool) {
	if f == "" {
		return "", false
	}
	s := string(f[:len(f)-1])
	for {
		i := strings.LastIndexByte(s, ';')
		k, v, _ := strings.Cut(s[i+1:], "=")
		if lowerEqual(k, name) {
			return v, true
		}
		if i < 0 {
			return "", false
		}
		s = s[:i]
	}
}

// All returns an iterator over the facts in the order sent, duplicates
// included, yielding each fact's name lower-cased as strings.ToLower does
// (as Python's str.lower does for ASCII names) and its value as sent.
// The names of the standard facts of RFC 3659 and the UNIX.* facts are
// returned without allocating. maps.Collect(f.All()) gives the dict that
// ftplib yields.
func (f Facts) All() iter.Seq2[string, string] {
	return func(yield func(name, value string) bool) {
		for k, v := range f.split() {
			if !yield(lowerKey(k), v) {
				return
			}
		}
	}
}

// split yields each fact's name and value as sent, in order.
func (f Facts) split() iter.Seq2[string, string] {
	return func(yield func(name, value string) bool) {
		if f == "" {
			return
		}
		s := string(f[:len(f)-1])
		for {
			fact, rest, more := strings.Cut(s, ";")
			k, v, _ := strings.Cut(fact, "=")
			if !yield(k, v) || !more {
				return
			}
			s = rest
		}
	}
}

// ParseMLSx parses one line of an MLSD listing (RFC 3659), splitting it
// exactly as Python's ftplib does:
//
//	facts_str, _, name = line.rstrip('\r\n').partition(' ')
//	for fact in facts_str[:-1].split(';'):
//	    key, _, value = fact.partition('='); facts[key.lower()] = value
//
// So the name is everything after the first space (leading, inner and
// trailing spaces, ';' and '=' kept), and Facts is everything before it,
// read as described at Facts. ParseMLSx never fails: an empty line gives
// Name "" and Facts ";" (the one fact "" = ""), and a line without a
// space, such as "nofacts", gives Name "" and Facts "nofacts" (the one
// fact "nofact" = "").
//
// The structured fields are then filled from the facts: type (file, dir,
// cdir, pdir, OS.unix=slink:TARGET or OS.unix=symlink, OS.unix=chr-M/N,
// OS.unix=blk-M/N), size or sizd, modify (UTC, YYYYMMDDHHMMSS with
// optional fraction), perm, UNIX.mode, UNIX.owner / UNIX.ownername /
// UNIX.uid and UNIX.group / UNIX.groupname / UNIX.gid. A fact whose value is
// unknown or malformed leaves its field empty (TypeUnknown, Size -1, zero
// ModTime) but stays in Facts. When there is no UNIX.mode, the owner
// permission bits are derived from perm: r or l gives read, w, a, c, m
// or p gives write, and e (on a directory) gives execute.
//
// Every string field of the Entry is a substring of line, so ParseMLSx
// does not allocate.
func ParseMLSx(line string) Entry {
	s := strings.TrimRight(line, "\r\n")
	factStr, name := s, ""
	if i := strings.IndexByte(s, ' '); i >= 0 {
		factStr, name = s[:i], s[i+1:]
	}
	if factStr == "" {
		factStr = ";"
	}
	e := Entry{Name: name, Size: -1, Facts: Facts(factStr), Raw: line}
	fillFromFacts(&e)
	return e
}

// ParseMLST parses the entry line of an MLST reply: the line between the
// "250-" and "250 " lines, which RFC 3659 starts with one space. That
// space is removed, then the rest is parsed by ParseMLSx. Raw keeps the
// line as given.
func ParseMLST(line string) Entry {
	s := line
	if s != "" && s[0] == ' ' {
		s = s[1:]
	}
	e := ParseMLSx(s)
	e.Raw = line
	return e
}

// knownKeys are the lower-case fact names that lowerKey returns without
// allocating.
var knownKeys = [...]string{"type", "size", "sizd", "modify", "create", "perm", "unique", "lang",
	"media-type", "charset", "unix.mode", "unix.owner", "unix.group", "unix.uid", "unix.gid",
	"unix.ownername", "unix.groupname"}

// lowerKey lower-cases a fact name like strings.ToLower (and Python's
// str.lower for ASCII), without allocating for the common names.
func lowerKey(k string) string {
	for _, known := range knownKeys {
		if equalFold(k, known) {
			return known
		}
	}
	return strings.ToLower(k)
}

// lowerEqual reports whether strings.ToLower(s) == strings.ToLower(t),
// without allocating. Like strings.ToLower, it maps each invalid UTF-8
// byte to U+FFFD.
func lowerEqual(s, t string) bool {
	for s != "" && t != "" {
		if c, d := s[0], t[0]; c < utf8.RuneSelf && d < utf8.RuneSelf {
			if lower(c) != lower(d) {
				return false
			}
			s, t = s[1:], t[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		q, m := utf8.DecodeRuneInString(t)
		if unicode.ToLower(r) != unicode.ToLower(q) {
			return false
		}
		s, t = s[n:], t[m:]
	}
	return s == "" && t == ""
}

// The facts that fillFromFacts reads, indexes into stdNames.
const (
	factType = iota
	factSize
	factSizd
	factModify
	factPerm
	factMode
	factOwner
	factOwnername
	factUID
	factGroup
	factGroupname
	factGID
	numFacts
)

var stdNames = [numFacts]string{"type", "size", "sizd", "modify", "perm", "unix.mode",
	"unix.owner", "unix.ownername", "unix.uid", "unix.group", "unix.groupname", "unix.gid"}

// stdFact returns the index in stdNames of the fact named k (compared as
// lowerEqual does), or -1.
func stdFact(k string) int {
	switch len(k) {
	case 4:
		switch {
		case equalFold(k, "type"):
			return factType
		case equalFold(k, "size"):
			return factSize
		case equalFold(k, "sizd"):
			return factSizd
		case equalFold(k, "perm"):
			return factPerm
		}
	case 6:
		if equalFold(k, "modify") {
			return factModify
		}
	case 8, 9, 10, 14:
		if hasPrefixFold(k, "unix.") {
			for i := factMode; i < numFacts; i++ {
				if equalFold(k, stdNames[i]) {
					return i
				}
			}
		}
	}
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			// Rare: a non-ASCII name may still lower-case to a standard
			// one, as "S\u0130ZE" (with a dotted capital I) does to "size".
			for j, n := range stdNames {
				if lowerEqual(k, n) {
					return j
				}
			}
			break
		}
	}
	return -1
}

// fillFromFacts fills e's structured fields from e.Facts, read in one
// pass. As with ftplib's dict, the last of duplicate facts counts.
func fillFromFacts(e *Entry) {
	var v [numFacts]string
	var have uint16
	for k, val := range e.Facts.split() {
		if i := stdFact(k); i >= 0 {
			v[i] = val
			have |= 1 << i
		}
	}
	has := func(i int) bool { return have&(1<<i) != 0 }
	if has(factType) {
		e.Type, e.Target = mlsxType(v[factType])
	}
	if has(factSize) {
		if n, ok := atoi(v[factSize]); ok {
			e.Size = n
		}
	} else if has(factSizd) {
		if n, ok := atoi(v[factSizd]); ok {
			e.Size = n
		}
	}
	if has(factModify) {
		e.ModTime, e.Precision = mlsxTime(v[factModify])
		if e.ModTime.IsZero() {
			e.Precision = PrecisionUnknown // 00010101000000 is the zero Time
		}
	}
	e.Mode = typeMode(e.Type)
	if has(factMode) {
		if m, ok := octalMode(v[factMode]); ok {
			e.Mode |= m
		}
	} else if has(factPerm) {
		e.Mode |= permMode(v[factPerm], e.Type)
	}
	e.Owner = firstNonEmpty(v[factOwner], v[factOwnername], v[factUID])
	e.Group = firstNonEmpty(v[factGroup], v[factGroupname], v[factGID])
}

// firstNonEmpty returns the first of a, b and c that is not "".
func firstNonEmpty(a, b, c string) string {
	switch {
	case a != "":
		return a
	case b != "":
		return b
	}
	return c
}

// mlsxType maps the value of a type fact to a Type and, for symbolic
// links, the target.
func mlsxType(v string) (Type, string) {
	switch {
	case equalFold(v, "file"):
		return TypeFile, ""
	case equalFold(v, "dir"), equalFold(v, "cdir"), equalFold(v, "pdir"):
		return TypeDir, ""
	case hasPrefixFold(v, "OS.unix="):
		u := v[len("OS.unix="):]
		switch {
		case hasPrefixFold(u, "slink"), hasPrefixFold(u, "symlink"):
			n := len("slink")
			if hasPrefixFold(u, "symlink") {
				n = len("symlink")
			}
			if len(u) == n {
				return TypeSymlink, ""
			}
			if u[n] == ':' {
				return TypeSymlink, u[n+1:]
			}
		case hasPrefixFold(u, "chr"):
			return TypeCharDevice, ""
		case hasPrefixFold(u, "blk"):
			return TypeBlockDevice, ""
		case equalFold(u, "fifo"), equalFold(u, "pipe"):
			return TypePipe, ""
		case equalFold(u, "socket"):
			return TypeSocket, ""
		}
		return TypeOther, ""
	case hasPrefixFold(v, "OS."):
		return TypeOther, ""
	}
	return TypeUnknown, ""
}

// mlsxTime parses an RFC 3659 time-val, YYYYMMDDHHMMSS[.F+], in UTC.
func mlsxTime(v string) (time.Time, Precision) {
	if len(v) < 14 {
		return time.Time{}, PrecisionUnknown
	}
	y, ok1 := atoiN(v[0:4])
	mo, ok2 := atoiN(v[4:6])
	d, ok3 := atoiN(v[6:8])
	h, ok4 := atoiN(v[8:10])
	mi, ok5 := atoiN(v[10:12])
	sec, ok6 := atoiN(v[12:14])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || !validDate(y, time.Month(mo), d) || h > 23 || mi > 59 || sec > 60 {
		return time.Time{}, PrecisionUnknown
	}
	p, ns := PrecisionSecond, 0
	if frac := v[14:]; frac != "" {
		if len(frac) < 2 || frac[0] != '.' || !allDigits(frac[1:]) {
			return time.Time{}, PrecisionUnknown
		}
		p = PrecisionSubsecond
		scale := 100000000
		for i := 1; i < len(frac) && scale > 0; i++ {
			ns += int(frac[i]-'0') * scale
			scale /= 10
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC), p
}

// octalMode parses a UNIX.mode value such as "0644" or "100755" and
// returns its permission, setuid, setgid and sticky bits.
func octalMode(v string) (fs.FileMode, bool) {
	if v == "" || len(v) > 7 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '7' {
			return 0, false
		}
		n = n<<3 | int(c-'0')
	}
	return unixMode(n), true
}

// unixMode converts the low 12 bits of a Unix st_mode to an fs.FileMode.
func unixMode(n int) fs.FileMode {
	m := fs.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// permMode derives owner permission bits from an RFC 3659 perm fact,
// which describes what the logged-in user may do.
func permMode(v string, t Type) fs.FileMode {
	var m fs.FileMode
	for i := 0; i < len(v); i++ {
		switch lower(v[i]) {
		case 'r', 'l':
			m |= 0o400
		case 'w', 'a', 'c', 'm', 'p':
			m |= 0o200
		case 'e':
			if t == TypeDir {
				m |= 0o100
			}
		}
	}
	return m
}
