package ftp_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftptest"
)

// TestURLSchemeKeepsTLS: with an "ftpes" or "ftps" URL, WithTLSConfig
// gives the certificate pool and nothing else: the data connections are
// protected (PBSZ 0, PROT P), as the scheme asks, and not left in clear
// text as WithTLSConfig alone (ftplib's FTP_TLS) leaves them. Before,
// a server requiring protected data refused every transfer (pure-ftpd:
// 521 Data connection cannot be opened with this PROT setting), and
// one that did not require it got the data in clear text. WithClearData
// given as well still keeps the data in clear text.
func TestURLSchemeKeepsTLS(t *testing.T) {
	for _, tc := range []struct {
		name      string
		server    ftptest.Option
		clearData bool
		wantProt  bool
	}{
		{"ftpes", ftptest.WithTLS(nil), false, true},
		{"ftps", ftptest.WithImplicitTLS(nil), false, true},
		{"ftpes with WithClearData", ftptest.WithTLS(nil), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clServer(t, map[string][]byte{"f.txt": []byte("protected\n")}, tc.server)
			opts := []ftp.ClientOption{ftp.WithTimeout(5 * time.Second), ftp.WithoutNetrc(), ftp.WithTLSConfig(srv.ClientTLSConfig())}
			if tc.clearData {
				opts = append(opts, ftp.WithClearData())
			}
			c, err := ftp.NewClient(srv.URL, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			dst := filepath.Join(t.TempDir(), "f.txt")
			if err := c.Download(ctx, "f.txt", dst); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(dst); err != nil || string(b) != "protected\n" {
				t.Fatalf("downloaded %q, %v", b, err)
			}
			cmds := srv.Commands()
			if got := slices.Contains(cmds, "PROT P"); got != tc.wantProt {
				t.Errorf("PROT P sent: %v, want %v; commands %q", got, tc.wantProt, cmds)
			}
		})
	}
}
