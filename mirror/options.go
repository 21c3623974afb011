package mirror

// DefaultParallel is how many transfers (and listings) run at once when
// Options.Parallel is 0.
const DefaultParallel = 4

// Options adjust Plan and Apply. The zero value mirrors by size and
// modification time, four transfers at once, deleting nothing.
type Options struct {
	// Parallel is how many transfers run at once, and how many
	// directories are listed at once ahead of them (default
	// DefaultParallel). A remote tree's Client bounds its sessions on
	// top of this (ftp.WithMaxConns): transfers and listings wait their
	// turn for a session, never fail for want of one.
	Parallel int

	// Delete removes target entries that the source lacks, once every
	// other action succeeded, and never after a failed or incomplete
	// source listing.
	Delete bool

	// Include and Exclude are globs matched on each entry's path
	// relative to the roots (see the package documentation): an entry
	// matching an Exclude pattern, or a file when Include is not empty
	// and neither it nor a parent directory matches an Include pattern,
	// is left out: neither copied nor deleted.
	Include, Exclude []string

	// SizeOnly compares files by size alone: a file of the same size is
	// up to date whatever its time. Times are still set after a copy.
	SizeOnly bool
	// IgnoreTime neither compares nor sets modification times: files
	// are compared by size, and copies get the time of the copy.
	IgnoreTime bool
	// OnlyNewer never overwrites a target file newer than the source's.
	OnlyNewer bool
	// Checksum compares files of the same size by checksum (SHA-256,
	// SHA-512, SHA-1 or MD5, the first one both sides compute; a server
	// must offer HASH or XSHA256, XSHA512, XSHA1, XMD5), and times not
	// at all. Plan fails when a server offers none.
	Checksum bool

	// Continue takes a target file shorter than the source's and not
	// older than it for a partial copy, and completes it (REST) rather
	// than copying the whole file again. Data that an interrupted
	// download of a large file left under its temporary name is
	// resumed whatever Continue says.
	Continue bool

	// Follow copies what symbolic links in the source lead to instead
	// of the links. Without it, links are made again in a local target
	// (if they stay in the tree) and skipped, with a note, in a remote
	// one.
	Follow bool

	// FXP says whether files go from server to server (ftp.Copy) when
	// both trees are remote, each with a Client of its own: by default
	// (FXPAuto) where both servers allow it, else through this machine.
	// Summary.FXP counts the files copied so.
	FXP FXPMode

	// MaxErrors stops the mirror after that many failures (0: never):
	// no transfer starts after that, and nothing is deleted.
	MaxErrors int

	// Report, if not nil, is called as each action of Apply starts,
	// progresses and ends, from the goroutines running them, one call
	// at a time per action but several actions at once.
	Report func(Event)
}

func (o Options) parallel() int {
	if o.Parallel > 0 {
		return o.Parallel
	}
	return DefaultParallel
}
