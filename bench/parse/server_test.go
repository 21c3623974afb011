package parse

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
)

// fakeServer is the smallest FTP server both clients accept: it logs
// anyone in, answers FEAT with no features, and sends listing on LIST
// through an EPSV or PASV data connection.
type fakeServer struct {
	ln      net.Listener
	listing []byte
}

func startServer(tb testing.TB, listing []byte) *fakeServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &fakeServer{ln: ln, listing: listing}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return s
}

func (s *fakeServer) addr() string { return s.ln.Addr().String() }

func (s *fakeServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	reply := func(format string, args ...any) { fmt.Fprintf(c, format+"\r\n", args...) }
	reply("220 fake ready")
	var data net.Listener
	defer func() {
		if data != nil {
			data.Close()
		}
	}()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(cmd) {
		case "USER":
			reply("331 password please")
		case "PASS":
			reply("230 logged in")
		case "FEAT":
			reply("502 no features")
		case "TYPE", "OPTS":
			reply("200 ok")
		case "EPSV", "PASV":
			if data != nil {
				data.Close()
			}
			data, err = net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				reply("425 %v", err)
				continue
			}
			port := data.Addr().(*net.TCPAddr).Port
			if strings.EqualFold(cmd, "EPSV") {
				reply("229 Entering Extended Passive Mode (|||%d|)", port)
			} else {
				reply("227 Entering Passive Mode (127,0,0,1,%d,%d)", port>>8, port&0xff)
			}
		case "LIST":
			if data == nil {
				reply("425 no data connection")
				continue
			}
			reply("150 here it comes")
			dc, err := data.Accept()
			data.Close()
			data = nil
			if err != nil {
				reply("425 %v", err)
				continue
			}
			dc.Write(s.listing)
			dc.Close()
			reply("226 done")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}
