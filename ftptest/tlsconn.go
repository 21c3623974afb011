package ftptest

import (
	"bufio"
	"bytes"
	"io"
	"net"
)

// prefixConn is a net.Conn whose reads first drain bytes that were already
// buffered from it.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func withPrefix(c net.Conn, br *bufio.Reader) net.Conn {
	n := br.Buffered()
	if n == 0 {
		return c
	}
	b, _ := br.Peek(n)
	return &prefixConn{Conn: c, r: io.MultiReader(bytes.NewReader(bytes.Clone(b)), c)}
}

// recordConn never returns bytes past the end of the current TLS record, so
// that after a close_notify the clear-text bytes that follow (CCC) are still
// unread in the underlying connection.
type recordConn struct {
	net.Conn
	hdr  []byte // unread part of the current record header
	left int    // unread bytes of the current record body
}

func (c *recordConn) Read(p []byte) (int, error) {
	if len(c.hdr) == 0 && c.left == 0 {
		h := make([]byte, 5)
		if _, err := io.ReadFull(c.Conn, h); err != nil {
			return 0, err
		}
		c.hdr = h
		c.left = int(h[3])<<8 | int(h[4])
	}
	if len(c.hdr) > 0 {
		n := copy(p, c.hdr)
		c.hdr = c.hdr[n:]
		return n, nil
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.Conn.Read(p)
	c.left -= n
	return n, err
}
