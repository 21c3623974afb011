package ftp_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
	"github.com/ftpkit/ftp/listing"
)

// A batchServer is a fake server that reads commands in bursts (all
// that arrive without a pause) and answers them in order, as vsftpd
// does with commands sent together, so that a test sees how many
// commands a client sent before waiting for a reply.
type batchServer struct {
	*ftptest.Fake
	files map[string][]byte
	// drop, if set, is a file after whose data the server answers "500
	// Unknown command" and forgets the rest of the burst, as Pure-FTPd
	// does with commands that arrive during a transfer.
	drop string
	// long is a file sent with one byte more than it has.
	long string
	// silent, if set, is a file whose EPSV and RETR the server skips
	// without a word, once; named makes its 150 replies name the file,
	// as vsftpd's and proftpd's do.
	silent string
	named  bool

	mu       sync.Mutex
	bursts   []int // the sizes of the bursts that held a RETR
	sessions int
}

func newBatchServer(t *testing.T, greeting []string, files map[string][]byte) *batchServer {
	s := &batchServer{files: files}
	s.Fake = ftptest.NewFake(t, func(fc *ftptest.FakeConn) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		fc.Reply(greeting...)
		var pd *ftptest.FakeData
		for {
			fc.Timeout = 0
			line, ok := fc.ReadCommand()
			if !ok {
				return
			}
			burst := []string{line}
			fc.Timeout = 30 * time.Millisecond
			for {
				line, ok := fc.ReadCommand()
				if !ok {
					break
				}
				burst = append(burst, line)
			}
			fc.Timeout = 5 * time.Second
			if slices.ContainsFunc(burst, func(l string) bool { return strings.HasPrefix(l, "RETR ") }) {
				s.mu.Lock()
				s.bursts = append(s.bursts, len(burst))
				s.mu.Unlock()
			}
			for k := 0; k < len(burst); k++ {
				line := burst[k]
				verb, arg, _ := strings.Cut(line, " ")
				s.mu.Lock()
				silent := verb == "EPSV" && k+1 < len(burst) && s.silent != "" && burst[k+1] == "RETR "+s.silent
				if silent {
					s.silent = "" // once
				}
				s.mu.Unlock()
				if silent {
					k++
					continue
				}
				switch verb {
				case "USER":
					fc.Reply("331 pass")
				case "PASS":
					fc.Reply("230 in")
				case "FEAT":
					fc.Reply("211-Features:", " EPSV", " MDTM", " SIZE", "211 End")
				case "TYPE":
					fc.Reply("200 ok")
				case "PWD":
					fc.Reply(`257 "/"`)
				case "EPSV":
					pd = fc.Passive()
					fc.Reply(pd.EPSVReply())
				case "RETR":
					data, ok := s.files[arg]
					if !ok || pd == nil {
						fc.Reply("550 " + arg + ": No such file or directory")
						pd = nil
						continue
					}
					dc, err := pd.Accept()
					pd = nil
					if err != nil {
						return
					}
					if s.named {
						fc.Reply(fmt.Sprintf("150 Opening BINARY mode data connection for %s (%d bytes).", arg, len(data)))
					} else {
						fc.Reply("150 Opening BINARY mode data connection")
					}
					dc.Write(data)
					if arg == s.long {
						dc.Write([]byte("+"))
					}
					dc.Close()
					s.mu.Lock()
					drop := arg == s.drop
					if drop {
						s.drop = "" // once
					}
					s.mu.Unlock()
					if drop {
						fc.Reply("500 Unknown command", "226 Transfer complete")
						goto dropped
					}
					fc.Reply("226 Transfer complete")
				case "MDTM":
					fc.Reply("213 20240102030405")
				case "SIZE":
					fc.Reply("213 " + strconv.Itoa(len(s.files[arg])))
				case "QUIT":
					fc.Reply("221 bye")
					return
				default:
					fc.Reply("502 not here")
				}
			}
			continue
		dropped:
		}
	})
	return s
}

