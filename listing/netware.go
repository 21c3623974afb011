package listing

// parseNetware parses a Novell Netware line: a type letter ('d' or '-'),
// the effective rights in brackets, the owner, the size, an ls-style date
// and the name.
//
//	d [RWCEAFMS] admin                 512 Nov 23 19:30 public
//	- [R----F--] jdoe                 1024 Nov 23  2020 report.txt
//
// The rights are not file modes and are left out of Mode; they describe
// what the logged-in user may do.
func parseNetware(p *Parser, line string, e *Entry) bool {
	if len(line) < 4 || (line[0] != 'd' && line[0] != '-') || line[1] != ' ' || line[2] != '[' {
		return false
	}
	var f [7]span
	n := fields(line, f[:])
	tok := func(k int) string { return line[f[k].start:f[k].end] }
	if n < 7 {
		return false
	}
	r := tok(1)
	if len(r) < 2 || r[len(r)-1] != ']' {
		return false
	}
	size, ok := atoi(tok(3))
	if !ok {
		return false
	}
	tm, prec, used, ok := unixDate(p, line, f[4:n])
	if !ok || used != 3 {
		return false
	}
	start := f[6].end + 1
	if start >= len(line) {
		return false
	}
	e.Type = TypeFile
	if line[0] == 'd' {
		e.Type = TypeDir
	}
	e.Name = line[start:]
	e.Owner = tok(2)
	e.Size = size
	e.ModTime, e.Precision = tm, prec
	e.Mode = typeMode(e.Type)
	return true
}
