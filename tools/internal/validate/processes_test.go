package validate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// TestProcessClockFindings: the findings of notice.advance and team.objection
// that depend only on the clock (a notice due or passed with nothing recorded,
// an expert on the team while the window is open) count as clock findings for
// `check` (rules.ClockOnlyFinding); those the record itself causes (a notice
// recorded late, a joined time inside the window, a standing objection) do
// not, so they fail every change, not only one that touches the record.
func TestProcessClockFindings(t *testing.T) {
	cases := []struct {
		name   string
		rule   string
		now    time.Time
		clock  bool
		mutate []mutator
	}{
		{"notice due", rules.NoticeAdvance, demoNow, true, []mutator{del(distIssue, "informed.1")}},
		{"notice passed", rules.NoticeAdvance, time.Date(2026, 11, 29, 16, 0, 1, 0, time.UTC), true, []mutator{del(distIssue, "informed.1")}},
		{"notice late", rules.NoticeAdvance, demoNow, false, []mutator{
			set(distIssue, "informed.0.at", "2026-11-25T10:00:00Z"), set(distIssue, "informed.1.at", "2026-11-26T10:00:00Z")}},
		{"window open", rules.TeamObjection, demoNow, true, []mutator{set(xenIssue, "list", "hardware"),
			set(xenIssue, "experts", "[{person: ines-amazon, proposed: 2026-11-18T12:00:00Z}]")}},
		{"joined inside the window", rules.TeamObjection, demoNow, false, []mutator{set(hardware, "experts.0.joined", "2025-06-19T23:59:59Z")}},
		{"objection stands", rules.TeamObjection, demoNow, false, []mutator{set(hardware, "experts.0.objection", "{at: 2025-06-13T10:00:00Z}")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			for _, m := range tc.mutate {
				m(t, dir)
			}
			n := 0
			for _, f := range check(t, dir, tc.now) {
				if f.Rule != tc.rule {
					continue
				}
				n++
				if got := rules.ClockOnlyFinding(f); got != tc.clock {
					t.Errorf("ClockOnlyFinding = %v, want %v: %s", got, tc.clock, f.Message)
				}
			}
			if n == 0 {
				t.Fatalf("no %s finding", tc.rule)
			}
		})
	}
}

// TestWindowFollowsTheCalendar: the hardware list's holidays move the end of
// the objection window, in validate as in the window the message names.
func TestWindowFollowsTheCalendar(t *testing.T) {
	// Proposed on Tuesday 22 December 2026: with 24, 25 and 31 December and
	// 1 January off, the fifth working day is Monday 4 January.
	mutate := []mutator{set(xenIssue, "list", "hardware"),
		set(xenIssue, "experts", "[{person: ines-amazon, proposed: 2026-12-22T10:00:00Z, joined: 2027-01-04T23:00:00Z}]")}
	dir := copyExample(t)
	for _, m := range mutate {
		m(t, dir)
	}
	later := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC) // after both joins
	found := false
	for _, f := range check(t, dir, later) {
		if f.Rule == rules.TeamObjection {
			found = true
			if want := "closing at 2027-01-05T00:00:00Z"; !strings.Contains(f.Message, want) {
				t.Errorf("message lacks %q: %s", want, f.Message)
			}
		}
	}
	if !found {
		t.Fatal("joining on the fifth working day before its end is not reported")
	}
	set(xenIssue, "experts.0.joined", "2027-01-05T00:00:00Z")(t, dir)
	for _, f := range check(t, dir, later) {
		if f.Rule == rules.TeamObjection {
			t.Errorf("joining once the window closed is reported: %s", f.Message)
		}
	}
}
