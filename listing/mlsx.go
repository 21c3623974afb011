package listing

import (
	"io/fs"
	"strings"
	"time"
)

// ParseMLSx parses one line of an MLSD listing (RFC 3659), splitting it
// exactly as Python's ftplib does:
//
//	facts_str, _, name = line.rstrip('\r\n').partition(' ')
//	for fact in facts_str[:-1].split(';'):
//	    key, _, value = fact.partition('='); facts[key.lower()] = value
//
// So the name is everything after the first space (leading, inner and
// trailing spaces, ';' and '=' kept), keys are lower-cased, values keep
// any '=' after the first, and later duplicates win. ParseMLSx never fails:
// an empty line gives Name "" and Facts {"": ""}, and a line without a
// space, such as "nofacts", gives Name "" and Facts {"nofact": ""}.
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
func ParseMLSx(line string) Entry {
	s := strings.TrimRight(line, "\r\n")
	factStr, name := s, ""
	if i := strings.IndexByte(s, ' '); i >= 0 {
		factStr, name = s[:i], s[i+1:]
	}
	if factStr != "" {
		factStr = factStr[:len(factStr)-1]
	}
	e := Entry{Name: name, Size: -1, Raw: line}
	e.Facts = make(map[string]string, strings.Count(factStr, ";")+1)
	for {
		fact, rest, more := strings.Cut(factStr, ";")
		key, value, _ := strings.Cut(fact, "=")
		e.Facts[lowerKey(key)] = value
		if !more {
			break
		}
		factStr = rest
	}
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

// lowerKey lower-cases a fact name like Python's str.lower, without
// allocating for the common names.
func lowerKey(k string) string {
	for _, known := range knownKeys {
		if equalFold(k, known) {
			return known
		}
	}
	return strings.ToLower(k)
}

func fillFromFacts(e *Entry) {
	f := e.Facts
	if t, ok := f["type"]; ok {
		e.Type, e.Target = mlsxType(t)
	}
	if v, ok := f["size"]; ok {
		if n, ok := atoi(v); ok {
			e.Size = n
		}
	} else if v, ok := f["sizd"]; ok {
		if n, ok := atoi(v); ok {
			e.Size = n
		}
	}
	if v, ok := f["modify"]; ok {
		e.ModTime, e.Precision = mlsxTime(v)
		if e.ModTime.IsZero() {
			e.Precision = PrecisionUnknown // 00010101000000 is the zero Time
		}
	}
	e.Mode = typeMode(e.Type)
	if v, ok := f["unix.mode"]; ok {
		if m, ok := octalMode(v); ok {
			e.Mode |= m
		}
	} else if v, ok := f["perm"]; ok {
		e.Mode |= permMode(v, e.Type)
	}
	e.Owner = firstFact(f, "unix.owner", "unix.ownername", "unix.uid")
	e.Group = firstFact(f, "unix.group", "unix.groupname", "unix.gid")
}

func firstFact(f map[string]string, keys ...string) string {
	for _, k := range keys {
		if v, ok := f[k]; ok && v != "" {
			return v
		}
	}
	return ""
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
