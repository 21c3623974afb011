package ftp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrFeatureNotSupported is returned (wrapped) by a method that needs a
// feature the server does not advertise in its FEAT reply, such as Hash
// on a server with neither HASH nor any X-checksum command.
var ErrFeatureNotSupported = errors.New("ftp: feature not supported by the server")

// Features is the set of extensions a server lists in its FEAT reply
// (RFC 2389), keyed by the upper-cased feature name. The value holds the
// feature's parameters as sent, such as "type*;size*;modify*;" for MLST
// or "STREAM" for REST, or "" when there are none.
type Features map[string]string

// Has reports whether the feature name (any case) is advertised.
func (f Features) Has(name string) bool {
	_, ok := f[strings.ToUpper(name)]
	return ok
}

// parseFeatures reads a FEAT reply. The features are the lines between
// the first and the last, each starting with a space (RFC 2389); lines
// are taken whether or not the server indents them.
func parseFeatures(r Reply) Features {
	f := Features{}
	lines := r.Lines()
	if len(lines) < 3 {
		return f
	}
	for _, l := range lines[1 : len(lines)-1] {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		name, params, _ := strings.Cut(l, " ")
		f[strings.ToUpper(name)] = strings.TrimSpace(params)
	}
	return f
}

// sessionInfo is what a Conn learns about its server and keeps for later
// calls: the FEAT set and the SYST reply. It is only read and written
// while the session is held, and forgotten by Login and AuthTLS, after
// which a server may advertise more.
type sessionInfo struct {
	feat     Features
	haveFeat bool
	syst     string
	haveSyst bool
	// noListAll is set once the server has refused "LIST -a".
	noListAll bool
}

// info returns what c knows of its server.
func (c *Conn) info() *sessionInfo { return &c.sess }

// Features sends FEAT and returns the features the server advertises.
// A server that does not know FEAT (a 5xx reply) has no features: the
// result is an empty set and no error. The set is remembered for the
// methods that depend on it (Stat, ReadDir, Walk, Hash, UTF8); calling
// Features again, after logging in for example, refreshes it.
func (c *Conn) Features(ctx context.Context) (Features, error) {
	var f Features
	err := c.do(func() error {
		var err error
		f, err = c.fetchFeatures(ctx)
		return err
	})
	return f, err
}

// fetchFeatures sends FEAT for a caller holding the session.
func (c *Conn) fetchFeatures(ctx context.Context) (Features, error) {
	r, err := c.cmd(ctx, "FEAT")
	var fe *Error
	switch {
	case errors.As(err, &fe) && fe.Code/100 == 5:
		if fe.Code == 530 {
			// Not logged in: the server may list more features later,
			// so this empty answer is not remembered.
			return Features{}, nil
		}
		r = Reply{}
	case err != nil:
		return nil, err
	case r.kind() != '2':
		return nil, unexpected("FEAT", r)
	}
	f := parseFeatures(r)
	in := c.info()
	in.feat, in.haveFeat = f, true
	return f, nil
}

// features returns the remembered FEAT set, sending FEAT the first time.
// The caller holds the session.
func (c *Conn) features(ctx context.Context) (Features, error) {
	if in := c.info(); in.haveFeat {
		return in.feat, nil
	}
	return c.fetchFeatures(ctx)
}

// System returns the server's answer to SYST without its reply code,
// such as "UNIX Type: L8". The answer is remembered for ReadDir, which
// uses it to choose a listing format.
func (c *Conn) System(ctx context.Context) (string, error) {
	var s string
	err := c.do(func() error {
		r, err := c.voidCmd(ctx, "SYST")
		if err != nil {
			return err
		}
		s = r.Message()
		in := c.info()
		in.syst, in.haveSyst = s, true
		return nil
	})
	return s, err
}

// system returns the remembered SYST answer, sending SYST the first
// time; a server that refuses SYST gives "". The caller holds the
// session.
func (c *Conn) system(ctx context.Context) (string, error) {
	in := c.info()
	if in.haveSyst {
		return in.syst, nil
	}
	r, err := c.cmd(ctx, "SYST")
	var fe *Error
	switch {
	case errors.As(err, &fe) && fe.Code/100 == 5 && fe.Code != 530:
		r = Reply{}
	case err != nil:
		return "", err
	}
	if r.kind() == '2' {
		in.syst = r.Message()
	}
	in.haveSyst = true
	return in.syst, nil
}

