package ftp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Reply is a server reply: its code and its whole text.
type Reply struct {
	// Code is the three-digit reply code, or 0 if the reply did not start
	// with three digits.
	Code int
	// Text is the reply as received, with line terminators removed and
	// the lines of a multi-line reply joined by "\n" (as ftplib returns
	// it, code included: "257 \"/home\" is current directory").
	Text string
}

func (r Reply) String() string { return r.Text }

// Message returns the text of the first line after the code and its
// separator: "Opening data connection" for "150 Opening data connection".
func (r Reply) Message() string {
	line, _, _ := strings.Cut(r.Text, "\n")
	if len(line) <= 4 {
		return ""
	}
	return line[4:]
}

// Lines returns the lines of the reply.
func (r Reply) Lines() []string { return strings.Split(r.Text, "\n") }

// maxReplyBytes bounds a whole multi-line reply, so a server that never
// ends one cannot make the client use unbounded memory.
const maxReplyBytes = 16 << 20

// replyReader frames replies from the control connection exactly as
// ftplib does. It is the only reader of reply lines.
type replyReader struct {
	r       *bufio.Reader
	maxLine int
	pending []string // lines split off by a bare CR, returned next
	// strict makes a line cut off by EOF io.ErrUnexpectedEOF (the control
	// connection: a reply truncated by a dropped connection is not a
	// reply). Otherwise, as in ftplib, the last bytes before EOF are a
	// line (the last line of a listing may lack its terminator).
	strict bool
}

// readLine returns the next line without its terminator. A line ends at
// LF, CRLF or, as in ftplib's universal newlines, a bare CR. A line longer
// than maxLine bytes (terminator included) is ErrLineTooLong.
func (rr *replyReader) readLine() (string, error) {
	if len(rr.pending) > 0 {
		l := rr.pending[0]
		rr.pending = rr.pending[1:]
		return l, nil
	}
	var buf []byte
	for {
		chunk, err := rr.r.ReadSlice('\n')
		if len(buf)+len(chunk) > rr.maxLine {
			return "", fmt.Errorf("%w: more than %d bytes", ErrLineTooLong, rr.maxLine)
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (len(buf) == 0 || err != io.EOF || rr.strict) {
			// A timeout or reset in the middle of a line is an error,
			// never a shorter line.
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		break // a line, or the last bytes before EOF
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	line := string(buf)
	if strings.IndexByte(line, '\r') >= 0 {
		parts := strings.Split(line, "\r")
		line, rr.pending = parts[0], parts[1:]
	}
	return line, nil
}

// readReply reads one reply, following ftplib's getmultiline: a first
// line "ddd-" opens a multi-line reply that ends at the first line that
// starts with the same three characters not followed by '-'.
func (rr *replyReader) readReply() (Reply, error) {
	first, err := rr.readLine()
	if err != nil {
		return Reply{}, err
	}
	text := first
	if len(first) >= 4 && first[3] == '-' {
		code := first[:3]
		var b strings.Builder
		b.WriteString(first)
		for {
			next, err := rr.readLine()
			if err != nil {
				return Reply{}, err
			}
			if b.Len()+len(next) > maxReplyBytes {
				return Reply{}, fmt.Errorf("%w: reply longer than %d bytes", ErrLineTooLong, maxReplyBytes)
			}
			b.WriteByte('\n')
			b.WriteString(next)
			if strings.HasPrefix(next, code) && (len(next) == 3 || next[3] != '-') {
				break
			}
		}
		text = b.String()
	}
	return Reply{Code: replyCode(text), Text: text}, nil
}

// kind returns the first character of the reply, by which ftplib
// classifies it: '1' to '5', or anything else for a protocol violation.
func (r Reply) kind() byte {
	if r.Text == "" {
		return 0
	}
	return r.Text[0]
}

// replyCode returns the three-digit code at the start of text, or 0.
func replyCode(text string) int {
	if len(text) < 3 {
		return 0
	}
	n := 0
	for i := 0; i < 3; i++ {
		c := text[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
