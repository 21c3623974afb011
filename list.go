package ftp

import (
	"bufio"
	"context"
	"io"
	"iter"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// retrLines runs a line-mode transfer for a caller holding the session;
// the session is released when it returns.
func (c *Conn) retrLines(ctx context.Context, cmd string, fn func(string) error) error {
	d, err := c.linesTransfer(ctx, cmd)
	if err != nil {
		c.release()
		return err
	}
	return c.readLines(d, fn)
}

// readLines calls fn with each line of the line-mode transfer d, then
// finishes it, which releases the session.
func (c *Conn) readLines(d *DataConn, fn func(string) error) error {
	var err error
	rr := replyReader{r: bufio.NewReaderSize(d, 64<<10), maxLine: c.cfg.maxLine}
	for {
		line, rerr := rr.readLine()
		if rerr != nil {
			if rerr != io.EOF {
				err = rerr
			}
			break
		}
		c.cfg.debug.print(3, "retr", line)
		if err = fn(line); err != nil {
			break
		}
	}
	return finishTransfer(d, err)
}

// lines collects the lines of a line-mode transfer.
func (c *Conn) lines(ctx context.Context, cmd string) ([]string, error) {
	if err := c.acquire(); err != nil {
		return nil, err
	}
	var out []string
	err := c.retrLines(ctx, cmd, func(l string) error {
		out = append(out, l)
		return nil
	})
	return out, err
}

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
		chunks, err := c.mlsdEntries(ctx, path, facts)
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
	if err := c.acquire(); err != nil {
		return nil, err
	}
	if len(facts) > 0 {
		if _, err := c.cmd(ctx, "OPTS MLST "+strings.Join(facts, ";")+";"); err != nil {
			c.release()
			return nil, err
		}
	}
	cmd := "MLSD"
	if path != "" {
		cmd += " " + path
	}
	var chunks [][]listing.Entry
	cur := make([]listing.Entry, 0, 64)
	err := c.retrLines(ctx, cmd, func(l string) error {
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

// mlsdChunk is the most entries mlsdEntries keeps in one slice.
const mlsdChunk = 4096
