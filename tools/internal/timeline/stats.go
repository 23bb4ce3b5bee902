package timeline

import (
	"slices"
	"time"
)

// Stats is stats.json: the statistics the Openwall policy asks members to publish,
// per month and per year of disclosure (UTC) and in total.
type Stats struct {
	Version   int           `json:"version"`
	Generated string        `json:"generated"`
	Group     string        `json:"group"`
	Months    []PeriodStats `json:"months"`
	Years     []PeriodStats `json:"years"`
	Total     PeriodStats   `json:"total"`
}

// PeriodStats are the numbers of one period ("2026-03", "2026" or "all"). The
// embargo figures are in days with two decimals, null when no issue of the period
// has a known embargo length; Measured says how many had one.
type PeriodStats struct {
	Period          string   `json:"period"`
	Issues          int      `json:"issues"`
	Measured        int      `json:"measured"`
	MeanDays        *float64 `json:"mean_embargo_days"`
	MedianDays      *float64 `json:"median_embargo_days"`
	LongestDays     *float64 `json:"longest_embargo_days"`
	Extensions      int      `json:"extensions"`
	MissingPostings int      `json:"missing_public_postings"`
	LateExploits    int      `json:"late_exploits"`
}

// stats aggregates the published issues; periods without issues are left out.
func (p *projection) stats() *Stats {
	s := &Stats{Version: 1, Generated: stamp(p.asOf()), Group: p.policy.Name,
		Months: []PeriodStats{}, Years: []PeriodStats{}}
	s.Months = periods(p.issues, "2006-01")
	s.Years = periods(p.issues, "2006")
	s.Total = aggregate("all", p.issues)
	return s
}

// periods groups issues (sorted by disclosure time) by the layout of their
// disclosure time.
func periods(issues []*PublicIssue, layout string) []PeriodStats {
	out := []PeriodStats{}
	for i := 0; i < len(issues); {
		key := issues[i].disclosed.Format(layout)
		j := i
		for j < len(issues) && issues[j].disclosed.Format(layout) == key {
			j++
		}
		out = append(out, aggregate(key, issues[i:j]))
		i = j
	}
	return out
}

func aggregate(period string, issues []*PublicIssue) PeriodStats {
	ps := PeriodStats{Period: period, Issues: len(issues)}
	var lengths []time.Duration
	for _, is := range issues {
		if is.EmbargoDays != nil {
			lengths = append(lengths, is.embargo)
		}
		ps.Extensions += is.Extensions
		if is.PublicPosting == "" {
			ps.MissingPostings++
		}
		if is.lateExploit {
			ps.LateExploits++
		}
	}
	ps.Measured = len(lengths)
	if len(lengths) == 0 {
		return ps
	}
	slices.Sort(lengths)
	var sum time.Duration
	for _, d := range lengths {
		sum += d
	}
	n := len(lengths)
	mean := days(sum / time.Duration(n))
	median := lengths[n/2]
	if n%2 == 0 {
		median = (lengths[n/2-1] + lengths[n/2]) / 2
	}
	med, longest := days(median), days(lengths[n-1])
	ps.MeanDays, ps.MedianDays, ps.LongestDays = &mean, &med, &longest
	return ps
}
