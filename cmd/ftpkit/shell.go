package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/chzyer/readline"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/listing"
)

func newShellCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "shell [flags] [URL]",
		Short: "Run an interactive session",
		Long: `shell runs an interactive session, on the server of URL if given (and in
its directory, if the URL names one). On a terminal it has line editing,
a history (~/.ftpkit_history) and tab completion of commands and of remote
and local names; otherwise it reads commands from standard input, one a
line, as a script. Type "help" for the commands. Remote paths are relative
to the remote directory (cd), local ones to the local directory (lcd);
'*', '?' and '[...]' are wildcards unless quoted or escaped. ^C interrupts
the command running, not the session; the exit status is the last
command's.`,
		Args: argsUsage(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.shell(cmd.Context(), args)
		},
	}
}

// A shell is an interactive session: a server, a remote and a local
// directory.
type shell struct {
	o      *options
	srv    *server
	host   string // of srv, for the prompt
	home   string // the login directory
	cwd    string // the remote directory
	lcwd   string // the local directory
	status int    // of the last command

	mu    sync.Mutex
	cache map[string][]listing.Entry // remote listings, for completion
}

// shellCommand is a command of the shell.
type shellCommand struct {
	usage string
	help  string
	run   func(sh *shell, ctx context.Context, args []string) error
	args  argKind // what its arguments name, for completion
}

// argKind is what a command's arguments name.
type argKind int

const (
	argNone argKind = iota
	argRemote
	argLocal
)

var shellCommands map[string]*shellCommand

func init() {
	shellCommands = map[string]*shellCommand{
		"open":  {"open URL", "connect and log in to the server of URL", (*shell).open, argNone},
		"close": {"close", "leave the server", (*shell).closeServer, argNone},
		"cd":    {"cd [DIR]", "change the remote directory (to the login directory without DIR)", (*shell).cd, argRemote},
		"pwd":   {"pwd", "print the remote directory", (*shell).pwd, argNone},
		"lcd":   {"lcd [DIR]", "change the local directory (to the home directory without DIR)", (*shell).lcd, argLocal},
		"lpwd":  {"lpwd", "print the local directory", (*shell).lpwd, argNone},
		"ls":    {"ls [-l] [-a] [-R] [-U] [--json] [PATH...]", "list remote directories", (*shell).ls, argRemote},
		"get":   {"get [-c] [-n] [-p] [-j N] [--segments N] [-o LOCAL] PATH...", "download files (into the local directory, or LOCAL)", (*shell).get, argRemote},
		"put":   {"put [-c] [-n] [-p] [--temp] [-j N] [-o REMOTE] LOCAL...", "upload files (into the remote directory, or REMOTE)", (*shell).put, argLocal},
		"cat":   {"cat PATH...", "print remote files", (*shell).cat, argRemote},
		"stat":  {"stat [--json] PATH...", "show what the server knows of remote files", (*shell).stat, argRemote},
		"rm":    {"rm [-r] [-f] PATH...", "remove remote files (and directories, with -r)", (*shell).rm, argRemote},
		"mkdir": {"mkdir [-p] DIR...", "make remote directories", (*shell).mkdir, argRemote},
		"rmdir": {"rmdir DIR...", "remove empty remote directories", (*shell).rmdir, argRemote},
		"mv":    {"mv PATH DEST", "rename or move a remote file", (*shell).mv, argRemote},
		"quote": {"quote COMMAND", "send a raw command and print the reply", (*shell).quote, argNone},
		"help":  {"help [COMMAND]", "describe the commands", (*shell).help, argNone},
		"bye":   {"bye", "end the session (also quit, exit, ^D)", nil, argNone},
	}
	shellCommands["quit"] = shellCommands["bye"]
	shellCommands["exit"] = shellCommands["bye"]
}

// errBye ends the shell.
var errBye = errors.New("bye")

