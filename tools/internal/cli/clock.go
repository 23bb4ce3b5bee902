package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// maxNamed is how many files a clock summary names before "and N more".
const maxNamed = 5

// untouchedClock keeps every finding but the clock-only ones (rules.ClockOnlyFinding)
// on files outside touched, which it replaces by one clock.untouched warning.
// known false means the change's files could not be worked out: then every
// finding stays as it is (fail closed).
func untouchedClock(fs []finding.Finding, touched map[string]bool, known bool) []finding.Finding {
	if !known {
		return fs
	}
	var kept, late []finding.Finding
	for _, f := range fs {
		if f.File == "" || touched[f.File] || !rules.ClockOnlyFinding(f) {
			kept = append(kept, f)
		} else {
			late = append(late, f)
		}
	}
	if len(late) == 0 {
		return kept
	}
	return append(kept, finding.Finding{Rule: rules.ClockUntouched, Severity: finding.Warning,
		Message: clockSummary(late, "this change does not touch") +
			"; they do not fail it: `embargo status` lists them and the daily reminder enforces them"})
}

// clockSummary says "2 clock findings on 2 records <where> (embargo.overdue:
// issues/…; key.expiry: members/keys/…)", naming at most maxNamed files.
func clockSummary(fs []finding.Finding, where string) string {
	byRule := map[string][]string{}
	files := map[string]bool{}
	for _, f := range fs {
		files[f.File] = true
		if !slices.Contains(byRule[f.Rule], f.File) {
			byRule[f.Rule] = append(byRule[f.Rule], f.File)
		}
	}
	ids := make([]string, 0, len(byRule))
	for id := range byRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	named := 0
	var parts []string
	for _, id := range ids {
		names := byRule[id]
		sort.Strings(names)
		shown := names[:min(len(names), maxNamed-named)]
		named += len(shown)
		switch {
		case len(shown) == 0:
			parts = append(parts, fmt.Sprintf("%s: %d more", id, len(names)))
		case len(shown) < len(names):
			parts = append(parts, fmt.Sprintf("%s: %s and %d more", id, strings.Join(shown, ", "), len(names)-len(shown)))
		default:
			parts = append(parts, fmt.Sprintf("%s: %s", id, strings.Join(shown, ", ")))
		}
	}
	return fmt.Sprintf("%s on %s %s (%s)", plural.Of(len(fs), "clock finding"),
		plural.Of(len(files), "record"), where, strings.Join(parts, "; "))
}
