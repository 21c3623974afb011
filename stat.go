package ftp

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// isRefusal reports whether err is a 4xx or 5xx reply, after which the
// session is still in step and another command can be tried.
func isRefusal(err error) bool {
	var fe *Error
	return errors.As(err, &fe) && (fe.Code/100 == 4 || fe.Code/100 == 5)
}

// baseName is the last element of p, the Name of the Entry Stat returns:
// "/" for the root and "." for "".
func baseName(p string) string {
	if p == "" {
		return "."
	}
	if t := strings.TrimRight(p, "/"); t != "" {
		p = t
	}
	return path.Base(p)
}

// Stat returns the entry for path, named with its last element.
//
// When the server advertises MLST it sends "MLST path" and parses the
// facts of the reply (RFC 3659). Otherwise (vsftpd, for one) it tries,
// in order: SIZE then MDTM, which make path a file (unless FEAT lists
// features but not SIZE or MDTM, in which case that command is
// skipped); PWD, "CWD path" and "CWD" back to the working directory,
// which make it a directory of unknown size and time; and last a LIST
// of path's parent directory, in which path's entry is looked for. So
// the fallback tells files from directories with one to four commands,
// and only a path that is neither costs a listing. A server that
// answers SIZE for a directory makes it look like a file.
//
// A path the server does not have gives an *Error matching both
// fs.ErrNotExist and ErrPermanent.
func (c *Conn) Stat(ctx context.Context, path string) (listing.Entry, error) {
	if path == "" {
		path = "."
	}
	var e listing.Entry
	err := c.do(func() (err error) {
		e, err = c.stat(ctx, path)
		return err
	})
	return e, err
}

// stat is Stat for a caller holding the session.
func (c *Conn) stat(ctx context.Context, path string) (listing.Entry, error) {
	e, done, refusal, err := c.statProbe(ctx, path)
	if done || err != nil {
		return e, err
	}
	return c.statList(ctx, path, refusal)
}

// statProbe is Stat up to the LIST fallback, for a caller holding the
// session. done reports an answer (e or err); otherwise refusal is the
// last 4xx or 5xx reply met, if any.
func (c *Conn) statProbe(ctx context.Context, p string) (e listing.Entry, done bool, refusal, err error) {
	f, err := c.features(ctx)
	if err != nil {
		return e, true, nil, err
	}
	if f.Has("MLST") {
		e, err = c.mlst(ctx, p)
		return e, true, nil, err
	}
	name := baseName(p)
	if len(f) == 0 || f.Has("SIZE") {
		if err := c.setType(ctx, "I"); err != nil {
			return e, true, nil, err
		}
		cmd := "SIZE " + p
		r, err := c.cmd(ctx, cmd)
		switch {
		case err == nil && r.Code == 213:
			n, perr := strconv.ParseInt(strings.TrimSpace(r.Message()), 10, 64)
			if perr != nil || n < 0 {
				return e, true, nil, protocolError(cmd, "malformed 213 reply: "+r.Text)
			}
			e = listing.Entry{Name: name, Type: listing.TypeFile, Size: n}
			if len(f) == 0 || f.Has("MDTM") {
				t, err := c.modTime(ctx, p)
				switch {
				case err == nil:
					e.ModTime, e.Precision = t, listing.PrecisionSecond
					if t.Nanosecond() != 0 {
						e.Precision = listing.PrecisionSubsecond
					}
				case !isRefusal(err):
					return e, true, nil, err
				}
			}
			return e, true, nil, nil
		case err == nil:
			return e, true, nil, unexpected(cmd, r)
		case !isRefusal(err):
			return e, true, nil, err
		}
		refusal = err
	}
	r, err := c.cmd(ctx, "PWD")
	if err != nil && !isRefusal(err) {
		return e, true, nil, err
	}
	if err == nil && r.Code == 257 {
		if wd := parse257(r.Text); wd != "" {
			_, err := c.voidCmd(ctx, "CWD "+p)
			if err == nil {
				if _, err := c.voidCmd(ctx, "CWD "+wd); err != nil {
					// A failure to go back says nothing of p.
					c.moved = true
					return e, true, nil, withoutFS(err)
				}
				e = listing.Entry{Name: name, Type: listing.TypeDir, Size: -1, Mode: fs.ModeDir}
				return e, true, nil, nil
			}
			if !isRefusal(err) {
				return e, true, nil, err
			}
			refusal = err
		}
	}
	return e, false, refusal, nil
}

// mlst runs "MLST p" for a caller holding the session.
func (c *Conn) mlst(ctx context.Context, p string) (listing.Entry, error) {
	cmd := "MLST " + p
	r, err := c.cmd(ctx, cmd)
	if err != nil {
		return listing.Entry{}, err
	}
	if r.kind() != '2' {
		return listing.Entry{}, unexpected(cmd, r)
	}
	lines := r.Lines()
	if len(lines) < 3 {
		return listing.Entry{}, protocolError(cmd, "no entry in MLST reply: "+r.Text)
	}
	var e listing.Entry
	found := false
	for _, l := range lines[1 : len(lines)-1] {
		if strings.HasPrefix(l, " ") {
			e, found = listing.ParseMLST(l), true
			break
		}
	}
	if !found {
		// RFC 3659 requires the leading space; take the line anyway.
		e = listing.ParseMLSx(lines[1])
	}
	e.Name = baseName(p)
	return e, nil
}

// statList looks for p in the LIST of its parent directory.
func (c *Conn) statList(ctx context.Context, p string, refusal error) (listing.Entry, error) {
	name := baseName(p)
	parent := path.Dir(strings.TrimRight(p, "/"))
	dir := ""
	if parent != "." || strings.HasPrefix(p, "./") {
		dir = parent
	}
	var (
		e     listing.Entry
		found bool
	)
	err := c.listDir(ctx, dir, func(le listing.Entry) error {
		if !found && le.Name == name {
			e, found = le, true
		}
		return nil
	})
	if err != nil {
		return listing.Entry{}, err
	}
	if !found {
		var fe *Error
		if errors.As(refusal, &fe) && errors.Is(fe, fs.ErrNotExist) {
			return listing.Entry{}, refusal
		}
		return listing.Entry{}, notFound(joinArg("LIST", dir), name+" is not in the listing of "+parent)
	}
	return e, nil
}