// shell runs the interactive session.
func (o *options) shell(ctx context.Context, args []string) error {
	sh := &shell{o: o, cache: map[string][]listing.Entry{}}
	o.inShell = true
	var err error
	if sh.lcwd, err = os.Getwd(); err != nil {
		return fail("shell", err)
	}
	if len(args) == 1 {
		sh.status = exitStatus(sh.exec(ctx, "open", []string{quoteWord(args[0])}))
		if sh.status != exitOK && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	lines, closeInput, err := sh.input(ctx)
	if err != nil {
		return err
	}
	defer closeInput()
	for {
		line, ok := lines()
		if !ok || ctx.Err() != nil {
			break
		}
		words, err := splitWords(line)
		if err != nil {
			sh.o.printError(usageErrorf("%v", err))
			sh.status = exitUsage
			continue
		}
		if len(words) == 0 {
			continue
		}
		err = sh.exec(ctx, unescapeGlob(words[0]), words[1:])
		if errors.Is(err, errBye) {
			break
		}
		sh.status = exitStatus(err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if sh.status != exitOK {
		return &reported{&statusError{sh.status, "shell"}}
	}
	return nil
}

// input returns the function that reads the next line: with readline
// on a terminal, else from standard input as it is.
func (sh *shell) input(ctx context.Context) (next func() (string, bool), closeInput func(), err error) {
	if f, ok := sh.o.stdin.(*os.File); ok && isTerminal(f) && isTerminal(sh.o.stdout) {
		home, _ := os.UserHomeDir()
		history := ""
		if home != "" {
			history = filepath.Join(home, ".ftpkit_history")
		}
		rl, err := readline.NewEx(&readline.Config{
			Prompt:          sh.prompt(),
			HistoryFile:     history,
			AutoComplete:    sh,
			InterruptPrompt: "^C",
			EOFPrompt:       "bye",
			Stdout:          sh.o.stdout,
			Stderr:          sh.o.stderr,
		})
		if err != nil {
			return nil, nil, fail("shell", err)
		}
		stop := context.AfterFunc(ctx, func() { rl.Close() })
		next = func() (string, bool) {
			for {
				rl.SetPrompt(sh.prompt())
				line, err := rl.Readline()
				switch {
				case errors.Is(err, readline.ErrInterrupt):
					continue // ^C at the prompt: a new line
				case err != nil:
					return "", false
				}
				return line, true
			}
		}
		return next, func() { stop(); rl.Close() }, nil
	}
	ch := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(sh.o.stdin)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case ch <- sc.Text():
			case <-done:
				return
			}
		}
	}()
	next = func() (string, bool) {
		select {
		case line, ok := <-ch:
			return line, ok
		case <-ctx.Done():
			return "", false
		}
	}
	return next, func() { close(done) }, nil
}

// prompt is the prompt: the server and the remote directory.
func (sh *shell) prompt() string {
	if sh.srv == nil {
		return "ftpkit> "
	}
	return fmt.Sprintf("ftpkit %s:%s> ", sh.host, safe(displayPath(sh.cwd)))
}

// exec runs one command. ^C (SIGINT) interrupts it, not the session.
func (sh *shell) exec(ctx context.Context, name string, args []string) error {
	c, ok := shellCommands[name]
	if !ok {
		err := usageErrorf("unknown command %q", name)
		sh.o.printError(err)
		return err
	}
	if c.run == nil {
		return errBye
	}
	cmdCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	h := func(s os.Signal) bool {
		if s != syscall.SIGINT {
			return false
		}
		cancel(&interrupted{s})
		return true
	}
	interruptHandler.Store(&h)
	defer interruptHandler.Store(nil)
	prev := sh.o.runCtx
	sh.o.runCtx = cmdCtx
	defer func() { sh.o.runCtx = prev }()

	err := c.run(sh, cmdCtx, args)
	var r *reported
	var sig *interrupted
	switch {
	case err == nil:
	case errors.As(context.Cause(cmdCtx), &sig) && ctx.Err() == nil:
		fmt.Fprintln(sh.o.stderr, "ftpkit: interrupted")
		err = &reported{&statusError{signalStatus(sig.sig), "interrupted"}}
	case ctx.Err() != nil:
	case !errors.As(err, &r):
		sh.o.printError(err)
	}
	sh.o.notes()
	return err
}

// needServer returns an error unless a server is open.
func (sh *shell) needServer() error {
	if sh.srv == nil {
		return usageErrorf("not connected (open URL first)")
	}
	return nil
}

// flags parses the flags of a command, whose words are patterns.
func flags(name string, args []string, define func(*pflag.FlagSet)) ([]string, error) {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	plain := make([]string, len(args))
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			plain[i] = unescapeGlob(a)
		} else {
			plain[i] = a
		}
	}
	if err := fs.Parse(plain); err != nil {
		return nil, usageErrorf("%s: %v (usage: %s)", name, err, shellCommands[name].usage)
	}
	return fs.Args(), nil
}

