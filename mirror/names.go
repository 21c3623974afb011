package mirror

import (
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// validName reports whether name, taken from a listing, can name an
// entry of the listed directory, and so be joined to its path for a
// write or a delete: not empty, "." or "..", and without '/', '\', NUL,
// or any other control character (C0, DEL, C1, the last also as a
// single Latin-1 byte in a name that is not UTF-8).
func validName(name string) bool {
	if name == "" || name == "." || name == ".." {
		return false
	}
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if b := name[i]; b >= 0x80 && b <= 0x9f {
				return false
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == '/', r == '\\':
			return false
		}
		i += size
	}
	return true
}

// safeLinkTarget reports whether a symbolic link in the directory dir
// (relative to the root) with the given target may be made in a target
// tree: a relative target, of printable characters, that does not lead
// out of the root. Links are never followed for writes either way; this
// keeps mirror from planting links that lead out of the tree for others
// to follow.
func safeLinkTarget(dir, target string) bool {
	if target == "" || strings.HasPrefix(target, "/") || strings.ContainsRune(target, '\\') {
		return false
	}
	for _, elem := range strings.Split(target, "/") {
		if elem != "" && elem != "." && elem != ".." && !validName(elem) {
			return false
		}
	}
	p := path.Join(dir, target)
	return p != ".." && !strings.HasPrefix(p, "../")
}

// quotePath returns p as it can be shown: unchanged when printable, else
// quoted with Go escapes, so that a hostile name cannot drive a terminal.
func quotePath(p string) string {
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == utf8.RuneError || r == '"' {
			return strconv.Quote(p)
		}
	}
	return p
}

// join joins a relative directory and a name.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
