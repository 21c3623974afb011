package netrc

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"machine a login u password p account c port 21",
		"machine a\n\tlogin u\n\tpassword p\n\ndefault login anonymous password x\n",
		"macdef init\ncd /\n\nmachine b login v",
		`machine "a b" login "c\"d" password "e\\f"`,
		"# comment\nmachine a # c\nlogin #u",
		"default\nmachine a",
		"machine \"unterminated",
		"login x",
		"machine a password \"x\ny\"\nbogus",
		"machine\r\na\r\nlogin\r\nb\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				if pe.Line < 1 || pe.Line > bytes.Count(data, []byte("\n"))+1 {
					t.Fatalf("error line %d out of range: %v", pe.Line, err)
				}
			} else if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if file != nil {
				t.Fatalf("non-nil File with error")
			}
			return
		}
		for i, m := range file.Machines {
			if m.Name == "" {
				t.Fatalf("Machines[%d] has an empty name", i)
			}
			if got, ok := file.Lookup(m.Name); !ok || got.Name == "" {
				t.Fatalf("Lookup(%q) = %+v, %v", m.Name, got, ok)
			}
		}
		if file.Default != nil && file.Default.Name != "" {
			t.Fatalf("default entry has name %q", file.Default.Name)
		}
		file.Lookup(string(data))
	})
}
