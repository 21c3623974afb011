package ftp

import (
	"context"
	"io"
)

// This file holds ftplib's command-string forms of the transfer methods:
// each takes a whole FTP command ("RETR name", "LIST -l", "STOU") where
// the methods of transfer.go take a path, and each name ends in Cmd so
// that a path passed by mistake is not sent as a command. docs/ftplib.md
// maps every ftplib name.

// TransferCmd opens a data connection, sends REST when WithOffset is
// given, sends cmd and returns the data connection once the server has
// answered 1xx (ftplib's ntransfercmd; Size gives the size a 150 reply
// announced). It sends no TYPE: the transfer type in force is used. A
// 2xx reply before the 1xx is skipped, as ftplib does.
//
// The Conn is busy until the DataConn is closed; DataConn.Close reads the
// server's completion reply. Commands whose verb is STOR, STOU or APPE
// are uploads: write to the DataConn. Others are downloads: read from it.
func (c *Conn) TransferCmd(ctx context.Context, cmd string, opts ...TransferOption) (*DataConn, error) {
	t := transferOptions(opts)
	if err := c.acquire(); err != nil {
		return nil, err
	}
	c.tainted = true
	d, err := c.transfer(ctx, cmd, t.offset)
	if err != nil {
		c.release()
		return nil, err
	}
	d.owner = true
	return d, nil
}

// RetrBinaryCmd runs the download command cmd (such as "RETR name") in
// binary mode and copies the data to w (ftplib's retrbinary). It returns
// nil only if all the data arrived and the server confirmed it.
// Retrieve is the same for a path.
func (c *Conn) RetrBinaryCmd(ctx context.Context, cmd string, w io.Writer, opts ...TransferOption) error {
	return c.retrieve(ctx, cmd, w, opts)
}

// StorBinaryCmd runs the upload command cmd (such as "STOR name") in
// binary mode with the data read from r until its end (ftplib's
// storbinary). Store is the same for a path.
func (c *Conn) StorBinaryCmd(ctx context.Context, cmd string, r io.Reader, opts ...TransferOption) error {
	return c.store(ctx, cmd, r, opts)
}

// RetrLinesCmd runs cmd (such as "LIST -l" or "RETR name") in ASCII mode
// and calls fn with each line, without its line terminator (ftplib's
// retrlines). As in ftplib a line ends at LF, CRLF or a bare CR, and a
// line longer than the line limit is an error. If fn returns an error,
// the transfer is aborted and that error returned.
func (c *Conn) RetrLinesCmd(ctx context.Context, cmd string, fn func(line string) error) error {
	return c.retrieveLines(ctx, cmd, fn)
}

// StorLinesCmd runs the upload command cmd in ASCII mode with the lines
// of r (ftplib's storlines); see StoreLines.
func (c *Conn) StorLinesCmd(ctx context.Context, cmd string, r io.Reader, fn func(line []byte)) error {
	return c.storeLines(ctx, cmd, r, fn)
}
