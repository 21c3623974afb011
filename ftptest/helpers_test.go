package ftptest

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// retr runs the download cmd over a passive data connection secured with
// cfg (clear if nil) and returns its data; it fails the test unless the
// transfer gets 1xx then 2xx.
func retr(t *testing.T, c *rawclient.Client, cfg *tls.Config, cmd string) []byte {
	t.Helper()
	r := c.Xfer(cmd, nil, cfg)
	if r.Prelim == "" || r.Code/100 != 2 || r.DataErr != nil {
		t.Fatalf("%s: replies %q, %q; data error %v", cmd, r.Prelim, r.Final, r.DataErr)
	}
	return r.Data
}

// stor uploads p with cmd over a passive data connection secured with cfg
// (clear if nil), closes it without waiting for the server to close it
// (goftp never closes a TLS one), and expects 226.
func stor(t *testing.T, c *rawclient.Client, cfg *tls.Config, p []byte, cmd string) {
	t.Helper()
	d := c.DialData(c.EPSV(), cfg)
	c.Expect(1, "%s", cmd)
	if _, err := d.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	c.ExpectReply(226)
}

func serverConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

type netConner interface{ NetConn() net.Conn }