// batchFiles returns n files of different sizes, their Transfers into
// dir with the listed size and time, and the time.
func batchFiles(n int, dir string) (map[string][]byte, []ftp.Transfer, time.Time) {
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	files := map[string][]byte{}
	var ts []ftp.Transfer
	for i := range n {
		name := fmt.Sprintf("f%02d", i)
		files[name] = clTestData(uint64(i), i*397%5000)
		e := listing.Entry{Name: name, Type: listing.TypeFile, Size: int64(len(files[name])), ModTime: mtime, Precision: listing.PrecisionSecond}
		ts = append(ts, ftp.Transfer{Remote: name, Local: filepath.Join(dir, name), Options: []ftp.FileOption{ftp.WithListedEntry(e)}})
	}
	return files, ts, mtime
}

func batchClient(t *testing.T, addr string, opts ...ftp.ClientOption) *ftp.Client {
	t.Helper()
	opts = append([]ftp.ClientOption{ftp.WithTimeout(5 * time.Second), ftp.WithoutNetrc(), ftp.WithRetry(2, time.Millisecond, 10*time.Millisecond)}, opts...)
	c, err := ftp.NewClient("ftp://u:p@"+addr+"/", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// runEach runs DownloadEach and returns each index's error, failing if
// an index comes twice or not at all.
func runEach(t *testing.T, c *ftp.Client, ts []ftp.Transfer) []error {
	t.Helper()
	errs := make([]error, len(ts))
	seen := make([]bool, len(ts))
	for i, err := range c.DownloadEach(clCtx(t), ts) {
		if seen[i] {
			t.Fatalf("index %d yielded twice", i)
		}
		seen[i], errs[i] = true, err
	}
	if i := slices.Index(seen, false); i >= 0 {
		t.Fatalf("index %d never yielded", i)
	}
	return errs
}

// checkFiles checks every file of ts by content and time, except skip.
func checkFiles(t *testing.T, files map[string][]byte, ts []ftp.Transfer, mtime time.Time, skip ...string) {
	t.Helper()
	for _, tr := range ts {
		if slices.Contains(skip, tr.Remote) {
			continue
		}
		got, err := os.ReadFile(tr.Local)
		if err != nil || string(got) != string(files[tr.Remote]) {
			t.Errorf("%s: %d bytes, %v; want %d bytes", tr.Remote, len(got), err, len(files[tr.Remote]))
			continue
		}
		if fi, _ := os.Stat(tr.Local); !fi.ModTime().Equal(mtime) {
			t.Errorf("%s: time %v, want %v", tr.Remote, fi.ModTime(), mtime)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(ts[0].Local))
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestDownloadEachBatches: to a server that keeps commands for after a
// transfer, the EPSV and RETR of 16 files go in one write; every file
// arrives whole with its listed time, on one session, and the commands
// on the wire are exactly EPSV and RETR for each file in order.
func TestDownloadEachBatches(t *testing.T) {
	dir := t.TempDir()
	files, ts, mtime := batchFiles(40, dir)
	s := newBatchServer(t, []string{"220 (vsFTPd 3.0.3)"}, files)
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
	for i, err := range runEach(t, c, ts) {
		if err != nil {
			t.Errorf("file %d: %v", i, err)
		}
	}
	checkFiles(t, files, ts, mtime)
	if want := []int{32, 32, 16}; !slices.Equal(s.bursts, want) {
		t.Errorf("bursts with RETR = %v, want %v", s.bursts, want)
	}
	var xfer []string
	for _, l := range s.Commands() {
		if strings.HasPrefix(l, "EPSV") || strings.HasPrefix(l, "RETR") {
			xfer = append(xfer, l)
		}
	}
	var want []string
	for _, tr := range ts {
		want = append(want, "EPSV", "RETR "+tr.Remote)
	}
	if !slices.Equal(xfer, want) {
		t.Errorf("transfer commands = %q, want %q", xfer, want)
	}
	if s.sessions != 1 {
		t.Errorf("%d sessions, want 1", s.sessions)
	}
}

// TestDownloadEachNoBatch: a server not known to keep commands
// (pyftpdlib runs them at once), or WithoutPipelining, gets one file's
// commands at a time; files without an exact listed time or with
// WithContinue are downloaded as Download does.
func TestDownloadEachNoBatch(t *testing.T) {
	for _, tc := range []struct {
		name, greeting string
		opts           []ftp.ClientOption
		maxBurst       int
	}{
		{"pyftpdlib", "220 pyftpdlib ready.", nil, 2},
		{"WithoutPipelining", "220 (vsFTPd 3.0.3)", []ftp.ClientOption{ftp.WithoutPipelining()}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files, ts, mtime := batchFiles(6, dir)
			s := newBatchServer(t, []string{tc.greeting}, files)
			c := batchClient(t, s.Addr, append(tc.opts, ftp.WithMaxConns(1))...)
			for i, err := range runEach(t, c, ts) {
				if err != nil {
					t.Errorf("file %d: %v", i, err)
				}
			}
			checkFiles(t, files, ts, mtime)
			if slices.Max(s.bursts) > tc.maxBurst {
				t.Errorf("bursts with RETR = %v, want none over %d", s.bursts, tc.maxBurst)
			}
		})
	}
	t.Run("minute times", func(t *testing.T) {
		dir := t.TempDir()
		files, ts, _ := batchFiles(4, dir)
		for i := range ts {
			e := listing.Entry{Size: int64(len(files[ts[i].Remote])), ModTime: time.Now().Truncate(time.Minute), Precision: listing.PrecisionMinute}
			ts[i].Options = []ftp.FileOption{ftp.WithListedEntry(e)}
		}
		s := newBatchServer(t, []string{"220 (vsFTPd 3.0.3)"}, files)
		c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
		for i, err := range runEach(t, c, ts) {
			if err != nil {
				t.Errorf("file %d: %v", i, err)
			}
		}
		checkFiles(t, files, ts, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) // MDTM's time
		if slices.Max(s.bursts) > 2 {
			t.Errorf("bursts with RETR = %v: batched without an exact time", s.bursts)
		}
	})
}

// TestDownloadEachDroppedCommands: a server that answers 500 to the
// commands of a batch that arrived during a transfer, and forgets them
// (Pure-FTPd's way, should a batch be split on the path), costs the
// session, not the files: they are downloaded again, without waiting
// for replies that never come.
func TestDownloadEachDroppedCommands(t *testing.T) {
	dir := t.TempDir()
	files, ts, mtime := batchFiles(20, dir)
	s := newBatchServer(t, []string{"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------", "220 You will be disconnected after 15 minutes of inactivity."}, files)
	s.drop = "f03"
	// A wait for the dropped commands' replies would last 5 s (resync)
	// or the timeout.
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1), ftp.WithTimeout(20*time.Second))
	start := time.Now()
	for i, err := range runEach(t, c, ts) {
		if err != nil {
			t.Errorf("file %d: %v", i, err)
		}
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("took %v: waited for replies that never came", d)
	}
	checkFiles(t, files, ts, mtime)
	if s.sessions != 2 {
		t.Errorf("%d sessions, want 2", s.sessions)
	}
}

// TestDownloadEachFailures: a missing file (550) and a file longer than
// its listing fail alone, with their classes, and leave no temporary
// file; the session stays in step for the rest of the batch.
func TestDownloadEachFailures(t *testing.T) {
	dir := t.TempDir()
	files, ts, mtime := batchFiles(10, dir)
	delete(files, "f02")
	s := newBatchServer(t, []string{"220 ProFTPD Server (test)"}, files)
	s.long = "f05"
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
	errs := runEach(t, c, ts)
	for i, err := range errs {
		switch i {
		case 2:
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing file: %v, want fs.ErrNotExist", err)
			}
		case 5:
			if !errors.Is(err, ftp.ErrShortTransfer) {
				t.Errorf("longer file: %v, want ErrShortTransfer", err)
			}
		default:
			if err != nil {
				t.Errorf("file %d: %v", i, err)
			}
		}
	}
	checkFiles(t, files, ts, mtime, "f02", "f05")
	for _, name := range []string{"f02", "f05"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after its download failed", name)
		}
	}
}

