package realserver

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/rawclient"
)

// foreignClient is the loopback address from which the foreign-address
// tests connect, so that the servers' own address 127.0.0.1 is foreign to
// the session.
const foreignClient = "127.0.0.2"

// fxpPortRefusals are the replies to a PORT naming an address other than
// the client's, without AllowFXP. pyftpdlib's goes on with the port.
var fxpPortRefusals = map[Kind]string{
	Vsftpd:    "500 Illegal PORT command.",
	PureFTPd:  "500 I won't open a connection to 127.0.0.1 (only to 127.0.0.2)",
	ProFTPD:   "500 Illegal PORT command",
	Pyftpdlib: "501 Rejected data connection to foreign address 127.0.0.1:",
}

// fxpPasvRefusals are the replies to RETR when the passive data connection
// came from an address other than the client's, without AllowFXP: the
// 1xx reply if any, then the final reply. pyftpdlib's goes on with the
// port. pure-ftpd closes the foreign connection and waits, silent, for
// another one.
var fxpPasvRefusals = map[Kind][2]string{
	Vsftpd:    {"", "425 Security: Bad IP connecting."},
	PureFTPd:  {"", ""},
	ProFTPD:   {"", "425 Unable to build data connection: Permission denied"},
	Pyftpdlib: {"150 File status okay. About to open data connection.", "425 Rejected data connection from foreign address 127.0.0.1:"},
}

// TestFXP copies a file from server A to server B of each kind with one
// client: PASV on A, PORT with A's address on B, STOR on B, RETR on A.
func TestFXP(t *testing.T) {
	data := bytes.Repeat([]byte("server to server\n"), 50000)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			// From 127.0.0.1 the data address is the client's own:
			// nothing is foreign, so servers allow it either way.
			for _, allow := range []bool{true, false} {
				a := Start(t, kind, Config{AllowFXP: allow})
				b := Start(t, kind, Config{AllowFXP: allow})
				a.WriteFile("src.bin", data)
				ca, cb := dial(t, a, nil), dial(t, b, nil)
				ca.Login(User, Password)
				cb.Login(User, Password)
				r := fxp(t, ca, cb, "src.bin", "dst.bin")
				t.Logf("AllowFXP %v from 127.0.0.1: %s", allow, r)
				r.check(t, b, data)
			}
		})
	}
}

