package realserver

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// procStat is what /proc/PID/stat says about a process.
type procStat struct {
	pid, ppid, pgrp int
	state           byte // 'R', 'S', 'T', 'Z', ...
}

// procs lists the processes in /proc. Processes that end while it reads
// are left out.
func procs() []procStat {
	ents, _ := os.ReadDir("/proc")
	var out []procStat
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold anything.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 3 || len(f[0]) != 1 {
			continue
		}
		ppid, _ := strconv.Atoi(string(f[1]))
		pgrp, _ := strconv.Atoi(string(f[2]))
		out = append(out, procStat{pid: pid, ppid: ppid, pgrp: pgrp, state: f[0][0]})
	}
	return out
}

// freeze stops, with SIGSTOP, the process group of p's server daemon and
// every process descended from the daemon (vsftpd runs each session in a
// session, and so a process group, of its own), so that none can fork
// unseen, and returns their pids. It scans /proc until it finds no new one.
func (p *process) freeze() []int {
	pid := p.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGSTOP)
	// A stopped daemon stays unreaped, so that its pid cannot be reused
	// and its children keep it as their parent. Once it has exited, only
	// its process group is left to find (a pid is not reused while it
	// names a group).
	daemon := true
	select {
	case <-p.exited:
		daemon = false
	default:
	}
	seen := map[int]bool{pid: true}
	for grew := true; grew; {
		grew = false
		for _, q := range procs() {
			if seen[q.pid] || q.pgrp != pid && !(daemon && seen[q.ppid]) {
				continue
			}
			seen[q.pid] = true
			syscall.Kill(q.pid, syscall.SIGSTOP)
			grew = true
		}
	}
	pids := make([]int, 0, len(seen))
	for p := range seen {
		pids = append(pids, p)
	}
	return pids
}

func signalAll(pids []int, sig syscall.Signal) {
	for _, p := range pids {
		syscall.Kill(p, sig)
	}
}

// waitDead waits until none of pids is a live process (a zombie is dead),
// or until the deadline.
func waitDead(pids []int, deadline time.Time) {
	want := make(map[int]bool, len(pids))
	for _, p := range pids {
		want[p] = true
	}
	for time.Now().Before(deadline) {
		alive := false
		for _, p := range procs() {
			if want[p.pid] && p.state != 'Z' && p.state != 'X' {
				alive = true
				break
			}
		}
		if !alive {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitChildless waits until the daemon pid has no child process, not even
// an unreaped one: the servers that fork a process per session count a
// session until they have reaped its process.
func waitChildless(pid int, deadline time.Time) error {
	for {
		n := 0
		for _, p := range procs() {
			if p.ppid == pid {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server still has %d session processes after its probe session", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
