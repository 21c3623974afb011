// Package partname names the temporary files under which ftpkit writes a
// file before renaming it into place: ".NAME.ftpkit-ID.part", hidden,
// beside NAME. The library's Download and Upload, package mirror and the
// CLI share the pattern, so that each recognises the others' leftovers.
package partname

import (
	"crypto/rand"
	"encoding/hex"
	"path"
	"strings"
)

// marker separates NAME from ID.
const marker = ".ftpkit-"

// For returns the temporary name of base with the given id.
func For(base, id string) string {
	return "." + base + marker + id + ".part"
}

// Random returns a temporary name with a random ID for the
// slash-separated path p, in p's directory.
func Random(p string) string {
	var b [6]byte
	rand.Read(b[:])
	dir, base := path.Split(p)
	return dir + For(base, hex.EncodeToString(b[:]))
}

// Pattern is the pattern for os.CreateTemp of a temporary file for base:
// CreateTemp puts a random ID in place of the "*".
func Pattern(base string) string {
	return For(base, "*")
}

// Is reports whether name, a base name, is a temporary name.
func Is(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".part") && strings.Contains(name, marker)
}

// Original returns the name a temporary name stands for: "f" for
// ".f.ftpkit-1234.part"; "" if name is not a temporary name.
func Original(name string) string {
	i := strings.LastIndex(name, marker)
	if !Is(name) || i < 1 {
		return ""
	}
	return name[1:i]
}
