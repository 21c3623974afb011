package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
)

// options holds the global flags, the output streams and the servers
// of one run.
type options struct {
	active   bool
	debug    int
	timeout  time.Duration
	tls      bool
	cacert   string
	insecure bool
	tlsReuse string
	quiet    bool
	user     string // -u user[:password]
	retries  int

	stdin          io.Reader
	out            *output   // standard output
	stdout, stderr io.Writer // as given; write to out, not stdout
	cancel         context.CancelCauseFunc
	runCtx         context.Context

	mu      sync.Mutex
	servers map[string]*server // by serverKey
	secrets []string           // passwords, never printed
	pending []string           // notes printed at the end of the run
	maxConn int                // the pool size new Clients get
	inShell bool               // usage errors point to the shell's help

	warnInsecure sync.Once
}

func newOptions(stdin io.Reader, stdout, stderr io.Writer, cancel context.CancelCauseFunc) *options {
	o := &options{stdin: stdin, stdout: stdout, stderr: stderr, cancel: cancel, servers: map[string]*server{}}
	o.out = &output{w: stdout, broken: func() { cancel(errBrokenPipe) }}
	return o
}

// ctx returns the run's context, once a command has started.
func (o *options) ctx() context.Context {
	if o.runCtx == nil {
		return context.Background()
	}
	return o.runCtx
}

// newRootCmd builds the command tree for one run.
func newRootCmd(o *options) *cobra.Command {
	root := &cobra.Command{
		Use:   "ftpkit",
		Short: "ftpkit is an FTP and FTPS client",
		Long: `ftpkit lists, downloads, uploads and manages files over FTP and FTPS.

URLs: ftp://[user[:password]@]host[:port]/path; ftpes://... for explicit TLS
(AUTH TLS), ftps://... for implicit TLS (port 990). The path is relative to
the login directory, as in curl: ftp://host/dir/f is "dir/f",
ftp://host//abs/f is "/abs/f". '*' and '[...]' in a path are wildcards,
matched against the server's listing (percent-encode them, %2A and %5B, for
a literal name).

Credentials: -u user[:password], else the URL's, else the netrc entry for the
host ($NETRC or ~/.netrc), else anonymous. A user without a password takes it
from $FTPKIT_PASSWORD, the netrc file or a prompt on the terminal.

` + exitStatusHelp,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("missing command")
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			o.runCtx = cmd.Context()
			if err := o.check(); err != nil {
				return err
			}
			return o.checkTLSFlags(cmd.Name(), args)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err.Error()}
	})

	f := root.PersistentFlags()
	f.StringVarP(&o.user, "user", "u", "", "log in as `USER[:PASSWORD]` (without the password: $FTPKIT_PASSWORD, netrc or a prompt)")
	f.BoolVar(&o.active, "active", false, "use active mode (PORT/EPRT) for data connections")
	f.CountVarP(&o.debug, "debug", "d", "show the protocol on stderr (repeat, or --debug=N, for more)")
	f.DurationVar(&o.timeout, "timeout", ftp.DefaultTimeout, "bound on each network wait")
	f.IntVar(&o.retries, "retries", ftp.DefaultRetries, "times to retry an operation that failed for a passing reason")
	f.BoolVar(&o.tls, "tls", false, "use explicit TLS (AUTH TLS, protected data) for ftp:// URLs")
	f.StringVar(&o.cacert, "cacert", "", "verify the server with the PEM certificates in `FILE`")
	f.BoolVar(&o.insecure, "insecure", false, "do not verify the server's TLS certificate (unsafe)")
	f.StringVar(&o.tlsReuse, "tls-reuse", "on", "offer the control connection's TLS session on data connections (on|off)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar or retry messages")

	root.AddCommand(
		newLsCmd(o),
		newGetCmd(o),
		newPutCmd(o),
		newCatCmd(o),
		newStatCmd(o),
		newRmCmd(o),
		newMkdirCmd(o),
		newRmdirCmd(o),
		newMvCmd(o),
		newQuoteCmd(o),
		newMirrorCmd(o),
		newShellCmd(o),
		newVersionCmd(o),
		newManCmd(o),
		newDemoCmd(o),
	)
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
	if o.retries < 0 {
		return usageErrorf("--retries must not be negative")
	}
	if o.tlsReuse != "on" && o.tlsReuse != "off" {
		return usageErrorf("--tls-reuse must be on or off, not %q", o.tlsReuse)
	}
	return nil
}

// argsUsage accepts between min and max arguments (max < 0: any
// number), else reports the command's usage line.
func argsUsage(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || max >= 0 && len(args) > max {
			return usageErrorf("usage: %s", cmd.UseLine())
		}
		return nil
	}
}

// note keeps a note for the end of the run: something the user should
// know about a failure, printed after it.
func (o *options) note(format string, args ...any) {
	o.mu.Lock()
	o.pending = append(o.pending, fmt.Sprintf(format, args...))
	o.mu.Unlock()
}

// notes prints the notes kept so far.
func (o *options) notes() {
	o.mu.Lock()
	pending := o.pending
	o.pending = nil
	o.mu.Unlock()
	for _, n := range pending {
		fmt.Fprintf(o.stderr, "ftpkit: note: %s\n", o.scrub(n))
	}
}
