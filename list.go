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
		lines, err := c.mlsdLines(ctx, path, facts)
		if err != nil {
			yield(listing.Entry{}, err)
			return
		}
		for _, l := range lines {
			if !yield(listing.ParseMLSx(l), nil) {
				return
			}
		}
	}
}

func (c *Conn) mlsdLines(ctx context.Context, path string, facts []string) ([]string, error) {
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
	var out []string
	err := c.retrLines(ctx, cmd, func(l string) error {
		out = append(out, l)
		return nil
	})
	return out, err
}
