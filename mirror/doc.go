// Package mirror makes one directory tree a copy of another, where each
// tree is a directory on an FTP server (Remote, over a pooled
// ftp.Client) or on the local machine (Local): download, upload and
// server-to-server copies share one engine.
//
// Mirroring is split in two: Plan compares the trees and returns the
// actions (make a directory, copy a file and why, make a link, set a
// time, delete, skip and why), lazily, directory after directory; Apply
// carries them out, several at once, while the plan is still being
// made. Ranging over a plan without applying it is a dry run. Run does
// both.
//
// # Comparison
//
// A file is copied when the target lacks it, when the sizes differ, or
// when the modification times differ by more than the precision of the
// listings: a second for MLSD (and local files), a minute for a LIST
// line with a time of day, a day for a LIST line with a year. Where the
// listings cannot decide (no time, or coarse times that disagree while
// the sizes agree, as a LIST read in the wrong time zone gives: see
// ftp.WithListParser), the exact time is asked with MDTM, for that file
// only. A target that cannot keep times (a server without MFMT) is
// compared by size only, and the plan says so in a Note. Options select
// other comparisons: SizeOnly, IgnoreTime, OnlyNewer, Checksum.
//
// # Between two servers
//
// When both trees are remote, each with a Client of its own, files go
// from server to server (FXP, ftp.Copy) where both servers allow it, and
// through this machine otherwise: see FXPMode and Options.FXP.
//
// # Safety
//
// Every name from a listing is checked before it is used: ".", "..",
// names with '/', '\', NUL or other control characters, names listed
// twice and lines that could not be parsed are refused and reported,
// never written, followed or deleted. A symbolic link is made in a
// local target only if it stays in the tree; mirror never writes through
// a link in a local target (a link where a file goes is replaced; a path
// whose parent is a link is refused) and never follows one when it
// deletes. So no listing can make mirror write, delete or overwrite
// anything outside the target root.
//
// Files are written under a temporary name (".NAME.ftpkit-ID.part") in
// their directory and renamed when complete. Leftovers of an interrupted
// run are resumed (the data of large downloads) or removed by the next.
// Deletions (Options.Delete) wait until everything else succeeded, and
// never follow a failed or incomplete source listing.
//
// # Filters
//
// Options.Include and Options.Exclude take globs. A pattern with a '/'
// (other than a trailing one) is matched on the slash-separated path
// relative to the root ("docs/*.html", "/top"), one without on the
// name of every entry at any depth ("*.tmp"); "**" matches any number
// of directories ("**/cache/**"), and a trailing '/' matches directories
// only.
package mirror
