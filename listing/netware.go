package listing

import "strings"

// parseNetware parses a Novell Netware line: a type letter ('d' or '-'),
// the effective rights in brackets, the owner, the size, an ls-style date
// and the name.
//
//	d [RWCEAFMS] admin                 512 Nov 23 19:30 public
//	- [R----F--] jdoe                 1024 Nov 23  2020 report.txt
//	d[RWCEMFA] supervisor            512       Jan 16 18:53    login
//
// Older Hellsoft servers (the last shape) write the type letter against
// the rights and pad the columns; their names are read without leading
// spaces. The rights are not file modes and are left out of Mode; they
// describe what the logged-in user may do.
func parseNetware(p *Parser, line string, e *Entry) bool {
	if len(line) < 4 || (line[0] != 'd' && line[0] != '-') {
		return false
	}
	r := 1 // the field of the rights
	glued := line[1] == '['
	if glued {
		r = 0
	} else if line[1] != ' ' || line[2] != '[' {
		return false
	}
	var f [7]span
	n := fields(line, f[:])
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	if n < r+6 {
		return false
	}
	rights := tok(r)
	if glued {
		rights = rights[1:]
	}
	if len(rights) < 2 || rights[0] != '[' || rights[len(rights)-1] != ']' {
		return false
	}
	size, ok := atoi(tok(r + 2))
	if !ok {
		return false
	}
	tm, prec, used, ok := unixDate(p, line, f[r+3:r+6])
	if !ok || used != 3 {
		return false
	}
	start := f[r+5].end + 1
	if start >= len(line) {
		return false
	}
	name := line[start:]
	if glued {
		name = strings.TrimLeft(name, " \t")
	}
	if name == "" {
		return false
	}
	e.Type = TypeFile
	if line[0] == 'd' {
		e.Type = TypeDir
	}
	e.Name = name
	e.Owner = tok(r + 1)
	e.Size = size
	e.ModTime, e.Precision = tm, prec
	e.Mode = typeMode(e.Type)
	return true
}
