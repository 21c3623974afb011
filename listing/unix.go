package listing

import (
	"io/fs"
	"strings"
	"time"
)

// parseUnix parses a line of `ls -l` output in its many server variants:
//
//	-rw-r--r--    1 1001     1001      1048576 Nov 23 19:30 name
//	drwxr-xr-x+   2 owner    group        4096 Nov 23  2020 dir name
//	lrwxrwxrwx    1 root     root            7 Jan  1 00:00 bin -> usr/bin
//	crw-rw-rw-    1 root     root       1,   3 Nov 23 19:30 null
//	-rw-r--r--    1 owner                  12 2024-01-31 12:00 iso
//
// The link count, owner and group may each be missing. The name is
// everything after the single space that follows the date, so leading,
// inner and trailing spaces survive.
func parseUnix(p *Parser, line string, e *Entry) bool {
	if len(line) < 11 {
		return false
	}
	t, ok := unixType(line[0])
	if !ok {
		return false
	}
	mode, ok := unixPerms(line[1:10])
	if !ok {
		return false
	}
	i := 10
	if c := line[i]; c == '+' || c == '@' || c == '.' {
		i++
	}
	if i >= len(line) || !isSpace(line[i]) {
		return false
	}
	// Tokenize only as far as the date usually is (links, owner, group,
	// size, three or four date fields); go on only if it is not there.
	var f [maxFields]span
	n := fields(line[i:], f[:10])
	for k := 0; k < n; k++ {
		f[k].start += i
		f[k].end += i
	}
	if n == 10 {
		if !parseUnixFields(p, line, f[:n], t, mode, e, false) {
			j := f[n-1].end
			m := fields(line[j:], f[n:])
			for k := n; k < n+m; k++ {
				f[k].start += j
				f[k].end += j
			}
			return parseUnixFields(p, line, f[:n+m], t, mode, e, true)
		}
		return true
	}
	return parseUnixFields(p, line, f[:n], t, mode, e, true)
}

// parseUnixFields finishes parseUnix on the fields after the permissions.
// If last is false, f may stop before the end of the line, and a date
// must leave room for its longest shape.
func parseUnixFields(p *Parser, line string, f []span, t Type, mode fs.FileMode, e *Entry, last bool) bool {
	n := len(f)
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	limit := n
	if !last {
		limit = n - 4
	}
	// Find the date: the leftmost position d, after at least a size
	// field, where a date of a known shape starts.
	for d := 1; d < limit; d++ {
		tm, prec, end, ok := unixDate(p, line, f[d:n])
		if !ok {
			continue
		}
		// The size, or "major, minor" for a device.
		sz := tok(d - 1)
		ownerEnd := d - 1
		size := int64(-1)
		if major, minor, found := strings.Cut(sz, ","); found {
			if !allDigits(major) || !allDigits(minor) {
				continue
			}
		} else if !allDigits(sz) {
			continue
		} else if d >= 2 && len(tok(d-2)) > 1 && strings.HasSuffix(tok(d-2), ",") && allDigits(strings.TrimSuffix(tok(d-2), ",")) {
			ownerEnd = d - 2 // "1, 3": a device
		} else if v, ok := atoi(sz); ok {
			size = v
		}
		nameStart := f[d+end-1].end + 1
		if nameStart >= len(line) {
			return false
		}
		e.Name = line[nameStart:]
		e.Type = t
		e.Size = size
		e.ModTime, e.Precision = tm, prec
		e.Mode = mode | typeMode(t)
		// Link count, owner, group.
		k := 0
		if k < ownerEnd && allDigits(tok(k)) && (ownerEnd-k >= 2 || ownerEnd == 1) {
			k++
		}
		if k < ownerEnd {
			e.Owner = tok(k)
			k++
		}
		if k < ownerEnd {
			e.Group = line[f[k].start:f[ownerEnd-1].end]
		}
		if t == TypeSymlink {
			if name, target, found := strings.Cut(e.Name, " -> "); found && name != "" {
				e.Name, e.Target = name, target
			}
		}
		return true
	}
	return false
}

// unixType maps the first letter of an ls -l line to a Type.
func unixType(c byte) (Type, bool) {
	switch c {
	case '-', 'f':
		return TypeFile, true
	case 'd':
		return TypeDir, true
	case 'l', 'e':
		return TypeSymlink, true
	case 'b':
		return TypeBlockDevice, true
	case 'c':
		return TypeCharDevice, true
	case 'p':
		return TypePipe, true
	case 's':
		return TypeSocket, true
	case 'D', 'P', 'n', 'm', 'M', 'S', '?':
		return TypeOther, true
	}
	return TypeUnknown, false
}