// remotePattern is the word w (a pattern) as a pattern of an absolute
// remote path, or one relative to the login directory when its name is
// not known.
func (sh *shell) remotePattern(w string) string {
	if strings.HasPrefix(w, "/") {
		return path.Clean(w)
	}
	if sh.cwd == "" {
		return strings.TrimPrefix(path.Clean("/"+w), "/")
	}
	return path.Clean(escapeGlob(sh.cwd) + "/" + w)
}

// remotePath is the word w as a remote path, wildcards taken as they
// are.
func (sh *shell) remotePath(w string) string {
	return unescapeGlob(sh.remotePattern(w))
}

// localPath is the word w as a local path.
func (sh *shell) localPath(w string) string {
	p := unescapeGlob(w)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(sh.lcwd, p)
}

// matches expands the words, patterns, into remote paths.
func (sh *shell) matches(ctx context.Context, words []string, fails *failures) []match {
	var out []match
	for _, w := range words {
		p := sh.remotePattern(w)
		if !hasWildcard(p) {
			out = append(out, match{path: unescapeGlob(p)})
			continue
		}
		ms, err := expand(ctx, sh.srv.c, p)
		if err != nil {
			fails.add(err)
			continue
		}
		out = append(out, ms...)
	}
	return out
}

// forget drops the cached listings, after a command that changed the
// server's files.
func (sh *shell) forget() {
	sh.mu.Lock()
	clear(sh.cache)
	sh.mu.Unlock()
}

func (sh *shell) open(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageErrorf("usage: open URL")
	}
	raw := unescapeGlob(args[0])
	if !isURL(raw) {
		return usageErrorf("%q is not a URL (ftp://, ftpes:// or ftps://)", raw)
	}
	r, err := sh.o.remote(ctx, raw)
	if err != nil {
		return err
	}
	var home, welcome string
	err = r.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) (err error) {
		welcome = s.Welcome().Text
		home, err = s.Pwd(ctx)
		return err
	})
	if err != nil {
		home = "" // paths stay relative to the login directory
	}
	sh.srv, sh.host, sh.home, sh.cwd = r.server, r.u.Host, home, home
	sh.forget()
	if isTerminal(sh.o.stdout) {
		fmt.Fprintf(sh.o.stderr, "Connected to %s as %s.\n", r.addr, safe(r.user))
		for _, l := range strings.Split(welcome, "\n") {
			fmt.Fprintf(sh.o.stderr, "%s\n", safe(l))
		}
	}
	if r.u.Path != "" {
		return sh.cd(ctx, []string{escapeGlob(r.u.Path)})
	}
	return nil
}

func (sh *shell) closeServer(ctx context.Context, args []string) error {
	sh.srv, sh.host, sh.home, sh.cwd = nil, "", "", ""
	sh.forget()
	return nil
}

func (sh *shell) cd(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	if len(args) > 1 {
		return usageErrorf("usage: cd [DIR]")
	}
	dir := sh.home
	if len(args) == 1 {
		dir = sh.remotePath(args[0])
	}
	e, err := sh.srv.c.Stat(ctx, dir)
	if err != nil {
		return fail("cd "+safe(displayPath(dir)), unwrapPath(err, dir))
	}
	if e.Type != listing.TypeDir {
		return exitErrorf(exitFailure, "cd %s: not a directory", safe(dir))
	}
	sh.cwd = dir
	return nil
}

func (sh *shell) pwd(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(sh.o.out, safe(displayPath(sh.cwd)))
	return err
}

