package ftp

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func newTestReader(s string, maxLine int) *replyReader {
	return &replyReader{r: bufio.NewReaderSize(strings.NewReader(s), 16), maxLine: maxLine}
}

func TestReadReplyFraming(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Reply // replies in order; then EOF
	}{
		{"single", "220 welcome\r\n", []Reply{{220, "220 welcome"}}},
		{"LF only", "220 welcome\n", []Reply{{220, "220 welcome"}}},
		{"multi-line", "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n", []Reply{{211, "211-Features:\n MDTM\n SIZE\n211 End"}}},
		// ftplib ends a multi-line reply on a line that is exactly the code.
		{"bare code terminator", "211-a\r\n211\r\n200 next\r\n", []Reply{{211, "211-a\n211"}, {200, "200 next"}}},
		// Lines with another code, or "211-", continue the reply.
		{"other codes inside", "211-a\r\n200 x\r\n211-b\r\n211 end\r\n", []Reply{{211, "211-a\n200 x\n211-b\n211 end"}}},
		// A bare CR ends a line, as in ftplib's universal newlines.
		{"bare CR splits", "200 a\rb\r\n", []Reply{{200, "200 a"}, {0, "b"}}},
		{"empty line", "\r\n", []Reply{{0, ""}}},
		{"no terminator at EOF", "200 ok", []Reply{{200, "200 ok"}}},
		{"short code", "1 Hola mundo\n", []Reply{{0, "1 Hola mundo"}}},
		{"long but allowed", "200 " + strings.Repeat("x", 60) + "\r\n", []Reply{{200, "200 " + strings.Repeat("x", 60)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := newTestReader(tt.in, 80)
			for i, want := range tt.want {
				got, err := rr.readReply()
				if err != nil {
					t.Fatalf("reply %d: %v", i, err)
				}
				if got != want {
					t.Fatalf("reply %d = %+v, want %+v", i, got, want)
				}
			}
			if _, err := rr.readReply(); err != io.EOF {
				t.Fatalf("after replies: err = %v, want EOF", err)
			}
		})
	}
}

func TestReadReplyLineTooLong(t *testing.T) {
	// The limit counts the terminator: 8 bytes of text + CRLF = 10.
	rr := newTestReader("200 abcd\r\n", 10)
	if _, err := rr.readReply(); err != nil {
		t.Fatalf("10-byte line with limit 10: %v", err)
	}
	rr = newTestReader("200 abcde\r\n", 10)
	if _, err := rr.readReply(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("11-byte line with limit 10: err = %v, want ErrLineTooLong", err)
	}
	// An endless line fails at the limit without reading it all.
	rr = &replyReader{r: bufio.NewReaderSize(endless{}, 4096), maxLine: 8192}
	if _, err := rr.readReply(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("endless line: err = %v, want ErrLineTooLong", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestReplyErrorClasses(t *testing.T) {
	tests := []struct {
		text  string
		class error
	}{
		{"400 x", ErrTemporary}, {"499 x", ErrTemporary},
		{"500 x", ErrPermanent}, {"599 x", ErrPermanent},
		{"999 x", ErrProtocol}, {"600 x", ErrProtocol}, {"", ErrProtocol}, {"x", ErrProtocol},
	}
	for _, tt := range tests {
		r := Reply{Code: replyCode(tt.text), Text: tt.text}
		err := replyError("NOOP", r)
		if !errors.Is(err, tt.class) {
			t.Errorf("%q: %v is not %v", tt.text, err, tt.class)
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Text != tt.text {
			t.Errorf("%q: error text %v", tt.text, err)
		}
		if !IsSessionError(err) {
			t.Errorf("%q: IsSessionError false", tt.text)
		}
		for _, other := range []error{ErrTemporary, ErrPermanent, ErrUnexpectedReply, ErrProtocol} {
			if other != tt.class && errors.Is(err, other) {
				t.Errorf("%q also matches %v", tt.text, other)
			}
		}
	}
	for _, ok := range []string{"123", "199 x", "200 x", "350 x"} {
		if err := replyError("NOOP", Reply{Text: ok}); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestIsSessionError(t *testing.T) {
	for _, err := range []error{nil, ErrInvalidCommand, ErrBusy, errors.New("other")} {
		if IsSessionError(err) {
			t.Errorf("IsSessionError(%v) = true", err)
		}
	}
	for _, err := range []error{io.EOF, ErrClosed, ErrShortTransfer, unexpected("X", Reply{300, "300 x"})} {
		if !IsSessionError(err) {
			t.Errorf("IsSessionError(%v) = false", err)
		}
	}
}

func TestMaskCommand(t *testing.T) {
	for in, want := range map[string]string{
		"PASS secret":   "PASS ****",
		"pass secret":   "pass ****",
		"Pass secret":   "Pass ****", // ftplib leaves this one visible
		"ACCT acctinfo": "ACCT ****",
		"PASS":          "PASS",
		"USER bob":      "USER bob",
		"PASSWD x":      "PASSWD x",
	} {
		if got := maskCommand(in); got != want {
			t.Errorf("maskCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"220 x\r\n", "211-a\r\n211 b\r\n", "200 a\rb\r\n", "\r\n", "211-\n211"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rr := newTestReader(s, 64)
		for i := 0; i < len(s)+2; i++ {
			r, err := rr.readReply()
			if err != nil {
				return
			}
			if strings.ContainsAny(r.Text, "\r") {
				t.Fatalf("reply text has CR: %q", r.Text)
			}
			if r.Code < 0 || r.Code > 999 || r.Code != replyCode(r.Text) {
				t.Fatalf("code %d for %q", r.Code, r.Text)
			}
		}
		t.Fatalf("no end after %d replies", len(s)+2)
	})
}
