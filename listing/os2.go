package listing

import (
	"strings"
	"time"
)

// parseOS2 parses an OS/2 line: the size, optional attributes (A, R, H,
// S) or DIR, an MM-DD-YY date, an HH:MM time and the name.
//
//	   0           DIR   11-23-24   19:30  dirname
//	1024      A          11-23-24   19:30  file.txt
//
// The name is the rest of the line after the spaces that follow the time,
// so names with leading spaces cannot be told apart.
func parseOS2(p *Parser, line string, e *Entry) bool {
	var f [6]span
	n := fields(line, f[:])
	if n < 4 {
		return false
	}
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	size, ok := atoi(tok(0))
	if !ok {
		return false
	}
	e.Type = TypeFile
	k := 1
	for ; k < n-2; k++ {
		t := tok(k)
		if t == "DIR" {
			e.Type = TypeDir
			continue
		}
		if len(t) == 8 && t[2] == '-' {
			break
		}
		if strings.Trim(t, "ARHS") != "" {
			return false
		}
	}
	if k >= n-2 {
		return false
	}
	y, mon, d, ok := dosDate(tok(k))
	if !ok {
		return false
	}
	h, mi, _, prec, ok := clock(tok(k + 1))
	if !ok || prec != PrecisionMinute {
		return false
	}
	e.Name = strings.TrimLeft(line[f[k+1].end:], " \t")
	if e.Name == "" {
		return false
	}
	if e.Type == TypeFile {
		e.Size = size
	}
	e.ModTime = time.Date(y, mon, d, h, mi, 0, 0, p.loc())
	e.Precision = PrecisionMinute
	e.Mode = typeMode(e.Type)
	return true
}
