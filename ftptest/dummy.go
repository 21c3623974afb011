package ftptest

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Dummy is a ready-made Fake handler that behaves like DummyFTPHandler,
// the fake server of CPython's Lib/test/test_ftplib.py: canned replies to
// every command, canned data on the data connection, and knobs a test sets
// to make the next exchange misbehave.
//
// The exported fields are the knobs and the recorded state. Hold the lock
// (d.Lock, d.Unlock) to read or write them while a client is connected.
// They are shared by all connections to the Dummy.
//
// Deviations from CPython: PORT and EPRT refuse non-loopback addresses with
// 425; a transfer command with no data connection replies 125 and then
// 425 instead of failing silently; EPSV listens on the control
// connection's IP whatever its family.
type Dummy struct {
	sync.Mutex

	// Addr is the server address, "127.0.0.1:port".
	Addr string
	// Fake is the underlying Fake; Fake.Commands lists every command line.
	Fake *Fake
	// TLS is the server configuration of a TLS Dummy (NewDummyTLS), else nil.
	TLS *tls.Config
	// CA issued the TLS Dummy's certificate (for 127.0.0.1, ::1, localhost).
	CA *CA

	// NextResponse, if not empty, is sent before the reply to the next
	// command, then cleared (next_response).
	NextResponse string
	// NextData, if not nil, replaces the next data payload, then is cleared
	// (next_data). A non-nil empty slice closes the data connection at once.
	NextData []byte
	// RetrData is sent for RETR from the REST offset, counted in characters
	// (next_retr_data; SETLONGRETR n sets it to n "x"). Default RetrData.
	RetrData string
	// ListData, NLSTData and MLSDData are sent for LIST, NLST and MLSD.
	ListData, NLSTData, MLSDData string
	// Encoding encodes the data strings above: "utf-8" (default) or
	// "latin-1".
	Encoding string
	// PASVAddress is the IPv4 address advertised in 227 replies; the data
	// listener is on 127.0.0.1 regardless. Default "252.253.254.255".
	PASVAddress string

	// Received accumulates every byte received on data connections
	// (last_received_data); set it to nil to start afresh.
	Received []byte
	// LastCommand is the lower-cased verb of the last command
	// (last_received_cmd).
	LastCommand string
	// Rest is the argument of the last REST, "" after a RETR (rest).
	Rest string
}

// NewDummy starts a Dummy, as CPython's DummyFTPServer. It is closed by
// tb.Cleanup.
func NewDummy(tb TB) *Dummy {
	tb.Helper()
	return newDummy(tb, nil, "127.0.0.1:0")
}

// NewDummyAt is NewDummy listening on addr, a loopback address such as
// "[::1]:0" (CPython's DummyFTPServer with af=AF_INET6).
func NewDummyAt(tb TB, addr string) *Dummy {
	tb.Helper()
	return newDummy(tb, nil, addr)
}

