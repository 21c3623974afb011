package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// machine describes the machine the benchmark runs on.
func machine() map[string]string {
	m := map[string]string{
		"nproc": fmt.Sprint(runtime.NumCPU()),
		"go":    runtime.Version(),
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m["kernel"] = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m["memory"] = strings.Join(strings.Fields(firstLine(b))[1:], " ")
	}
	for _, c := range [][]string{{"vsftpd", "dpkg-query", "-W", "-f=${Version}", "vsftpd"},
		{"curl", "curl", "--version"}, {"lftp", "lftp", "--version"}, {"python", "/usr/bin/python3", "--version"}} {
		if out, err := exec.Command(c[1], c[2:]...).Output(); err == nil {
			m[c[0]] = firstLine(out)
		}
	}
	return m
}

func (b *bench) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(struct {
		Meta    meta      `json:"meta"`
		Results []*result `json:"results"`
	}{b.meta, b.results}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(b.markdown()), 0o644); err != nil {
		return err
	}
	return b.plot(filepath.Join(dir, "results.png"))
}

func (b *bench) markdown() string {
	var w strings.Builder
	m := b.meta
	fmt.Fprintf(&w, "# ftpkit benchmark results\n\n")
	fmt.Fprintf(&w, "- Date: %s; command: `%s`; %d rounds per scenario; run time %s\n", m.Date, m.Command, m.Rounds, m.Duration)
	fmt.Fprintf(&w, "- Machine: %s x %s, %s, %s RAM, %s\n", m.Machine["nproc"], m.Machine["cpu"], m.Machine["kernel"], m.Machine["memory"], m.Machine["go"])
	fmt.Fprintf(&w, "- Server: %s (%s); TLS scenarios on vsftpd %s with require_ssl_reuse=YES\n", m.Server, m.ServerNote, m.Machine["vsftpd"])
	fmt.Fprintf(&w, "- Clients: %s; %s; %s\n", m.Machine["curl"], m.Machine["lftp"], m.Machine["python"])
	for _, n := range m.Notes {
		fmt.Fprintf(&w, "- %s\n", n)
	}
	fmt.Fprintf(&w, "\nTime is the wall time of the client process (start, login, transfer, quit). Ratio = median / ftpkit median (above 1: slower than ftpkit). RSS = median peak RSS of the process.\n\n")
	fmt.Fprintf(&w, "| Scenario | Client | Median s | Min s | Max s | MiB/s | ms/file | Cmds/file | Ratio | Peak RSS MiB | Note |\n")
	fmt.Fprintf(&w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range b.results {
		if len(r.Runs) == 0 {
			fmt.Fprintf(&w, "| %s | %s | | | | | | | | | failed: %s |\n", r.Scenario, r.Client, mdEscape(r.Error))
			continue
		}
		mibps, perFile, cmds, ratio := "", "", "", ""
		if r.MiBps > 0 && r.Files == 0 {
			mibps = fmt.Sprintf("%.0f", r.MiBps)
		}
		if r.Files > 0 {
			perFile = fmt.Sprintf("%.2f", r.PerFile)
		}
		if r.Commands > 0 && r.Files > 0 {
			cmds = fmt.Sprintf("%.2f", float64(r.Commands)/float64(r.Files))
		}
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", r.Ratio)
		}
		note := ""
		if r.Error != "" {
			note = "some runs failed: " + mdEscape(r.Error)
		}
		fmt.Fprintf(&w, "| %s | %s | %.3f | %.3f | %.3f | %s | %s | %s | %s | %.1f | %s |\n",
			r.Scenario, r.Client, r.Median, r.Min, r.Max, mibps, perFile, cmds, ratio, float64(r.RSSMed)/1024, note)
	}
	return w.String()
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// plot draws, for each scenario, each client's median time relative to
// ftpkit's.
func (b *bench) plot(path string) error {
	var scenarios []string
	seen := map[string]bool{}
	var clients []string
	cseen := map[string]bool{}
	for _, r := range b.results {
		if r.Ratio == 0 {
			continue
		}
		if !seen[r.Scenario] {
			seen[r.Scenario] = true
			scenarios = append(scenarios, r.Scenario)
		}
		if !cseen[r.Client] {
			cseen[r.Client] = true
			clients = append(clients, r.Client)
		}
	}
	p := plot.New()
	p.Title.Text = "Median time relative to ftpkit (lower is faster)"
	p.Y.Label.Text = "time / ftpkit time"
	w := vg.Points(7)
	for i, c := range clients {
		vals := make(plotter.Values, len(scenarios))
		for j, s := range scenarios {
			for _, r := range b.results {
				if r.Scenario == s && r.Client == c {
					vals[j] = r.Ratio
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.LineStyle.Width = 0
		bars.Color = plotutil.Color(i)
		bars.Offset = w * vg.Length(2*i-len(clients)+1) / 2
		p.Add(bars)
		p.Legend.Add(c, bars)
	}
	one := plotter.NewFunction(func(float64) float64 { return 1 })
	one.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(one)
	p.Legend.Top = true
	short := make([]string, len(scenarios))
	for i, s := range scenarios {
		short[i] = strings.ReplaceAll(s, " each way: ", "\n")
	}
	p.NominalX(short...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = -0.9
	p.X.Tick.Label.YAlign = -0.2
	return p.Save(vg.Length(60+len(scenarios)*len(clients)*9)*vg.Points(1)+6*vg.Inch, 6*vg.Inch, path)
}
