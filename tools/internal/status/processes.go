package status

import (
	"fmt"
	"slices"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schedule"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// processes lists what the written processes a list switches on make due:
// advance notices to the list (notice.advance) and the objection windows of
// proposed experts (team.objection). The deadlines come from package
// schedule, as validate's do, so the two never disagree. Messages name the
// record's id, list, fields and dates, never an expert or who was told.
func (c *computer) processes() {
	if c.st.Policy == nil {
		return
	}
	for _, isf := range c.st.Issues {
		is := isf.Issue
		if is == nil {
			continue
		}
		lp, ok := c.st.Policy.Lists[is.List]
		if !ok {
			continue
		}
		base := Item{ID: is.ID, List: is.List, File: isf.Path, People: c.people(append([]string{is.Handler}, is.ResponseTeam...)...)}
		if is.Status == records.StatusEmbargoed && len(lp.AdvanceNotices) > 0 {
			c.notices(isf, lp, base)
		}
		if (is.Status == records.StatusDraft || is.Status == records.StatusEmbargoed) && lp.ExpertObjection != nil {
			c.objectionWindows(isf, lp.ExpertObjection, base)
		}
	}
}

// parsed reads a timestamp of a record; false when absent or invalid
// (validate's to report).
func parsed(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, _, err := records.ParseTime(s)
	return t, err == nil
}

// notices adds each advance notice not yet recorded, due within the window or
// passed. A notice recorded late is validate's error, not a task.
func (c *computer) notices(isf *state.IssueFile, lp records.ListPolicy, base Item) {
	is := isf.Issue
	disclosure, ok := parsed(is.Dates.Disclosure)
	if !ok {
		return
	}
	var before []time.Duration
	label := map[time.Duration]string{}
	for _, s := range lp.AdvanceNotices {
		d, err := records.ParseDuration(s)
		if err != nil {
			return
		}
		before = append(before, d)
		if _, ok := label[d]; !ok {
			label[d] = s
		}
	}
	var given []schedule.Given
	for i, inf := range is.Informed {
		if at, ok := parsed(inf.At); ok && inf.Who == is.List {
			given = append(given, schedule.Given{Index: i, At: at})
		}
	}
	line := lineOf(&isf.File, "/informed")
	for _, n := range schedule.Notices(before, disclosure, given) {
		if n.Given >= 0 || n.Late >= 0 {
			continue
		}
		c.deadline(base, NoticeDue, n.Due, line,
			fmt.Sprintf("%s (%s): the %s advance notice to the list is not recorded", is.ID, is.List, label[n.Before]),
			fmt.Sprintf("tell the list and record it under informed (who: %s, at: when)", is.List))
	}
}

// objectionWindows adds each proposed expert whose window is still open and
// closes within the look-ahead: until then the disclosing party may object,
// and the expert may not join the response team.
func (c *computer) objectionWindows(isf *state.IssueFile, eo *records.ExpertObjection, base Item) {
	is := isf.Issue
	cal := schedule.NewCalendar(eo.Holidays)
	for i, e := range is.Experts {
		proposed, ok := parsed(e.Proposed)
		if !ok || e.Objection != nil || slices.Contains(is.ResponseTeam, e.Person) {
			continue // an objection is settled with the team; one on the team is validate's to judge
		}
		closes := cal.WindowEnd(proposed, eo.WorkingDays)
		if !c.now.Before(closes) || closes.After(c.horizon) {
			continue
		}
		it := base
		it.Kind, it.When, it.Line = ObjectionWindow, closes, lineOf(&isf.File, fmt.Sprintf("/experts/%d", i))
		it.Message = fmt.Sprintf("%s (%s): the disclosing party may object to experts[%d] until %s, %s (%s); add them to response_team only after that, and only if no objection came",
			is.ID, is.List, i, stamp(closes), relative(closes, c.now), plural.Of(eo.WorkingDays, "working day"))
		c.add(it)
	}
}
