package ftp_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/internal/realserver"
)

// errSource is the failure of an upload's body in these tests.
var errSource = errors.New("upload source failed")

// sourceFailingAfter yields n bytes of data, then errSource.
type sourceFailingAfter struct{ n int }

func (r *sourceFailingAfter) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errSource
	}
	m := min(len(p), r.n)
	clear(p[:m])
	r.n -= m
	return m, nil
}

// TestRealServerUploadBodyFailure checks, on every real server in clear
// text and over TLS, that an upload whose body fails after 50,000 bytes
// is never ended in order: a tap between client and server sees the
// data connection reset, never closed with a FIN (so, over TLS, never
// after a close_notify); the caller gets the body's error, and the
// session stays usable. Store, and the Stor / copy / CloseWithError
// pattern, both.
//
// What the server makes of the reset is its own affair and is only
// logged: vsftpd, pure-ftpd and proftpd in clear text answer 426 or
// 451, but pyftpdlib (and proftpd over TLS) may answer 226 and keep the
// 50,000 bytes, which is why Client.Upload writes under a temporary
// name.
func TestRealServerUploadBodyFailure(t *testing.T) {
	for _, kind := range realserver.Kinds {
		for _, mode := range []realserver.TLSMode{realserver.None, realserver.Explicit} {
			t.Run(string(kind)+"/"+mode.String(), func(t *testing.T) {
				t.Parallel()
				srv := realserver.Start(t, kind, realserver.Config{TLS: mode})
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				var opts []ftp.DialOption
				if mode == realserver.Explicit {
					opts = append(opts, ftp.WithExplicitTLS(srv.TLSConfig()))
				}
				tp := newTap(t, srv)
				c := rsDialAddr(t, ctx, srv, tp.Addr, opts...)

				err := c.Store(ctx, "store.bin", &sourceFailingAfter{n: 50000})
				if !errors.Is(err, errSource) {
					t.Errorf("Store = %v, want the body's error", err)
				}

				d, err := c.Stor(ctx, "stor.bin")
				if err != nil {
					t.Fatal(err)
				}
				_, cerr := io.Copy(d, &sourceFailingAfter{n: 50000})
				err = d.CloseWithError(cerr)
				if !errors.Is(err, errSource) {
					t.Errorf("CloseWithError = %v, want the body's error", err)
				}
				t.Logf("%s's verdict on the failed upload: %q", kind, d.Reply().Text)
				if err := c.Noop(ctx); err != nil {
					t.Fatalf("session after the failed upload: %v", err)
				}
				if ends := tp.Ends(2); len(ends) != 2 || ends[0] != "rst" || ends[1] != "rst" {
					t.Errorf("data connections ended with %q, want two resets", ends)
				}
				for _, name := range []string{"store.bin", "stor.bin"} {
					if fi, err := os.Stat(filepath.Join(srv.Root, name)); err == nil && fi.Size() > 50000 {
						t.Errorf("%s holds %d bytes, more than were sent", name, fi.Size())
					}
				}
			})
		}
	}
}
