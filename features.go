package ftp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

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

// Features returns the features the server advertises in its FEAT
// reply. FEAT is sent once per session, the first time any method needs
// it (Features, Stat, ReadDir, Walk, Hash, UTF8, a Client); the set is
// cached on the Conn, which is the one place it is kept, and forgotten
// when Login or AuthTLS changes what the server may advertise. A server
// that does not know FEAT (a 5xx reply) has no features: the result is
// an empty set and no error. The caller must not modify the map.
func (c *Conn) Features(ctx context.Context) (Features, error) {
	var f Features
	err := c.do(func() (err error) {
		f, err = c.features(ctx)
		return err
	})
	return f, err
}

// features returns the cached FEAT set, sending FEAT the first time.
// The caller holds the session.
func (c *Conn) features(ctx context.Context) (Features, error) {
	if c.feat != nil {
		return c.feat, nil
	}
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
	c.feat = parseFeatures(r)
	return c.feat, nil
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
		c.feat["HASH"] = strings.Join(b, ";")
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