// TestFXPForeign runs FXP from a client on 127.0.0.2, so that the servers'
// address 127.0.0.1 is foreign to it: it works with AllowFXP, and without
// it B refuses the PORT, and A refuses a data connection from B's address.
func TestFXPForeign(t *testing.T) {
	if !canListen(net.JoinHostPort(foreignClient, "0")) {
		t.Skipf("cannot use %s", foreignClient)
	}
	data := bytes.Repeat([]byte("server to server\n"), 50000)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			t.Run("AllowFXP", func(t *testing.T) {
				a := Start(t, kind, Config{AllowFXP: true})
				b := Start(t, kind, Config{AllowFXP: true})
				a.WriteFile("src.bin", data)
				ca, cb := dialFrom(t, a, foreignClient), dialFrom(t, b, foreignClient)
				r := fxp(t, ca, cb, "src.bin", "dst.bin")
				t.Logf("%s", r)
				r.check(t, b, data)
			})
			t.Run("PORT", func(t *testing.T) {
				a := Start(t, kind, Config{})
				b := Start(t, kind, Config{})
				ca, cb := dialFrom(t, a, foreignClient), dialFrom(t, b, foreignClient)
				pasv := ca.Expect(227, "PASV")
				i, j := strings.Index(pasv, "("), strings.Index(pasv, ")")
				got := formatReply(cb.Cmd("PORT %s", pasv[i+1:j]))
				t.Logf("PORT %s: %s", pasv[i+1:j], got)
				if want := fxpPortRefusals[kind]; !strings.HasPrefix(got, want) {
					t.Errorf("PORT to a foreign address: %q, want %q", got, want)
				}
			})
			t.Run("PASV", func(t *testing.T) {
				a := Start(t, kind, Config{})
				a.WriteFile("src.bin", data)
				ca := dialFrom(t, a, foreignClient)
				port := ca.PASV().Port
				ca.Send("RETR src.bin")
				// pure-ftpd never answers: give up on it sooner.
				wait := rawclient.Timeout
				if kind == PureFTPd {
					wait = 2 * time.Second
				}
				ca.Conn.SetDeadline(time.Now().Add(wait))
				var replies [2]string
				if kind == Pyftpdlib {
					// It answers 150 before the data connection comes. It
					// refuses a foreign connection as soon as it comes,
					// even before a transfer command, with a 425 that
					// then answers nothing: wait for its 150 first.
					replies[0] = "150 " + ca.ExpectReply(150)
				}
				// The data connection comes from 127.0.0.1, as from B.
				d, err := net.DialTimeout("tcp", net.JoinHostPort(a.Host, strconv.Itoa(port)), rawclient.Timeout)
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				d.SetDeadline(time.Now().Add(rawclient.Timeout))
				got := make(chan int64, 1)
				go func() {
					n, _ := io.Copy(io.Discard, d)
					got <- n
				}()
				code, msg, err := ca.Text.ReadResponse(0)
				if err == nil && code/100 == 1 {
					replies[0] = strconv.Itoa(code) + " " + msg
					code, msg, err = ca.Text.ReadResponse(0)
				}
				if err == nil {
					replies[1] = strconv.Itoa(code) + " " + msg
				}
				d.Close()
				n := <-got
				t.Logf("RETR with a data connection from 127.0.0.1: %q; %d bytes", replies, n)
				want := fxpPasvRefusals[kind]
				if replies[0] != want[0] || !strings.HasPrefix(replies[1], want[1]) || (want[1] == "") != (replies[1] == "") {
					t.Errorf("RETR: replies %q, want %q", replies, want)
				}
				if n != 0 {
					t.Errorf("the foreign data connection got %d bytes", n)
				}
			})
		})
	}
}

// fxpResult holds the replies of one server-to-server transfer.
type fxpResult struct {
	Port       string    // B's reply to PORT
	Stor, Retr [2]string // B's and A's 1xx and final replies
}

func (r fxpResult) String() string {
	return "PORT: " + r.Port + "; STOR: " + strings.Join(r.Stor[:], " / ") + "; RETR: " + strings.Join(r.Retr[:], " / ")
}

// check checks that the transfer succeeded and that b has data as dst.bin.
func (r fxpResult) check(t *testing.T, b *Server, data []byte) {
	t.Helper()
	if !strings.HasPrefix(r.Port, "200") || !strings.HasPrefix(r.Stor[1], "226") || !strings.HasPrefix(r.Retr[1], "226") {
		t.Errorf("FXP failed: %s", r)
	}
	got, err := os.ReadFile(b.Path("dst.bin"))
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Errorf("B has %d bytes (%v), want the %d bytes of src.bin", len(got), err, len(data))
	}
}

// fxp copies src on A (ca's server) to dst on B (cb's server).
func fxp(t *testing.T, ca, cb *rawclient.Client, src, dst string) fxpResult {
	t.Helper()
	var r fxpResult
	pasv := ca.Expect(227, "PASV")
	i, j := strings.Index(pasv, "("), strings.Index(pasv, ")")
	if r.Port = formatReply(cb.Cmd("PORT %s", pasv[i+1:j])); !strings.HasPrefix(r.Port, "200") {
		return r
	}
	cb.Send("STOR %s", dst)
	ca.Send("RETR %s", src)
	r.Stor = transferReplies(cb)
	r.Retr = transferReplies(ca)
	return r
}

// transferReplies reads the replies to a transfer command: a 1xx reply,
// if any, and the final reply.
func transferReplies(c *rawclient.Client) [2]string {
	c.Conn.SetDeadline(time.Now().Add(rawclient.Timeout))
	var r [2]string
	for i := range r {
		code, msg, err := c.Text.ReadResponse(0)
		if err != nil {
			r[i] = "error: " + err.Error()
			break
		}
		r[i] = strconv.Itoa(code) + " " + msg
		if code/100 != 1 {
			if i == 0 {
				r[0], r[1] = "", r[0]
			}
			break
		}
	}
	return r
}
