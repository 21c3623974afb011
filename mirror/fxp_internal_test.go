package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ftpkit/ftp"
)

// TestRefusesFXP: which failures of ftp.Copy mean that the servers do
// not copy between them (and a mirror stops trying), and which are the
// file's own.
func TestRefusesFXP(t *testing.T) {
	refusedPort := &ftp.Error{Code: 500, Text: "500 Illegal PORT command.", Cmd: "PORT 127,0,0,1,117,48"}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("ftp: copy over TLS: neither offers CPSV or SSCN: %w", ftp.ErrFeatureNotSupported), true},
		{errors.New("ftp: copy: the destination's session protects its data connections (PROT P) and the source's does not"), true},
		{fmt.Errorf("ftp: copy (destination passive): source: %w", refusedPort), true},
		{fmt.Errorf("%w; then %w", &ftp.Error{Code: 550, Cmd: "STOR x"}, &ftp.Error{Code: 501, Cmd: "eprt |1|127.0.0.1|30000|"}), true},
		{&ftp.Error{Code: 421, Cmd: "PASV"}, true},
		{&ftp.Error{Code: 500, Cmd: "SSCN ON"}, true},
		{fmt.Errorf("x: %w", &ftp.Error{Code: 425, Cmd: "RETR f"}), true},
		{&ftp.OpError{Cmd: "STOR f", Conn: "control", Timeout: 3 * time.Second, Err: os.ErrDeadlineExceeded}, true},

		{&ftp.Error{Code: 550, Cmd: "RETR f"}, false},
		{&ftp.Error{Code: 451, Cmd: "STOR f"}, false},
		{&ftp.Error{Code: 426, Cmd: "RETR f"}, false},
		{fmt.Errorf("ftp: copy: %w: the destination has 3 bytes", ftp.ErrShortTransfer), false},
		{&ftp.OpError{Cmd: "RETR f", Conn: "control", Err: io.ErrUnexpectedEOF}, false},
		{&ftp.OpError{Cmd: "TYPE I", Conn: "control", Timeout: time.Second, Err: os.ErrDeadlineExceeded}, false},
		{ftp.ErrClosed, false},
		{context.Canceled, false},
		{fmt.Errorf("ftp: copy: %w", context.DeadlineExceeded), false},
	} {
		if got := refusesFXP(c.err); got != c.want {
			t.Errorf("refusesFXP(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
