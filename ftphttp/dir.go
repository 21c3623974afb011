package ftphttp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A DirEntry is one entry of a directory listing in JSON, as a GET of a
// directory with "Accept: application/json" answers it: a JSON array of
// DirEntry, sorted by name, without "." and "..".
type DirEntry struct {
	// Name is the entry's name, as the server gave it.
	Name string `json:"name"`
	// Type is "file", "dir", "symlink", "block", "char", "pipe",
	// "socket", "other" or "unknown" (listing.Type's String).
	Type string `json:"type"`
	// Size is the size in bytes, or -1 when the listing does not give
	// it (directories, in most listings).
	Size int64 `json:"size"`
	// ModTime is the modification time (JSON "modified", RFC 3339),
	// absent when the listing does not give it. A LIST line gives it to
	// the minute or the day only.
	ModTime time.Time `json:"modified,omitzero"`
	// Target is the target of a symbolic link, when the listing gives it.
	Target string `json:"target,omitempty"`
}

// list answers GET and HEAD of the directory p ("" for the login
// directory): its names one a line as text/plain, or JSON when the
// request's Accept header prefers it. Lines that no listing parser
// understood are left out; so are, in the text form, names holding a
// line break.
func (r *request) list(p string) (*http.Response, error) {
	es, err := r.c.ReadDir(r.Context(), p)
	if err != nil {
		return errorResponse(r.Request, err)
	}
	h := http.Header{"Vary": {"Accept"}}
	var b bytes.Buffer
	if wantsJSON(r.Header.Values("Accept")) {
		h.Set("Content-Type", "application/json")
		out := make([]DirEntry, 0, len(es))
		for _, e := range es {
			if !e.Unparsed() {
				out = append(out, DirEntry{Name: e.Name, Type: e.Type.String(), Size: e.Size, ModTime: e.ModTime, Target: e.Target})
			}
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return nil, err
		}
	} else {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		for _, e := range es {
			if !e.Unparsed() && !strings.ContainsAny(e.Name, "\r\n") {
				b.WriteString(e.Name)
				b.WriteByte('\n')
			}
		}
	}
	return bytesResponse(r.Request, http.StatusOK, h, b.Bytes()), nil
}

// wantsJSON reports whether the Accept header (its values, accept)
// prefers application/json to text/plain: it gives it a higher quality,
// counting the most specific media range that covers each. Without an
// Accept header, or at equal quality, the listing is text.
func wantsJSON(accept []string) bool {
	qJSON, qText := quality(accept, "application", "json"), quality(accept, "text", "plain")
	return qJSON > 0 && qJSON > qText
}

// quality is the quality that the Accept header values give to the
// media type typ/sub: that of the most specific range covering it, or
// 0 if none does.
func quality(accept []string, typ, sub string) float64 {
	best, q := 0, 0.0
	for _, v := range accept {
		for _, mr := range strings.Split(v, ",") {
			params := strings.Split(mr, ";")
			t, s, _ := strings.Cut(strings.TrimSpace(params[0]), "/")
			t, s = strings.ToLower(strings.TrimSpace(t)), strings.ToLower(strings.TrimSpace(s))
			rank := 0
			switch {
			case t == typ && s == sub:
				rank = 3
			case t == typ && s == "*":
				rank = 2
			case t == "*" && s == "*":
				rank = 1
			}
			if rank <= best {
				continue
			}
			best, q = rank, 1
			for _, prm := range params[1:] {
				k, val, _ := strings.Cut(prm, "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil && f >= 0 && f <= 1 {
						q = f
					}
				}
			}
		}
	}
	return q
}
