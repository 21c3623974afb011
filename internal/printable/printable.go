// Package printable makes text from an FTP server safe to print on a
// terminal: control characters become Go-style escapes, so a hostile
// server cannot clear a screen, move the cursor or set a window title
// through a reply, a file name or an error message.
package printable

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns s with every control character escaped: C0 (U+0000 to
// U+001F, tab and newline included), DEL (U+007F) and C1 (U+0080 to
// U+009F) become \n, \t, \r or \xNN / \u00NN escapes, as do bytes that
// are not valid UTF-8 (a raw 0x9B byte is CSI to some terminals). A
// backslash is left alone. Other text, non-ASCII letters included, is
// returned as it is; s itself is returned when nothing needs escaping.
func String(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case r >= 0x80 && r <= 0x9f:
			b.WriteString(`\u00`)
			b.WriteString(hex2(byte(r)))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// safe reports whether s needs no escaping.
func safe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			// Decode the rest to find C1 characters and invalid bytes.
			for _, r := range s[i:] {
				if r == utf8.RuneError || (r >= 0x80 && r <= 0x9f) || r < 0x20 || r == 0x7f {
					return false
				}
			}
			return true
		}
	}
	return true
}

func hex2(c byte) string {
	s := strconv.FormatUint(uint64(c), 16)
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
