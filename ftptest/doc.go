// Package ftptest provides FTP servers for tests, in the spirit of
// net/http/httptest.
//
// Three servers cover three needs:
//
//   - Server is a real FTP server (goftp.io/server/v2) serving a directory on
//     a loopback address, optionally with explicit or implicit TLS. Use it to
//     test a client end to end: NewServer in tests, Start elsewhere.
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
// All servers listen on loopback addresses only, bound every blocking step
// with a deadline, and stop all their goroutines when closed.
//
// CA issues certificates (valid or expired) for TLS tests.
package ftptest
