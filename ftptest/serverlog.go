package ftptest

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// logger is goftp's Logger: it writes an optional transcript and keeps
// track of passive ports announced but not yet used, so that Close can
// unblock goftp's pending accepts.
type logger struct {
	w       io.Writer
	mu      sync.Mutex
	passive []int
}

var (
	pasvPort = regexp.MustCompile(`\((?:\d+,){4}(\d+),(\d+)\)`)
	epsvPort = regexp.MustCompile(`\(\|\|\|(\d+)\|\)`)
)

func (l *logger) printf(format string, v ...any) {
	if l.w == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", v...)
}

func (l *logger) Print(id string, message any) { l.printf("%s  %v", id, message) }

func (l *logger) Printf(id string, format string, v ...any) {
	l.printf("%s  %s", id, fmt.Sprintf(format, v...))
}

func (l *logger) PrintCommand(id, command, params string) {
	switch strings.ToUpper(command) {
	case "PASS":
		params = "****"
	case "LIST", "NLST", "MLSD", "RETR", "STOR", "APPE", "STOU":
		l.mu.Lock()
		if len(l.passive) > 0 {
			l.passive = l.passive[1:]
		}
		l.mu.Unlock()
	}
	l.printf("%s > %s %s", id, command, params)
}

func (l *logger) PrintResponse(id string, code int, message string) {
	var port int
	switch code {
	case 227:
		if m := pasvPort.FindStringSubmatch(message); m != nil {
			hi, _ := strconv.Atoi(m[1])
			lo, _ := strconv.Atoi(m[2])
			port = hi<<8 | lo
		}
	case 229:
		if m := epsvPort.FindStringSubmatch(message); m != nil {
			port, _ = strconv.Atoi(m[1])
		}
	}
	if port > 0 {
		l.mu.Lock()
		l.passive = append(l.passive, port)
		l.mu.Unlock()
	}
	l.printf("%s < %d %s", id, code, message)
}

func (l *logger) pendingPassive() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.passive...)
}
