package records

import (
	"regexp"
	"strings"
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
		// Offsets stop at ±23:59 (RFC 3339 §5.6); Go's time.Parse takes +24:00.
		{"2026-01-22T15:00:00+23:59", utc("2026-01-21T15:01:00Z"), true, false},
		{"2026-01-22T15:00:00-23:59", utc("2026-01-23T14:59:00Z"), true, false},
		{"2026-01-22T15:00:00+24:00", time.Time{}, true, true},
		{"2026-01-22T15:00:00-24:00", time.Time{}, true, true},
		{"2026-01-22T15:00:00+23:60", time.Time{}, true, true},
		{"2026-01-22T15:00:00+99:00", time.Time{}, true, true},
		// Seconds are required once there is an offset; two digits everywhere.
		{"2026-11-09T14:00Z", time.Time{}, true, true},
		{"2026-11-09T14:00+01:00", time.Time{}, true, true},
		{"2026-11-09T4:00:00Z", time.Time{}, true, true},
		{"2026-11-09t14:00:00Z", time.Time{}, true, true},
		{"2026-11-09T14:00:00.Z", time.Time{}, true, true},
		{"2026-11-09T14:00:0Z", time.Time{}, true, true},
		{"2026-02-30T14:00:00Z", time.Time{}, true, true},
		{"2026-11-09T14:00:60Z", time.Time{}, true, true},
		{"２０２６-11-09T14:00:00Z", time.Time{}, true, true},
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
		{"2w", 14 * 24 * time.Hour, false},
		{"5214w", 5214 * 7 * 24 * time.Hour, false},
		{"5215w", 0, true},
		{"02w", 0, true},
		{"14y", 0, true},
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

// The proposal of Suggest is always accepted, with an offset, and is the same
// wall-clock time.
func TestSuggest(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-09T14:00", "2026-11-09T14:00:00Z"},
		{"2026-11-09T14:00+01:00", "2026-11-09T14:00:00+01:00"},
		{"2026-11-09T14:00Z", "2026-11-09T14:00:00Z"},
		{"2026-11-09T14:00:00", "2026-11-09T14:00:00Z"},
		{"2026-11-09T14:00:00.25", "2026-11-09T14:00:00.25Z"},
		{"2026-11-09T14:00:00Z", "2026-11-09T14:00:00Z"},
		{"2026-11-09T14:00+24:00", ""},
		{"2026-11-31T14:00", ""},
		{"2026-11-09", ""},
		{"", ""},
	} {
		got := Suggest(tc.in)
		if got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got == "" {
			continue
		}
		if _, hasOffset, err := ParseTime(got); err != nil || !hasOffset {
			t.Errorf("the proposal %q is refused: %v, offset %v", got, err, hasOffset)
		}
	}
	// The message for a time without seconds carries the proposal.
	_, _, err := ParseTime("2026-11-09T14:00+01:00")
	if err == nil || !strings.Contains(err.Error(), "write 2026-11-09T14:00:00+01:00") {
		t.Errorf("no proposal in %v", err)
	}
}

func TestParseInstant(t *testing.T) {
	for _, s := range []string{"2026-11-20T12:00:00+24:00", "2026-11-20T12:00:00", "2026-11-20T12:00Z", "2026-11-20"} {
		if _, err := ParseInstant(s); err == nil {
			t.Errorf("ParseInstant(%q) accepted", s)
		}
	}
	if got, err := ParseInstant("2026-11-20T14:00:00+02:00"); err != nil || !got.Equal(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseInstant = %v, %v", got, err)
	}
}

// FuzzParseTime: whatever ParseTime accepts with an offset has the RFC 3339 shape,
// an offset within ±23:59, and the instant Go's time.Parse reads; whatever Suggest
// proposes, ParseTime accepts with an offset.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-09T14:00:00Z", "2026-11-09T14:00:00.5-05:30", "2026-11-09T14:00", "2026-01-22T15:00:00+24:00", "2026-11-09T14:00+01:00", "2026-02-30T14:00:00Z"} {
		f.Add(s)
	}
	strict := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, hasOffset, err := ParseTime(s)
		if err == nil && hasOffset {
			if !strict.MatchString(s) {
				t.Fatalf("ParseTime accepted %q", s)
			}
			if want, err := time.Parse(time.RFC3339, s); err != nil || !want.Equal(got) {
				t.Fatalf("ParseTime(%q) = %v; time.Parse: %v, %v", s, got, want, err)
			}
		}
		if p := Suggest(s); p != "" {
			if _, hasOffset, err := ParseTime(p); err != nil || !hasOffset {
				t.Fatalf("Suggest(%q) = %q, refused: %v", s, p, err)
			}
		}
	})
}
