package mirror

import (
	"fmt"
	"time"
)

// A Kind is what an Action does.
type Kind uint8

// The kinds of Action.
const (
	Skip    Kind = iota // nothing to do: the target is up to date, or the entry cannot be mirrored (Reason says which)
	Mkdir               // make the directory Path in the target
	Copy                // copy the file Path from the source to the target
	Link                // make Path in the target a symbolic link to Target
	SetTime             // set the modification time of the target file Path to ModTime
	Delete              // remove Path (with its contents if Dir) from the target: not in the source
	Note                // a remark on the whole mirror, in Reason
)

var kindNames = [...]string{"skip", "mkdir", "copy", "link", "settime", "delete", "note"}

// String returns the kind's name: "skip", "mkdir", "copy", "link",
// "settime", "delete" or "note".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText encodes the kind as its name, for JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// An Action is one step of a mirror, as Plan gives it and Apply carries
// it out.
type Action struct {
	Kind Kind `json:"kind"`
	// Path is the entry's slash-separated path relative to both roots;
	// "" is the root itself.
	Path string `json:"path"`
	// Reason says why: "new", "size differs", "up to date", ...
	Reason string `json:"reason,omitempty"`
	// Size is the source file's size for Copy (-1 when unknown).
	Size int64 `json:"size,omitempty"`
	// ModTime is the source's modification time (Copy, SetTime), zero
	// when unknown.
	ModTime time.Time `json:"mtime,omitzero"`
	// Target is the target of a Link.
	Target string `json:"target,omitempty"`
	// Dir reports that a Delete removes a directory and its contents.
	Dir bool `json:"dir,omitempty"`

	exact  bool // ModTime is exact to the second or better
	resume bool // Copy: complete the shorter target file (Options.Continue)
	temp   bool // Delete: a leftover temporary file, removed whatever Options.Delete says
}

// String describes the action in one line, its path escaped if it is
// not printable.
func (a Action) String() string {
	p := quotePath(a.Path)
	if p == "" {
		p = "."
	}
	switch a.Kind {
	case Note:
		return "note: " + a.Reason
	case Link:
		return fmt.Sprintf("link %s -> %s (%s)", p, quotePath(a.Target), a.Reason)
	case Delete:
		if a.Dir {
			p += "/"
		}
	}
	if a.Reason == "" {
		return a.Kind.String() + " " + p
	}
	return fmt.Sprintf("%s %s (%s)", a.Kind, p, a.Reason)
}
