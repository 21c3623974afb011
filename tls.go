package ftp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// dataTLSConfig prepares cfg for the control and data connections of one
// session: ServerName is the dialled host unless set, and the session
// cache is always one of the session's own, whatever cfg holds. Go keys
// its client session cache by ServerName, so data connections offer the
// control connection's session: servers that require TLS session reuse
// (vsftpd require_ssl_reuse, proftpd by default) accept them. A cache
// shared by several sessions would offer another session's ticket after
// that session's handshake, which those servers refuse (rclone#7234,
// jlaffaye/ftp#342).
func dataTLSConfig(cfg *tls.Config, host string, noReuse bool) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	cfg.ClientSessionCache = nil
	if !noReuse {
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)
	}
	return cfg
}

// handshake secures the control connection.
func (c *Conn) handshake(ctx context.Context) error {
	tc := tls.Client(c.raw, c.tlsConfig)
	stop := c.arm(ctx, c.raw)
	err := tc.HandshakeContext(ctx)
	stop()
	if err != nil {
		return c.fail(ctx, "", err)
	}
	c.nc, c.secure = tc, true
	c.rr.r = bufio.NewReaderSize(tc, 4096)
	c.forget()
	return nil
}

// authTLS sends AUTH TLS and secures the control connection.
func (c *Conn) authTLS(ctx context.Context) (Reply, error) {
	if c.secure {
		return Reply{}, errors.New("ftp: control connection already uses TLS")
	}
	if c.tlsConfig == nil {
		c.tlsConfig = dataTLSConfig(nil, c.host, c.cfg.noReuse)
	}
	r, err := c.voidCmd(ctx, "AUTH TLS")
	if err != nil {
		return r, fmt.Errorf("ftp: server refused TLS: %w", err)
	}
	// Anything already received after the reply was sent in clear text
	// before the handshake: a server or a man in the middle injecting
	// replies (the STARTTLS injection attack). Refuse it.
	if c.rr.r.Buffered() > 0 || len(c.rr.pending) > 0 {
		c.Close()
		return r, protocolError("AUTH TLS", "data received after the AUTH TLS reply, before the TLS handshake")
	}
	return r, c.handshake(ctx)
}

// AuthTLS secures the control connection (AUTH TLS, then the handshake)
// with the configuration of WithTLSConfig, or the defaults (ftplib's
// auth). It is an error if the connection is already secure.
func (c *Conn) AuthTLS(ctx context.Context) (Reply, error) {
	var r Reply
	err := c.do(func() (err error) {
		c.tainted = true
		r, err = c.authTLS(ctx)
		return err
	})
	return r, err
}

// protectData sends PBSZ 0 and PROT P.
func (c *Conn) protectData(ctx context.Context) error {
	if _, err := c.voidCmd(ctx, "PBSZ 0"); err != nil {
		return err
	}
	if _, err := c.voidCmd(ctx, "PROT P"); err != nil {
		return err
	}
	c.protP = true
	return nil
}

// ProtP protects later data connections with TLS (PBSZ 0, PROT P;
// ftplib's prot_p). The control connection must be secure.
func (c *Conn) ProtP(ctx context.Context) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	c.tainted = true
	if !c.secure {
		return errors.New("ftp: PROT P needs a secure control connection")
	}
	return c.protectData(ctx)
}

// ProtC makes later data connections clear text (PROT C; ftplib's
// prot_c).
func (c *Conn) ProtC(ctx context.Context) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	c.tainted = true
	if _, err := c.voidCmd(ctx, "PROT C"); err != nil {
		return err
	}
	c.protP = false
	return nil
}

// CCC reverts the control connection to clear text after TLS (RFC 4217
// section 12; ftplib's ccc): after the 2xx reply both sides close TLS
// with close_notify and go on over the same TCP connection.
func (c *Conn) CCC(ctx context.Context) error {
	if err := c.acquire(); err != nil {
		return err
	}
	defer c.release()
	c.tainted = true
	tc, ok := c.nc.(*tls.Conn)
	if !ok {
		return errors.New("ftp: CCC needs a secure control connection")
	}
	if _, err := c.voidCmd(ctx, "CCC"); err != nil {
		return err
	}
	stop := c.arm(ctx, c.raw)
	defer stop()
	if err := tc.CloseWrite(); err != nil {
		return c.fail(ctx, "CCC", err)
	}
	c.raw.SetDeadline(c.deadline(ctx))
	if _, err := io.Copy(io.Discard, tc); err != nil {
		return c.fail(ctx, "CCC", fmt.Errorf("waiting for the server's close_notify: %w", err))
	}
	c.nc, c.secure = c.raw, false
	c.rr.r = bufio.NewReaderSize(c.raw, 4096)
	return nil
}

// secureData wraps a data connection in TLS, offering the control
// connection's session.
func (c *Conn) secureData(ctx context.Context, nc *eofConn) (*tls.Conn, error) {
	tc := tls.Client(nc, c.tlsConfig)
	nc.SetDeadline(c.deadline(ctx))
	if err := tc.HandshakeContext(ctx); err != nil {
		// The network deadline set from ctx's deadline can fire a moment
		// before ctx's own timer: report that as the context's expiry.
		var ne net.Error
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) && errors.As(err, &ne) && ne.Timeout() && !errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
		}
		return nil, fmt.Errorf("ftp: TLS handshake on data connection: %w", err)
	}
	nc.SetDeadline(time.Time{})
	return tc, nil
}

// eofConn records whether the peer closed the TCP connection, to tell a
// TLS close_notify from a bare close.
type eofConn struct {
	net.Conn
	eof bool
}

func (e *eofConn) Read(p []byte) (int, error) {
	n, err := e.Conn.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}
