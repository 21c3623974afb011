// Package ftp is an FTP and FTPS client (RFC 959, 2228, 2428, 3659, 4217).
//
// It offers everything Python's ftplib does, in Go's terms: every network
// call takes a context.Context, data moves through io.Reader and
// io.Writer, errors are typed and classified for errors.Is (io/fs errors
// included), listings come as iterators of structured entries, and debug
// output goes to an io.Writer or a log/slog.Logger. docs/ftplib.md maps
// every ftplib name to its counterpart here.
//
// There are two ways in. A Conn is one session, driven command by
// command, as ftplib's FTP object is:
//
//	c, err := ftp.Dial(ctx, "ftp.example.com:21", ftp.WithExplicitTLS(nil))
//	if err != nil { ... }
//	defer c.Close()
//	if err := c.Login(ctx, "user", "secret"); err != nil { ... }
//	f, _ := os.Create("report.pdf")
//	err = c.Retrieve(ctx, "report.pdf", f)
//	...
//	err = c.Quit(ctx)
//
// A Client is for automated jobs: it is safe for many goroutines, pools
// sessions, retries what fails for a passing reason, resumes downloads,
// fetches large files in segments, and writes local files safely:
//
//	c, err := ftp.NewClient("ftpes://user@ftp.example.com/", ftp.WithMaxConns(8))
//	if err != nil { ... }
//	defer c.Close()
//	err = c.Download(ctx, "pub/file.iso", "file.iso")
//
// DownloadEach takes many small files at once on one session, sending
// their commands in batches where the server allows.
//
// Copy moves a file from one server to another without it passing
// through the client (FXP, ftplib's ftpcp). Package ftphttp puts ftp://
// URLs behind net/http; package ftpfs shows a Conn as an io/fs.FS.
//
// # Safety
//
// Every network wait is bounded by the context and by a per-operation
// timeout (DefaultTimeout unless WithTimeout says otherwise). A download
// that ends short of the size the server announced, or a transfer without
// its completion reply, is an error (ErrShortTransfer), never silent
// truncation; so is a TLS download that ends without close_notify when
// nothing else proves it whole. An upload whose source fails is aborted
// with a reset, never ended in order (DataConn.CloseWithError). A command
// containing CR, LF or NUL is refused before anything is sent
// (ErrInvalidCommand). The address in a PASV reply is ignored in favour
// of the server's control address unless WithTrustedPASVAddress is given,
// and an active-mode data connection from any other address is refused.
// TLS certificates are verified by default. Passwords never appear in
// debug output, and text from the server is escaped in error messages.
//
// # Errors
//
// A reply is an *Error matching ErrTemporary, ErrPermanent,
// ErrUnexpectedReply or ErrProtocol, and fs.ErrNotExist, fs.ErrPermission
// or fs.ErrExist where its text says which; a network failure is an
// *OpError naming the command, the connection (control or data) and the
// timeout. docs/errors.md has the rules and what four real servers give.
//
// # Data connections
//
// Passive mode tries EPSV first, on IPv4 as on IPv6, and falls back to
// PASV for the rest of the session once a server refuses it. Active mode
// (WithActiveMode, Conn.SetPassive) listens on the control connection's
// local address, not on every interface. Downloads to an *os.File use the
// kernel's splice when the data connection is not encrypted. Uploads copy
// through a 256 KiB buffer rather than use sendfile, which measured
// slower against real servers (docs/performance.md).
//
// # TLS
//
// WithExplicitTLS (AUTH TLS) and WithImplicitTLS secure the control
// connection and, after Login, the data connections (PROT P). Data
// connections resume the control connection's TLS session, under TLS 1.2
// and 1.3, as vsftpd (require_ssl_reuse) and proftpd require; every
// session has a session cache of its own. An upload ends with
// close_notify and waits for the server's close, so no server drops its
// tail. WithTLSConfig, AuthTLS, ProtP, ProtC and CCC give the
// step-by-step control of ftplib's FTP_TLS.
//
// # Concurrency
//
// A Conn serves one call at a time: a call made while another runs, or
// while a DataConn is open, fails with ErrBusy; a call of several
// commands holds the session throughout. Close may be called from any
// goroutine to interrupt a call. A Client serves any number of
// goroutines.
package ftp
