package main

import (
	"crypto/tls"
	"crypto/x509"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCountListing(t *testing.T) {
	for _, c := range []struct {
		name string
		out  string
		want int
	}{
		{"empty", "", 0},
		{"list", "total 8\r\n-rw-r--r-- 1 u g 0 Nov 25 15:33 entry-000000\r\n-rw-r--r-- 1 u g 0 Nov 25 15:33 entry-000001\r\n", 2},
		{"list dots", "drwxr-xr-x 2 u g 4096 Nov 25 15:33 .\ndrwxr-xr-x 9 u g 4096 Nov 25 15:33 ..\n-rw-r--r-- 1 u g 0 Nov 25 15:33 entry-000000\n\n", 1},
		{"mlsd", "type=cdir;sizd=4096; .\r\ntype=pdir;sizd=4096; ..\r\ntype=file;size=0; entry-000001\r\ntype=file;size=0; entry-000000", 2},
	} {
		if got := countListing([]byte(c.out)); got != c.want {
			t.Errorf("%s: countListing = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestGenCerts checks that the generated certificate verifies against the
// generated CA for both addresses the clients use.
func TestGenCerts(t *testing.T) {
	c, err := genCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(c.ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate")
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "127.0.0.2"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "127.0.0.3", Roots: pool}); err == nil {
		t.Error("127.0.0.3 verified")
	}
	// A TLS handshake over loopback with verification on.
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", ln.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// TestPlot draws a plot with a failed client and a ratio beyond the axis.
func TestPlot(t *testing.T) {
	b := &bench{}
	for _, s := range []string{"2. download 1 GiB", "4. +10ms each way: TLS download 256 MiB", "5. MLSD 100000 entries"} {
		for i, c := range []string{"ftpkit", "jlaffaye", "curl"} {
			r := &result{Scenario: s, Client: c, Runs: []float64{1}, Ratio: float64(1 + 3*i)}
			if c == "jlaffaye" && s[0] == '4' {
				r.Runs, r.Ratio, r.Error = nil, 0, "failed"
			}
			b.results = append(b.results, r)
		}
	}
	path := filepath.Join(t.TempDir(), "results.png")
	if err := b.plot(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatal(err)
	}
}

// TestStartRefusesTakenPort checks that a server is not started on a port
// something else listens on, which would answer the greeting check in its
// place.
func TestStartRefusesTakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := &server{name: "test", addr: ln.Addr().String(), cmd: exec.Command("true")}
	err = s.start(filepath.Join(t.TempDir(), "output.txt"))
	if err == nil || !strings.Contains(err.Error(), "is taken") {
		t.Fatalf("start on a taken port: %v, want an error saying it is taken", err)
	}
	if s.cmd.Process != nil {
		t.Error("the server process was started")
	}
}

// TestProxyCountsDataConnections checks that a proxy set forwards to the
// control and passive ports and counts the connections to passive ports
// only.
func TestProxyCountsDataConnections(t *testing.T) {
	var lns []net.Listener
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		lns = append(lns, ln)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Write([]byte("hi\n"))
				c.Close()
			}
		}()
	}
	ctl, data := lns[0].Addr().(*net.TCPAddr).Port, lns[1].Addr().(*net.TCPAddr).Port
	srv := &server{port: ctl, pasvMin: data, pasvMax: data}
	ps, err := startProxies("127.0.0.6", []*server{srv}, bandwidthToxic(1000))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.stop()
	for _, p := range []int{ctl, data, data} {
		c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.6", strconv.Itoa(p)))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(b) != "hi\n" {
			t.Errorf("port %d: read %q, %v", p, b, err)
		}
	}
	if n := ps.dataConns(); n != 2 {
		t.Errorf("dataConns = %d, want 2", n)
	}
	if got := ps.addr(srv); got != net.JoinHostPort("127.0.0.6", strconv.Itoa(ctl)) {
		t.Errorf("addr = %q", got)
	}
}

func TestNotes(t *testing.T) {
	r := &result{Sessions: 1, Retrs: 4, DataConns: 4, Changed: []int{0, 2, 1}}
	want := "1 session, 4 RETR; 4 data connections; changed 2 files"
	if got := strings.Join(r.notes(), "; "); got != want {
		t.Errorf("notes = %q, want %q", got, want)
	}
}
