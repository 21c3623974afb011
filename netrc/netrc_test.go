package netrc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *File
	}{
		{"empty", "", &File{}},
		{"only space and comments", " \n\t# c\n  # d\r\n", &File{}},
		{
			"single line",
			"machine ftp.example.com login alice password s3cret account acct",
			&File{Machines: []Machine{{Name: "ftp.example.com", Login: "alice", Password: "s3cret", Account: "acct"}}},
		},
		{
			"multi line",
			"machine a\n\tlogin u1\n\tpassword p1\n\nmachine b\nlogin u2\npassword p2\n",
			&File{Machines: []Machine{{Name: "a", Login: "u1", Password: "p1"}, {Name: "b", Login: "u2", Password: "p2"}}},
		},
		{
			"crlf and mixed white space",
			"machine a\r\n\vlogin\fu\r\npassword\tp\r\n",
			&File{Machines: []Machine{{Name: "a", Login: "u", Password: "p"}}},
		},
		{
			"default last",
			"machine a login u password p\ndefault login anonymous password me@example.com\n",
			&File{
				Machines: []Machine{{Name: "a", Login: "u", Password: "p"}},
				Default:  &Machine{Login: "anonymous", Password: "me@example.com"},
			},
		},
		{"default only", "default login x", &File{Default: &Machine{Login: "x"}}},
		{
			"port kept",
			"machine a port 2121 login u",
			&File{Machines: []Machine{{Name: "a", Login: "u", Port: "2121"}}},
		},
		{
			"last value wins",
			"machine a login u1 login u2",
			&File{Machines: []Machine{{Name: "a", Login: "u2"}}},
		},
		{
			"duplicate machines kept in order",
			"machine a login first\nmachine a login second",
			&File{Machines: []Machine{{Name: "a", Login: "first"}, {Name: "a", Login: "second"}}},
		},
		{
			"macdef skipped",
			"machine a login u\nmacdef init\ncd /pub\nmachine evil login x\n\nmachine b login v\n",
			&File{Machines: []Machine{{Name: "a", Login: "u"}, {Name: "b", Login: "v"}}},
		},
		{
			"macdef ends entry body on same line",
			"macdef m login x password y\nbin\r\n\r\nmachine b login v",
			&File{Machines: []Machine{{Name: "b", Login: "v"}}},
		},
		{
			"macdef at end of file",
			"machine a login u\nmacdef init\ncd /pub\nget file",
			&File{Machines: []Machine{{Name: "a", Login: "u"}}},
		},
		{
			"macdef after default",
			"default login anonymous\nmacdef init\nls\n\n",
			&File{Default: &Machine{Login: "anonymous"}},
		},
		{
			"quoted with spaces",
			`machine a login "John Smith" password "pass word"`,
			&File{Machines: []Machine{{Name: "a", Login: "John Smith", Password: "pass word"}}},
		},
		{
			"quoted escapes",
			`machine a password "q\"uote \\back\ x"`,
			&File{Machines: []Machine{{Name: "a", Password: `q"uote \back x`}}},
		},
		{
			"quoted empty",
			`machine a login u password ""`,
			&File{Machines: []Machine{{Name: "a", Login: "u"}}},
		},
		{
			"quoted newline",
			"machine a password \"x\ny\" login u",
			&File{Machines: []Machine{{Name: "a", Login: "u", Password: "x\ny"}}},
		},
		{
			"quoted machine name",
			`machine "h" login u`,
			&File{Machines: []Machine{{Name: "h", Login: "u"}}},
		},
		{
			"unquoted backslash literal",
			`machine a login DOMAIN\user password p\q`,
			&File{Machines: []Machine{{Name: "a", Login: `DOMAIN\user`, Password: `p\q`}}},
		},
		{
			"quote inside unquoted token literal",
			`machine a password ab"cd`,
			&File{Machines: []Machine{{Name: "a", Password: `ab"cd`}}},
		},
		{
			"comments",
			"# header\nmachine a # trailing comment login x\nlogin u #another\npassword p\n#machine b\n",
			&File{Machines: []Machine{{Name: "a", Login: "u", Password: "p"}}},
		},
		{
			"hash in value position is data",
			"machine a password #1secret login u",
			&File{Machines: []Machine{{Name: "a", Login: "u", Password: "#1secret"}}},
		},
		{
			"hash inside token is data",
			"machine a password pa#ss",
			&File{Machines: []Machine{{Name: "a", Password: "pa#ss"}}},
		},
		{
			"keyword as value",
			"machine a login machine password default",
			&File{Machines: []Machine{{Name: "a", Login: "machine", Password: "default"}}},
		},
		{
			"non-ASCII",
			"machine ftp.例え.jp login ユーザー password pässwörd",
			&File{Machines: []Machine{{Name: "ftp.例え.jp", Login: "ユーザー", Password: "pässwörd"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"unknown keyword", "machine a\nlogin u\nuser x\n", 3, `unknown keyword "user"`},
		{"unknown top level", "\n\nfoo", 3, `unknown keyword "foo"`},
		{"keyword case-sensitive", "Machine a", 1, `unknown keyword "Machine"`},
		{"login before entry", "login u", 1, `"login" outside a machine or default entry`},
		{"password after macdef", "machine a\nmacdef m\nx\n\npassword p", 5, `"password" outside`},
		{"missing machine name", "machine a login u\n\nmachine\n", 3, `missing value after "machine"`},
		{"missing value", "machine a\nlogin u\npassword", 3, `missing value after "password"`},
		{"missing macdef name", "macdef", 1, `missing value after "macdef"`},
		{"empty machine name", "machine a\nmachine \"\" login u", 2, "empty machine name"},
		{"machine after default", "default login a\n\nmachine b", 3, "machine entry after default entry"},
		{"two defaults", "default\ndefault", 2, "more than one default entry"},
		{"unterminated quote", "machine a\npassword \"abc\n\n", 2, "unterminated quoted token"},
		{"backslash at end in quote", "machine a password \"abc\\", 1, "unterminated quoted token"},
		{"line after quoted newline", "machine a password \"x\ny\"\nbogus", 3, `unknown keyword "bogus"`},
		{"python-style escape outside quotes", "machine a password pass\\ word", 1, `unknown keyword "word"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %+v, %v; want *ParseError", f, err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("error at line %d %q; want line %d containing %q", pe.Line, pe.Msg, tt.line, tt.msg)
			}
			if f != nil {
				t.Errorf("Parse returned non-nil *File with error")
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	e := &ParseError{Line: 3, Msg: "bad"}
	if got, want := e.Error(), "netrc: line 3: bad"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	e.Name = "/home/u/.netrc"
	if got, want := e.Error(), "netrc: /home/u/.netrc:3: bad"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestParseLimits(t *testing.T) {
	ok := strings.Repeat(" ", MaxSize-len("default")) + "default"
	if f, err := Parse(strings.NewReader(ok)); err != nil || f.Default == nil {
		t.Errorf("Parse(MaxSize bytes) = %+v, %v", f, err)
	}
	if _, err := Parse(strings.NewReader(ok + " ")); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(MaxSize+1 bytes) error = %v; want ErrTooLarge", err)
	}
	readErr := errors.New("boom")
	if _, err := Parse(iotest.ErrReader(readErr)); !errors.Is(err, readErr) {
		t.Errorf("Parse(failing reader) error = %v; want %v", err, readErr)
	}
}

func TestLookup(t *testing.T) {
	f, err := Parse(strings.NewReader(`
machine ftp.example.com login first
machine FTP.Example.COM login second
machine other login o
default login anonymous password guest
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host  string
		login string
		name  string
	}{
		{"ftp.example.com", "first", "ftp.example.com"},
		{"FTP.EXAMPLE.COM", "first", "ftp.example.com"},
		{"other", "o", "other"},
		{"ftp.example.com.", "anonymous", ""},
		{"ftp.example.com:21", "anonymous", ""},
		{"", "anonymous", ""},
	}
	for _, tt := range tests {
		m, ok := f.Lookup(tt.host)
		if !ok || m.Login != tt.login || m.Name != tt.name {
			t.Errorf("Lookup(%q) = %+v, %v; want login %q name %q", tt.host, m, ok, tt.login, tt.name)
		}
	}

	// The result is a copy.
	m, _ := f.Lookup("other")
	m.Login = "changed"
	if m2, _ := f.Lookup("other"); m2.Login != "o" {
		t.Errorf("Lookup result aliases the File")
	}

	noDefault := &File{Machines: []Machine{{Name: "a"}}}
	if m, ok := noDefault.Lookup("b"); ok || m != (Machine{}) {
		t.Errorf("Lookup without default = %+v, %v; want zero, false", m, ok)
	}
	var nilFile *File
	if m, ok := nilFile.Lookup("a"); ok || m != (Machine{}) {
		t.Errorf("nil Lookup = %+v, %v; want zero, false", m, ok)
	}
}

func writeFile(t *testing.T, name, content string, perm os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask.
	if err := os.Chmod(name, perm); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good"), "machine h login u password p\n", 0o600)
	f, err := ParseFile(good)
	if err != nil || len(f.Machines) != 1 || f.Machines[0].Password != "p" {
		t.Errorf("ParseFile(good) = %+v, %v", f, err)
	}

	bad := writeFile(t, filepath.Join(dir, "bad"), "machine h\n\nbogus\n", 0o600)
	_, err = ParseFile(bad)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Name != bad || pe.Line != 3 {
		t.Errorf("ParseFile(bad) error = %v; want *ParseError at %s:3", err, bad)
	} else if !strings.Contains(err.Error(), bad+":3:") {
		t.Errorf("error %q does not name the file and line", err)
	}

	if _, err := ParseFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ParseFile(missing) error = %v; want fs.ErrNotExist", err)
	}

	big := writeFile(t, filepath.Join(dir, "big"), strings.Repeat("#\n", MaxSize/2+1), 0o600)
	if _, err := ParseFile(big); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), big) {
		t.Errorf("ParseFile(big) error = %v; want ErrTooLarge naming the file", err)
	}

	if _, err := ParseFile(dir); err == nil {
		t.Errorf("ParseFile(directory) succeeded")
	}
}

