package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"time"
	"unicode/utf8"

	"github.com/ftpkit/ftp/listing"
)

// jsonEntry is an entry as ls --json and stat --json print it.
type jsonEntry struct {
	Name      string            `json:"name"` // relative to the directory listed
	Path      string            `json:"path"` // the remote path
	Type      string            `json:"type"` // file, dir, symlink, ..., unknown
	Size      *int64            `json:"size"` // null when unknown
	MTime     *string           `json:"mtime"`
	Precision string            `json:"mtime_precision,omitempty"`
	Mode      string            `json:"mode,omitempty"`
	Target    string            `json:"target,omitempty"`
	Owner     string            `json:"owner,omitempty"`
	Group     string            `json:"group,omitempty"`
	Facts     map[string]string `json:"facts,omitempty"` // MLSx facts, names in lower case
	Line      string            `json:"line,omitempty"`  // a listing line no parser understood
}

// jsonOf returns e, named name, at the remote path full, for JSON.
func jsonOf(e listing.Entry, name, full string) jsonEntry {
	j := jsonEntry{Name: name, Path: full, Type: e.Type.String(), Target: e.Target, Owner: e.Owner, Group: e.Group}
	if e.Unparsed() {
		j.Line = e.Name
	}
	if e.Size >= 0 {
		j.Size = &e.Size
	}
	if !e.ModTime.IsZero() && e.Precision != listing.PrecisionUnknown {
		t := e.ModTime.UTC().Format(time.RFC3339Nano)
		j.MTime = &t
		j.Precision = e.Precision.String()
	}
	if permKnown(e) && !e.Unparsed() {
		j.Mode = octalMode(e.Mode)
	}
	if e.Facts != "" {
		j.Facts = map[string]string{}
		for k, v := range e.Facts.All() {
			j.Facts[k] = v
		}
	}
	return j
}

// octalMode writes the permission bits of m as chmod takes them: "0644",
// "4755".
func octalMode(m fs.FileMode) string {
	n := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		n |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		n |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		n |= 0o1000
	}
	return fmt.Sprintf("%04o", n)
}

// writeJSON writes v as one line of JSON, with every control character
// escaped (encoding/json leaves DEL and the C1 controls as they are).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := buf.Bytes()
	if bytes.ContainsFunc(b, isC1orDEL) {
		var out bytes.Buffer
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b)
			if isC1orDEL(r) {
				fmt.Fprintf(&out, `\u%04x`, r)
			} else {
				out.Write(b[:n])
			}
			b = b[n:]
		}
		b = out.Bytes()
	}
	_, err := w.Write(b)
	return err
}

func isC1orDEL(r rune) bool { return r == 0x7f || r >= 0x80 && r <= 0x9f }
