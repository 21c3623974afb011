// Package parse benchmarks LIST parsing: ftpkit's listing package against
// github.com/jlaffaye/ftp, on the same deterministic 1,000,000-line Unix
// listing.
//
// jlaffaye/ftp keeps its LIST parser unexported, so it can only be driven
// through ServerConn.List. To compare like with like, the benchmarks serve
// the listing from a tiny in-process FTP server on 127.0.0.1 and measure
// three things over the same connection pattern (login, EPSV, LIST):
//
//   - BenchmarkList/network: read and split the lines, no parsing (the
//     cost both clients share);
//   - BenchmarkList/listing: the same, parsing each line with
//     listing.Parser into a []listing.Entry;
//   - BenchmarkList/jlaffaye: ServerConn.List.
//
// Parse cost = total - network. BenchmarkParse/listing also measures
// listing alone on the in-memory lines. See README.md for commands.
package parse