func (sh *shell) lcd(ctx context.Context, args []string) error {
	if len(args) > 1 {
		return usageErrorf("usage: lcd [DIR]")
	}
	dir, err := os.UserHomeDir()
	if len(args) == 1 {
		dir, err = sh.localPath(args[0]), nil
	}
	if err != nil {
		return fail("lcd", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fail("lcd", err)
	}
	if !fi.IsDir() {
		return fail("lcd", &os.PathError{Op: "lcd", Path: dir, Err: syscall.ENOTDIR})
	}
	sh.lcwd = dir
	return nil
}

func (sh *shell) lpwd(ctx context.Context, args []string) error {
	_, err := fmt.Fprintln(sh.o.out, sh.lcwd)
	return err
}

func (sh *shell) ls(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	var f lsFlags
	args, err := flags("ls", args, func(fs *pflag.FlagSet) {
		fs.BoolVarP(&f.long, "long", "l", false, "")
		fs.BoolVarP(&f.all, "all", "a", false, "")
		fs.BoolVarP(&f.recursive, "recursive", "R", false, "")
		fs.BoolVarP(&f.unsorted, "unsorted", "U", false, "")
		fs.BoolVar(&f.json, "json", false, "")
	})
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	l := &lister{o: sh.o, f: f, w: sh.o.out, headers: len(args) > 1 || f.recursive}
	fails := &failures{o: sh.o}
	for _, a := range args {
		p := sh.remotePattern(a)
		if !hasWildcard(p) {
			label := unescapeGlob(a)
			fails.add(l.dir(ctx, sh.srv.c, unescapeGlob(p), label, ""))
			continue
		}
		ms, err := expand(ctx, sh.srv.c, p)
		if err != nil {
			fails.add(err)
			continue
		}
		for _, m := range ms {
			if err := l.entry(m.entry, m.path, m.path); err != nil {
				fails.add(err)
				break
			}
		}
	}
	return fails.err()
}

func (sh *shell) get(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	f := getFlags{jobs: 1}
	local := ""
	args, err := flags("get", args, func(fs *pflag.FlagSet) {
		fs.BoolVarP(&f.cont, "continue", "c", false, "")
		fs.BoolVarP(&f.noClobber, "no-clobber", "n", false, "")
		fs.BoolVarP(&f.keepTime, "preserve", "p", false, "")
		fs.IntVarP(&f.jobs, "jobs", "j", 1, "")
		fs.IntVar(&f.segments, "segments", 0, "")
		fs.StringVarP(&local, "output", "o", "", "")
	})
	switch {
	case err != nil:
		return err
	case len(args) == 0:
		return usageErrorf("usage: %s", shellCommands["get"].usage)
	case f.jobs < 1 || f.segments < 0:
		return usageErrorf("-j must be at least 1 and --segments not negative")
	}
	switch {
	case local == "":
		local = sh.lcwd
	case local != "-":
		local = sh.localPath(escapeGlob(local))
	}
	fails := &failures{o: sh.o}
	several := len(args) > 1
	var jobs []getJob
	for _, m := range sh.matches(ctx, args, fails) {
		if m.known {
			several = true
			if m.entry.Type == listing.TypeDir {
				fails.add(exitErrorf(exitFailure, "get %s: is a directory", safe(m.path)))
				continue
			}
		}
		jobs = append(jobs, getJob{c: sh.srv.c, remote: m.path, entry: m.entry, known: m.known})
	}
	if len(jobs) > 0 {
		fails.add(sh.o.getJobs(ctx, jobs, local, several, f))
	}
	return fails.err()
}

func (sh *shell) put(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	f := putFlags{jobs: 1}
	target := ""
	args, err := flags("put", args, func(fs *pflag.FlagSet) {
		fs.BoolVarP(&f.cont, "continue", "c", false, "")
		fs.BoolVarP(&f.noClobber, "no-clobber", "n", false, "")
		fs.BoolVarP(&f.keepTime, "preserve", "p", false, "")
		fs.BoolVar(&f.temp, "temp", false, "")
		fs.IntVarP(&f.jobs, "jobs", "j", 1, "")
		fs.StringVarP(&target, "output", "o", "", "")
	})
	switch {
	case err != nil:
		return err
	case len(args) == 0:
		return usageErrorf("usage: %s", shellCommands["put"].usage)
	case f.jobs < 1:
		return usageErrorf("-j must be at least 1")
	case f.cont && f.temp:
		return usageErrorf("--continue and --temp exclude each other")
	}
	if target == "" {
		target = joinRemote(sh.cwd, "")
		if target == "" {
			target = "./"
		}
	} else {
		dir := strings.HasSuffix(target, "/")
		target = sh.remotePath(escapeGlob(target))
		if dir {
			target = joinRemote(target, "")
		}
	}
	defer sh.forget()
	fails := &failures{o: sh.o}
	var names []string
	for _, a := range args {
		p := sh.localPath(a)
		if hasWildcard(a) {
			p = filepath.Join(escapeGlob(sh.lcwd), a)
			if filepath.IsAbs(unescapeGlob(a)) {
				p = a
			}
		}
		names = append(names, p)
	}
	files := sh.o.localFiles(names, fails)
	if len(files) > 0 {
		fails.add(sh.o.putFiles(ctx, sh.srv.c, files, target, len(files) > 1, f))
	}
	return fails.err()
}

func (sh *shell) cat(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErrorf("usage: cat PATH...")
	}
	fails := &failures{o: sh.o}
	var jobs []getJob
	for _, m := range sh.matches(ctx, args, fails) {
		jobs = append(jobs, getJob{c: sh.srv.c, remote: m.path})
	}
	fails.add(sh.o.catJobs(ctx, jobs, "cat", nil))
	return fails.err()
}

