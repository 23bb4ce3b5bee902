package timeline

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH                         = 760, 340
	plotLeft, plotRight, plotTop, plotBase = 52, 640, 24, 270
)

// chart is the precomputed SVG of embargo length per month; every number is
// formatted here so the template only places strings.
type chart struct {
	Width, Height int
	Empty         bool
	Title, Desc   string
	Left, Right   string
	Top, Base     string
	Bars          []chartBar
	Ticks         []chartTick
	Months        []chartLabel
	Lines         []chartLine
}

type chartBar struct {
	X, Y, W, H     string
	Title          string
	Value          string // printed above the bar, or ""
	ValueX, ValueY string
	Clipped        bool
}

type chartTick struct {
	Y, Label string
}

type chartLabel struct {
	X, Y, Text, Transform string
}

type chartLine struct {
	Y, LabelY, Label, Class, LabelClass string
}

// limitLine is one policy limit drawn across the chart.
type limitLine struct {
	kind  string // "maximum" or "preferred"
	days  float64
	lists []string
}

// limitLines returns the maximum and preferred embargo of every list with a cap,
// merging lists with equal values. Lists without max_embargo draw nothing.
func limitLines(lists map[string]records.ListPolicy) []limitLine {
	var out []limitLine
	add := func(kind, dur, list string) {
		d, err := records.ParseDuration(dur)
		if err != nil {
			return
		}
		v := round2(d.Hours() / 24)
		for i := range out {
			if out[i].kind == kind && out[i].days == v {
				out[i].lists = append(out[i].lists, list)
				return
			}
		}
		out = append(out, limitLine{kind, v, []string{list}})
	}
	names := make([]string, 0, len(lists))
	for n := range lists {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		lp := lists[n]
		if lp.MaxEmbargo == "" {
			continue
		}
		add("maximum", lp.MaxEmbargo, n)
		add("preferred", lp.PreferredEmbargo, n)
	}
	slices.SortStableFunc(out, func(a, b limitLine) int {
		return -strings.Compare(a.kind, b.kind) // preferred before maximum
	})
	return out
}

// buildChart draws bars of the monthly mean embargo length, months from the first to
// the last disclosure, and the policy limits.
func (p *projection) buildChart() chart {
	c := chart{Width: chartW, Height: chartH, Title: "Embargo length per month",
		Left: num(plotLeft), Right: num(plotRight), Top: num(plotTop), Base: num(plotBase)}
	lines := limitLines(p.policy.Lists)
	months, means, counts := p.monthlyMeans()
	var desc []string
	desc = append(desc, "Bars show the mean embargo length in days (from the first post to the list to the agreed disclosure) of the issues disclosed each month, in UTC.")

	maxVal, maxCap := 0.0, 0.0
	for _, l := range lines {
		maxVal = math.Max(maxVal, l.days)
		if l.kind == "maximum" {
			maxCap = math.Max(maxCap, l.days)
		}
	}
	for _, m := range means {
		maxVal = math.Max(maxVal, m)
	}
	top := niceTop(maxVal)
	if maxCap > 0 && maxVal > 2*maxCap {
		top = niceTop(2 * maxCap)
	}
	y := func(v float64) float64 { return plotBase - math.Min(v, top)/top*(plotBase-plotTop) }
	for v, step := 0.0, tickStep(top); v <= top+1e-9; v += step {
		c.Ticks = append(c.Ticks, chartTick{Y: num(y(v)), Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	if len(months) == 0 {
		c.Empty = true
		desc = append(desc, "No embargo has been lifted yet.")
	} else {
		desc = append(desc, fmt.Sprintf("From %s to %s:", months[0], months[len(months)-1]))
	}
	slot := float64(plotRight-plotLeft) / math.Max(1, float64(len(months)))
	every := int(math.Ceil(float64(len(months)) / 18))
	for i, m := range months {
		x := plotLeft + slot*float64(i)
		if i%every == 0 {
			lx, ly := x+slot/2, float64(plotBase+12)
			c.Months = append(c.Months, chartLabel{X: num(lx), Y: num(ly), Text: m,
				Transform: fmt.Sprintf("rotate(-45 %s %s)", num(lx), num(ly))})
		}
		if counts[i] == 0 {
			continue
		}
		v, w := means[i], math.Max(1, slot*0.6)
		b := chartBar{X: num(x + (slot-w)/2), Y: num(y(v)), W: num(w), H: num(plotBase - y(v)), Clipped: v > top}
		b.Title = fmt.Sprintf("%s: mean %s days over %s", m, fmtDays(v), plural.Of(counts[i], "issue"))
		if b.Clipped {
			b.Title += fmt.Sprintf(" (bar cut at %s days)", strconv.FormatFloat(top, 'f', -1, 64))
		}
		if slot >= 24 || b.Clipped {
			b.Value, b.ValueX, b.ValueY = fmtDays(v), num(x+slot/2), num(y(v)-4)
		}
		c.Bars = append(c.Bars, b)
		desc = append(desc, b.Title+";")
	}
	for _, l := range lines {
		cl := chartLine{Y: num(y(l.days)), LabelY: num(y(l.days) + 4), Class: "limit-" + l.kind, LabelClass: "label-" + l.kind,
			Label: fmt.Sprintf("%s %s d", l.kind, strconv.FormatFloat(l.days, 'f', -1, 64))}
		c.Lines = append(c.Lines, cl)
		desc = append(desc, fmt.Sprintf("Line: %s embargo of %s days (%s).", l.kind, strconv.FormatFloat(l.days, 'f', -1, 64), strings.Join(l.lists, ", ")))
	}
	c.Desc = strings.Join(desc, " ")
	return c
}

// monthlyMeans returns every month from the first to the last disclosure, the mean
// embargo days of each and the number of issues with a known length.
func (p *projection) monthlyMeans() (months []string, means []float64, counts []int) {
	if len(p.issues) == 0 {
		return nil, nil, nil
	}
	first, last := p.issues[0].disclosed, p.issues[len(p.issues)-1].disclosed
	idx := map[string]int{}
	for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		idx[m.Format("2006-01")] = len(months)
		months = append(months, m.Format("2006-01"))
	}
	sums := make([]time.Duration, len(months))
	counts = make([]int, len(months))
	for _, is := range p.issues {
		if is.EmbargoDays == nil {
			continue
		}
		i := idx[is.disclosed.Format("2006-01")]
		sums[i] += is.embargo
		counts[i]++
	}
	means = make([]float64, len(months))
	for i := range months {
		if counts[i] > 0 {
			means[i] = days(sums[i] / time.Duration(counts[i]))
		}
	}
	return months, means, counts
}

// niceTop rounds v up to a multiple of a 1-2-5 step.
func niceTop(v float64) float64 {
	if v <= 0 {
		return 1
	}
	step := tickStep(v)
	return math.Ceil(v/step-1e-9) * step
}

// tickStep is the 1-2-5 step that divides v into at most about five intervals.
func tickStep(v float64) float64 {
	raw := v / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func fmtDays(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
