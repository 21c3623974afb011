package ftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Batches: the EPSV and RETR of several small files sent in one write,
// so that each file after the first costs the server's answer and the
// data, not a round trip for the client's next command as well. At 10
// ms each way a small file then takes one leg of the path instead of
// three (docs/performance.md, group 8).
//
// Servers differ in what they do with a command that arrives while a
// transfer runs. vsftpd and ProFTPD keep it for after the transfer.
// Pure-FTPd keeps the commands that came in the same read as the
// transfer command, but answers "500 Unknown command" to one that
// arrives during the transfer and drops it. pyftpdlib runs it at once,
// and an EPSV then ends the transfer under way. So a batch is sent in
// one write, and only to servers whose greeting names one of the first
// three; the next batch is sent only once every reply of the last has
// come; and a reply out of place closes the session, whose files are
// then downloaded again one at a time.

// The limits of a batch of DownloadEach, for callers that group files
// for it (as package mirror and the ftpkit CLI do).
const (
	// BatchFiles is the most files whose commands go in one write.
	BatchFiles = 16
	// BatchMaxSize is the largest file a batch takes: a file the caller
	// stops reading is read to its end and discarded, since ABOR cannot
	// be sent while other transfers are queued behind it.
	BatchMaxSize = 256 << 10
)

const (
	// batchBytes bounds the commands of one batch: one write that fits
	// in one TCP segment even at IPv6's minimum MTU of 1,280 bytes (and
	// in one TLS record: Go's dynamic record sizing allows about 1,180
	// bytes in a connection's first record, twice that in the second
	// and more after, and a batch always follows the login's records),
	// so that Pure-FTPd, which reads up to 4 KiB at once, gets the whole
	// batch in one read.
	batchBytes = 1200
	// batchDrain bounds that reading, for a server sending more than the
	// listing said.
	batchDrain = 4 << 20
)

// queuesCommands reports whether the server is known to keep commands
// sent with a transfer command for after the transfer: its greeting
// names vsftpd, ProFTPD or Pure-FTPd.
func (c *Conn) queuesCommands() bool {
	t := c.welcome.Text
	return strings.Contains(t, "vsFTPd") || strings.Contains(t, "ProFTPD") || strings.Contains(t, "Pure-FTPd")
}

// canBatch reports whether the session may send a batch: passive mode
// with pipelining (EPSV known to work), a server that queues commands,
// and no batch under way.
func (c *Conn) canBatch() bool {
	return c.passive && c.canPipeline() && c.queuesCommands() && c.queued == 0
}

// sendRetrs sends EPSV and RETR for each of paths in one write (after
// TYPE I, if the session is in another type). The transfers are then
// opened in order with nextRetr; until the last is, no other command
// may be sent.
func (c *Conn) sendRetrs(ctx context.Context, paths []string) error {
	if err := c.setType(ctx, "I"); err != nil {
		return err
	}
	lines := make([]string, 0, 2*len(paths))
	for _, p := range paths {
		lines = append(lines, "EPSV", "RETR "+p)
	}
	c.cfg.debug.print(1, "batch", fmt.Sprintf("%d transfers in one write", len(paths)))
	if err := c.send(ctx, lines...); err != nil {
		return err
	}
	c.queued = len(paths)
	return nil
}

// nextRetr opens the data connection of the next transfer sent by
// sendRetrs, the file path whose listing gave size bytes: Close checks
// that exactly that many arrive. A failure of the transfer (550, say)
// leaves the session in step for the next; a reply out of place closes
// it.
func (c *Conn) nextRetr(ctx context.Context, path string, size int64) (*DataConn, error) {
	if c.queued == 0 {
		return nil, errors.New("ftp: no batched transfer is queued")
	}
	c.queued--
	d, err := c.startTransfer(ctx, "RETR "+path, 0, true)
	if err != nil {
		if !c.closed.Load() && !inStep(err) {
			c.Close()
		}
		if c.closed.Load() {
			c.queued = 0
		}
		return nil, err
	}
	if name, ok := parse150Name(d.start.Text); ok && name != path {
		// The reply of another file's RETR (vsftpd and ProFTPD name the
		// file): the session is out of step.
		c.Close()
		c.queued = 0
		d.tcp.Close()
		d.stop()
		c.untrack(d.tcp)
		return nil, unexpected("RETR "+path, d.start)
	}
	d.expect = size
	return d, nil
}

// inStep reports whether a batched transfer that failed with err
// consumed exactly its own replies: the server refused EPSV or RETR, or
// failed the transfer, in the usual way. A 500 to 504 is not: it is
// what Pure-FTPd answers to a command it dropped.
func inStep(err error) bool {
	var fe *Error
	if errors.Is(err, errUnpipelined) {
		return true
	}
	if !errors.As(err, &fe) || fe.class == ErrProtocol || fe.class == ErrUnexpectedReply {
		return false
	}
	return fe.Code >= 400 && (fe.Code < 500 || fe.Code > 504)
}

// discard ends early a download that has other transfers of its batch
// queued behind it on the session, where ABOR would be answered out of
// turn: the rest of the data is read and thrown away, and the
// completion reply read, so that the session stays in step. If that
// cannot be done (the data connection failed, the context ended, the
// server sends more than batchDrain), the session is closed.
func (d *DataConn) discard() error {
	c := d.c
	cause := d.err
	if d.ctx.Err() != nil {
		cause = context.Cause(d.ctx)
	}
	if d.ctx.Err() == nil && !d.eof {
		d.nc.SetDeadline(c.deadline(d.ctx))
		n, err := io.CopyN(io.Discard, d.nc, batchDrain)
		d.n += n
		if err == io.EOF {
			d.eof = true
		}
	}
	if !d.eof || d.ctx.Err() != nil {
		c.Close()
		c.queued = 0
		d.tcp.Close()
		if cause == nil {
			cause = ErrClosed
		}
		return fmt.Errorf("ftp: %s aborted: %w", maskCommand(d.cmd), cause)
	}
	err := d.complete()
	switch {
	case cause == nil:
		return err
	case err != nil:
		return fmt.Errorf("ftp: %s aborted: %w (%v)", maskCommand(d.cmd), cause, err)
	}
	var oe *OpError
	if errors.As(cause, &oe) {
		return cause
	}
	return fmt.Errorf("ftp: %s aborted: %w", maskCommand(d.cmd), cause)
}
