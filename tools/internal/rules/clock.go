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

// ClockUntouched is the rule of the one-line summary of clock-only findings on
// records a change does not touch.
const ClockUntouched = "clock.untouched"

// ClockOnly reports whether every finding of rule id depends only on the clock.
func ClockOnly(id string) bool { return clockOnly[id] }

// ClockOnlyFinding reports whether f depends only on the clock: a finding of a
// ClockOnly rule, or a signed acceptance or vouch that verified until its key
// expired (the key's own key.expiry finding says the same thing about the key
// file). Anything else — a missing or forged signature, an expiry at signing
// time — is not the clock's doing and stays an error wherever it is.
func ClockOnlyFinding(f finding.Finding) bool {
	if ClockOnly(f.Rule) {
		return true
	}
	return (f.Rule == "member.acceptance" || f.Rule == "member.vouch") && strings.Contains(f.Message, expiredNow)
}
