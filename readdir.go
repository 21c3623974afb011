package ftp

import (
	"context"
	"slices"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// ReadDir lists the directory path (the working directory if "") and
// returns its entries sorted by name, without the directory itself and
// its parent ("." and "..", MLSD's cdir and pdir).
//
// When the server advertises MLST (RFC 3659) it sends MLSD and parses
// each line with listing.ParseMLSx. Otherwise it sends LIST and parses
// the lines with a listing.Parser that detects the format, hinted by
// the server's SYST reply (sent once per Conn); times are then read in
// UTC. No line is dropped silently: a line the parser does not
// understand is returned as an Entry of TypeUnknown whose Name is the
// whole line (see listing.Entry.Unparsed). Only blank lines and lines
// such as "total 12" are left out.
//
// A 550 reply (other than one saying access is denied) gives a
// *NotExistError. Note that many servers answer LIST of a missing
// directory with an empty listing, and LIST of a file with that file's
// entry; use Stat first where that matters.
func (c *Conn) ReadDir(ctx context.Context, path string) ([]listing.Entry, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	f, err := c.features(ctx)
	if err != nil {
		c.release()
		return nil, err
	}
	mlsd := f.Has("MLST") || f.Has("MLSD")
	var parser listing.Parser
	cmd := "MLSD"
	if !mlsd {
		syst, err := c.system(ctx)
		if err != nil {
			c.release()
			return nil, err
		}
		parser.Hint = listing.FormatFromSYST(syst)
		cmd = "LIST"
	}
	if path != "" {
		cmd += " " + path
	}
	var out []listing.Entry
	err = c.retrLines(ctx, cmd, func(l string) error {
		var e listing.Entry
		if mlsd {
			if strings.TrimSpace(l) == "" {
				return nil
			}
			e = listing.ParseMLSx(l)
		} else {
			var ok bool
			if e, ok = parser.Parse(l); !ok {
				return nil
			}
		}
		if e.IsDotDir() || e.Name == "." || e.Name == ".." {
			return nil
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, asNotExist(path, err)
	}
	slices.SortStableFunc(out, func(a, b listing.Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
