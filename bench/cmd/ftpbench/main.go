// Command ftpbench compares the ftpkit FTP client with other clients (the
// ftpkit CLI, github.com/jlaffaye/ftp, curl, lftp and Python's ftplib; and
// for transfers over several sessions at once, rclone and aria2c) against
// real FTP servers on loopback, and writes the results as Markdown, JSON and
// a PNG plot. Run it through bench/run.sh, which installs what it needs.
//
// Every client runs as a separate process, so that its wall time includes
// its start and login and its peak RSS can be read from its rusage. In each
// round the clients run one after the other (A B C ... A B C ...), and each
// scenario reports the median, minimum and maximum over the rounds and the
// ratio of each median to ftpkit's.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pasvPorts is the size of each server's passive port range; the latency
// scenario puts a proxy in front of every one of them.
const pasvPorts = 20

// purePasvPorts is the size of pure-ftpd's passive port range. pure-ftpd
// lets in at most half as many clients as it has passive ports, and rclone
// opens up to 17 sessions in the mirror group (rcloneConcurrency). And
// pure-ftpd 1.0.50 fails a PASV or EPSV with "425 Unable to identify the
// local data socket: Address already in use" when two sessions bind the
// same port at once (bind succeeds for both, with SO_REUSEADDR, and the
// second listen fails; it does not try another port, as vsftpd does): with
// 40 ports, 2 of 6 rclone copies of a 1,000-file tree failed so; with 200,
// none of 12.
const purePasvPorts = 200

// processTimeout bounds one client run.
const processTimeout = 3 * time.Minute

var (
	quick    = flag.Bool("quick", false, "small sizes and two rounds: a smoke test of a minute or two")
	outDir   = flag.String("out", "results", "directory for results.md, results.json and results.png")
	workDir  = flag.String("work", "/dev/shm/ftpbench", "scratch directory (served files, downloads); on tmpfs by default, so that no run waits on the disk writing back an earlier run's file")
	repoDir  = flag.String("repo", "..", "root of the ftpkit repository")
	rounds   = flag.Int("rounds", 0, "rounds per scenario (default 5, 2 with -quick)")
	only     = flag.String("only", "", "comma-separated scenario groups to run: tcp,large,tls,small,latency,list,pool,segmented,mirror,s2s (default all)")
	cmdline  = flag.String("cmdline", "", "the command line to report (set by run.sh)")
	serverFl = flag.String("server", "", "server to use: vsftpd or pure-ftpd (default: the faster one for a large download); also the mirror group's (default pure-ftpd)")
)

// sizes of one run.
type sizes struct {
	big, mid      int64     // large-file and latency file sizes
	small, smallN int       // small file size and count
	latSmallN     int       // small files under latency
	listN         int       // directory entries
	poolN         int       // files of the pool group (small bytes each)
	tree          treeShape // the mirror group's tree
	resyncTree    treeShape // the tree of the mirror group's no-op rerun
	s2sTree       treeShape // the tree of the server-to-server group
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("ftpbench: ")
	flag.Parse()
	sz := sizes{big: 1 << 30, mid: 256 << 20, small: 4096, smallN: 1000, latSmallN: 100, listN: 100000,
		poolN: 1000,
		// 2,000 files of 4 KiB in 200 directories (and 10 above them)
		// and 10 of 50 MiB; 10,000 files in 500 directories (and 10).
		tree:       treeShape{top: 10, sub: 20, files: 10, fileSize: 4096, bigN: 10, bigSize: 50 << 20},
		resyncTree: treeShape{top: 10, sub: 50, files: 20, fileSize: 4096},
		// 200 files of 4 KiB in 20 directories (and 2 above them) and 4
		// of 50 MiB.
		s2sTree: treeShape{top: 2, sub: 10, files: 10, fileSize: 4096, bigN: 4, bigSize: 50 << 20}}
	if *quick {
		// listN above pure-ftpd's default cap of 10000 entries, so that a cap
		// shows up as a failed count.
		sz = sizes{big: 64 << 20, mid: 16 << 20, small: 4096, smallN: 100, latSmallN: 20, listN: 20000,
			poolN:      100,
			tree:       treeShape{top: 2, sub: 10, files: 10, fileSize: 4096, bigN: 2, bigSize: 8 << 20},
			resyncTree: treeShape{top: 10, sub: 10, files: 10, fileSize: 4096},
			s2sTree:    treeShape{top: 1, sub: 10, files: 10, fileSize: 4096, bigN: 2, bigSize: 8 << 20}}
	}
	if *rounds == 0 {
		*rounds = 5
		if *quick {
			*rounds = 2
		}
	}
	start := time.Now()
	b, err := newBench(sz)
	if err != nil {
		log.Fatal(err)
	}
	defer b.close()
	if err := b.runAll(); err != nil {
		log.Print(err)
	}
	b.meta.Duration = time.Since(start).Round(time.Second).String()
	if err := b.write(*outDir); err != nil {
		log.Fatal(err)
	}
	log.Printf("done in %s; results in %s", b.meta.Duration, *outDir)
}

