package ftptest

import (
	"net"
	"sync"

	ftpserver "goftp.io/server/v2"
	"goftp.io/server/v2/driver/file"
)

// The Server's sessions talk to the client themselves and hand file
// commands to goftp.io/server/v2, the backend, over an in-memory
// connection each: the backend sees clear text only, never a client's data
// connection (it connects to the session with EPRT for every transfer),
// and never listens on the network.

// newBackend returns goftp serving s.Root, not yet serving.
func newBackend(s *Server) (*ftpserver.Server, error) {
	drv, err := file.NewDriver(s.Root)
	if err != nil {
		return nil, err
	}
	return ftpserver.NewServer(&ftpserver.Options{
		Commands:       backendCommands(s.Root),
		Driver:         &driver{Driver: drv, root: drv.(*file.Driver).RootPath},
		Auth:           &auth{s: s},
		Perm:           ftpserver.NewSimplePerm("ftptest", "ftptest"),
		Name:           "ftptest",
		Hostname:       "127.0.0.1",
		TLS:            s.TLS != nil, // only for FEAT: sessions do TLS
		WelcomeMessage: "ftptest ready",
		Logger:         quietLogger{},
	})
}

// A pipeListener hands goftp the backend ends of in-memory connections.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup // one per backend session not yet closed by goftp
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

// dial starts a backend session and returns the session's end of its
// connection. local and remote are the addresses the backend sees.
func (l *pipeListener) dial(local, remote net.Addr) (net.Conn, error) {
	ours, theirs := net.Pipe()
	l.wg.Add(1)
	bc := &backendConn{Conn: theirs, local: local, remote: remote, done: l.wg.Done}
	select {
	case l.conns <- bc:
		return ours, nil
	case <-l.closed:
		ours.Close()
		bc.Close()
		return nil, net.ErrClosed
	}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// A backendConn is goftp's end of a session's connection. goftp closes it
// when its session ends.
type backendConn struct {
	net.Conn
	local, remote net.Addr
	once          sync.Once
	done          func()
}

func (c *backendConn) LocalAddr() net.Addr  { return c.local }
func (c *backendConn) RemoteAddr() net.Addr { return c.remote }

func (c *backendConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.done)
	return err
}

// quietLogger discards goftp's log: sessions keep the transcript.
type quietLogger struct{}

func (quietLogger) Print(string, any)                   {}
func (quietLogger) Printf(string, string, ...any)       {}
func (quietLogger) PrintCommand(string, string, string) {}
func (quietLogger) PrintResponse(string, int, string)   {}
