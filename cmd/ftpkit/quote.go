package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ftpkit/ftp"
)

func newQuoteCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "quote [flags] URL COMMAND...",
		Short: "Send raw commands and print the replies",
		Long: `quote logs in to the server of URL and sends each COMMAND as it is (one
argument, one command: quote ftp://host/ "SITE HELP" SYST), printing each
reply, control characters escaped. A 4xx or 5xx reply stops there, with its
exit status. Commands that need a data connection (LIST, RETR, STOR, ...)
are refused: use ls, get and put. The session is closed afterwards, so what
a command changed (CWD, TYPE) does not last.`,
		Args: argsUsage(2, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.quote(cmd.Context(), args[0], args[1:])
		},
	}
}

// quote sends the commands to the server of the URL raw.
func (o *options) quote(ctx context.Context, raw string, commands []string) error {
	if !isURL(raw) {
		return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw)
	}
	for _, c := range commands {
		if err := checkQuote(c); err != nil {
			return err
		}
	}
	r, err := o.remote(ctx, raw)
	if err != nil {
		return err
	}
	return r.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		for _, c := range commands {
			if err := o.sendQuote(ctx, s, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkQuote refuses a command quote cannot carry out.
func checkQuote(cmd string) error {
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return usageErrorf("a command cannot contain CR, LF or NUL")
	}
	verb, _, _ := strings.Cut(strings.TrimSpace(cmd), " ")
	switch strings.ToUpper(verb) {
	case "":
		return usageErrorf("empty command")
	case "RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD":
		return usageErrorf("%s needs a data connection: use ls, get or put", strings.ToUpper(verb))
	}
	return nil
}

// sendQuote sends one raw command on s and prints the reply.
func (o *options) sendQuote(ctx context.Context, s *ftp.Conn, cmd string) error {
	reply, err := s.Cmd(ctx, "%s", cmd)
	if err != nil {
		return fail("quote", err)
	}
	for _, l := range strings.Split(reply.Text, "\n") {
		if _, err := fmt.Fprintln(o.out, safe(l)); err != nil {
			return err
		}
	}
	return nil
}
