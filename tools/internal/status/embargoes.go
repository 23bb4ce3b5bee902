package status

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
)

// Embargo is one issue under embargo (status embargoed), for the list status
// keeps of them and the calendar of disclosure dates. Like items, it holds
// ids, lists and dates only: the list only when policy.yaml defines it and
// the handler only when a member record lists them (a value in the wrong
// place stays private), and Changed and Sequence come from dates, never
// from free text.
type Embargo struct {
	ID         string    `json:"id"`
	List       string    `json:"list"`
	Handler    *Person   `json:"handler,omitempty"`
	File       string    `json:"file"`
	Line       int       `json:"line"` // of dates.disclosure
	Disclosure time.Time `json:"-"`
	// DaysLeft counts the whole days from now to the disclosure, rounded
	// toward the past: 3 for 3d 2h, 0 for 5h, -1 for an hour ago.
	DaysLeft int `json:"days_left"`
	// Changed is when the disclosure date was last set: the latest of the
	// dates reported and notified and of the extensions' at. Sequence counts
	// the extensions: each moved the date. A calendar event takes both, so
	// it changes only when the record does.
	Changed  time.Time `json:"-"`
	Sequence int       `json:"-"`
}

// orUnknown is s, or "unknown what" when s is empty.
func orUnknown(s, what string) string {
	if s == "" {
		return "unknown " + what
	}
	return s
}

// Left says how far the disclosure is: "3 days left", "less than a day
// left", "1 day past".
func (em Embargo) Left() string {
	switch {
	case em.DaysLeft > 0:
		return plural.Of(em.DaysLeft, "day") + " left"
	case em.DaysLeft == 0:
		return "less than a day left"
	}
	return plural.Of(-em.DaysLeft, "day") + " past"
}

// embargoes lists every issue under embargo with a disclosure date, by that
// date. An issue whose disclosure date does not parse is left out (validate
// reports dates.required or the timestamp).
func (c *computer) embargoes() []Embargo {
	var out []Embargo
	for _, isf := range c.st.Issues {
		is := isf.Issue
		if is == nil || is.Status != records.StatusEmbargoed {
			continue
		}
		disclosure, _, err := records.ParseTime(is.Dates.Disclosure)
		if err != nil {
			continue
		}
		em := Embargo{ID: is.ID, List: c.knownList(is.List), File: isf.Path, Line: lineOf(&isf.File, "/dates/disclosure"),
			Disclosure: disclosure, DaysLeft: daysUntil(disclosure, c.now), Sequence: len(is.Extensions)}
		if h := c.people(is.Handler); len(h) == 1 {
			em.Handler = &h[0]
		}
		em.Changed = disclosure
		var when []time.Time
		for _, s := range []string{is.Dates.Reported, is.Dates.Notified} {
			if t, _, err := records.ParseTime(s); err == nil {
				when = append(when, t)
			}
		}
		for _, x := range is.Extensions {
			if t, _, err := records.ParseTime(x.At); err == nil {
				when = append(when, t)
			}
		}
		if len(when) > 0 {
			em.Changed = slices.MaxFunc(when, func(a, b time.Time) int { return a.Compare(b) })
		}
		out = append(out, em)
	}
	slices.SortFunc(out, func(a, b Embargo) int {
		return cmp.Or(a.Disclosure.Compare(b.Disclosure), cmp.Compare(a.ID, b.ID), cmp.Compare(a.File, b.File))
	})
	return out
}

// knownList is list when policy.yaml defines it, else "": a value in the
// wrong place may be private, so only the lists of the policy are named.
func (c *computer) knownList(list string) string {
	if c.st.Policy == nil {
		return ""
	}
	if _, ok := c.st.Policy.Lists[list]; !ok {
		return ""
	}
	return list
}

// daysUntil is the whole days from now to t, rounded toward the past.
func daysUntil(t, now time.Time) int {
	d := t.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// embargoLine is the text of one embargo: id, list, handler, date, days left.
func embargoLine(em Embargo) string {
	handler := "no known handler"
	if em.Handler != nil {
		handler = "handler " + em.Handler.ID
	}
	return fmt.Sprintf("%s (%s), %s, disclosure at %s, %s", em.ID, orUnknown(em.List, "list"), handler, stamp(em.Disclosure), em.Left())
}
