package rules

import (
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// clockOnly lists the rules whose findings depend only on the clock: the
// record was fine when it was committed and became late because time passed.
// A change that does not touch such a record is not to blame for it, so
// `check` reports these findings on untouched records as one summary warning
// (ClockUntouched); `status` and the daily reminder enforce them instead
// (docs/guides/ci-admin.md, "Clock findings").
var clockOnly = map[string]bool{
	"embargo.overdue":    true, // still embargoed past disclosure + disclosure_grace
	"disclosure.posting": true, // no public posting past disclosed + posting_grace
	"exploits.deadline":  true, // a shared exploit not public by disclosed + exploit_delay
	"key.expiry":         true, // a key expiring within 30 days, or expired
}

// expiredNow is how the signature checker says that a key was valid when it
// signed and has expired since ("... was valid when the signature was made (T) but expired at T and is expired now");
// a pgp test pins the phrase through ClockOnlyFinding.
var expiredNow = "and is expired now"

// ClockPhrase (a variable, as every string constant of this package is a
// rule ID) is in the message of a finding that depends only on the clock,
// of a rule whose other findings do not (clockByPhrase): a notice that is due,
// or whose point has passed, with nothing recorded (notice.advance); an expert
// on the response team while the objection window is still open
// (team.objection). A notice recorded late, or an
// expert who joined under a standing objection, is the record's doing and
// stays an error wherever it is. Messages never hold a record's free text, so
// a record cannot forge the phrase.
var ClockPhrase = "at the time of this check"

var clockByPhrase = map[string]bool{
	"notice.advance": true,
	"team.objection": true,
}

// ClockUntouched is the rule of the one-line summary of clock-only findings on
// records a change does not touch.
const ClockUntouched = "clock.untouched"

// ClockOnly reports whether every finding of rule id depends only on the clock.
func ClockOnly(id string) bool { return clockOnly[id] }

// ClockOnlyFinding reports whether f depends only on the clock: a finding of a
// ClockOnly rule, a finding whose message has ClockPhrase (notice.advance,
// team.objection), or a signed acceptance or vouch that verified until its key
// expired (the key's own key.expiry finding says the same thing about the key
// file). Anything else — a missing or forged signature, an expiry at signing
// time — is not the clock's doing and stays an error wherever it is.
func ClockOnlyFinding(f finding.Finding) bool {
	if ClockOnly(f.Rule) {
		return true
	}
	if clockByPhrase[f.Rule] {
		return strings.Contains(f.Message, ClockPhrase)
	}
	return (f.Rule == "member.acceptance" || f.Rule == "member.vouch") && strings.Contains(f.Message, expiredNow)
}