// bench is one benchmark run.
type bench struct {
	sz      sizes
	work    string
	root    string // served directory
	out     string // downloads
	env     *env
	clients []client
	clear   *server // the server used for clear-text scenarios
	tls     *server
	vsftpd  *server // for command counts
	pure    *server // pure-ftpd, for the listings; nil if it did not start
	certs   certs   // the throwaway CA and server certificate
	servers []*server
	results []*result
	meta    meta
	// The mirror group's trees, made by makeFiles if the group runs,
	// and the no-op rerun's copies made so far.
	tree, resyncTree *tree
	filled           map[string]bool
	s2sTree          *tree // the server-to-server group's tree
}

type meta struct {
	Date        string            `json:"date"`
	Command     string            `json:"command"`
	Machine     map[string]string `json:"machine"`
	Server      string            `json:"server"`
	ServerNote  string            `json:"server_choice"`
	Rounds      int               `json:"rounds"`
	Quick       bool              `json:"quick"`
	Duration    string            `json:"duration"`
	Notes       []string          `json:"notes"`
	ClientNotes map[string]string `json:"clients"`
}

func newBench(sz sizes) (*bench, error) {
	repo, err := filepath.Abs(*repoDir)
	if err != nil {
		return nil, err
	}
	b := &bench{sz: sz, work: *workDir, root: filepath.Join(*workDir, "root"), out: filepath.Join(*workDir, "out")}
	b.meta = meta{
		Date:    time.Now().UTC().Format("2006-01-02 15:04 MST"),
		Command: *cmdline,
		Machine: machine(),
		Rounds:  *rounds,
		Quick:   *quick,
	}
	for _, d := range []string{b.work, b.root, b.out, filepath.Join(b.root, "up")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if b.certs, err = genCerts(b.work); err != nil {
		return nil, fmt.Errorf("certificates: %w", err)
	}
	bin := filepath.Join(b.work, "bin")
	b.env = &env{work: b.work, caFile: b.certs.ca, benchclient: filepath.Join(bin, "benchclient")}
	if err := b.env.writeScripts(); err != nil {
		return nil, err
	}
	log.Print("building benchclient and the ftpkit CLI")
	if out, err := exec.Command("go", "build", "-o", b.env.benchclient, "./cmd/benchclient").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build benchclient: %v\n%s", err, out)
	}
	cli := filepath.Join(bin, "ftpkit")
	build := exec.Command("go", "build", "-o", cli, "./cmd/ftpkit")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		b.note("The ftpkit CLI (cmd/ftpkit) did not build, so it is not measured: %s", firstLine(out))
	} else {
		b.env.ftpkitCLI = cli
	}
	b.clients = b.env.clients()
	b.findPeers()
	if err := b.makeFiles(); err != nil {
		return nil, err
	}
	if err := b.startServers(repo); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	log.Print(s)
	b.meta.Notes = append(b.meta.Notes, s)
}

