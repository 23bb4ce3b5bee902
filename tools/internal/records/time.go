package records

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ParseTime parses an RFC 3339 timestamp, YYYY-MM-DDThh:mm:ss[.fraction] with Z or
// an offset from -23:59 to +23:59. hasOffset is false when the offset is missing
// (the timestamp is then still parsed, as UTC, so later rules can go on; a missing
// offset is the dates.timezone rule's to report, and Suggest proposes the fix).
// Everything else is an error whose message says what to write instead; Go's
// time.Parse alone would take an offset of +24:00 or a one-digit hour.
func ParseTime(s string) (t time.Time, hasOffset bool, err error) {
	seconds, offset, ok := shape(s)
	if !ok {
		return time.Time{}, offset, fmt.Errorf("%q is not an RFC 3339 timestamp like 2026-11-09T14:00:00Z", s)
	}
	if offset && s[len(s)-1] != 'Z' {
		o := s[len(s)-6:]
		if o[1:3] > "23" || o[4:6] > "59" {
			return time.Time{}, true, fmt.Errorf("%q has the offset %s, out of range: offsets run from -23:59 to +23:59", s, o)
		}
	}
	if !seconds && offset {
		return time.Time{}, true, fmt.Errorf("%q has no seconds; write %s", s, Suggest(s))
	}
	layout := "2006-01-02T15:04:05"
	switch {
	case offset:
		layout = time.RFC3339
	case !seconds:
		layout = "2006-01-02T15:04"
	}
	if t, err = time.Parse(layout, s); err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			return time.Time{}, offset, fmt.Errorf("%q is not a valid time%s", s, pe.Message) // e.g. ": day out of range"
		}
		return time.Time{}, offset, fmt.Errorf("%q is not an RFC 3339 timestamp like 2026-11-09T14:00:00Z", s)
	}
	return t, offset, nil
}

// ParseInstant parses a complete RFC 3339 timestamp: seconds and an offset are
// required. It is ParseTime for a time that must not be guessed (--now, the
// timeline's decision to publish).
func ParseInstant(s string) (time.Time, error) {
	t, hasOffset, err := ParseTime(s)
	if err == nil && !hasOffset {
		err = fmt.Errorf("%q has no time zone offset; write %s for UTC", s, Suggest(s))
	}
	return t, err
}

// Suggest returns s as ParseTime accepts it with an offset, when s lacks only its
// seconds (":00" is added) or its offset ("Z" is added: the caller says that it
// assumes UTC). It returns "" when s is wrong in another way.
func Suggest(s string) string {
	seconds, offset, ok := shape(s)
	if !ok {
		return ""
	}
	out := s
	if !seconds {
		out = s[:16] + ":00" + s[16:]
	}
	if !offset {
		out += "Z"
	}
	if _, hasOffset, err := ParseTime(out); err != nil || !hasOffset {
		return ""
	}
	return out
}

// shape checks the characters of YYYY-MM-DDThh:mm[:ss[.fraction]][Z|+hh:mm|-hh:mm],
// not their ranges. (Plain byte checks: every timestamp of every record passes
// through here.)
func shape(s string) (seconds, offset, ok bool) {
	offset = hasZoneOffset(s)
	body := s
	switch {
	case offset && s[len(s)-1] == 'Z':
		body = s[:len(s)-1]
	case offset:
		body = s[:len(s)-6]
	}
	if len(body) < 16 || !digits(body[0:4]) || body[4] != '-' || !digits(body[5:7]) || body[7] != '-' ||
		!digits(body[8:10]) || body[10] != 'T' || !digits(body[11:13]) || body[13] != ':' || !digits(body[14:16]) {
		return false, offset, false
	}
	rest := body[16:]
	if rest == "" {
		return false, offset, true
	}
	if len(rest) < 3 || rest[0] != ':' || !digits(rest[1:3]) {
		return false, offset, false
	}
	if frac := rest[3:]; frac != "" && (frac[0] != '.' || !digits(frac[1:])) {
		return true, offset, false
	}
	return true, offset, true
}

// ParseDuration parses a policy duration: a whole number of weeks, days, hours or minutes ("2w", "14d", "36h", "90m").
// The number has no leading zero, and the duration is at most MaxDuration.
func ParseDuration(s string) (time.Duration, error) {
	bad := func() error { return fmt.Errorf("%q is not a duration like 2w, 14d, 36h or 90m", s) }
	if len(s) < 2 || len(s) > 8 || s[0] == '0' || !digits(s[:len(s)-1]) {
		return 0, bad()
	}
	n, _ := strconv.Atoi(s[:len(s)-1])
	var unit time.Duration
	switch s[len(s)-1] {
	case 'w':
		unit = 7 * 24 * time.Hour
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
