package rules_test

import (
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// TestClockPhrase: in notice.advance and team.objection only the findings
// that say they are judged at the time of the check are clock findings; the
// phrase means nothing in another rule's message.
func TestClockPhrase(t *testing.T) {
	for _, tc := range []struct {
		f    finding.Finding
		want bool
	}{
		{finding.Finding{Rule: rules.NoticeAdvance, Message: "the 24h advance notice to list x is due by T, in 2d " + rules.ClockPhrase + "; ..."}, true},
		{finding.Finding{Rule: rules.NoticeAdvance, Message: "the 7d advance notice to list x was due by T (7d before dates.disclosure) and informed[1] records it 2d late"}, false},
		{finding.Finding{Rule: rules.TeamObjection, Message: "experts[0] is on the response team while the disclosing party may still object for 2d " + rules.ClockPhrase}, true},
		{finding.Finding{Rule: rules.TeamObjection, Message: "experts[0] is on the response team while the disclosing party's objection stands"}, false},
		{finding.Finding{Rule: rules.EmbargoMax, Message: "embargo of 21d " + rules.ClockPhrase}, false},
		{finding.Finding{Rule: rules.AffectedVersions, Message: rules.ClockPhrase}, false},
	} {
		if got := rules.ClockOnlyFinding(tc.f); got != tc.want {
			t.Errorf("ClockOnlyFinding(%s: %q) = %v, want %v", tc.f.Rule, tc.f.Message, got, tc.want)
		}
	}
	for _, id := range []string{rules.NoticeAdvance, rules.TeamObjection} {
		if rules.ClockOnly(id) {
			t.Errorf("%s counted clock-only as a whole; only some of its findings are", id)
		}
	}
}
