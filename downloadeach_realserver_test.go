package ftp_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/listing"
)

// TestRealServerDownloadEach: on the four servers, plain and with TLS,
// DownloadEach gets 120 small files (0 bytes to 256 KiB) whole, by
// checksum, with their listed times; it sends batches to vsftpd, proftpd
// and pure-ftpd (which keep commands sent together with a transfer for
// after it) and never to pyftpdlib (which runs them at once), and a
// batch costs no retry and no second session.
func TestRealServerDownloadEach(t *testing.T) {
	const n = 120
	sizes := []int{0, 1, 97, 4096, 65536, 256 << 10}
	data := make([][]byte, n)
	for i := range data {
		data[i] = rsData(uint64(9100+i), sizes[i%len(sizes)])
	}
	for _, kind := range []realserver.Kind{realserver.Vsftpd, realserver.ProFTPD, realserver.PureFTPd, realserver.Pyftpdlib} {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(fmt.Sprintf("%s/%s", kind, mode), func(t *testing.T) {
				t.Parallel()
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode})
				for i, b := range data {
					srv.WriteFile(fmt.Sprintf("d/f%03d.bin", i), b)
				}
				c := newCRSClient(t, srv, nil, ftp.WithMaxConns(1))
				ctx := crsCtx(t, 2*time.Minute)
				es, err := c.ReadDir(ctx, "d")
				if err != nil {
					t.Fatal(err)
				}
				if len(es) != n {
					t.Fatalf("listed %d files, want %d", len(es), n)
				}
				exact := es[0].Precision >= listing.PrecisionSecond // MLSD; vsftpd's LIST is to the minute
				dir := t.TempDir()
				var ts []ftp.Transfer
				for _, e := range es {
					opts := []ftp.FileOption{ftp.WithListedEntry(e)}
					if !exact {
						opts = append(opts, ftp.WithoutModTime())
					}
					ts = append(ts, ftp.Transfer{Remote: "d/" + e.Name, Local: filepath.Join(dir, e.Name), Options: opts})
				}
				for i, err := range c.DownloadEach(ctx, ts) {
					if err != nil {
						t.Errorf("%s: %v", ts[i].Remote, err)
					}
				}
				for i, e := range es {
					got, err := os.ReadFile(ts[i].Local)
					if err != nil {
						t.Fatal(err)
					}
					var k int
					fmt.Sscanf(e.Name, "f%03d.bin", &k)
					want := data[k]
					if sha256.Sum256(got) != sha256.Sum256(want) {
						t.Errorf("%s: %d bytes differ from the server's %d", e.Name, len(got), len(want))
					}
					if fi, _ := os.Stat(ts[i].Local); exact && !fi.ModTime().Equal(e.ModTime) {
						t.Errorf("%s: time %v, listed %v", e.Name, fi.ModTime(), e.ModTime)
					}
				}
				batches := len(c.log.events("batch"))
				wantBatches := (n + 15) / 16
				if kind == realserver.Pyftpdlib {
					wantBatches = 0
				}
				if batches != wantBatches {
					t.Errorf("%d batches, want %d", batches, wantBatches)
				}
				if got := c.log.logins(); got != 1 {
					t.Errorf("%d logins, want 1", got)
				}
				c.noRetries(t)
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					if strings.HasSuffix(e.Name(), ".part") {
						t.Errorf("temporary file left: %s", e.Name())
					}
				}
			})
		}
	}
}