// NewDummyTLS starts a Dummy that also accepts AUTH, PBSZ, PROT and CCC, as
// CPython's DummyTLS_FTPServer, with a certificate issued by a fresh CA.
// After PROT P, data connections are wrapped in TLS (server side).
func NewDummyTLS(tb TB) *Dummy {
	tb.Helper()
	ca, err := NewCA()
	if err != nil {
		tb.Fatalf("ftptest: %v", err)
	}
	cert, err := ca.Issue()
	if err != nil {
		tb.Fatalf("ftptest: %v", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	d := newDummy(tb, cfg, "127.0.0.1:0")
	d.CA = ca
	return d
}

func newDummy(tb TB, cfg *tls.Config, addr string) *Dummy {
	d := &Dummy{
		TLS:         cfg,
		RetrData:    RetrData,
		ListData:    ListData,
		NLSTData:    NLSTData,
		MLSDData:    MLSDData,
		Encoding:    "utf-8",
		PASVAddress: "252.253.254.255",
	}
	d.Fake = NewFakeAt(tb, addr, d.serve)
	d.Addr = d.Fake.Addr
	return d
}

// ClientTLSConfig returns a client configuration that trusts the TLS
// Dummy's CA and expects the name 127.0.0.1. It is nil for a plain Dummy.
func (d *Dummy) ClientTLSConfig() *tls.Config {
	if d.CA == nil {
		return nil
	}
	return d.CA.ClientConfig("127.0.0.1")
}

// SetNextResponse sets NextResponse under the lock.
func (d *Dummy) SetNextResponse(s string) {
	d.Lock()
	d.NextResponse = s
	d.Unlock()
}

// SetNextData sets NextData to a copy of p under the lock; an empty p makes
// the next data connection close at once.
func (d *Dummy) SetNextData(p []byte) {
	d.Lock()
	d.NextData = append([]byte{}, p...)
	d.Unlock()
}

// State returns a copy of the recorded state: received bytes, last
// command verb and REST argument.
func (d *Dummy) State() (received []byte, lastCommand, rest string) {
	d.Lock()
	defer d.Unlock()
	return append([]byte(nil), d.Received...), d.LastCommand, d.Rest
}

// dummySession is one control connection of a Dummy.
type dummySession struct {
	d      *Dummy
	c      *FakeConn
	dtp    *dummyDTP
	secure bool // PROT P
	wg     sync.WaitGroup
}

func (d *Dummy) serve(c *FakeConn) {
	c.Timeout = -1 // like CPython, wait for commands for ever; Cleanup ends it
	s := &dummySession{d: d, c: c}
	defer func() {
		c.Close()
		s.wg.Wait()
	}()
	_ = c.Reply("220 welcome")
	for {
		line, ok := c.ReadCommand()
		if !ok {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		cmd := strings.ToLower(verb)
		d.Lock()
		next := d.NextResponse
		d.NextResponse = ""
		d.LastCommand = cmd
		d.Unlock()
		if next != "" {
			_ = c.Reply(next)
		}
		if !s.dispatch(cmd, arg) {
			return
		}
	}
}

var dummyReplies = map[string]string{
	"noop": "200 noop ok",
	"user": "331 username ok",
	"pass": "230 password ok",
	"acct": "230 acct ok",
	"rnfr": "350 rnfr ok",
	"rnto": "250 rnto ok",
	"dele": "250 dele ok",
	"cwd":  "250 cwd ok",
	"size": "250 1000",
	"rmd":  "250 rmd ok",
	"pwd":  `257 "pwd ok"`,
	"type": "200 type ok",
	"abor": "226 abor ok",
	"stor": "125 stor ok",
	"opts": "200 opts ok",
}

// dispatch runs one command; it returns false when the connection must end.
func (s *dummySession) dispatch(cmd, arg string) bool {
	c, d := s.c, s.d
	if r, ok := dummyReplies[cmd]; ok {
		_ = c.Reply(r)
		return true
	}
	switch cmd {
	case "echo":
		_ = c.Reply(arg)
	case "mkd":
		_ = c.Reply(`257 "` + arg + `"`)
	case "quit":
		_ = c.Reply("221 quit ok")
		return false
	case "port", "eprt":
		s.active(arg)
	case "pasv", "epsv":
		s.passive(cmd == "epsv")
	case "rest":
		d.Lock()
		d.Rest = arg
		d.Unlock()
		_ = c.Reply("350 rest ok")
	case "retr":
		_ = c.Reply("125 retr ok")
		d.Lock()
		off, _ := strconv.Atoi(d.Rest)
		data := Encode(sliceRunes(d.RetrData, off), d.Encoding)
		d.Rest = ""
		d.Unlock()
		s.push(data)
	case "list", "nlst", "mlsd":
		_ = c.Reply("125 " + cmd + " ok")
		d.Lock()
		text := map[string]string{"list": d.ListData, "nlst": d.NLSTData, "mlsd": d.MLSDData}[cmd]
		data := Encode(text, d.Encoding)
		d.Unlock()
		s.push(data)
	case "setlongretr":
		n, _ := strconv.Atoi(arg)
		d.Lock()
		d.RetrData = strings.Repeat("x", n)
		d.Unlock()
		_ = c.Reply("125 setlongretr ok")
	default:
		if d.TLS != nil {
			return s.dispatchTLS(cmd, arg)
		}
		_ = c.Reply(`550 command "` + cmd + `" not understood.`)
	}
	return true
}

func (s *dummySession) dispatchTLS(cmd, arg string) bool {
	c := s.c
	switch cmd {
	case "auth":
		_ = c.Reply("234 AUTH TLS successful")
		if err := c.StartTLS(s.d.TLS); err != nil {
			return false
		}
	case "ccc":
		_ = c.Reply("220 Reverting back to clear-text")
		if err := c.StopTLS(); err != nil {
			return false
		}
	case "pbsz":
		_ = c.Reply("200 PBSZ=0 successful.")
	case "prot":
		switch strings.ToUpper(arg) {
		case "C":
			_ = c.Reply("200 Protection set to Clear")
			s.secure = false
		case "P":
			_ = c.Reply("200 Protection set to Private")
			s.secure = true
		default:
			_ = c.Reply("502 Unrecognized PROT type (use C or P).")
		}
	default:
		_ = c.Reply(`550 command "` + cmd + `" not understood.`)
	}
	return true
}

func (s *dummySession) active(arg string) {
	addr, err := ParseActiveArg(arg)
	if err != nil || !addr.IP.IsLoopback() {
		_ = s.c.Reply("425 Can't open data connection.")
		return
	}
	conn, err := net.DialTimeout("tcp", addr.String(), DefaultTimeout)
	if err != nil {
		_ = s.c.Reply("425 Can't open data connection.")
		return
	}
	s.setDTP(conn)
	_ = s.c.Reply("200 active data connection established")
}

// passive listens on the control connection's IP, replies 227 (with the
// fake address) or 229, and waits for the client, as CPython does.
func (s *dummySession) passive(extended bool) {
	ip := s.c.LocalAddr().(*net.TCPAddr).IP
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	if err != nil {
		_ = s.c.Reply("425 Can't open data connection.")
		return
	}
	defer ln.Close()
	if !s.c.track(ln) {
		return
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if extended {
		_ = s.c.Reply(fmt.Sprintf("229 entering extended passive mode (|||%d|)", port))
	} else {
		s.d.Lock()
		fake := strings.ReplaceAll(s.d.PASVAddress, ".", ",")
		s.d.Unlock()
		_ = s.c.Reply(fmt.Sprintf("227 entering passive mode (%s,%d,%d)", fake, port/256, port%256))
	}
	_ = ln.SetDeadline(time.Now().Add(DefaultTimeout))
	conn, err := ln.Accept()
	if err != nil {
		return
	}
	s.setDTP(conn)
}

func sliceRunes(s string, n int) string {
	if n <= 0 {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[i:]
		}
		n--
	}
	return ""
}
