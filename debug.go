package ftp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// debugSink prints ftplib-style debug events.
type debugSink struct {
	level int
	w     io.Writer
	wmu   *sync.Mutex // one line to w at a time, from every session of a Client
	log   *slog.Logger
}

func (d *debugSink) on(level int) bool { return d.level >= level && (d.w != nil || d.log != nil) }

// print reports one event at the given level; text must already be masked.
func (d *debugSink) print(level int, event, text string) {
	if !d.on(level) {
		return
	}
	if d.w != nil {
		d.wmu.Lock()
		fmt.Fprintf(d.w, "*%s* %q\n", event, text)
		d.wmu.Unlock()
	}
	if d.log != nil {
		d.log.LogAttrs(context.Background(), slog.LevelDebug, "ftp", slog.String("event", event), slog.String("text", text))
	}
}

// maskCommand hides the argument of PASS and ACCT, in any letter case.
// ftplib masks only "pass " and "PASS "; this masks more.
func maskCommand(line string) string {
	verb, arg, ok := strings.Cut(line, " ")
	if !ok || arg == "" {
		return line
	}
	switch strings.ToUpper(verb) {
	case "PASS", "ACCT":
		return verb + " ****"
	}
	return line
}