// Status sends STAT with the arguments, separated by spaces, and returns
// the 2xx reply: the server's status without arguments, or a listing of
// a path (a 211, 212 or 213 multi-line reply) with one.
func (c *Conn) Status(ctx context.Context, args ...string) (Reply, error) {
	var r Reply
	err := c.do(func() error {
		var err error
		r, err = c.voidCmd(ctx, strings.TrimSpace("STAT "+strings.Join(args, " ")))
		return err
	})
	return r, err
}

// Site sends "SITE args", a server-specific command such as "CHMOD 644
// file", and returns the 2xx reply.
func (c *Conn) Site(ctx context.Context, args string) (Reply, error) {
	var r Reply
	err := c.do(func() error {
		var err error
		r, err = c.voidCmd(ctx, "SITE "+args)
		return err
	})
	return r, err
}

// ModTime returns the modification time of the file path (MDTM, RFC
// 3659: a 213 reply YYYYMMDDHHMMSS with an optional fraction of a
// second, in UTC).
func (c *Conn) ModTime(ctx context.Context, path string) (time.Time, error) {
	var t time.Time
	err := c.do(func() error {
		var err error
		t, err = c.modTime(ctx, path)
		return err
	})
	return t, err
}

// modTime is ModTime for a caller holding the session.
func (c *Conn) modTime(ctx context.Context, path string) (time.Time, error) {
	cmd := "MDTM " + path
	r, err := c.cmd(ctx, cmd)
	if err != nil {
		return time.Time{}, err
	}
	if r.Code != 213 {
		return time.Time{}, unexpected(cmd, r)
	}
	t, ok := parseMDTM(strings.TrimSpace(r.Message()))
	if !ok {
		return time.Time{}, protocolError(cmd, "malformed 213 reply: "+r.Text)
	}
	return t, nil
}

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

// SetModTime sets the modification time of the file path to t, to the
// second (MFMT, draft-somers-ftp-mfxx: "MFMT YYYYMMDDHHMMSS path" in
// UTC, answered 213).
func (c *Conn) SetModTime(ctx context.Context, path string, t time.Time) error {
	_, err := c.VoidCmd(ctx, "MFMT %s %s", t.UTC().Format("20060102150405"), path)
	return err
}

// The hash commands that predate HASH, by algorithm.
var xHashCommands = map[string]string{
	"SHA-512": "XSHA512",
	"SHA-256": "XSHA256",
	"SHA-1":   "XSHA1",
	"MD5":     "XMD5",
	"CRC32":   "XCRC",
}

// hashAlgorithm normalizes an algorithm name: "sha256" and "SHA-256"
// both give "SHA-256", "crc" gives "CRC32".
func hashAlgorithm(algo string) string {
	a := strings.ToUpper(strings.ReplaceAll(algo, "-", ""))
	switch a {
	case "SHA1", "SHA224", "SHA256", "SHA384", "SHA512":
		return "SHA-" + a[3:]
	case "CRC", "CRC32":
		return "CRC32"
	}
	return a
}

// Hash returns the server's checksum of the file path, in lower-case
// hexadecimal, with the algorithm algo: "SHA-256", "SHA-1", "SHA-512",
// "MD5" or "CRC32" (case and dash do not matter). When the server
// advertises HASH (draft-bryan-ftp-hash) it selects algo with OPTS HASH
// if it is not already the selected one, then sends HASH; otherwise it
// sends the matching XSHA256, XSHA1, XSHA512, XMD5 or XCRC command if
// FEAT lists it. Without either it returns an error matching
// ErrFeatureNotSupported, and sends nothing but FEAT.
func (c *Conn) Hash(ctx context.Context, path, algo string) (string, error) {
	var sum string
	err := c.do(func() error {
		f, err := c.features(ctx)
		if err != nil {
			return err
		}
		algo = hashAlgorithm(algo)
		if params, ok := f["HASH"]; ok && hashListed(params, algo) {
			sum, err = c.hashCmd(ctx, path, algo, params)
			return err
		}
		if x, ok := xHashCommands[algo]; ok && f.Has(x) {
			cmd := x + " " + path
			r, err := c.voidCmd(ctx, cmd)
			if err != nil {
				return err
			}
			if sum = hexField(r.Message(), 0); sum == "" {
				return protocolError(cmd, "no checksum in reply: "+r.Text)
			}
			return nil
		}
		return fmt.Errorf("%w: %s checksum", ErrFeatureNotSupported, algo)
	})
	return sum, err
}

