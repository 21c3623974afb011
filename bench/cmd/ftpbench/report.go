package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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
		{"curl", "curl", "--version"}, {"lftp", "lftp", "--version"}, {"python", "/usr/bin/python3", "--version"},
		{"rclone", "rclone", "version"}, {"aria2c", "aria2c", "--version"}} {
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
	fmt.Fprintf(&w, "- Server: %s (%s); TLS scenarios on vsftpd %s with require_ssl_reuse=YES and a throwaway ECDSA P-256 certificate for 127.0.0.1 and 127.0.0.2, verified by every client; listings on pure-ftpd (-L %d:5)\n", m.Server, m.ServerNote, m.Machine["vsftpd"], listMax)
	clients := []string{m.Machine["curl"], m.Machine["lftp"], m.Machine["python"]}
	for _, k := range []string{"rclone", "aria2c"} {
		if m.Machine[k] != "" {
			clients = append(clients, m.Machine[k])
		}
	}
	fmt.Fprintf(&w, "- Clients: %s\n", strings.Join(clients, "; "))
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
		notes := r.notes()
		if r.Error != "" {
			notes = append(notes, "some runs failed: "+mdEscape(r.Error))
		}
		note := strings.Join(notes, "; ")
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
// ftpkit's, as horizontal bars: the scenario names are the labels of the
// vertical axis, written out in full, and the legend sits in a column of
// its own on the right, clear of the bars. A client that failed a scenario
// gets the word "failed" where its bar would be. The axis stops at
// maxPlotRatio: a longer bar is cut there and its ratio written after it.
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
	if len(scenarios) == 0 {
		return nil
	}
	// Scenario i is drawn at y = n-1-i, so that the first is at the top.
	n := len(scenarios)
	y := func(i int) float64 { return float64(n - 1 - i) }
	p := plot.New()
	p.Title.Text = "Median time relative to ftpkit (lower is faster)"
	p.X.Label.Text = "client time / ftpkit time"
	p.X.Min = 0
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	top := 0.0
	for _, r := range b.results {
		top = max(top, r.Ratio)
	}
	p.X.Max = min(top, maxPlotRatio) * 1.08
	if top > maxPlotRatio {
		p.X.Max = maxPlotRatio * 1.15 // room for the ratio of a cut bar
	}
	var ticks []plot.Tick
	for x := 0.0; x <= p.X.Max; x += 0.5 {
		ticks = append(ticks, plot.Tick{Value: x, Label: strconv.FormatFloat(x, 'f', -1, 64)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color = color.Gray{Y: 220}
	p.Add(grid)
	// label writes text at ratio x in scenario j, next to client i's bar.
	label := func(x float64, j int, offset vg.Length, text string) error {
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: y(j)}}, Labels: []string{text}})
		if err != nil {
			return err
		}
		l.TextStyle[0].Font.Size = vg.Points(7)
		l.TextStyle[0].YAlign = draw.YCenter
		l.Offset = vg.Point{X: vg.Points(2), Y: offset}
		p.Add(l)
		return nil
	}
	w := vg.Points(6)
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	for i, c := range clients {
		// The first client's bar at the top of its group.
		offset := -w * vg.Length(2*i-len(clients)+1) / 2
		vals := make(plotter.Values, n)
		for j, s := range scenarios {
			for _, r := range b.results {
				if r.Scenario != s || r.Client != c {
					continue
				}
				vals[n-1-j] = min(r.Ratio, maxPlotRatio)
				var err error
				switch {
				case len(r.Runs) == 0 && r.Error != "":
					err = label(0, j, offset, "failed")
				case r.Ratio > maxPlotRatio:
					err = label(maxPlotRatio, j, offset, fmt.Sprintf("%.1f", r.Ratio))
				}
				if err != nil {
					return err
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Horizontal = true
		bars.LineStyle.Width = 0
		bars.Color = plotutil.Color(i)
		bars.Offset = offset
		p.Add(bars)
		legend.Add(c, bars)
	}
	one, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(n) - 0.5}})
	if err != nil {
		return err
	}
	one.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(one)
	names := make([]string, n)
	for i, s := range scenarios {
		names[n-1-i] = s
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Points(10)

	// One group of bars per scenario, groupPoints high; room for the
	// title and the horizontal axis.
	legendW := vg.Points(110)
	width := 10 * vg.Inch
	height := vg.Points(float64(n)*groupPoints(len(clients)) + 110)
	img := vgimg.New(width, height)
	dc := draw.New(img)
	p.Draw(draw.Crop(dc, vg.Points(8), -legendW, 0, 0))
	legend.Draw(draw.Crop(dc, width-legendW+vg.Points(12), 0, 0, -vg.Points(30)))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// maxPlotRatio is where the plot's ratio axis stops.
const maxPlotRatio = 4

// groupPoints is the height in points given to one scenario's bars: 6
// points per client and a gap.
func groupPoints(clients int) float64 { return float64(6*clients + 12) }
