// Package ftphttp lets an http.Client fetch and store ftp:// and ftps://
// URLs: a Transport is an http.RoundTripper that carries out HTTP
// requests with FTP commands, on sessions pooled by package ftp's Client.
//
//	tr := ftphttp.NewTransport()
//	t := &http.Transport{}
//	t.RegisterProtocol("ftp", tr)
//	t.RegisterProtocol("ftps", tr)
//	client := &http.Client{Transport: t}
//	resp, err := client.Get("ftp://user:pass@host/pub/file.iso")
//
// A Transport can also be an http.Client's Transport by itself, for
// FTP URLs only.
//
// # URLs
//
// The scheme "ftp" is clear text and "ftps" implicit TLS (port 990), as
// curl reads them; "ftpes" is explicit TLS (AUTH TLS) for those who
// register it too. WithTLSConfig applies to both kinds of TLS. The URL
// is read by ftp.ParseURL, as curl reads FTP URLs: the path is
// percent-decoded and relative to the directory the server puts the
// user in at login, "ftp://host//abs" (or "/%2Fabs") names "/abs", and a
// ";type=a", ";type=i" or ";type=d" suffix chooses an ASCII transfer, a
// binary one (the default) or a directory listing. A fragment is
// ignored; a query is an error.
//
// The credentials are the URL's user and password, else those of the
// netrc file if WithNetrc enabled it, else the login is anonymous.
//
// # Requests
//
// GET of a file answers 200 with the file streamed as the body, and
// Content-Length, Last-Modified (from MLST or MDTM) and Content-Type (from
// the name's extension, by mime.TypeByExtension; else
// application/octet-stream). HEAD answers the same headers without a
// transfer. A single byte range ("Range: bytes=N-M", "bytes=N-",
// "bytes=-N") answers 206 with Content-Range: the transfer starts at N
// (REST) and is aborted after M. Conditional requests (If-Modified-Since,
// If-Unmodified-Since, If-None-Match: *, If-Match: *, If-Range with a
// date) answer 304 and 412 as http.ServeContent does.
//
// GET of a directory (a URL ending in "/", ";type=d", or a path that is a
// directory) answers its listing: one name per line as text/plain, or, if
// the Accept header prefers application/json, a JSON array of DirEntry.
//
// PUT stores the request's body (STOR), answering 201 for a new file and
// 204 for a replaced one. DELETE removes a file (DELE) or an empty
// directory (RMD), answering 204.
//
// # Errors
//
// A refusal by the server is a response, not an error: 404 for a missing
// path, 403 for a refused one, 401 for a refused login, 503 for a busy
// server (421) or a data connection that failed, 409, 507, and 502 for
// other failures (docs/ftphttp.md has the table), once the ftp.Client's
// retries are spent. The body holds the error and the ReplyHeader header
// the server's reply, control characters escaped. RoundTrip returns an
// error only when no server replied (the connection or the TLS handshake
// failed), for a URL ftp.ParseURL refuses, a user without a password, a
// request body that failed, and the request's context ending.
//
// The response body must be closed. Closing it before its end aborts the
// transfer (ABOR) and leaves the session for the next request; cancelling
// the request's context ends whatever the request is doing.
//
// docs/ftphttp.md has the whole behaviour, and how it compares with
// Python's urllib and Java's URLConnection.
package ftphttp