func (sh *shell) stat(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	asJSON := false
	args, err := flags("stat", args, func(fs *pflag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "")
	})
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	fails := &failures{o: sh.o}
	n := 0
	fails.add(sh.o.statPaths(ctx, sh.srv.c, sh.matches(ctx, args, fails), asJSON, &n, fails))
	return fails.err()
}

func (sh *shell) rm(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	var f rmFlags
	args, err := flags("rm", args, func(fs *pflag.FlagSet) {
		fs.BoolVarP(&f.recursive, "recursive", "r", false, "")
		fs.BoolVarP(&f.force, "force", "f", false, "")
	})
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErrorf("usage: %s", shellCommands["rm"].usage)
	}
	defer sh.forget()
	fails := &failures{o: sh.o}
	for _, m := range sh.matches(ctx, args, fails) {
		if ctx.Err() != nil {
			break
		}
		fails.add(sh.o.remove(ctx, sh.srv.c, m, f))
	}
	return fails.err()
}

func (sh *shell) mkdir(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	parents := false
	args, err := flags("mkdir", args, func(fs *pflag.FlagSet) {
		fs.BoolVarP(&parents, "parents", "p", false, "")
	})
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErrorf("usage: %s", shellCommands["mkdir"].usage)
	}
	defer sh.forget()
	fails := &failures{o: sh.o}
	for _, a := range args {
		p := sh.remotePath(a)
		if parents {
			fails.add(fail("mkdir "+safe(p), unwrapPath(sh.srv.c.MkdirAll(ctx, p), p)))
		} else {
			fails.add(fail("mkdir "+safe(p), unwrapPath(sh.srv.c.Mkdir(ctx, p), p)))
		}
	}
	return fails.err()
}

func (sh *shell) rmdir(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageErrorf("usage: rmdir DIR...")
	}
	defer sh.forget()
	fails := &failures{o: sh.o}
	for _, a := range args {
		p := sh.remotePath(a)
		fails.add(fail("rmdir "+safe(p), removeDir(ctx, sh.srv.c, p)))
	}
	return fails.err()
}

func (sh *shell) mv(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	if len(args) != 2 {
		return usageErrorf("usage: mv PATH DEST")
	}
	defer sh.forget()
	dest := sh.remotePath(args[1])
	if strings.HasSuffix(unescapeGlob(args[1]), "/") {
		dest = joinRemote(dest, "")
	}
	return sh.o.rename(ctx, sh.srv.c, sh.remotePath(args[0]), dest)
}

func (sh *shell) quote(ctx context.Context, args []string) error {
	if err := sh.needServer(); err != nil {
		return err
	}
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = unescapeGlob(a)
	}
	cmd := strings.Join(words, " ")
	if err := checkQuote(cmd); err != nil {
		return err
	}
	return sh.srv.c.Do(ctx, func(ctx context.Context, s *ftp.Conn) error {
		return sh.o.sendQuote(ctx, s, cmd)
	})
}

func (sh *shell) help(ctx context.Context, args []string) error {
	if len(args) == 1 {
		c, ok := shellCommands[unescapeGlob(args[0])]
		if !ok {
			return usageErrorf("unknown command %q", unescapeGlob(args[0]))
		}
		_, err := fmt.Fprintf(sh.o.out, "%s\n    %s\n", c.usage, c.help)
		return err
	}
	var names []string
	for name, c := range shellCommands {
		if strings.HasPrefix(c.usage, name) { // not the aliases of bye
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		c := shellCommands[name]
		if _, err := fmt.Fprintf(sh.o.out, "  %-62s %s\n", c.usage, c.help); err != nil {
			return err
		}
	}
	return nil
}
