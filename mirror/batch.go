package mirror

import (
	"github.com/ftpkit/ftp"
)

// batchable reports whether a is a download that DownloadEach can take
// into a batch: a small file, from a remote tree into a local one, with
// the listing's size and, unless times are ignored, its exact time.
func (ap *applier) batchable(a Action) bool {
	if a.Kind != Copy || a.resume || a.Size < 0 || a.Size > ftp.BatchMaxSize || !a.exact && !ap.opts.IgnoreTime {
		return false
	}
	_, remote := ap.src.(*remoteTree)
	_, local := ap.dst.(*localTree)
	return remote && local
}

// gather returns a, and if a is batchable, the actions waiting in work
// after it, up to ftp.BatchFiles and up to the first that is not batchable.
func (ap *applier) gather(a Action, work <-chan Action) []Action {
	batch := []Action{a}
	for ap.batchable(batch[len(batch)-1]) && len(batch) < ftp.BatchFiles && !ap.halted() {
		select {
		case b, ok := <-work:
			if !ok {
				return batch
			}
			batch = append(batch, b)
		default:
			return batch
		}
	}
	return batch
}

// doBatch carries out the actions of gather: the batchable ones with
// one DownloadEach, on one session, and a last one that is not as do
// does.
func (ap *applier) doBatch(as []Action) {
	last := as[len(as)-1]
	if !ap.batchable(last) {
		defer func() {
			if ap.halted() {
				ap.drop(last)
			} else {
				ap.do(last)
			}
		}()
		as = as[:len(as)-1]
	}
	if ap.halted() {
		for _, a := range as {
			ap.drop(a)
		}
		return
	}
	if len(as) < 2 {
		for _, a := range as {
			ap.do(a)
		}
		return
	}
	s := ap.src.(*remoteTree)
	d := ap.dst.(*localTree)
	var files []ftp.Transfer
	var batched []Action
	for _, a := range as {
		err := ap.ctx.Err()
		if err == nil {
			err = ap.waitParents(a.Path)
		}
		var p string
		if err == nil {
			p, err = d.prepareWrite(a.Path)
		}
		if err != nil {
			ap.report(Event{Action: a, State: Started, Total: a.Size})
			ap.finish(a, 0, err)
			continue
		}
		files = append(files, ftp.Transfer{Remote: s.path(a.Path), Local: p, Options: ap.downloadOptions(a)})
		batched = append(batched, a)
	}
	// The files go one after another: each is reported started when the
	// one before it ends (and before its own end, should a file that
	// failed in passing be done again after the others).
	next := 0
	startTo := func(i int) {
		for ; next <= i && next < len(batched); next++ {
			a := batched[next]
			ap.report(Event{Action: a, State: Started, Total: a.Size})
		}
	}
	startTo(0)
	done := make([]bool, len(batched))
	for i, err := range s.c.DownloadEach(ap.ctx, files) {
		startTo(i)
		var n int64
		if err == nil {
			n = batched[i].Size
		}
		ap.finish(batched[i], n, err)
		done[i] = true
		if ap.ctx.Err() != nil || ap.tooMany() {
			break // the files not begun are not reported
		}
		startTo(i + 1)
	}
	cause := ap.ctx.Err()
	if cause == nil {
		cause = errHalted
	}
	for k := range next {
		if !done[k] {
			ap.finish(batched[k], 0, cause) // begun, to be done again after the others
		}
	}
}
