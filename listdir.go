package ftp

import (
	"context"
	"errors"

	"github.com/ftpkit/ftp/listing"
)

// listDir sends LIST for dir (the working directory if "") and calls fn
// with the entry of each line, parsed by a copy of the WithListParser
// parser, hinted by the server's SYST reply, for a caller holding the
// session; the session is
// released when it returns. Lines that are not entries ("total 12",
// blank lines) are skipped; lines no parser knows are entries of
// TypeUnknown. For VMS listings (by SYST or by choice), entries wrapped
// over two lines are joined first (see listing.VMSJoiner).
//
// For Unix listings it sends "LIST -a", so that names
// starting with a dot are listed as os.ReadDir lists them (vsftpd and
// pure-ftpd hide them from a plain LIST). A server that refuses the
// option with a syntax error (500, 501, 502 or 504) is asked again with
// a plain LIST, and not asked with -a again in this session.
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
	in := c.info()
	if is(listing.FormatUnix) && !in.noListAll {
		d, err := c.linesTransfer(ctx, joinArg("LIST -a", dir))
		if err == nil {
			return c.readLines(d, parse)
		}
		var fe *Error
		if !errors.As(err, &fe) || (fe.Code != 500 && fe.Code != 501 && fe.Code != 502 && fe.Code != 504) {
			c.release()
			return err
		}
		in.noListAll = true
	}
	if err := c.retrLines(ctx, joinArg("LIST", dir), parse); err != nil {
		return err
	}
	return vms.Flush(emit) // a last name line that nothing continued
}

// joinArg returns cmd followed by a space and arg, or cmd alone if arg
// is empty.
func joinArg(cmd, arg string) string {
	if arg == "" {
		return cmd
	}
	return cmd + " " + arg
}
