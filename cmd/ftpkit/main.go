// Command ftpkit is an FTP and FTPS client built on
// github.com/ftpkit/ftp.
//
// Usage:
//
//	ftpkit [flags] ls [-l] [-a] [-R] [-U] [--json] URL...
//	ftpkit [flags] get [-c] [-n] [-p] [-j N] [--segments N] URL... [LOCAL]
//	ftpkit [flags] get -r [-c] [-n] [-p] [-j N] URL... [LOCAL]
//	ftpkit [flags] put [-c] [-n] [-p] [-j N] [--temp] LOCAL... URL
//	ftpkit [flags] put -r [-c] [-n] [-p] [-j N] LOCAL... URL
//	ftpkit [flags] cat URL...
//	ftpkit [flags] stat [--json] URL...
//	ftpkit [flags] rm [-r] [-f] URL...
//	ftpkit [flags] mkdir [-p] URL...
//	ftpkit [flags] rmdir URL...
//	ftpkit [flags] mv URL DEST
//	ftpkit [flags] quote URL COMMAND...
//	ftpkit [flags] mirror [--delete] [-P N] [-x GLOB] [-i GLOB] [--dry-run] [--json] SOURCE TARGET
//	ftpkit [flags] shell [URL]
//	ftpkit version
//	ftpkit completion bash|zsh|fish|powershell
//	ftpkit man DIR
//	ftpkit demo
//
// URLs have the form ftp://[user[:password]@]host[:port]/path, ftpes://
// for explicit TLS (AUTH TLS) or ftps:// for implicit TLS (port 990 by
// default). As with curl, the path is relative to the login directory:
// ftp://host/dir/f names "dir/f" and ftp://host//abs/f names "/abs/f".
// The user name, password and path are percent-decoded; '*' and '[...]'
// in a path are wildcards, matched against the server's listing.
//
// get -r and put -r copy directories through the mirror engine (package
// github.com/ftpkit/ftp/mirror), adding and updating files, never
// deleting; mirror makes a tree an exact copy of another, in either
// direction or between servers. See docs/cli.md and docs/mirror.md.
//
// Credentials: -u user[:password], else the URL's, else the netrc file
// ($NETRC or ~/.netrc) entry for the host, else anonymous. A user name
// without a password takes it from $FTPKIT_PASSWORD, the netrc file, or
// a prompt on the terminal, so that no password need appear on a command
// line.
//
// The exit status tells what failed: see the README, docs/cli.md or
// "ftpkit --help".
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

func main() {
	// A write to a closed pipe (ftpkit ls | head) fails with EPIPE,
	// which ends the run cleanly, instead of killing the process
	// before it can remove its temporary files.
	signal.Ignore(syscall.SIGPIPE)
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range sigs {
			if h := interruptHandler.Load(); h != nil && (*h)(s) {
				continue
			}
			if ctx.Err() != nil {
				// A second signal while the first is being handled:
				// stop now.
				os.Exit(signalStatus(s))
			}
			cancel(&interrupted{s})
		}
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// interruptHandler, when set, sees each signal first and reports
// whether it took care of it: the shell uses it to interrupt a command
// rather than the whole session.
var interruptHandler atomic.Pointer[func(os.Signal) bool]

// run runs the command line args and returns the exit status. Normal
// output goes to stdout; errors, warnings, prompts, progress bars and
// protocol traces go to stderr. A cancelled ctx ends the run as an
// interrupt; its cause, if an *interrupted, names the signal.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	o := newOptions(stdin, stdout, stderr, cancel)
	defer o.closeClients()
	cmd := newRootCmd(o)
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(o.out)
	cmd.SetErr(stderr)
	err := cmd.ExecuteContext(ctx)
	var ue *usageError
	if err != nil && o.runCtx == nil && !errors.As(err, &ue) {
		// Cobra refused the command line before any command ran (an
		// unknown command, say).
		err = &usageError{err.Error()}
	}
	return o.exit(ctx, err)
}
