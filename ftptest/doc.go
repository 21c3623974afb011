// Package ftptest provides FTP servers for tests, in the spirit of
// net/http/httptest.
//
// Three servers cover three needs:
//
//   - Server is a real FTP server serving a directory on a loopback
//     address, optionally with explicit (AUTH TLS) or implicit TLS. Use it
//     to test a client end to end: NewServer in tests, Start elsewhere.
//     Server.URL holds its address and test credentials. goftp.io/server/v2
//     carries out the file commands; the Server handles TLS and data
//     connections itself and answers as vsftpd, proftpd, pure-ftpd and
//     pyftpdlib do where goftp differs (550 for a missing file, for MKD of
//     an existing name, for RMD of a non-empty directory, for an upload it
//     cannot write, ...).
//
//   - Fake is a scriptable server: a handler function reads commands and
//     writes replies one by one through a FakeConn, so a test can produce
//     misbehaviour on demand (malformed, injected or huge replies, stalls,
//     dropped control or data connections) and check the exact command
//     sequence the client sent (Fake.Commands).
//
//   - Dummy is a ready Fake handler that mirrors DummyFTPHandler, the fake
//     server of CPython's test_ftplib, reply for reply, with the same canned
//     data and the same knobs (next_response, next_data, ...). NewDummyTLS
//     adds AUTH TLS, PBSZ, PROT and CCC.
//
// A Server also misbehaves on request, with or without TLS, for tests of a
// client's failure handling that need no script: Server.Fail answers
// commands (or the greeting) with a given reply, such as "421 Too many
// connections"; Server.CutData resets a transfer's data connection after
// some bytes; Server.Stall and Server.StallData delay a reply or a
// transfer's data; WithMaxSessions refuses sessions beyond a limit, and
// Server.PeakSessions tells how many a client held at once;
// Server.Commands returns every command received.
//
// All servers listen on loopback addresses only, bound every blocking step
// with a deadline, and stop all their goroutines when closed. The
// constructors take a TB, which *testing.T satisfies, so that programs
// using Start do not link package testing.
//
// CA issues certificates (valid or expired) for TLS tests.
package ftptest
