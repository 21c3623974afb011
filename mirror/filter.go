package mirror

import (
	"fmt"
	"path"
	"strings"
)

// A pattern is one --include or --exclude glob.
type pattern struct {
	segs     []string // slash-separated elements; "**" crosses directories
	anchored bool     // matched on the whole relative path, else on the name
	dirOnly  bool     // written with a trailing '/': directories only
}

// compilePattern parses a glob. A pattern with a '/' other than a
// trailing one is matched on the whole slash-separated path relative to
// the root ("docs/*.html", "/top", "**/cache/**"); one without is matched
// on the name of every entry at any depth ("*.tmp", as gitignore and
// rclone do). A trailing '/' limits it to directories. In an element, '*'
// matches any run of characters but '/', '?' one character, [...] a
// class, and '\' quotes the next character (path.Match); the element
// "**" matches any number of directories, none included.
func compilePattern(s string) (pattern, error) {
	p := pattern{}
	if strings.HasSuffix(s, "/") && len(s) > 1 {
		p.dirOnly = true
		s = strings.TrimSuffix(s, "/")
	}
	if strings.HasPrefix(s, "/") {
		p.anchored = true
		s = strings.TrimPrefix(s, "/")
	}
	if strings.Contains(s, "/") {
		p.anchored = true
	}
	if s == "" {
		return p, fmt.Errorf("mirror: empty pattern")
	}
	p.segs = strings.Split(s, "/")
	for _, seg := range p.segs {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return p, fmt.Errorf("mirror: bad pattern %q: %w", s, err)
		}
	}
	return p, nil
}

// match reports whether the entry rel (a relative path) matches.
func (p pattern) match(rel string, dir bool) bool {
	if p.dirOnly && !dir {
		return false
	}
	if !p.anchored {
		return matchSegs(p.segs, []string{path.Base(rel)})
	}
	return matchSegs(p.segs, strings.Split(rel, "/"))
}

// matchSegs matches path elements against pattern elements.
func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegs(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// A filter holds the compiled --include and --exclude patterns.
type filter struct {
	include, exclude []pattern
}

func newFilter(include, exclude []string) (*filter, error) {
	f := &filter{}
	for _, s := range include {
		p, err := compilePattern(s)
		if err != nil {
			return nil, err
		}
		f.include = append(f.include, p)
	}
	for _, s := range exclude {
		p, err := compilePattern(s)
		if err != nil {
			return nil, err
		}
		f.exclude = append(f.exclude, p)
	}
	return f, nil
}

// skip reports whether the entry rel is left out of the mirror: it
// matches an exclude pattern, or include patterns were given and
// neither a file nor any of its parent directories matches one.
// Directories that match no include pattern are still entered, so that
// "*.c" finds C files at every depth. Entries left out are neither
// copied nor deleted.
func (f *filter) skip(rel string, dir bool) bool {
	for _, p := range f.exclude {
		if p.match(rel, dir) {
			return true
		}
	}
	if len(f.include) == 0 || dir {
		return false
	}
	for q, isDir := rel, dir; ; isDir = true {
		for _, p := range f.include {
			if p.match(q, isDir) {
				return false
			}
		}
		i := strings.LastIndexByte(q, '/')
		if i < 0 {
			return true
		}
		q = q[:i]
	}
}
