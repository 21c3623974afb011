package listing

import (
	"strings"
	"time"
)

// Format is a directory listing format.
type Format uint8

// The listing formats. FormatAuto detects the format from the lines.
const (
	FormatAuto    Format = iota // detect from the lines (and Parser.Hint)
	FormatUnix                  // ls -l and its many server variants
	FormatDOS                   // MS-DOS / IIS: 01-31-24  12:00PM <DIR> name
	FormatEPLF                  // Easily Parsed LIST Format: +i1,m2,r,s3,\tname
	FormatVMS                   // OpenVMS: NAME.EXT;1 2/3 31-JAN-2024 12:00:00 [G,O] (RWED,...)
	FormatNetware               // Novell Netware: d [RWCEAFMS] owner 512 Nov 23 19:30 name
	FormatOS2                   // OS/2: 1024 A 11-23-24 19:30 name
	FormatAS400                 // IBM OS/400 (AS/400, IBM i): OWNER 1024 11/23/24 19:30:00 *STMF name
	FormatMLSx                  // RFC 3659 MLSD lines, parsed by ParseMLSx
)

var formatNames = [...]string{"auto", "unix", "dos", "eplf", "vms", "netware", "os2", "as400", "mlsx"}

// String returns a short lower-case name for f, such as "unix".
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "Format(" + itoa(int(f)) + ")"
}

// detectOrder is the order in which FormatAuto tries the LIST formats.
var detectOrder = [...]Format{FormatUnix, FormatDOS, FormatEPLF, FormatVMS, FormatNetware, FormatOS2, FormatAS400}

// parseAs parses one line (without terminator) of LIST format f into e
// and reports whether the line had that format. It calls the parsers
// directly, not through function values, so that e does not escape.
func (p *Parser) parseAs(f Format, line string, e *Entry) bool {
	switch f {
	case FormatUnix:
		return parseUnix(p, line, e)
	case FormatDOS:
		return parseDOS(p, line, e)
	case FormatEPLF:
		return parseEPLF(p, line, e)
	case FormatVMS:
		return parseVMS(p, line, e)
	case FormatNetware:
		return parseNetware(p, line, e)
	case FormatOS2:
		return parseOS2(p, line, e)
	case FormatAS400:
		return parseAS400(p, line, e)
	}
	return false
}

// A Parser parses the lines of one LIST (or MLSD) reply. The zero value
// detects the format, reads dates in UTC and uses the local clock to infer
// missing years. A Parser remembers the detected format and the current
// time between lines, so use one Parser per listing; it is not safe for
// concurrent use.
type Parser struct {
	// Format is the listing format. FormatAuto (the zero value) detects
	// it: the first format that fits a line is tried first for the
	// following lines, and the others are tried when a line does not fit.
	// Any other value parses only that format.
	Format Format
	// Hint, in auto mode, is the format to try first until one has been
	// detected; FormatFromSYST gives a good hint.
	Hint Format
	// Location is the server's time zone, in which LIST times are read.
	// Nil means UTC. MLSx and EPLF times are always UTC.
	Location *time.Location
	// Now returns the server's current time. Dates without a year
	// ("Nov 23 19:30") are placed in the year that makes them no more
	// than a day in the future. Nil means time.Now. It is called at most
	// once per Parser.
	Now func() time.Time
	// KeepVMSVersion keeps the ";N" version suffix of VMS file names.
	KeepVMSVersion bool

	detected Format
	now      time.Time
	haveNow  bool
}

// Detected returns the format the Parser has settled on: Format if it was
// set, else the format of the first line that parsed, or FormatAuto.
func (p *Parser) Detected() Format {
	if p.Format != FormatAuto {
		return p.Format
	}
	return p.detected
}

func (p *Parser) loc() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// inferYear builds a time for a date without a year: the current year in
// the server's zone, or the previous one if that would put the date more
// than a day in the future.
func (p *Parser) inferYear(mon time.Month, day, h, mi, s int) (time.Time, bool) {
	if !p.haveNow {
		if p.Now != nil {
			p.now = p.Now()
		} else {
			p.now = time.Now()
		}
		p.haveNow = true
	}
	now := p.now.In(p.loc())
	y := now.Year()
	t := time.Date(y, mon, day, h, mi, s, 0, p.loc())
	if t.After(now.Add(24 * time.Hour)) {
		y--
		t = time.Date(y, mon, day, h, mi, s, 0, p.loc())
	}
	if !validDate(y, mon, day) {
		return time.Time{}, false
	}
	return t, true
}

