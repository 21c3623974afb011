package ftptest

import (
	"fmt"
	"io"
	"sync"
)

// A transcript writes a Server's sessions as they go, if it has a
// writer: "3 > RETR f" for a command of session 3, "3 < 226 Done" for a
// reply line, "3 : ..." for an event.
type transcript struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *transcript) printf(format string, args ...any) {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, format+"\n", args...)
}
