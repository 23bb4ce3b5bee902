package records

import (
	"fmt"
	"strconv"
	"time"
)

// ParseTime parses an RFC 3339 timestamp. ok is false when the offset is missing
// (the timestamp is then still parsed, as UTC, so later rules can go on).
func ParseTime(s string) (t time.Time, hasOffset bool, err error) {
	if hasZoneOffset(s) {
		t, err = time.Parse(time.RFC3339, s)
		return t, true, err
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err = time.Parse(layout, s); err == nil {
			return t, false, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is not an RFC 3339 timestamp like 2026-11-09T14:00:00Z", s)
}

// ParseDuration parses a policy duration: a whole number of days, hours or minutes ("14d", "36h", "90m").
// The number has no leading zero, and the duration is at most MaxDuration.
func ParseDuration(s string) (time.Duration, error) {
	bad := func() error { return fmt.Errorf("%q is not a duration like 14d, 36h or 90m", s) }
	if len(s) < 2 || len(s) > 8 || s[0] == '0' || !digits(s[:len(s)-1]) {
		return 0, bad()
	}
	n, _ := strconv.Atoi(s[:len(s)-1])
	var unit time.Duration
	switch s[len(s)-1] {
	case 'd':
		unit = 24 * time.Hour
	case 'h':
		unit = time.Hour
	case 'm':
		unit = time.Minute
	default:
		return 0, bad()
	}
	if time.Duration(n) > MaxDuration/unit {
		return 0, fmt.Errorf("%q is longer than %s; no policy limit is that long", s, FormatDuration(MaxDuration))
	}
	return time.Duration(n) * unit, nil
}

// MaxDuration bounds policy durations well inside time.Duration's range.
const MaxDuration = 100 * 365 * 24 * time.Hour

// hasZoneOffset reports whether s ends in Z or in an offset such as +02:00.
// (Plain string checks: every timestamp of every record passes through here.)
func hasZoneOffset(s string) bool {
	if len(s) > 0 && s[len(s)-1] == 'Z' {
		return true
	}
	if len(s) < 6 {
		return false
	}
	o := s[len(s)-6:]
	return (o[0] == '+' || o[0] == '-') && digits(o[1:3]) && o[3] == ':' && digits(o[4:])
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatDuration writes d in the largest whole policy unit ("14d", "36h").
func FormatDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
}