func (b *bench) close() {
	for _, s := range b.servers {
		s.stop()
	}
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// makeFiles creates the served files, reusing those of the right size.
func (b *bench) makeFiles() error {
	log.Print("creating the served files")
	block := make([]byte, 1<<20)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(block)
	for name, size := range map[string]int64{"big.bin": b.sz.big, "mid.bin": b.sz.mid} {
		p := filepath.Join(b.root, name)
		if fi, err := os.Stat(p); err == nil && fi.Size() == size {
			continue
		}
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		for n := int64(0); n < size; n += int64(len(block)) {
			if _, err := f.Write(block[:min(int64(len(block)), size-n)]); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	small := filepath.Join(b.root, "small")
	os.MkdirAll(small, 0o755)
	for i := range b.sz.smallN {
		p := filepath.Join(small, fmt.Sprintf("f%04d", i))
		if fi, err := os.Stat(p); err == nil && fi.Size() == int64(b.sz.small) {
			continue
		}
		if err := os.WriteFile(p, block[i%256*4096:][:b.sz.small], 0o644); err != nil {
			return err
		}
	}
	if b.selected("pool") {
		// A directory of exactly poolN files: lftp mirror and rclone copy
		// all of it.
		if err := b.makePoolDir(block); err != nil {
			return err
		}
	}
	if b.selected("mirror") {
		var err error
		if b.tree, err = makeTree(b.root, fmt.Sprintf("tree%d", b.sz.tree.fileCount()), b.sz.tree, block); err != nil {
			return err
		}
		if b.resyncTree, err = makeTree(b.root, fmt.Sprintf("tree%d", b.sz.resyncTree.fileCount()), b.sz.resyncTree, block); err != nil {
			return err
		}
	}
	if b.selected("s2s") {
		var err error
		if b.s2sTree, err = makeTree(b.root, fmt.Sprintf("s2s%d", b.sz.s2sTree.fileCount()), b.sz.s2sTree, block); err != nil {
			return err
		}
	}
	dir := filepath.Join(b.root, fmt.Sprintf("list%d", b.sz.listN))
	if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("entry-%06d", b.sz.listN-1))); err != nil {
		os.MkdirAll(dir, 0o755)
		for i := range b.sz.listN {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("entry-%06d", i)), nil, 0o644); err != nil {
				return err
			}
		}
	}
	return chownTree(b.root)
}

func (b *bench) startServers(repo string) error {
	v, err := startVsftpd(b.work, b.root, b.certs, 2121, 30000, false)
	if err != nil {
		return err
	}
	b.servers = append(b.servers, v)
	b.vsftpd = v
	t, err := startVsftpd(b.work, b.root, b.certs, 2122, 30020, true)
	if err != nil {
		return err
	}
	b.servers = append(b.servers, t)
	b.tls = t
	p, err := startPureFTPd(b.work, repo, b.root, 2123, 30040)
	if err != nil {
		b.note("pure-ftpd did not start (%v): using vsftpd", err)
		b.clear = v
		return nil
	}
	b.servers = append(b.servers, p)
	b.pure = p
	switch *serverFl {
	case "vsftpd":
		b.clear = v
	case "pure-ftpd":
		b.clear = p
	default:
		b.clear = b.pickServer(v, p)
	}
	b.meta.Server = b.clear.name
	return nil
}

// pickServer times ftpkit downloading and uploading the large file on each
// server, alternating, and returns the faster one.
func (b *bench) pickServer(servers ...*server) *server {
	total := make([]float64, len(servers))
	var parts []string
	for i, s := range servers {
		var down, up []float64
		for range 3 {
			for _, o := range []op{
				{kind: "get", addr: s.addr, remote: "big.bin", local: filepath.Join(b.out, "big.bin")},
				{kind: "put", addr: s.addr, local: filepath.Join(b.root, "big.bin"), remote: "up/big.bin"},
			} {
				out, err := b.runOnce(b.clients[0], o, b.sz.big, 0, 0)
				sec := out.sec
				if err != nil {
					log.Printf("server %s: %v", s.name, err)
					sec = 1e9
				}
				if o.kind == "get" {
					down = append(down, sec)
				} else {
					up = append(up, sec)
				}
			}
		}
		total[i] = median(down) + median(up)
		parts = append(parts, fmt.Sprintf("%s: download %.2f s, upload %.2f s", s.name, median(down), median(up)))
	}
	best := 0
	for i := range servers {
		if total[i] < total[best] {
			best = i
		}
	}
	b.meta.ServerNote = fmt.Sprintf("ftpkit, %s file, median of 3: %s; chose %s", human(b.sz.big), strings.Join(parts, "; "), servers[best].name)
	log.Print(b.meta.ServerNote)
	return servers[best]
}