// Parse parses one line of a listing. A trailing "\n" or "\r\n" is
// ignored. It returns false for lines that are not entries: blank lines,
// "total N" lines and VMS "Directory ..." and "Total of ..." lines. Every
// other line yields an entry; a line no parser understood yields one with
// Type TypeUnknown and Name equal to the line (see Entry.Unparsed), so no
// line is lost.
func (p *Parser) Parse(line string) (Entry, bool) {
	if p.Format == FormatMLSx {
		if strings.TrimSpace(line) == "" {
			return Entry{}, false
		}
		return ParseMLSx(line), true
	}
	s := trimEOL(line)
	if notEntry(s) {
		return Entry{}, false
	}
	e := Entry{Size: -1, Raw: line}
	if p.Format != FormatAuto {
		if p.parseAs(p.Format, s, &e) {
			return e.fix(), true
		}
		return unparsed(line, s), true
	}
	first := p.detected
	if first == FormatAuto {
		first = p.Hint
	}
	if first != FormatAuto {
		if p.parseAs(first, s, &e) {
			p.detected = first
			return e.fix(), true
		}
		e = Entry{Size: -1, Raw: line}
	}
	for _, format := range detectOrder {
		if format == first {
			continue
		}
		if p.parseAs(format, s, &e) {
			if p.detected == FormatAuto {
				p.detected = format
			}
			return e.fix(), true
		}
		e = Entry{Size: -1, Raw: line}
	}
	return unparsed(line, s), true
}

// fix keeps Precision consistent with a ModTime that happens to equal
// the zero Time (January 1, year 1, 00:00 UTC), which means unknown.
func (e Entry) fix() Entry {
	if e.ModTime.IsZero() {
		e.Precision = PrecisionUnknown
	}
	return e
}

// ParseList parses the lines of a listing and returns its entries, in
// order, leaving out only the lines Parse reports as not entries.
func (p *Parser) ParseList(lines []string) []Entry {
	entries := make([]Entry, 0, len(lines))
	for _, l := range lines {
		if e, ok := p.Parse(l); ok {
			entries = append(entries, e)
		}
	}
	return entries
}

// ParseList parses the lines of a listing with a zero Parser: format
// detection, UTC, the local clock.
func ParseList(lines []string) []Entry {
	var p Parser
	return p.ParseList(lines)
}

// notEntry reports whether a line is one that listings print besides the
// entries: blank, "total 123" (also "total 12K"), or the VMS header and
// trailer.
func notEntry(s string) bool {
	if s == "" {
		return true
	}
	if c := s[0]; c != ' ' && c != '\t' && c != 't' && c != 'T' && c != 'D' && c != 'G' {
		return false // the common case, decided at once
	}
	t := strings.TrimLeft(s, " \t")
	if t == "" {
		return true
	}
	if hasPrefixFold(t, "total") {
		rest := strings.TrimSpace(t[5:])
		if rest != "" && rest != t[5:] && isDigit(rest[0]) && !strings.ContainsAny(rest, " \t") {
			return true
		}
		if hasPrefixFold(t, "total of ") {
			return true
		}
	}
	if strings.HasPrefix(s, "Grand total of ") {
		return true // VMS, after several directories
	}
	if strings.HasPrefix(s, "Directory ") && strings.HasSuffix(strings.TrimRight(s, " \t"), "]") {
		return true // VMS
	}
	return false
}

// FormatFromSYST maps the reply to SYST ("215 UNIX Type: L8", or just
// its text) to the listing format such servers use, or FormatAuto when
// the system is not recognised. Windows servers (IIS) may be set to list
// in Unix style, so the result is best used as Parser.Hint.
func FormatFromSYST(reply string) Format {
	s := strings.TrimSpace(reply)
	if len(s) >= 4 && allDigits(s[:3]) && (s[3] == ' ' || s[3] == '-') {
		s = s[4:]
	}
	s = strings.ToUpper(s)
	switch {
	case strings.HasPrefix(s, "UNIX"), strings.HasPrefix(s, "LINUX"),
		strings.Contains(s, "BSD"), strings.HasPrefix(s, "MACOS"):
		return FormatUnix
	case strings.HasPrefix(s, "WINDOWS"), strings.HasPrefix(s, "WIN32"), strings.HasPrefix(s, "MSDOS"):
		return FormatDOS
	case strings.HasPrefix(s, "VMS"), strings.HasPrefix(s, "OPENVMS"):
		return FormatVMS
	case strings.HasPrefix(s, "NETWARE"):
		return FormatNetware
	case strings.HasPrefix(s, "OS/2"):
		return FormatOS2
	case strings.HasPrefix(s, "OS/400"):
		return FormatAS400
	}
	return FormatAuto
}
