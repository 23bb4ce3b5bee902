package validate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/parallel"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Messages about issues name fields and rules, never private values: CI logs of a
// pull request must not repeat an embargoed title or reporter.

func (c *checker) issues() {
	ids := map[string]string{}
	cves := map[string]string{} // CVE id -> "file (cves[i])" of the first record that lists it
	for _, isf := range c.st.Issues {
		is := isf.Issue
		if is == nil {
			continue
		}
		f := &isf.File
		year, fileID, ok := state.IssuePathParts(f.Path)
		switch {
		case !ok:
			c.errorf(f, "/id", rules.IDFilename, "file name does not follow issues/<YYYY>/EMB-<YYYY>-<NNNN>.yaml; move it to issues/%s/%s.yaml", idYear(is.ID), is.ID)
		case is.ID != fileID:
			c.errorf(f, "/id", rules.IDFilename, "id %s does not match the file name %s.yaml; rename the file or fix the id", is.ID, fileID)
		case idYear(is.ID) != year:
			c.errorf(f, "/id", rules.IDFilename, "id %s belongs in folder issues/%s/, not issues/%s/", is.ID, idYear(is.ID), year)
		}
		if prev, dup := ids[is.ID]; dup {
			c.errorf(f, "/id", "id.duplicate", "issue id %s is already used by %s; take the next free number", is.ID, prev)
			continue // a copy of a record: its CVEs are the copy's, not a second claim
		}
		ids[is.ID] = f.Path
		// A CVE names one vulnerability, tracked by one record: the timeline's
		// leak guard refuses a published record that shows an unpublished
		// record's CVE, so two claims are an error here, before publication. The
		// message names fields, not the CVE: it may be under embargo.
		for i, cve := range is.CVEs {
			at := fmt.Sprintf("%s (cves[%d])", f.Path, i)
			if prev, dup := cves[cve]; dup {
				c.errorf(f, fmt.Sprintf("/cves/%d", i), "id.duplicate", "cves[%d] is already claimed by %s; a CVE belongs to one record: remove it from the one that is not that vulnerability's (a withdrawn duplicate, say)", i, prev)
			} else {
				cves[cve] = at
			}
		}
	}
	// The rules of one record read the shared state but never write it, so
	// records are checked on every core; findings are sorted before output.
	parallel.For(len(c.st.Issues), func(i int) {
		if isf := c.st.Issues[i]; isf.Issue != nil {
			c.issueRefs(isf)
			c.issueDates(isf)
		}
	})
}

func idYear(id string) string {
	parts := strings.Split(id, "-")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

func (c *checker) issueRefs(isf *state.IssueFile) {
	is, f := isf.Issue, &isf.File
	if c.st.Policy != nil {
		if _, ok := c.st.Policy.Lists[is.List]; !ok {
			c.errorf(f, "/list", rules.RefUnknown, "list is not defined in policy.yaml; use one of: %s", strings.Join(slices.Sorted(maps.Keys(c.st.Policy.Lists)), ", "))
		}
	}
	// The messages name the field, never the value: handler, response team
	// and approvers of an issue are private.
	open := is.Status == records.StatusDraft || is.Status == records.StatusEmbargoed
	person := func(ptr, what, id string) {
		ref, ok := c.st.People[id]
		switch {
		case !ok:
			c.errorf(f, ptr, rules.RefUnknown, "%s is not a person listed in any members/*.yaml; name a person id from members/", what)
		case open && ref.Member.Member.Status != "active":
			// Who handles an open issue must still be on the list.
			c.errorf(f, ptr, rules.RefUnknown, "%s belongs to a member that is %s; name a person of an active member", what, ref.Member.Member.Status)
		}
	}
	person("/handler", "handler", is.Handler)
	for i, id := range is.ResponseTeam {
		person(fmt.Sprintf("/response_team/%d", i), "response_team member", id)
	}
	for i, e := range is.Extensions {
		for j, id := range e.ApprovedBy {
			person(fmt.Sprintf("/extensions/%d/approved_by/%d", i, j), "extension approver", id)
		}
	}
	for i, inf := range is.Informed {
		if inf.By != "" {
			person(fmt.Sprintf("/informed/%d/by", i), "informed.by", inf.By)
		}
	}
	for i, e := range is.Experts {
		person(fmt.Sprintf("/experts/%d/person", i), "expert", e.Person)
	}
}

// timestamps returns every timestamp field of an issue with its JSON pointer.
func timestamps(is *records.Issue) [][2]string {
	ts := [][2]string{
		{"/dates/reported", is.Dates.Reported}, {"/dates/notified", is.Dates.Notified},
		{"/dates/proposed", is.Dates.Proposed}, {"/dates/disclosure", is.Dates.Disclosure},
		{"/dates/disclosed", is.Dates.Disclosed}, {"/exploits/published", is.Exploits.Published},
	}
	for i, e := range is.Extensions {
		p := fmt.Sprintf("/extensions/%d/", i)
		ts = append(ts, [2]string{p + "at", e.At}, [2]string{p + "from", e.From}, [2]string{p + "to", e.To})
	}
	for i, inf := range is.Informed {
		ts = append(ts, [2]string{fmt.Sprintf("/informed/%d/at", i), inf.At})
	}
	for i, l := range is.Leaks {
		ts = append(ts, [2]string{fmt.Sprintf("/leaks/%d/detected", i), l.Detected})
	}
	for i, e := range is.Experts {
		p := fmt.Sprintf("/experts/%d/", i)
		ts = append(ts, [2]string{p + "proposed", e.Proposed}, [2]string{p + "joined", e.Joined})
		if e.Objection != nil {
			ts = append(ts, [2]string{p + "objection/at", e.Objection.At}, [2]string{p + "objection/withdrawn", e.Objection.Withdrawn})
		}
	}
	return ts
}

// times parses every timestamp of the issue, reporting dates.timezone and, for a
// timestamp that does not parse, one schema finding. Absent and unparsable fields
// are missing from parsed; unparsable ones are in bad, so that no rule reports a
// field that is there as missing (one mistake, one finding).
func (c *checker) times(isf *state.IssueFile) (parsed map[string]time.Time, bad map[string]bool) {
	parsed, bad = map[string]time.Time{}, map[string]bool{}
	for _, ts := range timestamps(isf.Issue) {
		if ts[1] == "" {
			continue
		}
		t, hasOffset, err := records.ParseTime(ts[1])
		if err != nil {
			c.errorf(&isf.File, ts[0], "schema", "%s: %v", dotted(ts[0]), err)
			bad[ts[0]] = true
			continue
		}
		if !hasOffset {
			fix := records.Suggest(ts[1])
			c.errorf(&isf.File, ts[0], "dates.timezone", "%s has no time zone offset; write %s if it is UTC, or give its offset, such as %s+02:00", dotted(ts[0]), fix, strings.TrimSuffix(fix, "Z"))
		}
		parsed[ts[0]] = t
	}
	return parsed, bad
}
