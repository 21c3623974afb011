package mirror

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// A Summary tells what Apply did.
type Summary struct {
	Copied  int `json:"copied"`  // files copied
	FXP     int `json:"fxp"`     // of them, copied from server to server (see FXPMode)
	Made    int `json:"made"`    // directories made
	Linked  int `json:"linked"`  // symbolic links made
	Timed   int `json:"timed"`   // files whose time alone was set
	Deleted int `json:"deleted"` // entries deleted (a directory with its contents counts once)
	Cleaned int `json:"cleaned"` // leftover temporary files removed
	Skipped int `json:"skipped"` // entries up to date, or not to be mirrored (see Notes and the plan's reasons)
	Failed  int `json:"failed"`  // entries that failed, unsafe ones included

	Bytes   int64         `json:"bytes"`   // bytes copied
	Elapsed time.Duration `json:"elapsed"` // from start to end, in nanoseconds in JSON

	// Failures lists the first maxFailures failures, in the order they
	// happened.
	Failures []Failure `json:"failures"`
	// Notes are remarks on the whole mirror: a comparison narrowed, the
	// deletions withheld, a stop at MaxErrors.
	Notes []string `json:"notes"`
}

// maxFailures bounds Summary.Failures.
const maxFailures = 1000

// A Failure is an entry that was not mirrored.
type Failure struct {
	Path string // relative to the roots
	Err  error  // usually an *fs.PathError
}

// MarshalJSON encodes the failure as {"path": ..., "error": ...}.
func (f Failure) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path  string `json:"path"`
		Error string `json:"error"`
	}{f.Path, f.Err.Error()})
}

// An Error is what Apply returns when entries failed: it lists them.
type Error struct {
	Failed   int       // how many entries failed
	Failures []Failure // the first of them (Summary.Failures)
}

// Error lists up to ten failures, one a line.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mirror: %d failed", e.Failed)
	for i, f := range e.Failures {
		if i == 10 {
			fmt.Fprintf(&b, "\n... and %d more", e.Failed-10)
			break
		}
		b.WriteString("\n")
		b.WriteString(f.Err.Error())
	}
	return b.String()
}

// Unwrap returns the failures' errors, for errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f.Err
	}
	return errs
}

// A State is the stage of an action that an Event reports.
type State uint8

// The states of an Event.
const (
	Started  State = iota // the action begins
	Progress              // bytes of a copy went
	Finished              // the action ended, with Err
)

// An Event reports the progress of one action of Apply to
// Options.Report.
type Event struct {
	Action Action
	State  State
	Done   int64 // bytes of a copy so far (resumed ones included)
	Total  int64 // the file's size, -1 when unknown
	Err    error // Finished: the failure, or nil
}
