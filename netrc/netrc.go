// Package netrc reads the credentials of FTP and other clients from a
// netrc file, as curl, GNU inetutils ftp and Python's netrc module do.
//
// # Format
//
// A netrc file is a sequence of tokens separated by any white space,
// newlines included, so an entry may sit on one line or span several.
// The recognised keywords are:
//
//	machine NAME     starts the entry for host NAME
//	default          starts the entry used when no machine matches
//	login NAME       the user name of the current entry
//	password SECRET  the password of the current entry
//	account STRING   the account (ftp ACCT) of the current entry
//	port NUMBER      kept as written in [Machine.Port]; Lookup ignores it
//	macdef NAME      an ftp macro; it and the lines that follow, up to the
//	                 first empty line or the end of the file, are skipped
//
// Keywords are case-sensitive. The token after login, password, account,
// port, machine or macdef is always taken as that keyword's value, even if
// it looks like a keyword or starts with '#'. If a keyword repeats within an
// entry, the last value wins.
//
// A token that starts with a double quote extends to the next unescaped
// double quote and may hold white space; within it a backslash makes the
// next character literal, so "a \"b\" \\c" reads as a "b" \c. Outside
// quotes a backslash is an ordinary character (as in curl, so a Windows
// login such as DOMAIN\user needs no quoting); unlike Python, pass\ word is
// therefore two tokens, the second of which will be rejected.
//
// Where a keyword is expected, a '#' starts a comment that runs to the end
// of the line. In a value position '#' is ordinary: "password #1secret"
// sets the password "#1secret".
//
// # Choices
//
// Parse is stricter than some readers where they disagree, so that a file
// does not silently mean different things to different programs:
//
//   - An unknown keyword, a keyword without its value, an entry keyword
//     outside an entry (before any machine or default, or after a macdef),
//     an empty machine name and an unterminated quoted token are errors
//     carrying the line number.
//   - At most one default entry is allowed, and it must follow every
//     machine entry. (curl and inetutils stop at default, so a machine
//     after it is never used; Python still matches it. Either reading
//     surprises someone, so the file is rejected.) Macros may follow it.
//   - A macro may end at the end of the file without an empty line
//     (Python requires the empty line; curl does not).
//   - Input larger than [MaxSize] is refused with [ErrTooLarge].
//
// # Security
//
// [Parse] and [ParseFile] only parse. [Find], which reads the user's own
// netrc file, also refuses on Unix a file not owned by the current user or
// accessible to group or others (mode & 077 != 0) when it holds a password
// for a login other than "anonymous", as Python's netrc module does; the
// error matches [ErrInsecure].
package netrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// MaxSize is the largest netrc input, in bytes, that Parse accepts.
const MaxSize = 1 << 20

// ErrTooLarge is returned (possibly wrapped) when the input exceeds MaxSize.
var ErrTooLarge = errors.New("netrc: input larger than 1 MiB")

// ErrInsecure is matched, with errors.Is, by the error Find returns when a
// file holding passwords may be read or changed by other users.
var ErrInsecure = errors.New("insecure netrc file")

// A Machine holds the credentials of one entry.
type Machine struct {
	// Name is the host name of a machine entry, and "" for the default
	// entry.
	Name string
	// Login is the user name.
	Login string
	// Password is the password.
	Password string
	// Account is the account string for the FTP ACCT command.
	Account string
	// Port is the value of the port keyword as written, or "". It is not
	// interpreted, and Lookup does not consider it.
	Port string
}

// A File is a parsed netrc file.
type File struct {
	// Machines lists the machine entries in file order. Names are never
	// empty; the same name may appear more than once, in which case the
	// first entry is the one Lookup returns.
	Machines []Machine
	// Default is the default entry, or nil if the file has none.
	Default *Machine
}

// A ParseError reports a malformed netrc input.
type ParseError struct {
	// Name is the file name, or "" when the input did not come from
	// ParseFile or Find.
	Name string
	// Line is the 1-based line at which the problem was found.
	Line int
	// Msg describes the problem.
	Msg string
}

