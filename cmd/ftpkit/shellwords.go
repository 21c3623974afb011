package main

import (
	"errors"
	"strings"
)

// splitWords splits a shell command line into words, as sh does for
// quotes: white space separates words; '...' keeps everything as it is;
// "..." keeps everything but \" and \\; a backslash outside quotes
// keeps the next character. Each word is returned as a pattern (see
// path.Match): wildcards ('*', '?', '[') count only where they are
// neither quoted nor escaped; elsewhere they, and backslashes, are
// escaped with a backslash. unescapeGlob gives the word as typed.
func splitWords(line string) ([]string, error) {
	var (
		words []string
		b     strings.Builder
		in    bool // inside a word
	)
	literal := func(c byte) {
		if strings.IndexByte(`*?[]\`, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if in {
				words = append(words, b.String())
				b.Reset()
				in = false
			}
			continue
		case c == '\\':
			if i+1 == len(line) {
				return nil, errors.New("a backslash ends the line")
			}
			i++
			literal(line[i])
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated '")
			}
			for _, q := range []byte(line[i+1 : i+1+end]) {
				literal(q)
			}
			i += end + 1
		case c == '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) && (line[j+1] == '"' || line[j+1] == '\\') {
					j++
				}
				literal(line[j])
			}
			if j == len(line) {
				return nil, errors.New(`unterminated "`)
			}
			i = j
		default:
			b.WriteByte(c)
		}
		in = true
	}
	if in {
		words = append(words, b.String())
	}
	return words, nil
}

// quoteWord returns s as a word for splitWords: characters that
// splitWords would read otherwise are escaped with a backslash.
func quoteWord(s string) string {
	if !strings.ContainsAny(s, " \t\\'\"*?[]") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(" \t\\'\"*?[]", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
