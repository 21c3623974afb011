package ftp

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// NameList returns the names NLST sends (ftplib's nlst). The arguments
// follow "NLST", each after a space; empty ones are kept, as in ftplib.
func (c *Conn) NameList(ctx context.Context, args ...string) ([]string, error) {
	var b strings.Builder
	b.WriteString("NLST")
	for _, a := range args {
		b.WriteString(" " + a)
	}
	return c.lines(ctx, b.String())
}

// List returns the lines LIST sends, unparsed (ftplib's dir, which
// prints them). Empty arguments are skipped, as in ftplib. ReadDir
// returns parsed entries.
func (c *Conn) List(ctx context.Context, args ...string) ([]string, error) {
	cmd := "LIST"
	for _, a := range args {
		if a != "" {
			cmd += " " + a
		}
	}
	return c.lines(ctx, cmd)
}

// lines collects the lines of a line-mode transfer.
func (c *Conn) lines(ctx context.Context, cmd string) ([]string, error) {
	var out []string
	err := c.retrieveLines(ctx, cmd, func(l string) error {
		out = append(out, l)
		return nil
	})
	return out, err
}

// MLSD lists path (the working directory if "") with MLSD (RFC 3659) and
// yields one entry per line, with its facts (a listing.Facts, whose Get
// and All lower-case the names) and the structured fields derived from
// them. Names and facts are split exactly as ftplib's mlsd splits them.
// If facts are given, "OPTS MLST f1;f2;" is sent first. Like ftplib's
// generator, nothing is sent until the iteration starts; the listing is
// read whole before the first entry is yielded, so the loop body may use
// the Conn. A failure is yielded once, as the error of a zero Entry.
func (c *Conn) MLSD(ctx context.Context, path string, facts ...string) iter.Seq2[listing.Entry, error] {
	return func(yield func(listing.Entry, error) bool) {
		var chunks [][]listing.Entry
		err := c.do(func() (err error) {
			chunks, err = c.mlsdEntries(ctx, path, facts)
			return err
		})
		if err != nil {
			yield(listing.Entry{}, err)
			return
		}
		for _, chunk := range chunks {
			for _, e := range chunk {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

// mlsdEntries runs MLSD and parses each line as it arrives, while the
// server is still sending, so that parsing costs no time of its own. The
// entries are kept in chunks of at most mlsdChunk, which a long listing
// fills without the copies and garbage of a growing slice.
func (c *Conn) mlsdEntries(ctx context.Context, path string, facts []string) ([][]listing.Entry, error) {
	if strings.ContainsAny(path+strings.Join(facts, ""), "\r\n\x00") {
		return nil, ErrInvalidCommand // before OPTS MLST is sent
	}
	if len(facts) > 0 {
		if _, err := c.cmd(ctx, "OPTS MLST "+strings.Join(facts, ";")+";"); err != nil {
			return nil, err
		}
	}
	var chunks [][]listing.Entry
	cur := make([]listing.Entry, 0, 64)
	err := c.mlsdTransfer(ctx, path, func(l string) error {
		if len(cur) == cap(cur) {
			chunks = append(chunks, cur)
			cur = make([]listing.Entry, 0, min(2*cap(cur), mlsdChunk))
		}
		cur = append(cur, listing.ParseMLSx(l))
		return nil
	})
	chunks = append(chunks, cur)
	return chunks, err
}

// mlsdTransfer runs MLSD for path and calls fn with each line, for a
// caller holding the session. It sends no TYPE: RFC 3659 (7.2) has the
// listing sent as if TYPE L 8 were in force, whatever TYPE is, so a
// session alternating listings and binary transfers (a mirror) saves two
// commands a directory.
func (c *Conn) mlsdTransfer(ctx context.Context, path string, fn func(string) error) error {
	d, err := c.transfer(ctx, joinArg("MLSD", path), 0)
	if err != nil {
		return err
	}
	return c.readLines(d, fn)
}

// mlsdChunk is the most entries mlsdEntries keeps in one slice.
const mlsdChunk = 4096

// ReadDir lists the directory path (the working directory if "") and
// returns its entries sorted by name, without the directory itself and
// its parent ("." and "..", MLSD's cdir and pdir).
//
// When the server advertises MLST (RFC 3659) it sends MLSD and parses
// each line with listing.ParseMLSx. Otherwise it sends LIST and parses
// the lines with a listing.Parser that detects the format, hinted by
// the server's SYST reply (sent once per Conn); times are then read in
// UTC. WithListParser chooses the format, time zone and clock instead.
// To a server whose SYST names Unix it sends "LIST -a", so that names
// starting with a dot are listed, as os.ReadDir lists them; if the
// server refuses the option (500, 501, 502 or 504), plain LIST. No line
// is dropped silently: a line the parser does not understand is
// returned as an Entry of TypeUnknown whose Name is the whole line (see
// listing.Entry.Unparsed). Only blank lines and lines such as "total 12"
// are left out.
//
// A reply saying the directory does not exist gives an error matching
// fs.ErrNotExist, and so does an empty listing (as vsftpd sends for a
// missing directory) of a path that Stat does not find. Note that LIST
// of a file gives that file's entry; use Stat first where that matters.
func (c *Conn) ReadDir(ctx context.Context, path string) ([]listing.Entry, error) {
	var out []listing.Entry
	err := c.do(func() error {
		return c.readDir(ctx, path, func(e listing.Entry) error {
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b listing.Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ReadDirFunc lists the directory path as ReadDir does, but calls fn
// with each entry as it arrives, in the server's order, without holding
// the listing: a directory of a million entries costs no more memory
// than one of ten. "." and ".." are left out, and a missing directory
// gives an error matching fs.ErrNotExist, as with ReadDir. fn runs
// while the transfer is in progress and must not use the Conn; an error
// from fn aborts the listing and is returned, wrapped.
func (c *Conn) ReadDirFunc(ctx context.Context, path string, fn func(listing.Entry) error) error {
	return c.do(func() error { return c.readDir(ctx, path, fn) })
}

// readDir calls fn with each entry of the directory path but "." and
// "..", in the server's order, for a caller holding the session.
//
// A listing with no line at all, not even the "." and ".." (or MLSD's
// cdir) that servers send for an existing empty directory, is checked
// with Stat: vsftpd, and pure-ftpd's LIST, answer a missing directory
// with an empty listing and 226, which must not read as an empty
// directory.
func (c *Conn) readDir(ctx context.Context, path string, fn func(listing.Entry) error) error {
	f, err := c.features(ctx)
	if err != nil {
		return err
	}
	n := 0
	keep := func(e listing.Entry) error {
		n++
		if e.IsDotDir() || e.Name == "." || e.Name == ".." {
			return nil
		}
		return fn(e)
	}
	if f.Has("MLST") || f.Has("MLSD") {
		err = c.mlsdTransfer(ctx, path, func(l string) error {
			if strings.TrimSpace(l) == "" {
				return nil
			}
			return keep(listing.ParseMLSx(l))
		})
	} else {
		err = c.listDir(ctx, path, keep)
	}
	if err != nil || n > 0 || path == "" {
		return err
	}
	if _, err := c.stat(ctx, path); err != nil {
		return err
	}
	return nil
}

// listDir sends LIST for dir (the working directory if "") and calls fn
// with the entry of each line, parsed by a copy of the WithListParser
// parser, hinted by the server's SYST reply, for a caller holding the
// session. Lines that are not entries ("total 12", blank lines) are
// skipped; lines no parser knows are entries of TypeUnknown. For VMS
// listings (by SYST or by choice), entries wrapped over two lines are
// joined first (see listing.VMSJoiner).
//
// For Unix listings it sends "LIST -a", so that names starting with a
// dot are listed as os.ReadDir lists them (vsftpd and pure-ftpd hide
// them from a plain LIST). A server that refuses the option with a
// syntax error (500, 501, 502 or 504) is asked again with a plain LIST,
// and not asked with -a again in this session; so is one that answers
// 550 or sends no line at all (servers that support -a send "." and
// ".." even for an empty directory) where a plain LIST finds something,
// since it may have taken "-a" for a name.
func (c *Conn) listDir(ctx context.Context, dir string, fn func(listing.Entry) error) error {
	syst, err := c.system(ctx)
	if err != nil {
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
	if is(listing.FormatUnix) && !c.noListAll {
		done, err := c.listAll(ctx, dir, parse)
		if done {
			return err
		}
		retried = true
	}
	err = c.lineTransfer(ctx, joinArg("LIST", dir), func(l string) error {
		if retried {
			// -a was refused, or listed nothing where LIST lists
			// something: leave it out from now on.
			c.noListAll = true
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
// that answered the call, with the listing or with an error. It reports
// not done when the server refused -a with a syntax error, or answered
// 550, or sent nothing at all, not even "." and "..": a server that
// takes "-a" for a file name does that.
func (c *Conn) listAll(ctx context.Context, dir string, parse func(string) error) (done bool, err error) {
	d, err := c.openLines(ctx, joinArg("LIST -a", dir))
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			switch fe.Code {
			case 500, 501, 502, 504:
				c.noListAll = true
				return false, nil
			case 550:
				return false, nil
			}
		}
		return true, err
	}
	n := 0
	err = c.readLines(d, func(l string) error {
		n++
		return parse(l)
	})
	return err != nil || n > 0, err
}

// joinArg returns cmd followed by a space and arg, or cmd alone if arg
// is empty.
func joinArg(cmd, arg string) string {
	if arg == "" {
		return cmd
	}
	return cmd + " " + arg
}
