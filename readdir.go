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
// UTC. WithListParser chooses the format, time zone and clock instead. To a server whose SYST names Unix it sends "LIST -a", so that
// names starting with a dot are listed, as os.ReadDir lists them; if
// the server refuses the option (500, 501, 502 or 504), plain LIST. No line is dropped silently: a line the parser does not
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
	var out []listing.Entry
	keep := func(e listing.Entry) {
		if !e.IsDotDir() && e.Name != "." && e.Name != ".." {
			out = append(out, e)
		}
	}
	if f.Has("MLST") || f.Has("MLSD") {
		err = c.retrLines(ctx, joinArg("MLSD", path), func(l string) error {
			if strings.TrimSpace(l) != "" {
				keep(listing.ParseMLSx(l))
			}
			return nil
		})
	} else {
		err = c.listDir(ctx, path, func(e listing.Entry) error {
			keep(e)
			return nil
		})
	}
	if err != nil {
		return nil, asNotExist(path, err)
	}
	slices.SortStableFunc(out, func(a, b listing.Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
