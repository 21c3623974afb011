package main

// This file holds the benchmark operations of the ftpkit pooled client
// (ftp.Client, goroutine-safe, N sessions), run with -lib ftpkit-client.
// ftpbench measures them as the "ftpkit-client" rows of the pool and
// segmented scenario groups, and leaves those rows out while the
// functions below are nil (it asks with "benchclient -check -lib
// ftpkit-client OP", which exits with status 3 for a nil one).
//
// TODO(ftp.Client): once the root package has the pooled Client, assign
// both variables here, for example
//
//	func init() {
//		kitPoolGet = func(p poolArgs) error {
//			// ftp.NewClient(*addr, user/pass, TLS from tlsConfig() if *caFile != "",
//			// p.n sessions); download p.remote(i) to p.file(i) for i in
//			// [0, p.count) with p.n transfers in flight; Close.
//		}
//		kitSegGet = func(n int, remote, local string) error {
//			// the same Client with n sessions; a segmented download of
//			// remote (REST ranges over n sessions) into local.
//		}
//	}
//
// ftpbench calls them as
//
//	benchclient -lib ftpkit-client -addr HOST:PORT -user U -pass P pool-get -n 8 REMOTEDIR COUNT LOCALDIR
//	benchclient -lib ftpkit-client -addr HOST:PORT -user U -pass P seg-get -n 4 REMOTE LOCAL
//
// and checks the downloaded files itself (sizes and content).
var (
	// kitPoolGet downloads p.count files of p.dir over one ftp.Client
	// with p.n sessions. nil: not implemented yet.
	kitPoolGet func(p poolArgs) error

	// kitSegGet downloads remote into local in n segments, each over a
	// session of its own (REST and RETR). nil: not implemented yet.
	kitSegGet func(n int, remote, local string) error
)