func human(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// outcome is what one run of a client measured.
type outcome struct {
	sec     float64 // wall time
	rss     int64   // peak RSS, KiB
	entries int     // listings: entries listed ("." and ".." not counted)
	changed int     // "resync": local files the rerun created, removed or changed
}

// runOnce prepares and runs o with c, checks the result and returns the
// wall time, the peak RSS and, for listings, the number of entries listed
// ("." and ".." not counted), which must be wantEntries (the error then
// wraps errBadCount).
func (b *bench) runOnce(c client, o op, wantBytes int64, wantFiles, wantEntries int) (out outcome, err error) {
	if o.kind == "resync" {
		o.local = resyncLocal(o, c)
	}
	cmd := c.command(o)
	if cmd == nil {
		return out, errUnsupported
	}
	var upTarget string
	var before map[string]fileStamp
	switch o.kind {
	case "get", "tcp":
		os.Remove(o.local)
	case "seg":
		// With the state files lftp pget and aria2c would resume from.
		for _, p := range []string{o.local, o.local + ".lftp-pget-status", o.local + ".aria2"} {
			os.Remove(p)
		}
	case "put":
		upTarget = filepath.Join(b.root, o.remote)
		os.Remove(upTarget)
	case "many", "pool", "mirror":
		os.RemoveAll(o.local)
		if err := os.MkdirAll(o.local, 0o755); err != nil {
			return out, err
		}
	case "s2s":
		// The client makes it, through the target server, as its user.
		if err := os.RemoveAll(o.local); err != nil {
			return out, err
		}
	case "resync":
		if err := b.fill(c, o); err != nil {
			return out, err
		}
		if before, err = stamps(o.local); err != nil {
			return out, err
		}
	}
	// Go starts processes with vfork, and Linux carries the parent's peak
	// RSS over exec into the child's rusage: GNU time forks from a small
	// process instead, so its %M is the client's own peak RSS.
	rssFile := filepath.Join(b.work, "rss")
	os.Remove(rssFile)
	ctx, cancel := context.WithTimeout(context.Background(), processTimeout)
	defer cancel()
	cmd = exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile}, cmd.Args...)...)
	// At the timeout, kill the client with time, its process group: killing
	// time alone would leave the client running, holding the output pipe,
	// and Run waiting for it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	listing := o.kind == "list" || o.kind == "mlsd"
	if listing {
		// The count the client prints, or with rawList the listing itself.
		cmd.Stdout = &stdout
	}
	t0 := time.Now()
	err = cmd.Run()
	out.sec = time.Since(t0).Seconds()
	if rs, rerr := os.ReadFile(rssFile); rerr == nil {
		lines := strings.Fields(string(rs))
		if len(lines) > 0 {
			out.rss, _ = strconv.ParseInt(lines[len(lines)-1], 10, 64)
		}
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("killed after %s", processTimeout)
	}
	if err != nil {
		return out, fmt.Errorf("%s %s: %v: %s", c.name, o.kind, err, firstLine(stderr.Bytes()))
	}
	if listing {
		if c.rawList {
			out.entries = countListing(stdout.Bytes())
		} else if out.entries, err = strconv.Atoi(strings.TrimSpace(stdout.String())); err != nil {
			return out, fmt.Errorf("%s %s: no entry count in the output %q", c.name, o.kind, firstLine(stdout.Bytes()))
		}
		if out.entries != wantEntries {
			return out, fmt.Errorf("%s %s: %w: listed %d entries, want %d", c.name, o.kind, errBadCount, out.entries, wantEntries)
		}
		return out, nil
	}
	check := func(p string, want int64) error {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("%s %s: %v", c.name, o.kind, err)
		}
		if fi.Size() != want {
			return fmt.Errorf("%s %s: %s has %d bytes, want %d", c.name, o.kind, p, fi.Size(), want)
		}
		return nil
	}
	switch o.kind {
	case "get", "tcp":
		err = check(o.local, wantBytes)
	case "put":
		err = check(upTarget, wantBytes)
	case "many":
		for i := range wantFiles {
			if err = check(filepath.Join(o.local, fmt.Sprintf("f%04d", i)), int64(b.sz.small)); err != nil {
				break
			}
		}
	case "pool", "seg", "mirror", "resync", "s2s":
		if err = b.checkParallel(o); err != nil {
			err = fmt.Errorf("%s %s: %w", c.name, o.kind, err)
		}
		if err == nil && o.kind == "resync" {
			var after map[string]fileStamp
			if after, err = stamps(o.local); err == nil {
				out.changed = changed(before, after)
			}
		}
	}
	return out, err
}

var (
	errUnsupported = errors.New("not supported by this client")
	errBadCount    = errors.New("wrong entry count")
)

