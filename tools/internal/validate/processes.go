package validate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/schedule"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// The written processes a list switches on in policy.yaml (docs/sources.md):
// deployment stated with its permission (Xen), affected versions (the Linux
// kernel security team), advance notices (the Kubernetes distributors list)
// and objections to experts (the Linux kernel's hardware process). As
// everywhere in issue records, messages name fields, never their values.

// processes runs the issue rules of the processes lp switches on; t and bad
// are the record's parsed and unparsable timestamps (times).
func (c *checker) processes(isf *state.IssueFile, lp listLimits, t map[string]time.Time, bad map[string]bool) {
	is := isf.Issue
	if is.Status == records.StatusEmbargoed {
		if lp.DeploymentPermission != "" {
			c.deploymentStated(isf, lp)
		}
		if lp.RequireAffectedVersions {
			c.affectedVersions(isf)
		}
	}
	if len(lp.AdvanceNotices) > 0 && (is.Status == records.StatusEmbargoed || is.Status == records.StatusDisclosed) {
		c.advanceNotices(isf, lp, t)
	}
	if lp.ExpertObjection != nil && is.Status != records.StatusWithdrawn {
		c.experts(isf, lp, t, bad)
	}
}

// present returns ptr when the record has that key, else fallback: a finding
// about a missing field points at its parent, or at a field that is there.
func present(f *state.File, ptr, fallback string) string {
	doc := f.Doc()
	if doc == nil {
		return fallback
	}
	i := strings.LastIndex(ptr, "/")
	parent := doc.Lookup(ptr[:i])
	for j := 0; j+1 < len(parent.Content); j += 2 {
		if parent.Kind == yaml.MappingNode && parent.Content[j].Value == ptr[i+1:] {
			return ptr
		}
	}
	return fallback
}

func (c *checker) deploymentStated(isf *state.IssueFile, lp listLimits) {
	is, f := isf.Issue, &isf.File
	who := "a coordinator"
	if is.Deployment.Permitted == nil {
		if lp.DeploymentPermission == records.DeploymentByHandler {
			who = "the handler or a coordinator"
		}
		c.addKey(f, present(f, "/deployment", "/status"), rules.DeploymentStated, finding.Error,
			"list %s wants every embargoed record to state whether members may deploy fixes during the embargo; set deployment.permitted (true or false), signed by %s", is.List, who)
		return
	}
	if *is.Deployment.Permitted && strings.TrimSpace(is.Deployment.Restrictions) == "" {
		c.addKey(f, present(f, "/deployment/restrictions", "/deployment"), rules.DeploymentStated, finding.Error,
			"deployment is permitted and deployment.restrictions is empty; on list %s the permission is stated with its restrictions (write none if there are none)", is.List)
	}
}

func (c *checker) affectedVersions(isf *state.IssueFile) {
	is, f := isf.Issue, &isf.File
	if len(is.Affected) == 0 {
		c.addKey(f, present(f, "/affected", "/status"), rules.AffectedVersions, finding.Error,
			"list %s does not process a report without the affected version range; add affected with each product and its versions", is.List)
		return
	}
	for i, a := range is.Affected {
		if strings.TrimSpace(a.Versions) == "" {
			c.addKey(f, fmt.Sprintf("/affected/%d", i), rules.AffectedVersions, finding.Error,
				"affected[%d] has no versions; list %s needs the affected version range of every product (e.g. \">= 5.10, < 6.1.4\")", i, is.List)
		}
	}
}

// advanceNotices expects, for each of the list's advance notices, an informed
// entry naming the list at or before that point before dates.disclosure.
func (c *checker) advanceNotices(isf *state.IssueFile, lp listLimits, t map[string]time.Time) {
	is, f := isf.Issue, &isf.File
	disclosure, ok := t[pDisclosure]
	if !ok {
		return // dates.required or schema: reported already
	}
	var before []time.Duration
	label := map[time.Duration]string{} // as policy.yaml writes it: 24h, not 1d
	for _, s := range lp.AdvanceNotices {
		d, err := records.ParseDuration(s)
		if err != nil {
			return // reported on policy.yaml
		}
		before = append(before, d)
		if _, ok := label[d]; !ok {
			label[d] = s
		}
	}
	var given []schedule.Given
	for i, inf := range is.Informed {
		if at, ok := t[fmt.Sprintf("/informed/%d/at", i)]; ok && inf.Who == is.List {
			given = append(given, schedule.Given{Index: i, At: at})
		}
	}
	disclosed, wasDisclosed := t[pDisclosed]
	for _, n := range schedule.Notices(before, disclosure, given) {
		what := fmt.Sprintf("the %s advance notice to list %s", label[n.Before], is.List)
		record := fmt.Sprintf("record it under informed (who: %s, at: when the list was told)", is.List)
		switch {
		case n.Given >= 0:
		case is.Status == records.StatusDisclosed && wasDisclosed && disclosed.Before(n.Due):
			// Public before the point: there was nothing left to announce.
		case n.Late >= 0:
			c.errorf(f, fmt.Sprintf("/informed/%d/at", n.Late), rules.NoticeAdvance,
				"%s was due by %s (%s before dates.disclosure) and informed[%d] records it %s late; the list hears at least %s before disclosure: agree a later date with the reporter, or keep the record as it happened",
				what, stamp(n.Due), label[n.Before], n.Late, roundDur(t[fmt.Sprintf("/informed/%d/at", n.Late)].Sub(n.Due)), label[n.Before])
		case !c.now.After(n.Due):
			c.addKey(f, present(f, "/informed", pDisclosure), rules.NoticeAdvance, finding.Warning,
				"%s is due by %s, in %s %s; tell the list then and %s", what, stamp(n.Due), roundDur(n.Due.Sub(c.now)), rules.ClockPhrase, record)
		default:
			c.addKey(f, present(f, "/informed", pDisclosure), rules.NoticeAdvance, finding.Error,
				"%s was due by %s and none is recorded, %s ago %s; tell the list now and %s, or agree a later date",
				what, stamp(n.Due), roundDur(c.now.Sub(n.Due)), rules.ClockPhrase, record)
		}
	}
}

