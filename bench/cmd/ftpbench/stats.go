package main

import (
	"fmt"
	"slices"
)

// result is the outcome of one client in one scenario.
type result struct {
	Scenario string    `json:"scenario"`
	Client   string    `json:"client"`
	Bytes    int64     `json:"bytes"`           // bytes moved per run (0 for listings)
	Files    int       `json:"files,omitempty"` // files per run ("many" scenarios)
	Runs     []float64 `json:"runs_seconds"`
	RSSKiB   []int64   `json:"peak_rss_kib"`
	// Summary, filled by summarize.
	Median   float64 `json:"median_seconds"`
	Min      float64 `json:"min_seconds"`
	Max      float64 `json:"max_seconds"`
	MiBps    float64 `json:"median_mib_per_s,omitempty"`
	PerFile  float64 `json:"median_ms_per_file,omitempty"`
	Ratio    float64 `json:"ratio_to_ftpkit,omitempty"` // median / ftpkit median; >1 is slower
	RSSMed   int64   `json:"median_peak_rss_kib"`
	Commands int     `json:"commands,omitempty"` // commands the server logged for one run
	Entries  int     `json:"entries,omitempty"`  // entries every run listed ("." and ".." not counted)
	// Parallel groups: sessions logged in and RETR commands in the
	// first run (vsftpd log), data connections through the proxies in the
	// first run, and files each no-op rerun changed.
	Sessions  int    `json:"sessions,omitempty"`
	Retrs     int    `json:"retrs,omitempty"`
	DataConns int    `json:"data_connections,omitempty"`
	Changed   []int  `json:"changed_files,omitempty"`
	Error     string `json:"error,omitempty"`
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (r *result) summarize() {
	if len(r.Runs) == 0 {
		return
	}
	r.Median = median(r.Runs)
	r.Min = slices.Min(r.Runs)
	r.Max = slices.Max(r.Runs)
	if r.Bytes > 0 {
		r.MiBps = float64(r.Bytes) / (1 << 20) / r.Median
	}
	if r.Files > 0 {
		r.PerFile = r.Median * 1000 / float64(r.Files)
	}
	rss := slices.Clone(r.RSSKiB)
	slices.Sort(rss)
	r.RSSMed = rss[len(rss)/2]
}

// notes describes the counts of r for the Note column.
func (r *result) notes() []string {
	var ns []string
	if r.Entries > 0 {
		ns = append(ns, fmt.Sprintf("%d entries", r.Entries))
	}
	if r.Sessions > 0 {
		ns = append(ns, fmt.Sprintf("%s, %d RETR", plural(r.Sessions, "session"), r.Retrs))
	}
	if r.DataConns > 0 {
		ns = append(ns, plural(r.DataConns, "data connection"))
	}
	if r.Changed != nil {
		ns = append(ns, "changed "+plural(slices.Max(r.Changed), "file"))
	}
	return ns
}

// plural writes n things.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