// countListing counts the entries of a raw LIST or MLSD listing: its
// non-empty lines, less a "total N" line and the lines of "." and ".."
// (the name is the last field: the entry names of the listing scenario
// have no spaces).
func countListing(out []byte) int {
	n := 0
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 || len(f) == 2 && f[0] == "total" {
			continue
		}
		if name := f[len(f)-1]; name == "." || name == ".." {
			continue
		}
		n++
	}
	return n
}

// scenario is one row group of the results.
type scenario struct {
	name    string
	op      op
	bytes   int64
	files   int
	entries int      // entries a listing must have ("." and ".." not counted)
	count   bool     // count server commands (vsftpd log)
	rounds  int      // if > 0, at most this many rounds
	clients []client // nil: all
	base    string   // the client whose median is ratio 1 ("": ftpkit)
	// proxies, if the scenario goes through them: the data connections
	// they accept in the first round are counted.
	proxies *proxySet
}

// run runs s for every client, alternating clients within each round.
func (b *bench) run(s scenario) {
	clients := s.clients
	if clients == nil {
		clients = b.clients
	}
	nRounds := *rounds
	if s.rounds > 0 && s.rounds < nRounds {
		nRounds = s.rounds
	}
	log.Printf("scenario %s: %d clients x %d rounds", s.name, len(clients), nRounds)
	res := make([]*result, len(clients))
	for i, c := range clients {
		res[i] = &result{Scenario: s.name, Client: c.name, Bytes: s.bytes, Files: s.files}
	}
	if s.op.kind == "resync" {
		// Each client's first copy, before any count of commands or
		// connections.
		for i, c := range clients {
			o := s.op
			o.local = resyncLocal(o, c)
			if c.command(o) == nil {
				continue
			}
			if err := b.fill(c, o); err != nil {
				res[i].Error = fmt.Sprintf("%s: %v", c.name, err)
				log.Printf("  %s", res[i].Error)
			}
		}
	}
	for round := range nRounds {
		// Each round starts with the next client (A B C, B C A, C A B,
		// ...): the first client of a round runs while the kernel is
		// still writing back the last one's file, and that cost must not
		// always fall on the same client.
		for k := range clients {
			i := (round + k) % len(clients)
			c := clients[i]
			r := res[i]
			if r.Error != "" {
				continue
			}
			var off, conns int64
			if s.count && round == 0 {
				off = b.vsftpd.logSize()
			}
			if s.proxies != nil {
				conns = s.proxies.dataConns()
			}
			out, err := b.runOnce(c, s.op, s.bytes, s.files, s.entries)
			if errors.Is(err, errBadCount) {
				// Not a timing of the scenario: drop the row's runs.
				r.Runs, r.RSSKiB, r.Entries = nil, nil, out.entries
			}
			if err != nil {
				r.Error = err.Error()
				if !errors.Is(err, errUnsupported) {
					log.Printf("  %v", err)
				}
				continue
			}
			if s.count && round == 0 {
				time.Sleep(100 * time.Millisecond) // let the session process write its last lines
				if st, err := b.vsftpd.readLog(off); err == nil {
					r.Commands = st.commands
					if s.op.kind != "many" {
						r.Sessions, r.Retrs = st.logins, st.retrs
					}
				}
			}
			if s.proxies != nil && round == 0 {
				r.DataConns = int(s.proxies.dataConns() - conns)
			}
			if s.op.kind == "resync" {
				r.Changed = append(r.Changed, out.changed)
			}
			r.Runs = append(r.Runs, out.sec)
			r.RSSKiB = append(r.RSSKiB, out.rss)
			r.Entries = out.entries
		}
	}
	baseName := s.base
	if baseName == "" {
		baseName = "ftpkit"
	}
	var base float64
	for _, r := range res {
		r.summarize()
		if r.Client == baseName {
			base = r.Median
		}
	}
	for _, r := range res {
		if base > 0 && r.Median > 0 {
			r.Ratio = r.Median / base
		}
		if r.Error == "" || len(r.Runs) > 0 {
			log.Printf("  %-14s median %7.3f s  [%7.3f, %7.3f]  x%.2f  rss %d KiB  %s", r.Client, r.Median, r.Min, r.Max, r.Ratio, r.RSSMed, strings.Join(r.notes(), "; "))
		}
		if errors.Is(errorFromString(r.Error), errUnsupported) {
			continue
		}
		b.results = append(b.results, r)
	}
}

func errorFromString(s string) error {
	if s == errUnsupported.Error() {
		return errUnsupported
	}
	return nil
}

