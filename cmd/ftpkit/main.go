// Command ftpkit is a small FTP and FTPS client built on
// github.com/ftpkit/ftp.
//
// Usage:
//
//	ftpkit [flags] ls [-l] URL
//	ftpkit [flags] get URL [LOCAL]
//	ftpkit [flags] put LOCAL URL
//	ftpkit [flags] demo
//
// URLs have the form ftp://[user[:password]@]host[:port]/path, or ftps://
// for implicit TLS (port 990 by default). As with curl, the path is
// relative to the login directory: ftp://host/dir/f names "dir/f" and
// ftp://host//abs/f names "/abs/f". The user name, password and path are
// percent-decoded. Without a user name the credentials come from the
// netrc file ($NETRC or ~/.netrc) entry for the host, or else the login
// is anonymous.
//
// The demo command starts an embedded FTP server on a loopback address
// and shows a complete session against it.
//
// ftpkit exits with status 0 on success, 1 when an operation fails and 2
// for a usage error.
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit status. Normal
// output goes to stdout; errors, warnings, progress bars and protocol
// traces go to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCmd(&options{stdout: stdout, stderr: stderr})
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var oe *opError
	if ctx.Err() != nil && errors.As(err, &oe) {
		// Whatever broke, it broke because of the interrupt.
		err = fail(oe.what, errors.New("interrupted"))
	}
	return report(stderr, err)
}
