package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/listing"
)

// TestSorter checks the external sort of ls with runs of 7 entries: the
// order, the entries' fields, and no temporary file left visible.
func TestSorter(t *testing.T) {
	defer func(n int) { sortChunk = n }(sortChunk)
	sortChunk = 7
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var want []string
	s := &sorter{}
	for _, i := range rand.Perm(1000) {
		name := fmt.Sprintf("f%04d", i)
		want = append(want, name)
		e := listing.ParseMLSx(fmt.Sprintf("type=file;size=%d;modify=20240102030405; %s", i, name))
		if err := s.add(e); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.runs) != 1000/7 {
		t.Errorf("%d runs, want %d", len(s.runs), 1000/7)
	}
	if names := entries(t, tmp); len(names) != 0 {
		t.Errorf("temporary files visible: %q", names)
	}
	slices.Sort(want)
	var got []string
	err := s.each(func(e listing.Entry) error {
		var n int
		fmt.Sscanf(e.Name, "f%d", &n)
		if e.Size != int64(n) || e.Type != listing.TypeFile || e.ModTime.Year() != 2024 || !strings.Contains(string(e.Facts), "size=") {
			t.Errorf("entry %+v", e)
		}
		got = append(got, e.Name)
		return nil
	})
	s.close()
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("sorted %d entries, %v; first %q", len(got), err, got[:min(len(got), 5)])
	}
}

// mlsdFake is a server whose MLSD sends n entries, in no order.
func mlsdFake(t *testing.T, n int) *ftptest.Fake {
	data := make([]byte, 0, n*64)
	for i := range n {
		// A permutation of 0..n-1 (7919 is prime to n).
		data = append(data, "type=file;size="...)
		data = strconv.AppendInt(data, int64(i), 10)
		data = append(data, ";modify=20240102030405; file-"...)
		name := strconv.Itoa(i * 7919 % n)
		data = append(data, "0000000"[len(name):]...)
		data = append(data, name...)
		data = append(data, "\r\n"...)
	}
	return ftptest.NewFake(t, func(c *ftptest.FakeConn) {
		c.Reply("220 ready")
		for {
			line, ok := c.ReadCommand()
			if !ok {
				return
			}
			verb, _, _ := strings.Cut(line, " ")
			switch strings.ToUpper(verb) {
			case "USER":
				c.Reply("331 password")
			case "PASS":
				c.Reply("230 in")
			case "PWD":
				c.Reply(`257 "/"`)
			case "FEAT":
				c.Reply("211-Features:", " MLST type*;size*;modify*;", "211 End")
			case "TYPE":
				c.Reply("200 ok")
			case "EPSV":
				d := c.Passive()
				c.Reply(d.EPSVReply())
				if _, ok := c.ReadCommand(); !ok {
					return
				}
				c.Reply("150 here")
				dc, err := d.Accept()
				if err != nil {
					return
				}
				dc.Write(data)
				dc.Close()
				c.Reply("226 done")
			case "QUIT":
				c.Reply("221 bye")
				return
			default:
				c.Reply("502 no")
			}
		}
	})
}

// TestLsMemory lists a directory of 1,000,000 entries with the binary
// and checks the output (all the names, sorted) and the peak memory,
// which holding the listing would take past 400 MiB.
func TestLsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("a million entries")
	}
	const n = 1_000_000
	f := mlsdFake(t, n)
	cmd := command(t, "ls", "ftp://u:p@"+f.Addr+"/")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	count, prev, peak := 0, "", -1
	for sc.Scan() {
		if l := sc.Text(); l <= prev {
			t.Fatalf("line %d, %q, after %q", count, l, prev)
		} else {
			prev = l
		}
		count++
		if count == n-10_000 {
			// The rest of the output fills the pipe: the process waits,
			// with the peak of its memory since exec in VmHWM. (The
			// rusage of a child counts the test process's memory, which
			// it shares until exec.)
			peak = vmHWM(t, cmd.Process.Pid)
		}
	}
	if err := cmd.Wait(); err != nil || count != n {
		t.Fatalf("ls: %v, %d lines, want %d", err, count, n)
	}
	t.Logf("%d entries in %v, peak RSS %d MiB", n, time.Since(start).Round(time.Millisecond), peak>>10)
	if peak > 100<<10 {
		t.Errorf("peak RSS %d MiB, want at most 100", peak>>10)
	}
}

// vmHWM returns the peak resident memory of the process pid, in KiB.
func vmHWM(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
