package listing

import (
	"fmt"
	"testing"
	"time"
)

// benchLines returns n lines made by cycling through the table cases.
func benchLines(cases []listCase, n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = cases[i%len(cases)].line
	}
	return lines
}

// benchUnixLines returns n realistic ls -l lines: files, directories and
// symlinks with recent and old dates.
func benchUnixLines(n int) []string {
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	lines := make([]string, n)
	for i := range lines {
		m := months[i%12]
		d := 1 + i%28
		var when string
		if i%3 == 0 {
			when = fmt.Sprintf("%s %2d  %d", m, d, 2015+i%9)
		} else {
			when = fmt.Sprintf("%s %2d %02d:%02d", m, d, i%24, i%60)
		}
		switch i % 10 {
		case 0:
			lines[i] = fmt.Sprintf("drwxr-xr-x    2 ftp      ftp          4096 %s dir%d", when, i)
		case 1:
			lines[i] = fmt.Sprintf("lrwxrwxrwx    1 root     root           11 %s link%d -> target/%d", when, i, i)
		default:
			lines[i] = fmt.Sprintf("-rw-r--r--    1 1001     1001     %9d %s file %d.dat", i*37, when, i)
		}
	}
	return lines
}

func benchParse(b *testing.B, format Format, lines []string) {
	size := 0
	for _, l := range lines {
		size += len(l) + 2
	}
	now := func() time.Time { return testNow }
	run := func() {
		p := Parser{Format: format, Now: now}
		for _, l := range lines {
			e, _ := p.Parse(l)
			if e.Unparsed() {
				b.Fatalf("unparsed: %q", l)
			}
		}
	}
	allocs := testing.AllocsPerRun(5, run)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
	b.ReportMetric(allocs/float64(len(lines)), "allocs/line")
}

func BenchmarkParse(b *testing.B) {
	b.Run("unix", func(b *testing.B) { benchParse(b, FormatUnix, benchUnixLines(1000)) })
	b.Run("unix-auto", func(b *testing.B) { benchParse(b, FormatAuto, benchUnixLines(1000)) })
	b.Run("unix-table", func(b *testing.B) { benchParse(b, FormatUnix, benchLines(unixCases, 1000)) })
	b.Run("dos", func(b *testing.B) { benchParse(b, FormatDOS, benchLines(dosCases, 1000)) })
	b.Run("eplf", func(b *testing.B) { benchParse(b, FormatEPLF, benchLines(eplfCases, 1000)) })
	b.Run("vms", func(b *testing.B) { benchParse(b, FormatVMS, benchLines(vmsCases, 1000)) })
	b.Run("netware", func(b *testing.B) { benchParse(b, FormatNetware, benchLines(netwareCases, 1000)) })
	b.Run("os2", func(b *testing.B) { benchParse(b, FormatOS2, benchLines(os2Cases, 1000)) })
	b.Run("as400", func(b *testing.B) { benchParse(b, FormatAS400, benchLines(as400Cases, 1000)) })
	b.Run("auto-mixed", func(b *testing.B) {
		var lines []string
		for _, cs := range [][]listCase{dosCases, eplfCases, vmsCases, netwareCases, os2Cases, as400Cases} {
			lines = append(lines, benchLines(cs, 100)...)
		}
		benchParse(b, FormatAuto, lines)
	})
}

func BenchmarkParseMLSx(b *testing.B) {
	lines := []string{
		"type=file;size=1048576;modify=20241123193000;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=1001;unique=803g2c; file.bin",
		"modify=20241123193012;perm=adfrw;size=512;type=file;unique=FD00U2C0C7;UNIX.group=1000;UNIX.mode=0644;UNIX.owner=1000; proftpd.txt",
		"type=dir;sizd=4096;modify=20241123193012;perm=flcdmpe;UNIX.mode=0755; a dir",
		"type=OS.unix=slink:/foobar;perm=;unique==keVO1+4G4; foobar",
	}
	size := 0
	for _, l := range lines {
		size += len(l) + 2
	}
	run := func() {
		for _, l := range lines {
			_ = ParseMLSx(l)
		}
	}
	allocs := testing.AllocsPerRun(5, run)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
	b.ReportMetric(allocs/float64(len(lines)), "allocs/line")
}