// unixPerms parses the nine permission letters of an ls -l line.
func unixPerms(s string) (fs.FileMode, bool) {
	var m fs.FileMode
	for i := 0; i < 9; i++ {
		c := s[i]
		bit := fs.FileMode(1) << (8 - i)
		switch i % 3 {
		case 0:
			if c == 'r' {
				m |= bit
			} else if c != '-' {
				return 0, false
			}
		case 1:
			if c == 'w' {
				m |= bit
			} else if c != '-' {
				return 0, false
			}
		case 2:
			switch c {
			case '-':
			case 'x':
				m |= bit
			case 's', 'S':
				if c == 's' {
					m |= bit
				}
				switch i {
				case 2:
					m |= fs.ModeSetuid
				case 5:
					m |= fs.ModeSetgid
				default:
					return 0, false
				}
			case 't', 'T':
				if i != 8 {
					return 0, false
				}
				if c == 't' {
					m |= bit
				}
				m |= fs.ModeSticky
			case 'l', 'L':
				// Mandatory locking: setgid without group execute.
				if i != 5 {
					return 0, false
				}
				m |= fs.ModeSetgid
			default:
				return 0, false
			}
		}
	}
	return m, true
}

// unixDate recognises a date at the start of f and returns the time, its
// precision and how many fields it used. The shapes are
//
//	Nov 23 19:30 | Nov 23 2020 | Nov 23 19:30:12 2020 | 23 Nov 19:30 |
//	2024-01-31 12:00[:00[.000000000] [+0000]] | 2024-01-31 | 01-31 12:00
func unixDate(p *Parser, line string, f []span) (time.Time, Precision, int, bool) {
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	if len(f) < 2 {
		return time.Time{}, 0, 0, false
	}
	a := tok(0)
	if len(f) >= 3 {
		b := tok(1)
		var (
			mon time.Month
			day int
			ok  bool
		)
		if mon, ok = month(a); ok {
			day, ok = atoiN(b)
		} else if day, ok = atoiN(a); ok && len(a) <= 2 {
			mon, ok = month(b)
		}
		if ok && len(f) >= 3 && day >= 1 && day <= 31 {
			c := tok(2)
			if y, ok := atoiN(c); ok && len(c) == 4 {
				if !validDate(y, mon, day) {
					return time.Time{}, 0, 0, false
				}
				return time.Date(y, mon, day, 0, 0, 0, 0, p.loc()), PrecisionDay, 3, true
			}
			if h, mi, s, prec, ok := clock(c); ok {
				if prec == PrecisionSecond && len(f) >= 4 {
					// BSD ls -T: "Nov 23 19:30:12 2020".
					if y, ok := atoiN(tok(3)); ok && len(tok(3)) == 4 && validDate(y, mon, day) {
						return time.Date(y, mon, day, h, mi, s, 0, p.loc()), PrecisionSecond, 4, true
					}
				}
				tm, ok := p.inferYear(mon, day, h, mi, s)
				return tm, prec, 3, ok
			}
		}
	}
	// ISO shapes.
	if len(a) == 10 && a[4] == '-' && a[7] == '-' {
		y, ok1 := atoiN(a[0:4])
		mo, ok2 := atoiN(a[5:7])
		d, ok3 := atoiN(a[8:10])
		if !ok1 || !ok2 || !ok3 || !validDate(y, time.Month(mo), d) {
			return time.Time{}, 0, 0, false
		}
		if len(f) >= 3 {
			if h, mi, s, ns, prec, ok := isoClock(tok(1)); ok {
				used := 2
				loc := p.loc()
				if len(f) >= 4 {
					if z, ok := zoneOffset(tok(2)); ok {
						loc = z
						used = 3
					}
				}
				return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc), prec, used, true
			}
		}
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, p.loc()), PrecisionDay, 1, true
	}
	if len(a) == 5 && a[2] == '-' && len(f) >= 3 {
		mo, ok1 := atoiN(a[0:2])
		d, ok2 := atoiN(a[3:5])
		if h, mi, s, prec, ok := clock(tok(1)); ok1 && ok2 && ok && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			tm, ok := p.inferYear(time.Month(mo), d, h, mi, s)
			return tm, prec, 2, ok
		}
	}
	return time.Time{}, 0, 0, false
}

// isoClock parses "HH:MM", "HH:MM:SS" or "HH:MM:SS.fffffffff".
func isoClock(s string) (h, m, sec, ns int, p Precision, ok bool) {
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i+1:]
		if !allDigits(frac) {
			return 0, 0, 0, 0, 0, false
		}
	}
	h, m, sec, p, ok = clock(s)
	if !ok {
		return 0, 0, 0, 0, 0, false
	}
	if frac != "" {
		if p != PrecisionSecond {
			return 0, 0, 0, 0, 0, false
		}
		scale := 100000000
		for i := 0; i < len(frac) && scale > 0; i++ {
			ns += int(frac[i]-'0') * scale
			scale /= 10
		}
		p = PrecisionSubsecond
	}
	return h, m, sec, ns, p, true
}

// zoneOffset parses a numeric zone such as "+0100" or "-0530".
func zoneOffset(s string) (*time.Location, bool) {
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return nil, false
	}
	hh, ok1 := atoiN(s[1:3])
	mm, ok2 := atoiN(s[3:5])
	if !ok1 || !ok2 || hh > 14 || mm > 59 {
		return nil, false
	}
	off := hh*3600 + mm*60
	if s[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, true
	}
	return time.FixedZone(s, off), true
}
