// Package schedule computes the deadlines of the written processes that count
// in working days or in notices before a date: the window in which a
// disclosing party may object to an expert (team.objection, the Linux
// kernel's hardware process) and the points by which a list must have heard
// of an issue (notice.advance, the Kubernetes distributors list). Both the
// rules (validate) and `embargo status` ask it, so they never disagree. The
// functions are pure: the clock is the caller's.
package schedule

import (
	"slices"
	"time"
)

// Calendar says which days are working days: Monday to Friday, in UTC, less
// the holidays a list names in policy.yaml.
type Calendar struct {
	holidays map[string]bool // "2006-01-02"
}

// NewCalendar returns the calendar with the given holidays (plain dates;
// one that does not parse is left out: the schema reports it).
func NewCalendar(holidays []string) Calendar {
	c := Calendar{holidays: map[string]bool{}}
	for _, h := range holidays {
		if d, err := time.Parse(time.DateOnly, h); err == nil {
			c.holidays[d.Format(time.DateOnly)] = true
		}
	}
	return c
}

// Working reports whether the UTC day of t is a working day.
func (c Calendar) Working(t time.Time) bool {
	t = t.UTC()
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.holidays[t.Format(time.DateOnly)]
}

// WindowEnd returns when a window of n working days opened at t closes: at
// the end (24:00 UTC) of the nth working day after the day of t. The day of
// t itself never counts, whatever its hour, so a proposal made late on a
// Friday leaves the full n days.
func (c Calendar) WindowEnd(t time.Time, n int) time.Time {
	day := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
	// Each week has five weekdays and the holidays are finite, so the loop
	// ends; the bound only guards against a caller's absurd n.
	for counted, steps := 0, 0; counted < n && steps < 366*50; steps++ {
		day = day.AddDate(0, 0, 1)
		if c.Working(day) {
			counted++
		}
	}
	return day.AddDate(0, 0, 1)
}

// Given is one record that the list was told: its index among the issue's
// informed entries, and when.
type Given struct {
	Index int
	At    time.Time
}

// Notice is one advance notice a list expects before a disclosure.
type Notice struct {
	Before time.Duration // how long before disclosure
	Due    time.Time     // disclosure − Before: the notice is given at or before it
	Given  int           // index of the informed entry that gives it, or -1
	Late   int           // with Given -1: an unused entry after Due (the notice given late), or -1
}

// Notices matches the times the list was told against the points before
// disclosure at which it must have been, one entry per point: the earliest
// point takes the earliest entry at or before it, and so on. An entry that
// is at or before a point is at or before every later one, so taking the
// earliest free entry for the earliest point satisfies as many points as any
// matching can. The result is ordered by Due.
func Notices(before []time.Duration, disclosure time.Time, given []Given) []Notice {
	out := make([]Notice, 0, len(before))
	for _, b := range before {
		out = append(out, Notice{Before: b, Due: disclosure.Add(-b), Given: -1, Late: -1})
	}
	slices.SortStableFunc(out, func(a, b Notice) int { return a.Due.Compare(b.Due) })
	entries := slices.Clone(given)
	slices.SortStableFunc(entries, func(a, b Given) int { return a.At.Compare(b.At) })
	used := make([]bool, len(entries))
	for i := range out {
		for j, e := range entries {
			if !used[j] && !e.At.After(out[i].Due) {
				out[i].Given, used[j] = e.Index, true
				break
			}
		}
	}
	// What is left over and came after a point it could have served is
	// that notice, given late.
	for i := range out {
		if out[i].Given >= 0 {
			continue
		}
		for j, e := range entries {
			if !used[j] && e.At.After(out[i].Due) {
				out[i].Late, used[j] = e.Index, true
				break
			}
		}
	}
	return out
}
