package schedule

import (
	"testing"
	"time"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWindowEnd: five working days after the day of the proposal, to the end
// of the last one, skipping weekends and the list's holidays.
func TestWindowEnd(t *testing.T) {
	cases := []struct {
		name     string
		proposed string
		n        int
		holidays []string
		want     string
	}{
		{"monday morning", "2026-11-16T09:00:00Z", 5, nil, "2026-11-24T00:00:00Z"}, // Tue..Mon
		{"monday late", "2026-11-16T23:59:59Z", 5, nil, "2026-11-24T00:00:00Z"},    // the day itself never counts
		{"friday", "2026-11-20T17:00:00Z", 5, nil, "2026-11-28T00:00:00Z"},         // Mon..Fri
		{"saturday", "2026-11-21T10:00:00Z", 5, nil, "2026-11-28T00:00:00Z"},       // Mon..Fri
		{"sunday", "2026-11-22T10:00:00Z", 1, nil, "2026-11-24T00:00:00Z"},         // Mon
		{"offset", "2026-11-20T23:30:00-05:00", 1, nil, "2026-11-24T00:00:00Z"},    // Saturday 04:30 UTC: Mon
		// Counted: 23, 28, 29, 30 December and 4 January.
		{"holidays", "2026-12-22T10:00:00Z", 5, []string{"2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"}, "2027-01-05T00:00:00Z"},
		{"bad holiday ignored", "2026-11-16T09:00:00Z", 1, []string{"2026-11-17x"}, "2026-11-18T00:00:00Z"},
		{"one day", "2026-11-18T12:00:00Z", 1, nil, "2026-11-20T00:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := NewCalendar(tc.holidays).WindowEnd(ts(tc.proposed), tc.n)
			if !got.Equal(ts(tc.want)) {
				t.Errorf("WindowEnd(%s, %d) = %s, want %s", tc.proposed, tc.n, got.Format(time.RFC3339), tc.want)
			}
		})
	}
}

func TestWorking(t *testing.T) {
	c := NewCalendar([]string{"2026-12-25"})
	for day, want := range map[string]bool{
		"2026-12-24T12:00:00Z": true, "2026-12-25T12:00:00Z": false, "2026-12-26T12:00:00Z": false,
		"2026-12-27T12:00:00Z": false, "2026-12-28T00:00:00Z": true,
		"2026-12-25T01:00:00+02:00": true, // 24 December in UTC
	} {
		if got := c.Working(ts(day)); got != want {
			t.Errorf("Working(%s) = %v, want %v", day, got, want)
		}
	}
}

// TestNotices: one entry per point, the earliest point first; an entry after
// a point it would have served is that notice, late.
func TestNotices(t *testing.T) {
	disclosure := ts("2026-11-30T16:00:00Z")
	before := []time.Duration{24 * time.Hour, 7 * 24 * time.Hour} // in any order
	type want struct{ given, late int }
	cases := []struct {
		name  string
		given []Given
		want  []want // ordered by Due: the 7d point, then the 24h point
	}{
		{"none", nil, []want{{-1, -1}, {-1, -1}}},
		{"both", []Given{{0, ts("2026-11-16T10:00:00Z")}, {1, ts("2026-11-28T10:00:00Z")}}, []want{{0, -1}, {1, -1}}},
		{"exactly at the points", []Given{{3, ts("2026-11-29T16:00:00Z")}, {2, ts("2026-11-23T16:00:00Z")}}, []want{{2, -1}, {3, -1}}},
		{"one entry serves one point", []Given{{0, ts("2026-11-16T10:00:00Z")}}, []want{{0, -1}, {-1, -1}}},
		{"both early", []Given{{0, ts("2026-11-16T10:00:00Z")}, {1, ts("2026-11-17T10:00:00Z")}}, []want{{0, -1}, {1, -1}}},
		{"first late serves the second", []Given{{0, ts("2026-11-25T10:00:00Z")}}, []want{{-1, -1}, {0, -1}}},
		{"late", []Given{{0, ts("2026-11-25T10:00:00Z")}, {1, ts("2026-11-30T10:00:00Z")}}, []want{{-1, 1}, {0, -1}}},
		{"both late", []Given{{4, ts("2026-11-30T10:00:00Z")}}, []want{{-1, 4}, {-1, -1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Notices(before, disclosure, tc.given)
			if len(got) != 2 || got[0].Before != 7*24*time.Hour || !got[1].Due.Equal(ts("2026-11-29T16:00:00Z")) {
				t.Fatalf("points: %+v", got)
			}
			for i, w := range tc.want {
				if got[i].Given != w.given || got[i].Late != w.late {
					t.Errorf("notice %d (%s before): given %d late %d, want %d %d", i, got[i].Before, got[i].Given, got[i].Late, w.given, w.late)
				}
			}
		})
	}
}
