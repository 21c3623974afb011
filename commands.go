package ftp

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Rename renames from to to (RNFR, which must draw a 3xx reply, then
// RNTO).
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	if strings.ContainsAny(from+to, "\r\n\x00") {
		return ErrInvalidCommand // before RNFR is sent
	}
	return c.do(func() error {
		r, err := c.cmd(ctx, "RNFR "+from)
		if err != nil {
			return err
		}
		if r.kind() != '3' {
			return unexpected("RNFR "+from, r)
		}
		_, err = c.voidCmd(ctx, "RNTO "+to)
		return err
	})
}

// Delete removes the file name (DELE). As in ftplib only a 250 or 200
// reply counts as success.
func (c *Conn) Delete(ctx context.Context, name string) error {
	return c.do(func() error {
		r, err := c.cmd(ctx, "DELE "+name)
		if err == nil && r.Code != 250 && r.Code != 200 {
			err = unexpected("DELE "+name, r)
		}
		return err
	})
}

// Cwd changes the working directory. ".." is sent as CDUP, falling back
// to "CWD .." if the server answers 500; "" means "CWD ." (as in ftplib).
func (c *Conn) Cwd(ctx context.Context, dir string) error {
	return c.do(func() error {
		c.moved = true
		if dir == ".." {
			_, err := c.voidCmd(ctx, "CDUP")
			var fe *Error
			if !errors.As(err, &fe) || fe.Code != 500 {
				return err
			}
		} else if dir == "" {
			dir = "."
		}
		_, err := c.voidCmd(ctx, "CWD "+dir)
		return err
	})
}

// Mkd creates the directory name (MKD) and returns the path the server
// reports in its 257 reply, which may be absolute. Like ftplib it returns
// "" without error when a 2xx reply is not a 257 (as IIS sends).
func (c *Conn) Mkd(ctx context.Context, name string) (string, error) {
	var dir string
	err := c.do(func() error {
		r, err := c.voidCmd(ctx, "MKD "+name)
		if err == nil && r.Code == 257 {
			dir = parse257(r.Text)
		}
		return err
	})
	return dir, err
}

// Pwd returns the working directory (PWD, 257 reply; "" for another 2xx
// reply, as in ftplib).
func (c *Conn) Pwd(ctx context.Context) (string, error) {
	var dir string
	err := c.do(func() error {
		r, err := c.voidCmd(ctx, "PWD")
		if err == nil && r.Code == 257 {
			dir = parse257(r.Text)
		}
		return err
	})
	return dir, err
}

// Rmd removes the directory name (RMD).
func (c *Conn) Rmd(ctx context.Context, name string) error {
	return c.do(func() error {
		_, err := c.voidCmd(ctx, "RMD "+name)
		return err
	})
}

// Size returns the size of the file name in bytes (SIZE, 213 reply).
// Unlike ftplib, it first switches to binary mode (TYPE I), because
// servers count ASCII sizes differently or refuse SIZE in ASCII mode, and
// a reply other than 213 is an error rather than a missing value.
func (c *Conn) Size(ctx context.Context, name string) (int64, error) {
	if strings.ContainsAny(name, "\r\n\x00") {
		return -1, ErrInvalidCommand // before TYPE I is sent
	}
	size := int64(-1)
	err := c.do(func() error {
		if err := c.setType(ctx, "I"); err != nil {
			return err
		}
		var err error
		size, err = c.size(ctx, name)
		return err
	})
	return size, err
}

// size sends SIZE for a caller holding the session, in the TYPE in
// force.
func (c *Conn) size(ctx context.Context, name string) (int64, error) {
	cmd := "SIZE " + name
	r, err := c.cmd(ctx, cmd)
	if err != nil {
		return -1, err
	}
	if r.Code != 213 {
		return -1, unexpected(cmd, r)
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(r.Message()), 10, 64)
	if perr != nil || n < 0 {
		return -1, protocolError(cmd, "malformed 213 reply: "+r.Text)
	}
	return n, nil
}

// Noop sends NOOP, which keeps an idle session alive.
func (c *Conn) Noop(ctx context.Context) error {
	return c.do(func() error {
		_, err := c.voidCmd(ctx, "NOOP")
		return err
	})
}

// Abort sends ABOR outside a transfer (ftplib's abort) and returns the
// reply, which must be 225, 226 or 426; after a 426 the 226 that follows
// is read too, so the next command gets its own reply (ftplib leaves it
// unread). To abort a transfer in progress, close its DataConn early or
// cancel its context.
func (c *Conn) Abort(ctx context.Context) (Reply, error) {
	var r Reply
	err := c.do(func() error {
		if err := c.send(ctx, "ABOR"); err != nil {
			return err
		}
		var err error
		if r, err = c.read(ctx, "ABOR"); err != nil {
			return err
		}
		if r.Code == 426 {
			if r, err = c.read(ctx, "ABOR"); err != nil {
				return err
			}
		}
		switch r.Code {
		case 225, 226:
			return nil
		}
		return protocolError("ABOR", r.Text)
	})
	return r, err
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
		c.syst = &s
		return nil
	})
	return s, err
}

// system returns the remembered SYST answer, sending SYST the first
// time; a server that refuses SYST gives "". The caller holds the
// session.
func (c *Conn) system(ctx context.Context) (string, error) {
	if c.syst != nil {
		return *c.syst, nil
	}
	r, err := c.cmd(ctx, "SYST")
	var fe *Error
	switch {
	case errors.As(err, &fe) && fe.Code/100 == 5 && fe.Code != 530:
		r = Reply{}
	case err != nil:
		return "", err
	}
	s := ""
	if r.kind() == '2' {
		s = r.Message()
	}
	c.syst = &s
	return s, nil
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

// SetModTime sets the modification time of the file path to t, to the
// second (MFMT, draft-somers-ftp-mfxx: "MFMT YYYYMMDDHHMMSS path" in
// UTC, answered 213).
func (c *Conn) SetModTime(ctx context.Context, path string, t time.Time) error {
	return c.do(func() error {
		_, err := c.voidCmd(ctx, "MFMT "+t.UTC().Format("20060102150405")+" "+path)
		return err
	})
}

// Allocate asks the server to reserve n bytes for the next upload
// (ALLO). Servers that need no reservation answer 202, which is success
// too.
func (c *Conn) Allocate(ctx context.Context, n int64) error {
	return c.do(func() error {
		_, err := c.voidCmd(ctx, "ALLO "+strconv.FormatInt(n, 10))
		return err
	})
}
