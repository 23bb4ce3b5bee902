package timeline

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/plural"
)

//go:embed index.html.tmpl
var indexTemplate string

var pageTmpl = template.Must(template.New("index.html").Funcs(template.FuncMap{"count": plural.Of}).Parse(indexTemplate))

// page is what index.html.tmpl sees: public types and preformatted strings only.
type page struct {
	Title, Group, Author string
	Generated            dateCell
	Issues               []row
	Withdrawn            []WithdrawnIssue
	Years                []yearRow
	Chart                chart
}

// row is one published issue of the table and its details.
type row struct {
	*PublicIssue
	Notified, Disclosure, Disclosed, ExploitPublished dateCell
	Embargo                                           string
}

// dateCell is a timestamp for a <time> element.
type dateCell struct {
	Machine, Text string
	Date, Clock   string // for the table, whose caption says UTC
}

type yearRow struct {
	Period                        string
	Issues, Extensions            int
	Mean, Median, Longest         string
	MissingPostings, LateExploits int
}

// html renders index.html: static, no script, printable.
func (p *projection) html(st *Stats) ([]byte, error) {
	pub := p.policy.Publication
	pg := page{Title: pub.Title, Group: p.policy.Name, Author: pub.Author, Generated: cell(stamp(p.asOf())),
		Withdrawn: p.withdrawn, Chart: p.buildChart()}
	for _, is := range p.issues {
		r := row{PublicIssue: is, Notified: cell(is.Dates.Notified), Disclosure: cell(is.Dates.Disclosure),
			Disclosed: cell(is.Dates.Disclosed), ExploitPublished: cell(is.Dates.ExploitPublished), Embargo: "—"}
		if is.EmbargoDays != nil {
			r.Embargo = fmtDays(*is.EmbargoDays)
		}
		pg.Issues = append(pg.Issues, r)
	}
	total := st.Total
	total.Period = "All years"
	for _, y := range append(append([]PeriodStats{}, st.Years...), total) {
		pg.Years = append(pg.Years, yearRow{Period: y.Period, Issues: y.Issues, Extensions: y.Extensions,
			Mean: optDays(y.MeanDays), Median: optDays(y.MedianDays), Longest: optDays(y.LongestDays),
			MissingPostings: y.MissingPostings, LateExploits: y.LateExploits})
	}
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, pg); err != nil {
		return nil, fmt.Errorf("render index.html: %w", err)
	}
	return b.Bytes(), nil
}

// cell shows an RFC 3339 UTC timestamp as "2026-11-23 14:00 UTC".
func cell(ts string) dateCell {
	if ts == "" {
		return dateCell{}
	}
	text := strings.Replace(strings.TrimSuffix(ts, "Z"), "T", " ", 1)
	text = strings.TrimSuffix(text, ":00")
	date, clock, _ := strings.Cut(text, " ")
	return dateCell{Machine: ts, Text: text + " UTC", Date: date, Clock: clock}
}

func optDays(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmtDays(*v)
}
