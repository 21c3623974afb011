package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// Do completes the word under the cursor (readline's AutoCompleter): a
// command name, or a remote or local name, as the command takes. It
// returns the rest of each candidate and the length of what was typed
// of it.
func (sh *shell) Do(line []rune, pos int) ([][]rune, int) {
	text := string(line[:pos])
	start := wordStart(text)
	word := text[start:]
	before, err := splitWords(text[:start])
	if err != nil {
		return nil, 0
	}
	if len(before) == 0 {
		return sh.completeCommand(word)
	}
	c, ok := shellCommands[unescapeGlob(before[0])]
	if !ok || strings.HasPrefix(word, "-") {
		return nil, 0
	}
	kind := c.args
	if prev := before[len(before)-1]; prev == "-o" || prev == "--output" {
		// get -o LOCAL, put -o REMOTE
		switch kind {
		case argRemote:
			kind = argLocal
		case argLocal:
			kind = argRemote
		}
	}
	switch kind {
	case argRemote:
		return sh.completeName(word, sh.remoteNames)
	case argLocal:
		return sh.completeName(word, sh.localNames)
	}
	return nil, 0
}

// wordStart returns where the last word of text starts: after the last
// space that no backslash escapes.
func wordStart(text string) int {
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case ' ', '\t':
			start = i + 1
		}
	}
	return start
}

// completeCommand completes a command name.
func (sh *shell) completeCommand(word string) ([][]rune, int) {
	var out [][]rune
	for name := range shellCommands {
		if strings.HasPrefix(name, word) {
			out = append(out, []rune(name[len(word):]+" "))
		}
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out, len([]rune(word))
}

// A nameEntry is a name that completion offers.
type nameEntry struct {
	name string
	dir  bool
}

// completeName completes word, a path, with the names list gives for
// the directory part of it.
func (sh *shell) completeName(word string, list func(dir string) []nameEntry) ([][]rune, int) {
	words, err := splitWords(word)
	if err != nil || len(words) > 1 {
		return nil, 0
	}
	typed := ""
	if len(words) == 1 {
		typed = unescapeGlob(words[0])
	}
	dir, prefix := "", typed
	if i := strings.LastIndexByte(typed, '/'); i >= 0 {
		dir, prefix = typed[:i+1], typed[i+1:]
	}
	// What was typed of the last element, escaped as the user wrote it.
	last := word[lastSlash(word)+1:]
	var out [][]rune
	for _, e := range list(dir) {
		if !strings.HasPrefix(e.name, prefix) || (strings.HasPrefix(e.name, ".") && !strings.HasPrefix(prefix, ".")) {
			continue
		}
		q := quoteWord(e.name)
		if !strings.HasPrefix(q, last) {
			continue
		}
		end := " "
		if e.dir {
			end = "/"
		}
		out = append(out, []rune(q[len(last):]+end))
	}
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out, len([]rune(last))
}

// lastSlash returns the index of the last '/' in word, or -1.
func lastSlash(word string) int {
	return strings.LastIndexByte(word, '/')
}

// remoteNames lists the remote directory dir (as typed: relative to the
// remote directory) for completion, from a cache that commands changing
// the server's files clear.
func (sh *shell) remoteNames(dir string) []nameEntry {
	if sh.srv == nil {
		return nil
	}
	p := sh.remotePath(escapeGlob(strings.TrimSuffix(dir, "/")))
	if dir == "" {
		p = sh.cwd
	} else if dir == "/" {
		p = "/"
	}
	sh.mu.Lock()
	entries, ok := sh.cache[p]
	sh.mu.Unlock()
	if !ok {
		ctx, cancel := context.WithTimeout(sh.o.ctx(), 10*time.Second)
		defer cancel()
		var err error
		if entries, err = sh.srv.c.ReadDir(ctx, p); err != nil {
			return nil
		}
		sh.mu.Lock()
		sh.cache[p] = entries
		sh.mu.Unlock()
	}
	var out []nameEntry
	for _, e := range entries {
		if validName(e.Name) && !e.Unparsed() {
			out = append(out, nameEntry{e.Name, e.Type == listing.TypeDir})
		}
	}
	return out
}

// localNames lists the local directory dir for completion.
func (sh *shell) localNames(dir string) []nameEntry {
	p := sh.lcwd
	if dir != "" {
		p = sh.localPath(escapeGlob(dir))
	}
	des, err := os.ReadDir(p)
	if err != nil {
		return nil
	}
	var out []nameEntry
	for _, de := range des {
		isDir := de.IsDir()
		if de.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(p, de.Name())); err == nil {
				isDir = fi.IsDir()
			}
		}
		out = append(out, nameEntry{de.Name(), isDir})
	}
	return out
}