// TestDownloadEachStop: a loop that stops early leaves no temporary
// file and a Client that works.
func TestDownloadEachStop(t *testing.T) {
	dir := t.TempDir()
	files, ts, _ := batchFiles(12, dir)
	s := newBatchServer(t, []string{"220 (vsFTPd 3.0.3)"}, files)
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
	n := 0
	for _, err := range c.DownloadEach(clCtx(t), ts) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 3 {
			break
		}
	}
	r, err := c.Open(clCtx(t), "f07")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != string(files["f07"]) {
		t.Errorf("after the stop: %d bytes, %v", len(got), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Errorf("%d files in the destination, want 3", len(ents))
	}
}

// TestDownloadEachSilentDrop: a server that skips one file's commands
// without a reply would shift every later reply onto the file before;
// with files of one size only the name in vsftpd's and proftpd's 150
// reply tells. The shift closes the session and the files go again: no
// file gets another's data.
func TestDownloadEachSilentDrop(t *testing.T) {
	dir := t.TempDir()
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	files := map[string][]byte{}
	var ts []ftp.Transfer
	for i := range 8 {
		name := fmt.Sprintf("g%d", i)
		files[name] = clTestData(uint64(100+i), 4096)
		e := listing.Entry{Name: name, Size: 4096, ModTime: mtime, Precision: listing.PrecisionSecond}
		ts = append(ts, ftp.Transfer{Remote: name, Local: filepath.Join(dir, name), Options: []ftp.FileOption{ftp.WithListedEntry(e)}})
	}
	s := newBatchServer(t, []string{"220 (vsFTPd 3.0.3)"}, files)
	s.silent, s.named = "g2", true
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
	for i, err := range runEach(t, c, ts) {
		if err != nil {
			t.Errorf("file %d: %v", i, err)
		}
	}
	checkFiles(t, files, ts, mtime)
	if s.sessions != 2 {
		t.Errorf("%d sessions, want 2", s.sessions)
	}
}

