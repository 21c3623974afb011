package printable

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain name.txt", "plain name.txt"},
		{"Grüße, 日本", "Grüße, 日本"},
		{`back\slash`, `back\slash`},
		{"530 Login incorrect.\x1b[2J\x1b]0;pwned\x07", `530 Login incorrect.\x1b[2J\x1b]0;pwned\x07`},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1 \u009b2J", `c1 \u009b2J`},
		{"raw \x9b2J", `raw \x9b2J`},
		{"bad \xff\xfe", `bad \xff\xfe`},
		{"é\x1b", `é\x1b`},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("530 \x1b[2J")
	f.Add("\u009b\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("String(%q) = %q: control character %U left", s, out, r)
			}
		}
		if safe(s) != (out == s) {
			t.Fatalf("safe(%q) = %v but String changed it to %q", s, safe(s), out)
		}
		if !strings.Contains(s, "\\") && strings.Count(out, "\\") == 0 && out != s {
			t.Fatalf("String(%q) = %q changed text without escaping", s, out)
		}
	})
}
