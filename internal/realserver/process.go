package realserver

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// process is one run of a server's command.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has been waited for
	err    error         // from cmd.Wait, once exited is closed
}

// run starts a copy of s.command and waits for the server's greeting.
func (s *Server) run() error {
	out, err := os.OpenFile(s.outFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	c := s.command
	cmd := &exec.Cmd{Path: c.Path, Args: c.Args, Env: c.Env, Dir: s.dir, Stdout: out, Stderr: out}
	var attr syscall.SysProcAttr
	if c.SysProcAttr != nil {
		attr = *c.SysProcAttr
	}
	// Own process group, so that stopping reaches the session processes;
	// killed if the test binary dies.
	attr.Setpgid = true
	attr.Pdeathsig = syscall.SIGKILL
	cmd.SysProcAttr = &attr

	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	if err := s.waitReady(p); err != nil {
		return fmt.Errorf("%v\n%s", err, s.Output())
	}
	s.StartupTime = time.Since(t0)
	return nil
}

// waitReady polls until the server greets with 220 or exits. With a limit
// on sessions it then waits for the server to forget the probing session,
// which would otherwise count against the test's first sessions.
func (s *Server) waitReady(p *process) error {
	deadline := time.Now().Add(readyTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("server exited before greeting: %v", p.err)
		default:
		}
		if last = s.greet(); last == nil {
			if s.Config.MaxSessionsPerIP > 0 {
				return waitChildless(p.cmd.Process.Pid, deadline)
			}
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("no greeting within %v: %v", readyTimeout, last)
}

// Stop stops the server and its sessions and waits for them to exit: it
// sends SIGTERM, and SIGKILL to what is left after a few seconds. It is
// called automatically when the test ends; tests call it to see a server
// vanish. Stopping a stopped server does nothing.
func (s *Server) Stop() { s.halt(true) }

// Kill kills the server and all its sessions with SIGKILL, as a crash
// would, and waits for them to die: open control and data connections
// break at once. Killing a stopped server does nothing. [Server.Restart]
// starts it again.
func (s *Server) Kill() { s.halt(false) }

// Restart starts the server again after [Server.Kill] or [Server.Stop],
// with the same configuration, address, control port and passive port
// range, serving the same Root, whose files it leaves as they are. It
// stops a running server first. The logs go on from where they were. It
// fails the test if the server does not start.
//
// Restart must not run concurrently with Restart, Stop or Kill.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	var err error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		if err = s.run(); err == nil {
			return
		}
		s.Kill()
		tb.Logf("realserver: restarting %s (attempt %d): %v", s.Kind, attempt, err)
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("realserver: restarting %s: %v", s.Kind, err)
}

// halt ends the running process: gracefully (SIGTERM first) or not.
func (s *Server) halt(graceful bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil {
		return
	}
	s.proc = nil
	pgid := p.cmd.Process.Pid
	pids := p.freeze()
	if graceful {
		signalAll(pids, syscall.SIGTERM)
		signalAll(pids, syscall.SIGCONT)
		select {
		case <-p.exited:
		case <-time.After(stopTimeout):
		}
	}
	signalAll(pids, syscall.SIGKILL)
	syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.exited
	waitDead(pids, time.Now().Add(stopTimeout))
}