// experts checks each proposed expert against the disclosing party's
// objection window: on the response team only once the window has closed,
// and never while an objection stands.
func (c *checker) experts(isf *state.IssueFile, lp listLimits, t map[string]time.Time, bad map[string]bool) {
	is, f := isf.Issue, &isf.File
	eo := lp.ExpertObjection
	cal := schedule.NewCalendar(eo.Holidays)
	first := map[string]int{}
	for i, e := range is.Experts {
		p := fmt.Sprintf("/experts/%d", i)
		if j, dup := first[e.Person]; dup {
			c.errorf(f, p+"/person", rules.TeamObjection, "experts[%d] names the same person as experts[%d]; keep one entry per expert", i, j)
			continue
		}
		first[e.Person] = i
		proposed, ok := t[p+"/proposed"]
		if !ok {
			continue // unparsable: reported by times
		}
		closes := cal.WindowEnd(proposed, eo.WorkingDays)
		window := fmt.Sprintf("%s after experts[%d].proposed, closing at %s", plural.Of(eo.WorkingDays, "working day"), i, stamp(closes))
		objected, hasObjection := t[p+"/objection/at"]
		withdrawn, hasWithdrawn := t[p+"/objection/withdrawn"]
		joined, hasJoined := t[p+"/joined"]
		switch {
		case hasObjection && objected.Before(proposed):
			c.errorf(f, p+"/objection/at", rules.DatesOrder, "experts[%d].objection.at is before the expert was proposed", i)
		case hasObjection && hasWithdrawn && withdrawn.Before(objected):
			c.errorf(f, p+"/objection/withdrawn", rules.DatesOrder, "experts[%d].objection.withdrawn is before the objection was made", i)
		}
		if bad[p+"/joined"] {
			continue // reported by times
		}
		switch {
		case hasJoined && joined.Before(proposed):
			c.errorf(f, p+"/joined", rules.DatesOrder, "experts[%d].joined is before the expert was proposed", i)
			continue
		case hasJoined && joined.After(c.now):
			// A join yet to come is no join: judged by the clock below.
			c.errorf(f, p+"/joined", rules.DatesOrder, "experts[%d].joined is after the time of this check; record it once the expert has joined", i)
			hasJoined = false
		}
		inTeam := slices.Contains(is.ResponseTeam, e.Person)
		objectionStanding := e.Objection != nil && !hasWithdrawn && !bad[p+"/objection/withdrawn"]
		switch {
		case inTeam && objectionStanding:
			c.errorf(f, p+"/objection", rules.TeamObjection, "experts[%d] is on the response team while the disclosing party's objection stands; take them off response_team, or record when the objection was withdrawn (objection.withdrawn)", i)
		case hasJoined && hasObjection && hasWithdrawn && !objected.After(joined) && joined.Before(withdrawn):
			c.errorf(f, p+"/joined", rules.TeamObjection, "experts[%d] joined the response team %s before the disclosing party withdrew its objection; an expert joins only once no objection stands", i, roundDur(withdrawn.Sub(joined)))
		case hasJoined && joined.Before(closes):
			c.errorf(f, p+"/joined", rules.TeamObjection, "experts[%d] joined the response team %s before the objection window closed (%s); silence is consent only once the window has passed", i, roundDur(closes.Sub(joined)), window)
		case inTeam && c.now.Before(closes):
			c.errorf(f, p+"/person", rules.TeamObjection, "experts[%d] is on the response team while the disclosing party may still object for %s %s (%s); take them off response_team until then", i, roundDur(closes.Sub(c.now)), rules.ClockPhrase, window)
		}
	}
}

// processPolicy checks the process settings of each list that can be wrong
// beyond what the schema sees.
func (c *checker) processPolicy(f *state.File, name string, l records.ListPolicy) {
	base := "/lists/" + name
	maxD, maxErr := records.ParseDuration(l.MaxEmbargo)
	for i, s := range l.AdvanceNotices {
		d, err := records.ParseDuration(s)
		switch {
		case err != nil:
			c.errorf(f, fmt.Sprintf("%s/advance_notices/%d", base, i), rules.Schema, "advance_notices[%d]: %v", i, err)
		case l.MaxEmbargo != "" && maxErr == nil && d > maxD:
			c.errorf(f, fmt.Sprintf("%s/advance_notices/%d", base, i), rules.NoticeAdvance, "advance notice %s is longer than max_embargo %s, so it can never be given after the list was notified; shorten it or raise the maximum", s, l.MaxEmbargo)
		}
	}
	if eo := l.ExpertObjection; eo != nil {
		for i, h := range eo.Holidays {
			if _, err := time.Parse(time.DateOnly, h); err != nil {
				c.errorf(f, fmt.Sprintf("%s/expert_objection/holidays/%d", base, i), rules.Schema, "holidays[%d] is not a date (YYYY-MM-DD that exists)", i)
			}
		}
	}
}

// stamp writes a time as RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
