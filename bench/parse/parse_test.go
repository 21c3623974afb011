package parse

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/textproto"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ftpkit/ftp/listing"
	jftp "github.com/jlaffaye/ftp"
)

// numLines is the size of the benchmark listing.
const numLines = 1_000_000

var (
	corpusOnce sync.Once
	corpus     []byte
)

// genListing builds the listing deterministically: 70% files, 20%
// directories, 10% symlinks; a third of the dates are old ("Nov 23
// 2019"), the rest recent ("Nov 23 19:30"); a few names have spaces.
func genListing() []byte {
	corpusOnce.Do(func() {
		months := [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
		owners := [...]string{"ftp      ftp     ", "1001     1001    ", "alice    staff   ", "root     root    "}
		var b bytes.Buffer
		b.Grow(numLines * 72)
		x := uint32(2463534242) // xorshift32: same listing on every run
		next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
		b.WriteString("total 4000000\r\n")
		for i := 0; i < numLines; i++ {
			r := next()
			m := months[r%12]
			d := 1 + (r>>4)%28
			var when string
			if (r>>9)%3 == 0 {
				when = fmt.Sprintf("%s %2d  %d", m, d, 2010+(r>>11)%14)
			} else {
				when = fmt.Sprintf("%s %2d %02d:%02d", m, d, (r>>11)%24, (r>>16)%60)
			}
			own := owners[(r>>20)%4]
			switch k := (r >> 22) % 10; {
			case k < 2:
				fmt.Fprintf(&b, "drwxr-xr-x %4d %s %8d %s dir-%07d\r\n", 2+(r>>24)%9, own, 4096, when, i)
			case k < 3:
				fmt.Fprintf(&b, "lrwxrwxrwx    1 %s %8d %s link-%07d -> ../target/file-%07d\r\n", own, 20+(r>>25)%30, when, i, i)
			case k < 4:
				fmt.Fprintf(&b, "-rw-r--r--    1 %s %8d %s my file %07d.txt\r\n", own, next()%100000000, when, i)
			default:
				fmt.Fprintf(&b, "-rw-r--r--    1 %s %8d %s file-%07d.dat\r\n", own, next()%100000000, when, i)
			}
		}
		corpus = b.Bytes()
	})
	return corpus
}

// rawList logs in to the fake server with a minimal client, sends LIST
// and hands every line of the data connection to fn.
func rawList(tb testing.TB, addr string, fn func(line string)) {
	c, err := textproto.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	expect := func(code int, cmd string) string {
		if cmd != "" {
			if _, err := c.Cmd("%s", cmd); err != nil {
				tb.Fatal(err)
			}
		}
		_, msg, err := c.ReadResponse(code)
		if err != nil {
			tb.Fatal(err)
		}
		return msg
	}
	expect(220, "")
	expect(331, "USER anonymous")
	expect(230, "PASS x")
	msg := expect(229, "EPSV")
	var port int
	if _, err := fmt.Sscanf(msg[bytes.IndexByte([]byte(msg), '(')+1:], "|||%d|)", &port); err != nil {
		tb.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(addr)
	dc, err := net.Dial("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
	if err != nil {
		tb.Fatal(err)
	}
	expect(150, "LIST")
	sc := bufio.NewScanner(dc)
	for sc.Scan() {
		fn(sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	dc.Close()
	expect(226, "")
}

// report adds per-line metrics: ns/line, allocs/line and bytes/line.
func report(b *testing.B, lines int, m0, m1 *runtime.MemStats) {
	n := float64(b.N) * float64(lines)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/line")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/n, "allocs/line")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/n, "B/line")
}

func measure(b *testing.B, data []byte, body func()) {
	b.SetBytes(int64(len(data)))
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body()
	}
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	report(b, numLines, &m0, &m1)
}

func BenchmarkParse(b *testing.B) {
	data := genListing()
	b.Run("listing", func(b *testing.B) {
		measure(b, data, func() {
			p := listing.Parser{} // the local clock, like jlaffaye
			entries := make([]listing.Entry, 0, numLines)
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				if e, ok := p.Parse(sc.Text()); ok {
					entries = append(entries, e)
				}
			}
			if len(entries) != numLines {
				b.Fatalf("%d entries", len(entries))
			}
		})
	})
}

func BenchmarkList(b *testing.B) {
	data := genListing()
	srv := startServer(b, data)
	b.Run("network", func(b *testing.B) {
		measure(b, data, func() {
			n := 0
			rawList(b, srv.addr(), func(string) { n++ })
			if n != numLines+1 {
				b.Fatalf("%d lines", n)
			}
		})
	})
	b.Run("listing", func(b *testing.B) {
		measure(b, data, func() {
			p := listing.Parser{} // the local clock, like jlaffaye
			entries := make([]listing.Entry, 0, numLines)
			rawList(b, srv.addr(), func(line string) {
				if e, ok := p.Parse(line); ok {
					entries = append(entries, e)
				}
			})
			if len(entries) != numLines {
				b.Fatalf("%d entries", len(entries))
			}
		})
	})
	b.Run("jlaffaye", func(b *testing.B) {
		measure(b, data, func() {
			c, err := jftp.Dial(srv.addr(), jftp.DialWithTimeout(time.Minute))
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Login("anonymous", "x"); err != nil {
				b.Fatal(err)
			}
			entries, err := c.List("")
			if err != nil {
				b.Fatal(err)
			}
			if len(entries) != numLines {
				b.Fatalf("%d entries", len(entries))
			}
			c.Quit()
		})
	})
}

// TestSameEntries checks that both parsers read the listing the same way,
// so that the benchmark compares equal work.
func TestSameEntries(t *testing.T) {
	data := genListing()
	srv := startServer(t, data)
	c, err := jftp.Dial(srv.addr(), jftp.DialWithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Login("anonymous", "x"); err != nil {
		t.Fatal(err)
	}
	theirs, err := c.List("")
	if err != nil {
		t.Fatal(err)
	}
	p := listing.Parser{} // the local clock, like jlaffaye
	var ours []listing.Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if e, ok := p.Parse(sc.Text()); ok {
			ours = append(ours, e)
		}
	}
	if len(ours) != len(theirs) {
		t.Fatalf("listing: %d entries, jlaffaye: %d", len(ours), len(theirs))
	}
	for i := 0; i < len(ours); i += 997 {
		o, j := ours[i], theirs[i]
		if o.Name != j.Name || o.Size != int64(j.Size) && o.Type == listing.TypeFile || o.Target != j.Target {
			t.Errorf("entry %d: listing %q %d %q, jlaffaye %q %d %q", i, o.Name, o.Size, o.Target, j.Name, j.Size, j.Target)
		}
		// jlaffaye puts "HH:MM" dates up to six months in the future
		// into the current year; listing allows one day (ls prints
		// a year for anything in the future), so only the year may
		// differ.
		if o.Type == listing.TypeFile && o.ModTime.AddDate(j.Time.Year()-o.ModTime.Year(), 0, 0) != j.Time {
			t.Errorf("entry %d %q: listing %v, jlaffaye %v", i, o.Name, o.ModTime, j.Time)
		}
	}
}