// Error implements the error interface.
func (e *ParseError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("netrc: %s:%d: %s", e.Name, e.Line, e.Msg)
	}
	return fmt.Sprintf("netrc: line %d: %s", e.Line, e.Msg)
}

// Lookup returns the first machine entry whose name equals host, compared
// case-insensitively, or else the default entry. The host is compared as
// given: it should carry no port, brackets or trailing dot unless the file
// does. Lookup reports false if neither exists. It is safe to call on a nil
// *File.
func (f *File) Lookup(host string) (Machine, bool) {
	if f == nil {
		return Machine{}, false
	}
	for _, m := range f.Machines {
		if strings.EqualFold(m.Name, host) {
			return m, true
		}
	}
	if f.Default != nil {
		return *f.Default, true
	}
	return Machine{}, false
}

// Parse parses a netrc file read from r. It reads at most MaxSize+1 bytes
// and returns an error wrapping ErrTooLarge if there are more. A syntax
// error is a *ParseError.
func Parse(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, ErrTooLarge
	}
	return parse(data)
}

// ParseFile parses the netrc file with the given name. Syntax errors are
// *ParseError values with Name set.
func ParseFile(name string) (*File, error) {
	f, _, err := load(name)
	return f, err
}

// load opens, checks the size of and parses the named file, returning the
// file information of the opened file so that callers can check it without
// a race against a replaced file.
func load(name string) (*File, fs.FileInfo, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, nil, err
	}
	if info.Mode().IsRegular() && info.Size() > MaxSize {
		return nil, nil, fmt.Errorf("%w: %s", ErrTooLarge, name)
	}
	f, err := Parse(fh)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Name = name
		} else if errors.Is(err, ErrTooLarge) {
			err = fmt.Errorf("%w: %s", ErrTooLarge, name)
		}
		return nil, nil, err
	}
	return f, info, nil
}

// Path returns the name of the user's netrc file: $NETRC if it is set and
// not empty, else .netrc in the home directory reported by os.UserHomeDir
// (on Windows, _netrc if .netrc does not exist but _netrc does, as curl
// and the go command accept). It returns "" if there is no home directory.
// The file need not exist.
func Path() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	p := filepath.Join(home, ".netrc")
	if runtime.GOOS == "windows" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			alt := filepath.Join(home, "_netrc")
			if _, err := os.Stat(alt); err == nil {
				return alt
			}
		}
	}
	return p
}

// Find looks host up in the file named by Path; see FindIn.
func Find(host string) (Machine, bool, error) {
	return FindIn(Path(), host)
}

// FindIn looks host up in the netrc file name. A missing file, or no
// file name at all, yields (Machine{}, false, nil); any other failure to
// read or parse the file is an error.
//
// On Unix, if any entry has a non-empty password and a login other than
// "anonymous" (compared case-insensitively), FindIn returns an error
// matching ErrInsecure unless the file is owned by the current user and
// grants no permissions to group or others (chmod 600). The check covers
// the whole file, not just the entry for host, so the outcome does not
// depend on which host is asked for.
func FindIn(name, host string) (Machine, bool, error) {
	if name == "" {
		return Machine{}, false, nil
	}
	f, info, err := load(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Machine{}, false, nil
		}
		return Machine{}, false, err
	}
	if f.hasSecrets() {
		if err := checkPermissions(info); err != nil {
			return Machine{}, false, fmt.Errorf("netrc: %s: %w: %s", name, ErrInsecure, err.Error())
		}
	}
	m, ok := f.Lookup(host)
	return m, ok, nil
}

// hasSecrets reports whether any entry holds a password for a login other
// than anonymous.
func (f *File) hasSecrets() bool {
	secret := func(m *Machine) bool {
		return m.Password != "" && !strings.EqualFold(m.Login, "anonymous")
	}
	for i := range f.Machines {
		if secret(&f.Machines[i]) {
			return true
		}
	}
	return f.Default != nil && secret(f.Default)
}

