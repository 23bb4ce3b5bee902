package records

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, tc := range []struct {
		in        string
		want      time.Time
		hasOffset bool
		err       bool
	}{
		{"2026-11-09T14:00:00Z", utc("2026-11-09T14:00:00Z"), true, false},
		{"2026-11-09T14:00:00+02:00", utc("2026-11-09T12:00:00Z"), true, false},
		{"2026-11-09T14:00:00.5-05:30", utc("2026-11-09T19:30:00.5Z"), true, false},
		{"2026-11-09T14:00:00", utc("2026-11-09T14:00:00Z"), false, false},
		{"2026-11-09T14:00", utc("2026-11-09T14:00:00Z"), false, false},
		{"2026-11-09T14:00:00+0200", time.Time{}, false, true},
		{"2026-11-09T14:00:00+02:0x", time.Time{}, false, true},
		{"2026-11-09T25:00:00Z", time.Time{}, true, true},
		{"2026-11-09", time.Time{}, false, true},
		{"Z", time.Time{}, true, true},
		{"", time.Time{}, false, true},
	} {
		got, hasOffset, err := ParseTime(tc.in)
		if (err != nil) != tc.err || hasOffset != tc.hasOffset || (err == nil && !got.Equal(tc.want)) {
			t.Errorf("ParseTime(%q) = %v, %v, %v; want %v, %v, error %v", tc.in, got, hasOffset, err, tc.want, tc.hasOffset, tc.err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"14d", 14 * 24 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"36500d", 36500 * 24 * time.Hour, false},
		{"36501d", 0, true},
		{"999999d", 0, true},
		{"52560000m", 0, true},
		{"99999999999999999999d", 0, true},
		{"0d", 0, true},
		{"07d", 0, true},
		{"14", 0, true},
		{"d", 0, true},
		{"14w", 0, true},
		{"1.5d", 0, true},
		{"-1d", 0, true},
		{"", 0, true},
	} {
		got, err := ParseDuration(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFormatDurationRoundTrips(t *testing.T) {
	for _, s := range []string{"14d", "36h", "90m", "1d", "25h"} {
		d, err := ParseDuration(s)
		if err != nil || FormatDuration(d) != s {
			t.Errorf("%s: parsed %v (%v), formatted %q", s, d, err, FormatDuration(d))
		}
	}
}
