package rawclient

import (
	"crypto/tls"
	"fmt"
	"io"
	"time"
)

// A Transfer is the outcome of one data transfer.
type Transfer struct {
	Prelim  string // the 1xx reply, "" if there was none
	Final   string // the final reply, code and text
	Code    int    // the final reply's code
	Data    []byte // what was read from the data connection
	DataErr error  // from the data connection
}

// Xfer sends cmd over a fresh passive data connection, secured with
// dataTLS unless it is nil, reads the data (upload == nil) or writes
// upload, and returns the replies without judging them. An upload over TLS
// ends with close_notify and waits for the server to close.
func (c *Client) Xfer(cmd string, upload []byte, dataTLS *tls.Config) Transfer {
	c.t.Helper()
	d := c.Passive()
	defer d.Close()
	c.Send("%s", cmd)
	// The data side runs beside the control side: servers differ in
	// whether they send 1xx before or after the data handshake. An upload
	// starts once the 1xx reply has come.
	done := make(chan Transfer, 1)
	start := make(chan bool, 1)
	go func() {
		var r Transfer
		var conn io.ReadWriteCloser = d
		if dataTLS != nil {
			tc := tls.Client(d, dataTLS)
			if r.DataErr = tc.Handshake(); r.DataErr != nil {
				done <- r
				return
			}
			conn = tc
		}
		if upload == nil {
			r.Data, r.DataErr = io.ReadAll(conn)
		} else if <-start {
			_, r.DataErr = conn.Write(upload)
			if tc, ok := conn.(*tls.Conn); ok && r.DataErr == nil {
				r.DataErr = tc.CloseWrite()
				_, _ = io.Copy(io.Discard, tc)
			}
		}
		if err := conn.Close(); r.DataErr == nil && upload != nil {
			r.DataErr = err
		}
		done <- r
	}()
	_ = c.Conn.SetDeadline(time.Now().Add(Timeout))
	var prelim string
	code, msg, err := c.Text.ReadResponse(0)
	if err == nil && code/100 == 1 {
		prelim = fmt.Sprintf("%d %s", code, msg)
		start <- true
		code, msg, err = c.Text.ReadResponse(0)
	} else {
		// Refused before the transfer: the server may never accept or
		// close the data connection.
		start <- false
		d.Close()
	}
	var r Transfer
	select {
	case r = <-done:
	case <-time.After(Timeout):
		c.t.Fatalf("%s: data connection hangs; control: %d %s %v", cmd, code, msg, err)
	}
	if err != nil {
		msg = "control: " + err.Error()
	}
	r.Prelim, r.Final, r.Code = prelim, fmt.Sprintf("%d %s", code, msg), code
	return r
}

// MustXfer is Xfer with data secured by the control connection's TLS
// configuration, if any; it fails the test unless the transfer gets a 1xx
// then a 2xx reply and its data connection no error.
func (c *Client) MustXfer(cmd string, upload []byte) Transfer {
	c.t.Helper()
	r := c.Xfer(cmd, upload, c.TLS)
	if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
		c.t.Fatalf("%s: replies %q, %q; data error %v", cmd, r.Prelim, r.Final, r.DataErr)
	}
	return r
}