func TestPath(t *testing.T) {
	t.Setenv("NETRC", "/some/where/netrc")
	if got := Path(); got != "/some/where/netrc" {
		t.Errorf("Path() with $NETRC = %q", got)
	}

	home := t.TempDir()
	t.Setenv("NETRC", "")
	t.Setenv("HOME", home)        // Unix, Plan 9 uses home
	t.Setenv("home", home)        // Plan 9
	t.Setenv("USERPROFILE", home) // Windows
	want := filepath.Join(home, ".netrc")
	if runtime.GOOS == "windows" {
		writeFile(t, filepath.Join(home, "_netrc"), "", 0o600)
		if got, want := Path(), filepath.Join(home, "_netrc"); got != want {
			t.Errorf("Path() with only _netrc = %q; want %q", got, want)
		}
		writeFile(t, want, "", 0o600)
	}
	if got := Path(); got != want {
		t.Errorf("Path() = %q; want %q", got, want)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	t.Setenv("NETRC", netrc)

	// Missing file: not an error.
	if m, ok, err := Find("h"); err != nil || ok || m != (Machine{}) {
		t.Errorf("Find with missing file = %+v, %v, %v; want zero, false, nil", m, ok, err)
	}

	writeFile(t, netrc, "machine h login u password p\ndefault login anonymous password guest\n", 0o600)
	if m, ok, err := Find("H"); err != nil || !ok || m.Login != "u" || m.Password != "p" {
		t.Errorf("Find(H) = %+v, %v, %v", m, ok, err)
	}
	if m, ok, err := Find("x"); err != nil || !ok || m.Login != "anonymous" {
		t.Errorf("Find(x) = %+v, %v, %v", m, ok, err)
	}

	writeFile(t, netrc, "machine h login u password p\nbad\n", 0o600)
	var pe *ParseError
	if _, _, err := Find("h"); !errors.As(err, &pe) || pe.Line != 2 || pe.Name != netrc {
		t.Errorf("Find with malformed file error = %v; want *ParseError at line 2", err)
	}

	// $NETRC overrides the home directory.
	t.Setenv("HOME", t.TempDir())
	t.Setenv("USERPROFILE", os.Getenv("HOME"))
	writeFile(t, netrc, "machine h login fromenv", 0o600)
	if m, _, err := Find("h"); err != nil || m.Login != "fromenv" {
		t.Errorf("Find with $NETRC = %+v, %v", m, err)
	}
}

func TestFindPermissions(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no Unix permissions")
	}
	netrc := filepath.Join(t.TempDir(), "netrc")
	t.Setenv("NETRC", netrc)
	tests := []struct {
		name     string
		content  string
		perm     os.FileMode
		insecure bool
	}{
		{"private", "machine h login u password p", 0o600, false},
		{"owner read only", "machine h login u password p", 0o400, false},
		{"group readable", "machine h login u password p", 0o640, true},
		{"world readable", "machine h login u password p", 0o604, true},
		{"group writable", "machine h login u password p", 0o620, true},
		{"other entry has password", "machine h login u\nmachine x login v password p", 0o644, true},
		{"default has password", "machine h login u\ndefault login v password p", 0o644, true},
		{"no password", "machine h login u account a", 0o644, false},
		{"empty password", `machine h login u password ""`, 0o644, false},
		{"anonymous", "machine h login anonymous password me@example.com", 0o644, false},
		{"anonymous any case", "default login Anonymous password guest", 0o644, false},
		{"password without login", "machine h password p", 0o644, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, netrc, tt.content, tt.perm)
			m, ok, err := Find("h")
			if tt.insecure {
				if !errors.Is(err, ErrInsecure) || ok || m != (Machine{}) {
					t.Fatalf("Find = %+v, %v, %v; want ErrInsecure", m, ok, err)
				}
				if !strings.Contains(err.Error(), netrc) || !strings.Contains(err.Error(), "chmod 600") {
					t.Errorf("error %q should name the file and the fix", err)
				}
				return
			}
			if err != nil || !ok {
				t.Fatalf("Find = %+v, %v, %v", m, ok, err)
			}
		})
	}

	t.Run("foreign owner", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("changing a file's owner needs root")
		}
		writeFile(t, netrc, "machine h login u password p", 0o600)
		if err := os.Chown(netrc, 65534, -1); err != nil {
			t.Skip(err)
		}
		if _, _, err := Find("h"); !errors.Is(err, ErrInsecure) || !strings.Contains(err.Error(), "owned by uid 65534") {
			t.Errorf("Find error = %v; want ErrInsecure for foreign owner", err)
		}
		// Parse and ParseFile do not check.
		if _, err := ParseFile(netrc); err != nil {
			t.Errorf("ParseFile error = %v", err)
		}
	})

	t.Run("ParseFile does not check", func(t *testing.T) {
		writeFile(t, netrc, "machine h login u password p", 0o666)
		if _, err := ParseFile(netrc); err != nil {
			t.Errorf("ParseFile error = %v", err)
		}
	})
}
