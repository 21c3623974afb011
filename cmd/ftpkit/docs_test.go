package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompletion checks the completion scripts cobra generates.
func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "__start_ftpkit",
		"zsh":        "#compdef ftpkit",
		"fish":       "complete -c ftpkit",
		"powershell": "Register-ArgumentCompleter",
	} {
		out, stderr, code := ftpkit(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes without %q", shell, code, stderr, len(out), want)
		}
	}
	// Commands and flags complete.
	out := mustRun(t, "__complete", "")
	for _, c := range []string{"get\t", "put\t", "shell\t", "rmdir\t"} {
		if !strings.Contains(out, c) {
			t.Errorf("completion of commands lacks %q:\n%s", c, out)
		}
	}
	out = mustRun(t, "__complete", "get", "--no")
	if !strings.Contains(out, "--no-clobber") {
		t.Errorf("completion of get --no:\n%s", out)
	}
}

// TestManPages checks the manual pages cobra/doc generates.
func TestManPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man1")
	mustRun(t, "--quiet", "man", dir)
	for _, page := range []string{"ftpkit.1", "ftpkit-get.1", "ftpkit-put.1", "ftpkit-ls.1", "ftpkit-shell.1", "ftpkit-quote.1"} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Error(err)
			continue
		}
		if !strings.Contains(string(b), ".TH \"FTPKIT\" \"1\"") || !strings.Contains(string(b), ".SH NAME") {
			t.Errorf("%s:\n%.300s", page, b)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "ftpkit.1"))
	if !strings.Contains(string(b), "Exit status") {
		t.Error("ftpkit.1 lacks the exit statuses")
	}
}

// TestVersion checks version and --version.
func TestVersion(t *testing.T) {
	a := mustRun(t, "version")
	b := mustRun(t, "--version")
	if a != b || !strings.HasPrefix(a, "ftpkit ") || !strings.Contains(a, "go1.") {
		t.Errorf("version %q, --version %q", a, b)
	}
}
