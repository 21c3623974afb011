package listing

import (
	"strings"
	"time"
)

// parseEPLF parses a line in D. J. Bernstein's Easily Parsed LIST Format:
// a '+', comma-separated facts, a tab and the name.
//
//	+i8388621.48594,m825718503,r,s280,	djb.html
//	+i8388621.50690,m824255907,/,	514
//
// Facts: "/" a directory (CWD works), "r" a file (RETR works), "sN" the
// size, "mN" the modification time in seconds since 1970 UTC, "upNNN" the
// octal permissions, "i..." an identifier (ignored). Unknown facts are
// ignored, as the format requires.
func parseEPLF(_ *Parser, line string, e *Entry) bool {
	if len(line) < 3 || line[0] != '+' {
		return false
	}
	tab := strings.IndexByte(line, '\t')
	if tab < 0 || tab == len(line)-1 {
		return false
	}
	facts := line[1:tab]
	dir, file := false, false
	for facts != "" {
		var fact string
		fact, facts, _ = strings.Cut(facts, ",")
		if fact == "" {
			continue
		}
		switch fact[0] {
		case '/':
			dir = true
		case 'r':
			file = true
		case 's':
			if n, ok := atoi(fact[1:]); ok {
				e.Size = n
			}
		case 'm':
			if n, ok := atoi(fact[1:]); ok {
				e.ModTime = time.Unix(n, 0).UTC()
				e.Precision = PrecisionSecond
			}
		case 'u':
			if len(fact) > 2 && fact[1] == 'p' {
				if m, ok := octalMode(fact[2:]); ok {
					e.Mode |= m
				}
			}
		}
	}
	switch {
	case dir:
		e.Type = TypeDir
	case file:
		e.Type = TypeFile
	default:
		e.Type = TypeOther
	}
	e.Mode |= typeMode(e.Type)
	e.Name = line[tab+1:]
	return true
}