// hashListed reports whether algo is in the HASH feature's list, such as
// "SHA-1;SHA-256*;MD5".
func hashListed(params, algo string) bool {
	for _, a := range strings.Split(params, ";") {
		if strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(a), "*"), algo) {
			return true
		}
	}
	return false
}

// hashCmd selects algo if needed and sends HASH.
func (c *Conn) hashCmd(ctx context.Context, path, algo, params string) (string, error) {
	selected := ""
	for _, a := range strings.Split(params, ";") {
		if a = strings.TrimSpace(a); strings.HasSuffix(a, "*") {
			selected = strings.TrimSuffix(a, "*")
		}
	}
	if !strings.EqualFold(selected, algo) {
		if _, err := c.voidCmd(ctx, "OPTS HASH "+algo); err != nil {
			return "", err
		}
		// Remember the new selection, so the next call skips OPTS.
		var b []string
		for _, a := range strings.Split(params, ";") {
			a = strings.TrimSuffix(strings.TrimSpace(a), "*")
			if strings.EqualFold(a, algo) {
				a += "*"
			}
			b = append(b, a)
		}
		c.info().feat["HASH"] = strings.Join(b, ";")
	}
	cmd := "HASH " + path
	r, err := c.voidCmd(ctx, cmd)
	if err != nil {
		return "", err
	}
	// 213 <algorithm> <start>-<end> <hash> <path>
	sum := hexField(r.Message(), 2)
	if sum == "" {
		return "", protocolError(cmd, "malformed HASH reply: "+r.Text)
	}
	return sum, nil
}

// hexField returns the first field of msg at or after field index from
// that is hexadecimal, lower-cased, or "".
func hexField(msg string, from int) string {
	fields := strings.Fields(msg)
	for i := from; i < len(fields); i++ {
		f := fields[i]
		ok := len(f) >= 8
		for j := 0; ok && j < len(f); j++ {
			ch := f[j] | 0x20
			ok = isDigit(f[j]) || (ch >= 'a' && ch <= 'f')
		}
		if ok {
			return strings.ToLower(f)
		}
	}
	return ""
}

// Allocate asks the server to reserve n bytes for the next upload
// (ALLO). Servers that need no reservation answer 202, which is success
// too.
func (c *Conn) Allocate(ctx context.Context, n int64) error {
	_, err := c.VoidCmd(ctx, "ALLO %d", n)
	return err
}

// StoreUnique opens a binary upload to a new file whose name the server
// chooses (STOU). The name is taken from the server's 150 reply in the
// form of RFC 1123 ("150 FILE: name"); it is "" when the reply does not
// give it, in which case the completion reply, available from the
// DataConn's Reply after Close, may. Write the file to the DataConn and
// Close it as for Stor.
func (c *Conn) StoreUnique(ctx context.Context) (*DataConn, string, error) {
	d, err := c.open(ctx, "STOU", nil)
	if err != nil {
		return nil, "", err
	}
	return d, uniqueName(d.start), nil
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

// UTF8 reports whether the server advertises UTF8 in its FEAT reply,
// which by RFC 2640 means that it uses UTF-8 path names, and if so sends
// "OPTS UTF8 ON", which some servers (IIS, older FileZilla Server) need
// before they switch. A server that refuses the OPTS command with 5xx
// (pure-ftpd says 504, pyftpdlib 501: both are always in UTF-8) still
// counts as UTF-8. A server that does not list UTF8 gets nothing but
// FEAT.
func (c *Conn) UTF8(ctx context.Context) (bool, error) {
	on := false
	err := c.do(func() error {
		f, err := c.features(ctx)
		if err != nil || !f.Has("UTF8") {
			return err
		}
		_, err = c.voidCmd(ctx, "OPTS UTF8 ON")
		var fe *Error
		if err != nil && !(errors.As(err, &fe) && fe.Code/100 == 5) {
			return err
		}
		on = true
		return nil
	})
	return on, err
}
