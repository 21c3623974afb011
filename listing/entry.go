package listing

import (
	"io/fs"
	"time"
)

// Type is the kind of file system object an Entry describes.
type Type uint8

// The types an Entry can have. TypeUnknown is also the type of a line
// that no parser understood (see Entry.Unparsed).
const (
	TypeUnknown     Type = iota // not known, or the line was not understood
	TypeFile                    // regular file
	TypeDir                     // directory (MLSx cdir and pdir included)
	TypeSymlink                 // symbolic link
	TypeBlockDevice             // block special file
	TypeCharDevice              // character special file
	TypePipe                    // named pipe (FIFO)
	TypeSocket                  // Unix domain socket
	TypeOther                   // something else the server named (Solaris door, OS.x=y, ...)
)

var typeNames = [...]string{"unknown", "file", "dir", "symlink", "block", "char", "pipe", "socket", "other"}

// String returns a short lower-case name for t, such as "file" or "dir".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + itoa(int(t)) + ")"
}

// Precision says how exact an Entry's ModTime is.
type Precision uint8

// The precisions of a ModTime, from none to better than a second.
const (
	PrecisionUnknown   Precision = iota // no time was given (ModTime is zero)
	PrecisionDay                        // date only, e.g. "Nov 23  2020" in ls -l
	PrecisionMinute                     // hours and minutes, e.g. "Nov 23 19:30"
	PrecisionSecond                     // whole seconds, e.g. MLSx modify=20241123193000
	PrecisionSubsecond                  // fractions of a second, e.g. modify=20241123193000.123
)

var precisionNames = [...]string{"unknown", "day", "minute", "second", "subsecond"}

// String returns a short lower-case name for p, such as "minute".
func (p Precision) String() string {
	if int(p) < len(precisionNames) {
		return precisionNames[p]
	}
	return "Precision(" + itoa(int(p)) + ")"
}

// Entry is one line of a directory listing.
//
// String fields, Facts included, are usually substrings of the line that
// was parsed, so an Entry costs no allocation beyond the line itself.
type Entry struct {
	// Name is the file name as the server wrote it: leading, trailing and
	// inner spaces are kept. For a line no parser understood it is the
	// whole line without its line terminator.
	Name string
	// Type is the kind of object; TypeUnknown when not known.
	Type Type
	// Target is the target of a symbolic link, when the listing gives it
	// ("name -> target" in LIST, OS.unix=slink:target in MLSx).
	Target string
	// Size is the size in bytes, or -1 when unknown (directories in most
	// LIST formats, devices, MLSx lines without size or sizd).
	Size int64
	// ModTime is the modification time, or the zero Time when unknown.
	// MLSx and EPLF times are in UTC; LIST times are in the Parser's
	// Location.
	ModTime time.Time
	// Precision says how exact ModTime is.
	Precision Precision
	// Mode holds the permission bits and the type bits where known
	// (fs.ModeDir, fs.ModeSymlink, fs.ModeDevice, fs.ModeCharDevice,
	// fs.ModeNamedPipe, fs.ModeSocket, fs.ModeIrregular for TypeOther,
	// fs.ModeSetuid, fs.ModeSetgid, fs.ModeSticky).
	Mode fs.FileMode
	// Owner and Group are the owner and group as listed, names or
	// numbers; empty when not given.
	Owner, Group string
	// Facts are the facts of an MLSx line as sent, the text before its
	// first space; see Facts. They are never empty for an MLSx line, and
	// empty for LIST lines, EPLF included: the EPLF facts are read into
	// the fields above but not kept.
	Facts Facts
	// Raw is the line as it was passed to the parser.
	Raw string
}

// Unparsed reports whether e stands for a line that no parser understood.
// Such an entry has Type TypeUnknown, Name equal to the line without its
// terminator, Size -1 and empty Facts.
func (e *Entry) Unparsed() bool {
	return e.Type == TypeUnknown && e.Facts == ""
}

// IsDotDir reports whether e is a listing's entry for the directory itself
// or its parent: an MLSx entry of type cdir or pdir, or a LIST directory
// named "." or "..". Most callers skip these.
func (e *Entry) IsDotDir() bool {
	if e.Type != TypeDir {
		return false
	}
	if e.Facts != "" {
		t, _ := e.Facts.Get("type")
		return equalFold(t, "cdir") || equalFold(t, "pdir")
	}
	return e.Name == "." || e.Name == ".."
}

// unparsed returns the entry for a line that was not understood.
func unparsed(raw, line string) Entry {
	return Entry{Name: line, Size: -1, Raw: raw}
}

// typeMode returns the fs.FileMode type bits for t.
func typeMode(t Type) fs.FileMode {
	switch t {
	case TypeDir:
		return fs.ModeDir
	case TypeSymlink:
		return fs.ModeSymlink
	case TypeBlockDevice:
		return fs.ModeDevice
	case TypeCharDevice:
		return fs.ModeDevice | fs.ModeCharDevice
	case TypePipe:
		return fs.ModeNamedPipe
	case TypeSocket:
		return fs.ModeSocket
	case TypeOther:
		return fs.ModeIrregular
	}
	return 0
}
