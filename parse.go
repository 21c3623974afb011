package ftp

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// The parsers in this file need no network; they are fuzzed in
// parse_test.go.

// parse150 returns the size announced in a 150 reply such as "150
// Opening BINARY mode data connection for f (1234 bytes)." (vsftpd,
// proftpd, ftplib's form), or "150 Data transfer starting 1234 bytes"
// (goftp, the line's last words), or -1.
func parse150(text string) int64 {
	if !strings.HasPrefix(text, "150 ") {
		return -1
	}
	line, _, _ := strings.Cut(text, "\n")
	start, end := -1, strings.LastIndex(line, " bytes)")
	if end < 0 {
		end = strings.LastIndex(line, " BYTES)")
	}
	if end >= 0 {
		start = strings.LastIndexByte(line[:end], '(')
	} else if trimmed := strings.TrimSuffix(line, "."); strings.HasSuffix(trimmed, " bytes") {
		end = len(trimmed) - len(" bytes")
		start = strings.LastIndexByte(line[:end], ' ')
	}
	if start < 0 {
		return -1
	}
	n, err := strconv.ParseInt(line[start+1:end], 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// parse150Name returns the file a 150 reply names, in the form vsftpd and
// proftpd use: "150 Opening BINARY mode data connection for NAME (1234
// bytes)". ok is false for a reply in any other form (Pure-FTPd names
// none).
func parse150Name(text string) (name string, ok bool) {
	line, _, _ := strings.Cut(text, "\n")
	const mark = " data connection for "
	i := strings.Index(line, mark)
	if !strings.HasPrefix(line, "150 ") || i < 0 {
		return "", false
	}
	rest := line[i+len(mark):]
	j := strings.LastIndex(rest, " (")
	if j < 0 || !strings.HasSuffix(strings.TrimSuffix(rest, "."), " bytes)") {
		return "", false
	}
	return rest[:j], true
}

// parse227 returns the address and port of a 227 reply: the first run of
// six comma-separated numbers, anywhere in the text (as ftplib finds
// them). Unlike ftplib it checks that each is in range.
func parse227(text string) (netip.Addr, int, bool) {
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && isDigit(text[i-1])) {
			continue
		}
		var nums [6]int
		j, k := i, 0
		for ; k < 6; k++ {
			start := j
			for j < len(text) && isDigit(text[j]) && j-start < 4 {
				j++
			}
			if j == start || (j < len(text) && isDigit(text[j])) {
				break
			}
			nums[k], _ = strconv.Atoi(text[start:j])
			if k < 5 {
				if j >= len(text) || text[j] != ',' {
					break
				}
				j++
			}
		}
		if k < 6 {
			continue
		}
		for _, n := range nums {
			if n > 255 {
				return netip.Addr{}, 0, false
			}
		}
		port := nums[4]<<8 | nums[5]
		if port == 0 {
			return netip.Addr{}, 0, false
		}
		ip := netip.AddrFrom4([4]byte{byte(nums[0]), byte(nums[1]), byte(nums[2]), byte(nums[3])})
		return ip, port, true
	}
	return netip.Addr{}, 0, false
}

// parse229 returns the port of a 229 reply "229 text (|||port|)": any
// delimiter character, repeated, as RFC 2428 allows.
func parse229(text string) (int, bool) {
	open := strings.IndexByte(text, '(')
	if open < 0 {
		return 0, false
	}
	close := strings.IndexByte(text[open:], ')')
	if close < 0 {
		return 0, false
	}
	inner := text[open+1 : open+close]
	if len(inner) < 5 {
		return 0, false
	}
	d := inner[:1]
	if inner[len(inner)-1:] != d {
		return 0, false
	}
	parts := strings.Split(inner, d)
	if len(parts) != 5 {
		return 0, false
	}
	port, err := strconv.Atoi(parts[3])
	if err != nil || port < 1 || port > 65535 {
		return 0, false
	}
	return port, true
}

// parse257 returns the directory name quoted in a 257 reply, undoubling
// doubled quotes: `257 "/a ""b"" c" created` gives `/a "b" c`. A reply
// without the quote after the code gives "" (as in ftplib).
func parse257(text string) string {
	if len(text) < 5 || text[3:5] != ` "` {
		return ""
	}
	var b strings.Builder
	for i := 5; i < len(text); i++ {
		c := text[i]
		if c == '"' {
			if i+1 >= len(text) || text[i+1] != '"' {
				break
			}
			i++
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseMDTM parses a time-val of RFC 3659: YYYYMMDDHHMMSS, optionally
// followed by "." and one or more digits, in UTC.
func parseMDTM(s string) (time.Time, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if len(whole) != 14 || !allDigits(whole) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405", whole)
	if err != nil {
		return time.Time{}, false
	}
	if hasFrac {
		ns := 0
		for i := 0; i < 9; i++ {
			ns *= 10
			if i < len(frac) {
				ns += int(frac[i] - '0')
			}
		}
		t = t.Add(time.Duration(ns))
	}
	return t, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// uniqueName returns the file name of a STOU reply "1xx FILE: name" or
// "2xx FILE: name", or "".
func uniqueName(r Reply) string {
	msg := r.Message()
	i := strings.Index(strings.ToUpper(msg), "FILE:")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(msg[i+len("FILE:"):])
}
