package listing

import (
	"io/fs"
	"math"
	"strings"
	"time"
)

// parseVMS parses a one-line OpenVMS directory entry:
//
//	FILE.TXT;1        2/3     24-NOV-2024 19:30:12  [GROUP,OWNER]  (RWED,RWED,RE,)
//	SUBDIR.DIR;1      1       24-NOV-2024 19:30     [SYSTEM]       (RWE,RWE,RE,RE)
//	LOGIN.COM;2       5        2-JAN-2022 07:15:00.05
//	[PUB]TOOLS.DIR;1  1/3      5-MAR-1993 18:09
//	SECRET.DAT;1      %RMS-E-PRV, insufficient privilege or file protection violation
//
// The size is given in 512-byte blocks (used/allocated); Size is the used
// blocks times 512, so it is an upper bound of the byte size, and -1 when
// the column shows asterisks. Files named *.DIR (in any case) are
// directories and lose the ".DIR". A directory before the name (CMU/VMS-IP
// servers) is removed. The ";N" version is removed unless
// Parser.KeepVMSVersion is set, in which case the name keeps its version
// and its ".DIR". A line whose details are an error message (no privilege
// to read the file) gives the name and type alone. Entries that VMS wraps
// over two lines (long names) must be joined first; see VMSJoiner.
func parseVMS(p *Parser, line string, e *Entry) bool {
	var f [7]span
	n := fields(line, f[:])
	if n < 2 {
		return false
	}
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	name := tok(0)
	if name[0] == '[' {
		i := strings.IndexByte(name, ']')
		if i < 0 {
			return false
		}
		name = name[i+1:]
	}
	semi := strings.LastIndexByte(name, ';')
	if semi <= 0 || !allDigits(name[semi+1:]) {
		return false
	}
	base := name[:semi]
	e.Type = TypeFile
	if len(base) > 4 && equalFold(base[len(base)-4:], ".DIR") {
		e.Type = TypeDir
		base = base[:len(base)-4]
	}
	if p.KeepVMSVersion {
		e.Name = name
	} else {
		e.Name = base
	}
	e.Mode = typeMode(e.Type)
	if vmsMessage(tok(1)) {
		return true // Size -1, no time: the server could not read them
	}
	if n < 4 || n > 6 {
		return false
	}
	e.Size = -1
	if sz := tok(1); strings.Trim(sz, "*") != "" {
		used, _, _ := strings.Cut(sz, "/")
		blocks, ok := atoi(used)
		if !ok || blocks > math.MaxInt64/512 {
			return false
		}
		e.Size = blocks * 512
	}
	y, mon, d, ok := vmsDate(tok(2))
	if !ok {
		return false
	}
	h, mi, s, ns, prec, ok := isoClock(tok(3))
	if !ok {
		return false
	}
	for k := 4; k < n; k++ {
		t := tok(k)
		switch {
		case len(t) >= 2 && t[0] == '[' && t[len(t)-1] == ']':
			g, o, found := strings.Cut(t[1:len(t)-1], ",")
			if found {
				e.Group, e.Owner = g, o
			} else {
				e.Owner = g
			}
		case len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')':
			e.Mode |= vmsPerms(t[1 : len(t)-1])
		default:
			return false
		}
	}
	e.ModTime = time.Date(y, mon, d, h, mi, s, ns, p.loc())
	e.Precision = prec
	return true
}

// vmsMessage reports whether s starts a VMS condition message, such as
// "%RMS-E-PRV,": a '%', the facility, '-', the severity letter, '-'.
func vmsMessage(s string) bool {
	if len(s) < 5 || s[0] != '%' {
		return false
	}
	i := strings.IndexByte(s, '-')
	return i > 1 && i+2 < len(s) && s[i+2] == '-'
}

// vmsDate parses D-MMM-YYYY or DD-MMM-YYYY.
func vmsDate(s string) (int, time.Month, int, bool) {
	ds, rest, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, 0, false
	}
	ms, ys, ok := strings.Cut(rest, "-")
	if !ok || len(ms) != 3 || len(ys) != 4 || len(ds) > 2 {
		return 0, 0, 0, false
	}
	d, ok1 := atoiN(ds)
	m, ok2 := month(ms)
	y, ok3 := atoiN(ys)
	if !ok1 || !ok2 || !ok3 || !validDate(y, m, d) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// vmsPerms maps the (system,owner,group,world) protection to Unix bits:
// R read, W write, E execute; system and D (delete) are dropped.
func vmsPerms(s string) (m fs.FileMode) {
	shift := 9 // the system field comes first and is dropped
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			shift -= 3
		case 'R':
			if shift < 9 && shift >= 0 {
				m |= 4 << shift
			}
		case 'W':
			if shift < 9 && shift >= 0 {
				m |= 2 << shift
			}
		case 'E':
			if shift < 9 && shift >= 0 {
				m |= 1 << shift
			}
		}
	}
	return m
}
