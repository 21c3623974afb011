package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
)

// TestExitStatuses brings about each documented exit status.
func TestExitStatuses(t *testing.T) {
	s := ftptest.NewServer(t)
	if err := os.WriteFile(filepath.Join(s.Root, "f"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(s.Root, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	tlsSrv, _ := tlsServer(t, false)
	local := t.TempDir()
	wrong := "ftp://" + s.User + ":wrong@" + s.Addr + "/"
	tests := []struct {
		name   string
		status int
		setup  func()
		args   []string
	}{
		{"success", exitOK, nil, []string{"ls", serverURL(s, "")}},
		{"other: rm of a directory", exitFailure, nil, []string{"rm", serverURL(s, "d")}},
		{"usage", exitUsage, nil, []string{"ls"}},
		{"connection refused", exitConnect, nil, []string{"--retries=0", "ls", "ftp://u:p@127.0.0.1:1/"}},
		{"TLS certificate", exitTLS, nil, []string{"--tls", "ls", serverURL(tlsSrv, "")}},
		{"AUTH TLS refused", exitTLS, nil, []string{"--tls", "--insecure", "ls", serverURL(s, "")}},
		{"login refused", exitLogin, nil, []string{"ls", wrong}},
		{"missing", exitNotFound, nil, []string{"get", serverURL(s, "nope"), local}},
		{"permission", exitPermission, func() { s.Fail("RETR", 1, "550 f: Permission denied") }, []string{"get", serverURL(s, "f"), local}},
		{"local I/O", exitLocal, nil, []string{"get", serverURL(s, "f"), filepath.Join(local, "nodir", "f")}},
		{"transfer cut", exitTransfer, func() { s.CutData("RETR", 1, 5) }, []string{"--retries=0", "get", serverURL(s, "f"), local}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			_, stderr, code := ftpkit(t, tt.args...)
			if code != tt.status {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.status, stderr)
			}
		})
	}
	s.ClearFaults()

	// Interrupted: 130, as for SIGINT (the signals themselves are
	// TestSignalsEndDownloads's).
	s.StallData("RETR", 1, 1, time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out, errb strings.Builder
	if code := run(ctx, []string{"get", serverURL(s, "f"), local}, strings.NewReader(""), &out, &errb); code != 130 {
		t.Errorf("interrupted: exit %d, want 130; stderr %q", code, errb.String())
	}
}

// TestExitStatusTables checks that the README's table, the one in
// "ftpkit --help" and the constants agree.
func TestExitStatusTables(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var fromREADME []int
	row := regexp.MustCompile(`(?m)^\| ([0-9, ]+) \| `)
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		for _, f := range strings.Split(m[1], ",") {
			n, _ := strconv.Atoi(strings.TrimSpace(f))
			fromREADME = append(fromREADME, n)
		}
	}
	var fromHelp []int
	for _, m := range regexp.MustCompile(`\b(\d+)\s{2,}`).FindAllStringSubmatch(exitStatusHelp, -1) {
		n, _ := strconv.Atoi(m[1])
		fromHelp = append(fromHelp, n)
	}
	fromHelp = append(fromHelp, 130, 143) // on the SIGHUP line
	want := []int{exitOK, exitFailure, exitUsage, exitConnect, exitTLS, exitLogin, exitNotFound, exitPermission, exitLocal, exitTransfer, 129, 130, 143, exitPipe}
	slices.Sort(fromREADME)
	slices.Sort(fromHelp)
	slices.Sort(want)
	if !slices.Equal(fromREADME, want) {
		t.Errorf("README lists %v, want %v", fromREADME, want)
	}
	if !slices.Equal(fromHelp, want) {
		t.Errorf("ftpkit --help lists %v, want %v", fromHelp, want)
	}
}

// TestNoGreeting checks an ftp:// URL for an implicit-TLS port: one
// connection, not one per retry, and a message that says what happened
// and suggests ftps://.
func TestNoGreeting(t *testing.T) {
	var conns atomic.Int32
	f := ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		conns.Add(1)
		c.ReadCommand() // an implicit-TLS server waits for a ClientHello
	})
	_, stderr, code := ftpkit(t, "--timeout=200ms", "ls", "ftp://u:p@"+f.Addr+"/")
	if code != exitConnect || !strings.Contains(stderr, "no greeting within 200ms") ||
		!strings.Contains(stderr, "(the server sent no greeting: if it expects TLS from the first byte (implicit FTPS, usually port 990), use ftps://)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "i/o timeout") && !strings.Contains(stderr, "no greeting") {
		t.Errorf("stderr says only i/o timeout: %q", stderr)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}

	// The other way round: ftps:// to a server in the clear.
	s := ftptest.NewServer(t)
	_, stderr, code = ftpkit(t, "--retries=0", "ls", "ftps://u:p@"+s.Addr+"/")
	if code != exitTLS || !strings.Contains(stderr, "(the server did not answer in TLS: for TLS after the greeting use ftpes:// (or --tls), for none ftp://)") {
		t.Errorf("ftps:// to a clear server: exit %d, stderr %q", code, stderr)
	}
}