// parser holds the lexing state over the whole input.
type parser struct {
	data []byte
	pos  int
	line int
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// skipSpace advances past white space, counting lines.
func (p *parser) skipSpace() {
	for p.pos < len(p.data) && isSpace(p.data[p.pos]) {
		if p.data[p.pos] == '\n' {
			p.line++
		}
		p.pos++
	}
}

// skipLine advances past the next newline, or to the end of the input.
func (p *parser) skipLine() {
	if i := bytes.IndexByte(p.data[p.pos:], '\n'); i >= 0 {
		p.pos += i + 1
		p.line++
	} else {
		p.pos = len(p.data)
	}
}

// token returns the next token and the line it starts on; ok is false at
// the end of the input. The white space that ends a token is not consumed.
func (p *parser) token() (tok string, line int, ok bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return "", p.line, false, nil
	}
	line = p.line
	if p.data[p.pos] != '"' {
		start := p.pos
		for p.pos < len(p.data) && !isSpace(p.data[p.pos]) {
			p.pos++
		}
		return string(p.data[start:p.pos]), line, true, nil
	}
	p.pos++ // opening quote
	var b []byte
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		p.pos++
		switch c {
		case '"':
			return string(b), line, true, nil
		case '\\':
			if p.pos == len(p.data) {
				return "", line, false, p.errorf(line, "unterminated quoted token")
			}
			c = p.data[p.pos]
			p.pos++
		}
		if c == '\n' {
			p.line++
		}
		b = append(b, c)
	}
	return "", line, false, p.errorf(line, "unterminated quoted token")
}

// keyword returns the next token in a keyword position, skipping comments.
func (p *parser) keyword() (tok string, line int, ok bool, err error) {
	for {
		p.skipSpace()
		if p.pos < len(p.data) && p.data[p.pos] == '#' {
			p.skipLine()
			continue
		}
		return p.token()
	}
}

// value returns the token that follows keyword kw on line kwLine.
func (p *parser) value(kw string, kwLine int) (string, error) {
	v, _, ok, err := p.token()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", p.errorf(kwLine, "missing value after %q", kw)
	}
	return v, nil
}

// skipMacro skips the rest of the macdef line and the macro body up to and
// including the first empty line ("\n" or "\r\n"), or to the end of input.
func (p *parser) skipMacro() {
	p.skipLine()
	for p.pos < len(p.data) {
		rest := p.data[p.pos:]
		if rest[0] == '\n' || bytes.HasPrefix(rest, []byte("\r\n")) {
			p.skipLine()
			return
		}
		p.skipLine()
	}
}

func parse(data []byte) (*File, error) {
	p := &parser{data: data, line: 1}
	f := new(File)
	var cur *Machine // entry being filled; nil before any and after macdef
	for {
		tok, line, ok, err := p.keyword()
		if err != nil {
			return nil, err
		}
		if !ok {
			return f, nil
		}
		switch tok {
		case "machine":
			if f.Default != nil {
				return nil, p.errorf(line, "machine entry after default entry")
			}
			name, err := p.value(tok, line)
			if err != nil {
				return nil, err
			}
			if name == "" {
				return nil, p.errorf(line, "empty machine name")
			}
			f.Machines = append(f.Machines, Machine{Name: name})
			cur = &f.Machines[len(f.Machines)-1]
		case "default":
			if f.Default != nil {
				return nil, p.errorf(line, "more than one default entry")
			}
			f.Default = new(Machine)
			cur = f.Default
		case "macdef":
			if _, err := p.value(tok, line); err != nil {
				return nil, err
			}
			p.skipMacro()
			cur = nil
		case "login", "password", "account", "port":
			if cur == nil {
				return nil, p.errorf(line, "%q outside a machine or default entry", tok)
			}
			v, err := p.value(tok, line)
			if err != nil {
				return nil, err
			}
			switch tok {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			case "account":
				cur.Account = v
			case "port":
				cur.Port = v
			}
		default:
			return nil, p.errorf(line, "unknown keyword %q", tok)
		}
	}
}
