package ftp

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// do runs f holding the session.
func (c *Conn) do(f func() error) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	return f()
}

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
	_, err := c.VoidCmd(ctx, "RMD %s", name)
	return err
}

// Size returns the size of the file name in bytes (SIZE, 213 reply).
// Unlike ftplib, it first switches to binary mode (TYPE I), because
// servers count ASCII sizes differently or refuse SIZE in ASCII mode, and
// a reply other than 213 is an error rather than a missing value.
func (c *Conn) Size(ctx context.Context, name string) (int64, error) {
	var size int64 = -1
	if strings.ContainsAny(name, "\r\n\x00") {
		return size, ErrInvalidCommand // before TYPE I is sent
	}
	err := c.do(func() error {
		if err := c.setType(ctx, "I"); err != nil {
			return err
		}
		r, err := c.cmd(ctx, "SIZE "+name)
		if err != nil {
			return err
		}
		if r.Code != 213 {
			return unexpected("SIZE "+name, r)
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(r.Text[3:]), 10, 64)
		if perr != nil || n < 0 {
			return protocolError("SIZE "+name, "malformed 213 reply: "+r.Text)
		}
		size = n
		return nil
	})
	return size, err
}

// Noop sends NOOP, which keeps an idle session alive.
func (c *Conn) Noop(ctx context.Context) error {
	_, err := c.VoidCmd(ctx, "NOOP")
	return err
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
