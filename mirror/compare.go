package mirror

import (
	"time"

	"github.com/ftpkit/ftp/listing"
)

// window returns how far apart two times may be and still be the same,
// for a time of precision p: a second for MLSx, MDTM and local times
// (MFMT and MDTM have whole seconds), a minute for a LIST time of day, a
// day for a LIST date; false for no time at all.
func window(p listing.Precision) (time.Duration, bool) {
	switch p {
	case listing.PrecisionSecond, listing.PrecisionSubsecond:
		return time.Second, true
	case listing.PrecisionMinute:
		return time.Minute, true
	case listing.PrecisionDay:
		return 24 * time.Hour, true
	}
	return 0, false
}

// exact reports whether e's time is exact to the second or better.
func exact(e listing.Entry) bool {
	return e.Precision >= listing.PrecisionSecond && !e.ModTime.IsZero()
}

// An order says how two times compare within their precisions.
type order int

const (
	unknown order = iota // a time is missing
	same                 // within the precisions
	older                // the first is older
	newer                // the first is newer
)

// compareTimes compares the times of a and b within the precision of
// the coarser one, and reports whether that precision is coarse (a
// minute or a day).
func compareTimes(a, b listing.Entry) (o order, coarse bool) {
	wa, okA := window(a.Precision)
	wb, okB := window(b.Precision)
	if !okA || !okB || a.ModTime.IsZero() || b.ModTime.IsZero() {
		return unknown, true
	}
	w := max(wa, wb)
	d := a.ModTime.Sub(b.ModTime)
	switch {
	case d > w:
		o = newer
	case d < -w:
		o = older
	default:
		o = same
	}
	return o, w > time.Second
}
