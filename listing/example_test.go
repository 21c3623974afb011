package listing_test

import (
	"fmt"
	"time"

	"github.com/ftpkit/ftp/listing"
)

func Example() {
	p := listing.Parser{
		Hint: listing.FormatFromSYST("215 UNIX Type: L8"),
		Now:  func() time.Time { return time.Date(2025, 1, 1, 0, 10, 0, 0, time.UTC) },
	}
	lines := []string{
		"total 12",
		"drwxr-xr-x    2 1001     1001         4096 Dec 31 23:59 my dir",
		"-rw-r--r--    1 1001     1001      1048576 Mar  3  2021 data.bin",
		"lrwxrwxrwx    1 root     root            7 Jan  1 00:05 bin -> usr/bin",
		"something the parser does not know",
	}
	for _, e := range p.ParseList(lines) {
		if e.Unparsed() {
			fmt.Printf("unparsed: %q\n", e.Name)
			continue
		}
		fmt.Printf("%-7s %-10q %8d %s (%s)", e.Type, e.Name, e.Size,
			e.ModTime.Format("2006-01-02 15:04"), e.Precision)
		if e.Target != "" {
			fmt.Printf(" -> %s", e.Target)
		}
		fmt.Println()
	}

	m := listing.ParseMLSx("type=file;size=280;modify=20241123193000.5;UNIX.mode=0644; two words")
	fmt.Printf("%s %q %d %s %s %v\n", m.Type, m.Name, m.Size, m.ModTime.Format(time.RFC3339Nano), m.Precision, m.Mode)
	// Output:
	// dir     "my dir"       4096 2024-12-31 23:59 (minute)
	// file    "data.bin"  1048576 2021-03-03 00:00 (day)
	// symlink "bin"             7 2025-01-01 00:05 (minute) -> usr/bin
	// unparsed: "something the parser does not know"
	// file "two words" 280 2024-11-23T19:30:00.5Z subsecond -rw-r--r--
}
