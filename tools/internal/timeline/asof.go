package timeline

import (
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
)

// asOf is the time the published content last changed, which the outputs
// give as their own time (timeline.json and stats.json "generated", the
// feed's updated, the page's date) instead of the clock: so a run at any later
// time writes the same bytes until a record, or a deadline the statistics
// count, changes them. It is the latest of, among the published issues, the
// disclosure, the exploit's publication, and the passed deadlines of a missing
// public posting or exploit. With nothing published it is the clock (there is
// no content to date).
func (p *projection) asOf() time.Time {
	var last time.Time
	later := func(t time.Time) {
		if !t.IsZero() && !t.After(p.now) && t.After(last) {
			last = t
		}
	}
	for _, is := range p.issues {
		later(is.disclosed)
		later(is.exploitPub)
		lp, ok := p.policy.Lists[is.List]
		if !ok {
			continue
		}
		if is.PublicPosting == "" {
			if d, err := records.ParseDuration(lp.PostingGrace); err == nil {
				later(is.disclosed.Add(d))
			}
		}
		if is.lateExploit && is.exploitPub.IsZero() {
			if d, err := records.ParseDuration(lp.ExploitDelay); err == nil {
				later(is.disclosed.Add(d))
			}
		}
	}
	if last.IsZero() {
		return p.now
	}
	return last
}
