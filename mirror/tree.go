package mirror

import (
	"context"
	"errors"
	"time"

	"github.com/ftpkit/ftp/listing"
)

// A Tree is one side of a mirror: a directory on an FTP server (Remote)
// or on the local machine (Local). Either may be the source and either
// the target, so downloads, uploads and copies between servers share one
// engine.
type Tree interface {
	// String describes the tree for messages: a local directory or an
	// FTP root.
	String() string

	// list returns the entries of the directory dir (relative, "" for
	// the root) sorted by name, without "." and "..". A missing
	// directory gives an error matching fs.ErrNotExist.
	list(ctx context.Context, dir string) ([]listing.Entry, error)
	// stat returns the entry of rel, following a link (--follow).
	stat(ctx context.Context, rel string) (listing.Entry, error)
	// modTime returns the exact modification time of the file rel.
	modTime(ctx context.Context, rel string) (time.Time, error)
	// canSetTimes reports whether the tree keeps modification times set
	// on its files.
	canSetTimes(ctx context.Context) (bool, error)
	// hashes returns the checksum algorithms the tree computes, best
	// first.
	hashes(ctx context.Context) ([]string, error)
	// hash returns the checksum of the file rel in lower-case hex.
	hash(ctx context.Context, rel, algo string) (string, error)
	// mkdir makes the directory rel; an existing directory is no error.
	mkdir(ctx context.Context, rel string) error
	// remove removes the file, link or empty directory rel.
	remove(ctx context.Context, rel string) error
	// chtimes sets the modification time of the file rel.
	chtimes(ctx context.Context, rel string, t time.Time) error
	// symlink makes rel a symbolic link to target.
	symlink(ctx context.Context, rel, target string) error
}

// errNoLinks is the error of a symlink on a tree that cannot make links.
var errNoLinks = errors.New("FTP cannot make symbolic links")
