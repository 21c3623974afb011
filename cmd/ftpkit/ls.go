package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newLsCmd(o *options) *cobra.Command {
	var long bool
	cmd := &cobra.Command{
		Use:   "ls [-l] URL",
		Short: "List a remote directory",
		Long: `ls prints the names in a remote directory (NLST), one a line, or with -l
the lines of the server's LIST output as they come.`,
		Args: argsUsage(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.ls(cmd, args[0], long)
		},
	}
	cmd.Flags().BoolVarP(&long, "long", "l", false, "print the LIST lines")
	return cmd
}

// ls lists the directory of rawURL on stdout.
func (o *options) ls(cmd *cobra.Command, rawURL string, long bool) error {
	ctx := cmd.Context()
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	c, err := o.connect(ctx, rawURL, u)
	if err != nil {
		return err
	}
	defer quit(ctx, c)
	var lines []string
	if long {
		lines, err = c.List(ctx, u.Path)
	} else if u.Path == "" {
		lines, err = c.NameList(ctx)
	} else {
		lines, err = c.NameList(ctx, u.Path)
	}
	if err != nil {
		return fail("list "+displayPath(u.Path), err)
	}
	for _, l := range lines {
		fmt.Fprintln(o.stdout, l)
	}
	return nil
}

// displayPath names a remote path in messages.
func displayPath(p string) string {
	if p == "" {
		return "the login directory"
	}
	return p
}
