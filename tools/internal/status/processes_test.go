package status_test

import (
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/status"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

const (
	distIssue = "issues/2026/EMB-2026-0007.yaml" // distributors: advance notices at 7d and 24h
	xenIssue  = "issues/2026/EMB-2026-0006.yaml" // moved to the hardware list below
)

// TestNoticesDue: an advance notice not yet recorded is listed while due
// within the window, as overdue once its point has passed, and never once
// recorded; validate agrees on the same point (warning, then error).
func TestNoticesDue(t *testing.T) {
	dir := copyExample(t)
	edit(t, dir, distIssue, func(s string) string { // the 24-hour notice is not given yet
		i := strings.LastIndex(s, "  - who: distributors")
		j := strings.Index(s, "leaks: []")
		return s[:i] + s[j:]
	})
	st := load(t, dir)
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	due := at("2026-11-29T16:00:00Z") // dates.disclosure − 24h
	cases := []struct {
		now      string
		listed   bool
		overdue  bool
		severity finding.Severity
	}{
		{"2026-11-20T12:00:00Z", false, false, finding.Warning}, // 9 days ahead: outside 72h
		{"2026-11-27T00:00:00Z", true, false, finding.Warning},
		{"2026-11-29T16:00:00Z", true, false, finding.Warning}, // at the point itself: still in time
		{"2026-11-29T16:00:01Z", true, true, finding.Error},
	}
	for _, tc := range cases {
		now := at(tc.now)
		items := status.Compute(st, now, status.DefaultWithin).Of(status.NoticeDue)
		switch {
		case !tc.listed && len(items) != 0:
			t.Errorf("%s: listed too early: %+v", tc.now, items)
		case tc.listed && (len(items) != 1 || !items[0].When.Equal(due) || items[0].Overdue != tc.overdue || items[0].Rule != rules.NoticeAdvance):
			t.Errorf("%s: items %+v, want one due at %s, overdue %v", tc.now, items, due, tc.overdue)
		case tc.listed && (!strings.Contains(items[0].Message, "the 24h advance notice") || items[0].ID != "EMB-2026-0007"):
			t.Errorf("%s: message %q", tc.now, items[0].Message)
		}
		var out finding.List
		validate.Check(st, now, &out)
		n := 0
		for _, f := range out.Sorted() {
			if f.Rule == rules.NoticeAdvance {
				n++
				if f.Severity != tc.severity {
					t.Errorf("%s: validate says %s, want %s: %s", tc.now, f.Severity, tc.severity, f.Message)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: validate has %d notice.advance findings, want 1", tc.now, n)
		}
	}
	// Recorded: nothing due, whenever.
	full := load(t, repoRoot(t))
	for _, now := range []string{"2026-11-20T12:00:00Z", "2026-11-29T17:00:00Z"} {
		if items := status.Compute(full, at(now), 30*24*time.Hour).Of(status.NoticeDue); len(items) != 0 {
			t.Errorf("%s: the example's notices are recorded, yet: %+v", now, items)
		}
	}
}

// TestObjectionWindows: a proposed expert's window is listed while open and
// closing within the look-ahead, with the end the calendar gives; not once
// closed, not under an objection, not once the expert is on the team. The
// message names the entry, never the expert.
func TestObjectionWindows(t *testing.T) {
	dir := copyExample(t)
	edit(t, dir, xenIssue, func(s string) string {
		s = strings.Replace(s, "list: xen-predisclosure\n", "list: hardware\n", 1)
		return strings.Replace(s, "leaks: []\n", "leaks: []\nexperts:\n  - person: dana-debian\n    proposed: 2026-12-22T10:00:00Z\n", 1)
	})
	st := load(t, dir)
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	closes := at("2027-01-05T00:00:00Z") // five working days after 22 December, less the list's holidays
	for _, tc := range []struct {
		now    string
		within time.Duration
		listed bool
	}{
		{"2026-12-22T12:00:00Z", status.DefaultWithin, false}, // open, but closes beyond 72h
		{"2026-12-22T12:00:00Z", 14 * 24 * time.Hour, true},
		{"2027-01-03T00:00:00Z", status.DefaultWithin, true},
		{"2027-01-05T00:00:00Z", status.DefaultWithin, false}, // closed: the expert may join
	} {
		items := status.Compute(st, at(tc.now), tc.within).Of(status.ObjectionWindow)
		if !tc.listed {
			if len(items) != 0 {
				t.Errorf("%s: %+v", tc.now, items)
			}
			continue
		}
		if len(items) != 1 || !items[0].When.Equal(closes) || items[0].Overdue || items[0].Rule != rules.TeamObjection {
			t.Fatalf("%s: items %+v, want one closing at %s", tc.now, items, closes)
		}
		if m := items[0].Message; !strings.Contains(m, "experts[0] until 2027-01-05T00:00:00Z") || strings.Contains(m, "dana-debian") {
			t.Errorf("%s: message %q", tc.now, m)
		}
	}
	edit(t, dir, xenIssue, func(s string) string {
		return strings.Replace(s, "    proposed: 2026-12-22T10:00:00Z\n", "    proposed: 2026-12-22T10:00:00Z\n    objection: {at: 2026-12-23T10:00:00Z}\n", 1)
	})
	if items := status.Compute(load(t, dir), at("2027-01-03T00:00:00Z"), status.DefaultWithin).Of(status.ObjectionWindow); len(items) != 0 {
		t.Errorf("under an objection: %+v", items)
	}
}
