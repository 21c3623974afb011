package main

import (
	"bufio"
	"container/heap"
	"encoding/gob"
	"errors"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ftpkit/ftp/listing"
)

// sortChunk is how many entries a sorter holds in memory before it
// writes them, sorted, to a temporary file. Tests lower it.
var sortChunk = 50_000

// A sorter sorts the entries of a listing by name in bounded memory:
// sortChunk entries at most are held; beyond that, sorted runs go to
// temporary files, merged at the end (an external merge sort). The
// files are unlinked as soon as they are made, so that nothing is left
// behind however the process ends.
type sorter struct {
	buf  []listing.Entry
	runs []*sortRun
}

// A sortRun is a sorted part of the listing in a temporary file.
type sortRun struct {
	f    *os.File
	w    *bufio.Writer
	enc  *gob.Encoder
	dec  *gob.Decoder
	head listing.Entry
}

// add adds e to the listing.
func (s *sorter) add(e listing.Entry) error {
	s.buf = append(s.buf, compact(e))
	if len(s.buf) >= sortChunk {
		return s.spill()
	}
	return nil
}

// compact returns e without the listing line it shares its strings
// with, so that holding it costs only its own fields.
func compact(e listing.Entry) listing.Entry {
	e.Name = strings.Clone(e.Name)
	e.Target = strings.Clone(e.Target)
	e.Owner = strings.Clone(e.Owner)
	e.Group = strings.Clone(e.Group)
	e.Facts = listing.Facts(strings.Clone(string(e.Facts)))
	e.Raw = ""
	return e
}

func byName(a, b listing.Entry) int { return strings.Compare(a.Name, b.Name) }

// spill writes the entries held, sorted, to a new run.
func (s *sorter) spill() error {
	slices.SortStableFunc(s.buf, byName)
	f, err := os.CreateTemp("", "ftpkit-ls-*")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	r := &sortRun{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	r.enc = gob.NewEncoder(r.w)
	s.runs = append(s.runs, r)
	for i := range s.buf {
		if err := r.enc.Encode(&s.buf[i]); err != nil {
			return err
		}
	}
	s.buf = s.buf[:0]
	return r.w.Flush()
}

// each calls fn with every entry added, sorted by name.
func (s *sorter) each(fn func(listing.Entry) error) error {
	slices.SortStableFunc(s.buf, byName)
	if len(s.runs) == 0 {
		for _, e := range s.buf {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}
	// Merge the runs and the entries held.
	h := &runHeap{}
	for _, r := range s.runs {
		if _, err := r.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r.dec = gob.NewDecoder(bufio.NewReaderSize(r.f, 64<<10))
		if err := h.pushNext(r); err != nil {
			return err
		}
	}
	i := 0
	for h.Len() > 0 || i < len(s.buf) {
		if i < len(s.buf) && (h.Len() == 0 || byName(s.buf[i], (*h)[0].head) < 0) {
			if err := fn(s.buf[i]); err != nil {
				return err
			}
			i++
			continue
		}
		r := heap.Pop(h).(*sortRun)
		if err := fn(r.head); err != nil {
			return err
		}
		if err := h.pushNext(r); err != nil {
			return err
		}
	}
	return nil
}

// close releases the temporary files.
func (s *sorter) close() {
	for _, r := range s.runs {
		r.f.Close()
	}
	s.runs, s.buf = nil, nil
}

// runHeap orders runs by their next entry.
type runHeap []*sortRun

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return byName(h[i].head, h[j].head) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*sortRun)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

// pushNext reads the next entry of r and puts r back in the heap, unless
// r is exhausted.
func (h *runHeap) pushNext(r *sortRun) error {
	r.head = listing.Entry{}
	err := r.dec.Decode(&r.head)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	heap.Push(h, r)
	return nil
}
