package ftp

import (
	"context"
	"errors"

	"github.com/ftpkit/ftp/listing"
)

// listDir sends LIST for dir (the working directory if "") and calls fn
// with the entry of each line, parsed by a copy of the WithListParser
// parser, hinted by the server's SYST reply, for a caller holding the
// session; the session is released when it returns. Lines that are not
// entries ("total 12", blank lines) are skipped; lines no parser knows
// are entries of TypeUnknown. For VMS listings (by SYST or by choice),
// entries wrapped over two lines are joined first (see
// listing.VMSJoiner).
//
// For Unix listings it sends "LIST -a", so that names starting with a
// dot are listed as os.ReadDir lists them (vsftpd and pure-ftpd hide
// them from a plain LIST). A server that refuses the
// option with a syntax error (500, 501, 502 or 504) is asked again with
// a plain LIST, and not asked with -a again in this session; so is one
// that answers 550 or sends no line at all (servers that support -a
// send "." and ".." even for an empty directory) where a plain LIST
// finds something, since it may have taken "-a" for a name.
func (c *Conn) listDir(ctx context.Context, dir string, fn func(listing.Entry) error) error {
	syst, err := c.system(ctx)
	if err != nil {
		c.release()
		return err
	}
	parser := c.cfg.listParser // WithListParser; Format and Hint default to auto
	if parser.Hint == listing.FormatAuto {
		parser.Hint = listing.FormatFromSYST(syst)
	}
	is := func(f listing.Format) bool {
		return parser.Format == f || parser.Format == listing.FormatAuto && parser.Hint == f
	}
	emit := func(l string) error {
		if e, ok := parser.Parse(l); ok {
			return fn(e)
		}
		return nil
	}
	parse := emit
	// VMS wraps an entry with a long name over two lines; join them.
	var vms listing.VMSJoiner
	if is(listing.FormatVMS) {
		parse = func(l string) error { return vms.Push(l, emit) }
	}
	retried := false
	if is(listing.FormatUnix) && !c.info().noListAll {
		done, err := c.listAll(ctx, dir, parse)
		if done {
			return err
		}
		retried = true
	}
	err = c.retrLines(ctx, joinArg("LIST", dir), func(l string) error {
		if retried {
			// -a was refused, or listed nothing where LIST lists
			// something: leave it out from now on.
			c.info().noListAll = true
			retried = false
		}
		return parse(l)
	})
	if err != nil {
		return err
	}
	return vms.Flush(emit) // a last name line that nothing continued
}

// listAll sends "LIST -a" for dir, for listDir. It reports done when
// that answered the call, with the listing (the session then released)
// or with an error. It reports not done, with the session held for a
// plain LIST, when the server refused -a with a syntax error, or
// answered 550, or sent nothing at all, not even "." and "..": a server
// that takes "-a" for a file name does that.
func (c *Conn) listAll(ctx context.Context, dir string, parse func(string) error) (done bool, err error) {
	d, err := c.linesTransfer(ctx, joinArg("LIST -a", dir))
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			switch fe.Code {
			case 500, 501, 502, 504:
				c.info().noListAll = true
				return false, nil
			case 550:
				return false, nil
			}
		}
		c.release()
		return true, err
	}
	n := 0
	err = c.readLines(d, func(l string) error {
		n++
		return parse(l)
	})
	if err != nil || n > 0 {
		return true, err
	}
	if err := c.acquire(); err != nil {
		return true, err
	}
	return false, nil
}

// joinArg returns cmd followed by a space and arg, or cmd alone if arg
// is empty.
func joinArg(cmd, arg string) string {
	if arg == "" {
		return cmd
	}
	return cmd + " " + arg
}
