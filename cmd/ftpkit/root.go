package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
)

// options holds the global flags and the output streams of one run.
type options struct {
	active   bool
	debug    int
	timeout  time.Duration
	tls      bool
	cacert   string
	insecure bool
	tlsReuse string
	quiet    bool

	stdout, stderr io.Writer
}

// newRootCmd builds the command tree for one run.
func newRootCmd(o *options) *cobra.Command {
	root := &cobra.Command{
		Use:   "ftpkit",
		Short: "ftpkit is an FTP and FTPS client",
		Long: `ftpkit lists, downloads and uploads files over FTP and FTPS.

URLs: ftp://[user[:password]@]host[:port]/path, or ftps://... for implicit
TLS (port 990). The path is relative to the login directory, as in curl:
ftp://host/dir/f is "dir/f", ftp://host//abs/f is "/abs/f". Without a user
name, credentials come from the netrc entry for the host ($NETRC or
~/.netrc), or else the login is anonymous.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("missing command")
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return o.check()
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err.Error()}
	})

	f := root.PersistentFlags()
	f.BoolVar(&o.active, "active", false, "use active mode (PORT/EPRT) for data connections")
	f.CountVarP(&o.debug, "debug", "d", "show the protocol on stderr (repeat, or --debug=N, for more)")
	f.DurationVar(&o.timeout, "timeout", ftp.DefaultTimeout, "bound on each network wait")
	f.BoolVar(&o.tls, "tls", false, "use explicit TLS (AUTH TLS, protected data) for ftp:// URLs")
	f.StringVar(&o.cacert, "cacert", "", "verify the server with the PEM certificates in `FILE`")
	f.BoolVar(&o.insecure, "insecure", false, "do not verify the server's TLS certificate (unsafe)")
	f.StringVar(&o.tlsReuse, "tls-reuse", "on", "offer the control connection's TLS session on data connections (on|off)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar")

	root.AddCommand(newLsCmd(o), newGetCmd(o), newPutCmd(o), newDemoCmd(o))
	return root
}

// check validates the global flags.
func (o *options) check() error {
	if o.timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	if o.debug < 0 {
		return usageErrorf("--debug must not be negative")
	}
	if o.tlsReuse != "on" && o.tlsReuse != "off" {
		return usageErrorf("--tls-reuse must be on or off, not %q", o.tlsReuse)
	}
	return nil
}

// argsUsage accepts between min and max arguments, else reports the
// command's usage line.
func argsUsage(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return usageErrorf("usage: %s", cmd.UseLine())
		}
		return nil
	}
}

// A usageError is a misuse of the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// An opError is a failed operation: exit status 1. It prints as
// "what: err".
type opError struct {
	what string
	err  error
}

func (e *opError) Error() string {
	if e.what == "" {
		return e.err.Error()
	}
	return e.what + ": " + e.err.Error()
}

func (e *opError) Unwrap() error { return e.err }

// fail wraps err, if not nil, as the failure of what.
func fail(what string, err error) error {
	if err == nil {
		return nil
	}
	return &opError{what, err}
}

// report prints err as one line on w and returns the exit status for it.
// Operations fail with an *opError (1); anything else comes from parsing
// the command line (2).
// The lines of a multi-line server reply are joined with "; ".
func report(w io.Writer, err error) int {
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	var oe *opError
	if errors.As(err, &oe) {
		fmt.Fprintf(w, "ftpkit: %s\n", msg)
		return 1
	}
	fmt.Fprintf(w, "ftpkit: %s (see 'ftpkit --help')\n", msg)
	return 2
}
