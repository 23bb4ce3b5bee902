package records

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var (
	offsetRe   = regexp.MustCompile(`(Z|[+-][0-9]{2}:[0-9]{2})$`)
	durationRe = regexp.MustCompile(`^([1-9][0-9]{0,5})([dhm])$`)
)

// ParseTime parses an RFC 3339 timestamp. ok is false when the offset is missing
// (the timestamp is then still parsed, as UTC, so later rules can go on).
func ParseTime(s string) (t time.Time, hasOffset bool, err error) {
	if offsetRe.MatchString(s) {
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
func ParseDuration(s string) (time.Duration, error) {
	m := durationRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a duration like 14d, 36h or 90m", s)
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[2]]
	return time.Duration(n) * unit, nil
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
