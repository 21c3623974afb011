package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"
)

// openTTY opens the terminal to ask for a password on: the controlling
// terminal, not standard input, which may carry a file to upload. Tests
// replace it.
var openTTY = func() (*os.File, error) {
	return os.OpenFile("/dev/tty", os.O_RDWR, 0)
}

// readPassword asks for a password on the terminal, without echo. An
// interrupt ends the wait, with the terminal's echo back on.
func readPassword(ctx context.Context, prompt string) (string, error) {
	tty, err := openTTY()
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	fd := int(tty.Fd())
	if !term.IsTerminal(fd) {
		tty.Close()
		return "", errors.New("no terminal to ask on")
	}
	state, err := term.GetState(fd)
	if err != nil {
		tty.Close()
		return "", err
	}
	fmt.Fprint(tty, prompt)
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		fmt.Fprintln(tty)
		tty.Close()
		if r.err != nil {
			return "", r.err
		}
		return string(r.b), nil
	case <-ctx.Done():
		// The read goes on until the process ends; the echo comes back
		// now.
		term.Restore(fd, state)
		fmt.Fprintln(tty)
		return "", context.Cause(ctx)
	}
}
