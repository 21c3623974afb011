package partname

import (
	"path"
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	p := Random("dir/sub/file.iso")
	dir, base := path.Split(p)
	if dir != "dir/sub/" || !Is(base) || Original(base) != "file.iso" {
		t.Errorf("Random: %q: dir %q, Is %v, Original %q", p, dir, Is(base), Original(base))
	}
	if q := Random("dir/sub/file.iso"); q == p {
		t.Errorf("two random names alike: %q", q)
	}
	if got := For("a.ftpkit-b", "0011"); got != ".a.ftpkit-b.ftpkit-0011.part" || Original(got) != "a.ftpkit-b" {
		t.Errorf("For: %q, Original %q", got, Original(got))
	}
	if got := Pattern("f"); !strings.Contains(got, "*") || !Is(got) {
		t.Errorf("Pattern: %q", got)
	}
	for _, name := range []string{"", "f", ".f.part", "f.ftpkit-1.part", ".f.ftpkit-1"} {
		if Is(name) {
			t.Errorf("Is(%q) = true", name)
		}
		if Original(name) != "" {
			t.Errorf("Original(%q) = %q, want \"\"", name, Original(name))
		}
	}
}
