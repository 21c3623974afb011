package ftphttp

import (
	"strconv"
	"strings"
)

// A byteRange is the part of a file a Range header asks for.
type byteRange struct {
	start, length int64
}

// parseRange reads the Range header s for a file of size bytes (size >
// 0). ok reports a single satisfiable range, br; unsatisfiable one
// that starts at or after the end of the file. Otherwise the header is
// to be ignored (RFC 9110 section 14.2): absent, in a unit other than
// bytes, malformed, or of several ranges (served whole, with 200).
func parseRange(s string, size int64) (br byteRange, unsatisfiable, ok bool) {
	unit, set, found := strings.Cut(s, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return br, false, false
	}
	var spec string
	n := 0
	for _, part := range strings.Split(set, ",") {
		if part = strings.TrimSpace(part); part != "" {
			spec = part
			n++
		}
	}
	if n != 1 {
		return br, false, false
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return br, false, false
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" {
		// A suffix: the last N bytes.
		n, ok := parseDigits(last)
		switch {
		case !ok:
			return br, false, false
		case n == 0:
			return br, true, false
		}
		n = min(n, size)
		return byteRange{size - n, n}, false, true
	}
	i, ok := parseDigits(first)
	if !ok {
		return br, false, false
	}
	j := size - 1
	if last != "" {
		if j, ok = parseDigits(last); !ok || j < i {
			return br, false, false
		}
		j = min(j, size-1)
	}
	if i >= size {
		return br, true, false
	}
	return byteRange{i, j - i + 1}, false, true
}

// parseDigits parses a non-negative decimal number of ASCII digits only.
func parseDigits(s string) (int64, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// anyETag reports whether the list of entity tags v holds "*", the only
// tag that matches a file served without entity tags.
func anyETag(v string) bool {
	for _, tag := range strings.Split(v, ",") {
		if strings.TrimSpace(tag) == "*" {
			return true
		}
	}
	return false
}
