package main

import (
	"context"
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/printable"
	"github.com/ftpkit/ftp/listing"
)

// A match is a remote path a wildcard matched, with its entry in the
// listing; or a path named without wildcards, with a zero entry
// (known false).
type match struct {
	path  string
	entry listing.Entry
	known bool
}

// urlPattern returns the path of the URL raw (parsed as u) as a pattern
// for path.Match: '*' and '[' as written in the URL are wildcards, while
// percent-encoded ones (%2A, %5B) and every other character stand for
// themselves. glob reports whether the pattern has a wildcard.
func urlPattern(raw string, u *ftp.URL) (pattern string, glob bool) {
	literal := escapeGlob(u.Path)
	i := strings.Index(raw, "://")
	if i < 0 {
		return literal, false
	}
	rest := raw[i+3:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return literal, false
	}
	p := rest[slash:]
	if u.Type != 0 && len(p) >= 7 {
		p = p[:len(p)-7] // ";type=X"
	}
	p = strings.TrimPrefix(p, "/")
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%' && i+2 < len(p):
			n, err := strconv.ParseUint(p[i+1:i+3], 16, 8)
			if err != nil {
				return literal, false
			}
			i += 2
			c = byte(n)
			if strings.IndexByte(`*?[]\`, c) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case c == '*' || c == '[':
			glob = true
			b.WriteByte(c)
		case c == '\\' || c == '?' || c == ']':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	pattern = b.String()
	if unescapeGlob(pattern) != u.Path {
		return literal, false // not as ParseURL read it: take no risk
	}
	return pattern, glob
}

// escapeGlob escapes the wildcards of s, for a pattern matching s alone.
func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeGlob removes the escapes of a pattern.
func unescapeGlob(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// hasWildcard reports whether the pattern p has an unescaped wildcard.
func hasWildcard(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return true
		}
	}
	return false
}

// expand returns the remote paths that pattern matches, in order, each
// with its entry; a pattern without wildcards is returned as it is. A
// wildcard matches names that start with a dot only if its element
// does too, as in shells. A pattern matching nothing is an error with
// exit status 6, unless a file has the pattern's literal name.
func expand(ctx context.Context, c *ftp.Client, pattern string) ([]match, error) {
	if !hasWildcard(pattern) {
		return []match{{path: unescapeGlob(pattern)}}, nil
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, usageErrorf("bad wildcard %q: %v", printable.String(pattern), err)
	}
	abs := strings.HasPrefix(pattern, "/")
	elems := strings.Split(strings.Trim(pattern, "/"), "/")
	dirs := []match{{path: ""}}
	if abs {
		dirs[0].path = "/"
	}
	for i, elem := range elems {
		last := i == len(elems)-1
		var next []match
		for _, d := range dirs {
			if !hasWildcard(elem) {
				next = append(next, match{path: joinRemote(d.path, unescapeGlob(elem))})
				continue
			}
			var found []match
			err := c.ReadDirFunc(ctx, d.path, func(e listing.Entry) error {
				if !validName(e.Name) || e.Unparsed() {
					return nil
				}
				if strings.HasPrefix(e.Name, ".") && !strings.HasPrefix(elem, ".") {
					return nil
				}
				if ok, _ := path.Match(elem, e.Name); !ok {
					return nil
				}
				if !last && e.Type != listing.TypeDir && e.Type != listing.TypeSymlink && e.Type != listing.TypeUnknown {
					return nil
				}
				e.Raw = ""
				found = append(found, match{path: joinRemote(d.path, e.Name), entry: e, known: true})
				return nil
			})
			var fe *ftp.Error
			if err != nil && !(i > 0 && errors.As(err, &fe)) {
				// Past the first element, a refused listing is a
				// match that is not a directory after all.
				return nil, err
			}
			slices.SortFunc(found, func(a, b match) int { return strings.Compare(a.path, b.path) })
			next = append(next, found...)
		}
		dirs = next
	}
	if len(dirs) == 0 {
		// A name that looks like a pattern may be a name.
		literal := unescapeGlob(pattern)
		if e, err := c.Stat(ctx, literal); err == nil {
			return []match{{path: literal, entry: e, known: true}}, nil
		}
		return nil, exitErrorf(exitNotFound, "no match for %s", printable.String(pattern))
	}
	return dirs, nil
}

// joinRemote joins a directory and a name of a remote path: "" is the
// login directory.
func joinRemote(dir, name string) string {
	switch {
	case dir == "":
		return name
	case strings.HasSuffix(dir, "/"):
		return dir + name
	}
	return dir + "/" + name
}

// validName reports whether name, from a listing, can name an entry of
// the listed directory, and a local file: not empty, "." or "..", and
// without '/' or NUL.
func validName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\x00")
}
