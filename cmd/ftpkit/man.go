package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "man [flags] DIR",
		Short: "Write the manual pages",
		Long: `man writes a manual page for ftpkit and each of its commands (ftpkit.1,
ftpkit-get.1, ...) into the directory DIR, made if needed. Install them
with, say, "ftpkit man /usr/local/share/man/man1". (Shell completion
scripts come from "ftpkit completion bash|zsh|fish|powershell".)`,
		Args: argsUsage(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o777); err != nil {
				return fail("man", err)
			}
			header := &doc.GenManHeader{Title: "FTPKIT", Section: "1", Source: versionString(), Manual: "ftpkit manual"}
			if err := doc.GenManTree(cmd.Root(), header, dir); err != nil {
				return fail("man", err)
			}
			if !o.quiet {
				fmt.Fprintf(o.stderr, "ftpkit: manual pages written to %s\n", dir)
			}
			return nil
		},
	}
}