// TestDownloadEachLocalFailure: a file of a batch whose destination
// cannot be written (its directory went while the batch ran) fails alone
// with the local error; its data is read out rather than aborted, since
// ABOR cannot go ahead of the queued replies, and the rest of the batch
// arrives on the same session.
func TestDownloadEachLocalFailure(t *testing.T) {
	dir := t.TempDir()
	files, ts, mtime := batchFiles(8, dir)
	gone := filepath.Join(dir, "gone")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	ts[3].Local = filepath.Join(gone, "f03")
	e := listing.Entry{Size: int64(len(files["f01"])), ModTime: mtime, Precision: listing.PrecisionSecond}
	ts[1].Options = []ftp.FileOption{ftp.WithListedEntry(e), ftp.WithProgress(func(done, total int64) {
		os.Remove(gone) // while the batch runs
	})}
	s := newBatchServer(t, []string{"220 (vsFTPd 3.0.3)"}, files)
	c := batchClient(t, s.Addr, ftp.WithMaxConns(1))
	for i, err := range runEach(t, c, ts) {
		switch {
		case i == 3 && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("file 3: %v, want fs.ErrNotExist", err)
		case i == 3:
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Path != ts[3].Local {
				t.Errorf("file 3: %v, want a *fs.PathError naming %s", err, ts[3].Local)
			}
		case err != nil:
			t.Errorf("file %d: %v", i, err)
		}
	}
	checkFiles(t, files, append(ts[:3:3], ts[4:]...), mtime)
	if s.sessions != 1 || !slices.Equal(s.bursts, []int{16}) {
		t.Errorf("%d sessions, bursts %v; want 1 session, one burst of 16", s.sessions, s.bursts)
	}
	for _, l := range s.Commands() {
		if l == "ABOR" {
			t.Errorf("ABOR sent with transfers queued")
		}
	}
}