func (b *bench) selected(group string) bool {
	if *only == "" {
		return true
	}
	for _, g := range strings.Split(*only, ",") {
		if g == group {
			return true
		}
	}
	return false
}

func (b *bench) runAll() error {
	bigLocal := filepath.Join(b.out, "big.bin")
	bigSrc := filepath.Join(b.root, "big.bin")
	big := human(b.sz.big)
	if b.selected("tcp") {
		raw := func(name string, flags ...string) client {
			return client{name: name, command: func(o op) *exec.Cmd {
				return exec.Command(b.env.benchclient, append(flags, "tcp", o.remote, o.local)...)
			}}
		}
		// raw-tcp is the zero-copy ceiling: sendfile to splice. The other
		// two copy on one side as pure-ftpd 1.0.50 does (seen with strace:
		// read and write of 128 KiB blocks when sending a file, 512 KiB
		// when receiving one), the ceiling of any client on that server.
		b.run(scenario{name: "1. raw TCP copy " + big, op: op{kind: "tcp", remote: bigSrc, local: bigLocal},
			bytes: b.sz.big, clients: []client{
				raw("raw-tcp"),
				raw("raw-tcp, sender copies 128 KiB", "-sendbuf", "131072"),
				raw("raw-tcp, receiver copies 512 KiB", "-recvbuf", "524288"),
			}})
	}
	if b.selected("large") {
		// On both servers unless -server chose one, the chosen one
		// first: vsftpd sends files with sendfile, pure-ftpd through a
		// 128 KiB buffer, so the pair shows how much of a transfer's
		// time is the server's.
		servers := []*server{b.clear}
		if *serverFl == "" && b.pure != nil {
			if b.clear == b.pure {
				servers = append(servers, b.vsftpd)
			} else {
				servers = append(servers, b.pure)
			}
		}
		for _, s := range servers {
			tag := ""
			if len(servers) > 1 {
				tag = " (" + s.name + ")"
			}
			b.run(scenario{name: "2. download " + big + tag, op: op{kind: "get", addr: s.addr, remote: "big.bin", local: bigLocal}, bytes: b.sz.big})
			b.run(scenario{name: "2. upload " + big + tag, op: op{kind: "put", addr: s.addr, local: bigSrc, remote: "up/big.bin"}, bytes: b.sz.big})
		}
	}
	if b.selected("tls") {
		a := b.tls.addr
		b.run(scenario{name: "2. TLS download " + big, op: op{kind: "get", addr: a, tls: true, remote: "big.bin", local: bigLocal}, bytes: b.sz.big})
		b.run(scenario{name: "2. TLS upload " + big, op: op{kind: "put", addr: a, tls: true, local: bigSrc, remote: "up/big.bin"}, bytes: b.sz.big})
	}
	if b.selected("small") {
		n := b.sz.smallN
		name := fmt.Sprintf("3. %d x %s files", n, human(int64(b.sz.small)))
		// vsftpd whatever the chosen server: the command counts come from its
		// protocol log (pure-ftpd logs only to syslog).
		b.run(scenario{name: name, op: op{kind: "many", addr: b.vsftpd.addr, remote: "small", local: filepath.Join(b.out, "small"), count: n},
			bytes: int64(n * b.sz.small), files: n, count: true})
	}
	if b.selected("latency") {
		if err := b.runLatency(); err != nil {
			b.note("latency scenarios failed: %v", err)
		}
	}
	if b.selected("list") {
		// pure-ftpd whatever the chosen server: vsftpd has no MLSD, and LIST
		// and MLSD should be timed on the same server.
		srv := b.pure
		if srv == nil {
			srv = b.vsftpd
			b.note("listings on vsftpd, which has no MLSD: the MLSD rows fail")
		}
		dir := fmt.Sprintf("list%d", b.sz.listN)
		for _, kind := range []string{"list", "mlsd"} {
			b.run(scenario{name: fmt.Sprintf("5. %s %d entries", strings.ToUpper(kind), b.sz.listN),
				op: op{kind: kind, addr: srv.addr, remote: dir}, entries: b.sz.listN})
		}
	}
	for _, g := range []struct {
		name string
		run  func() error
	}{{"pool", b.runPool}, {"segmented", b.runSegmented}, {"mirror", b.runMirror}, {"s2s", b.runServerToServer}} {
		if b.selected(g.name) {
			if err := g.run(); err != nil {
				b.note("%s scenarios failed: %v", g.name, err)
			}
		}
	}
	return nil
}
