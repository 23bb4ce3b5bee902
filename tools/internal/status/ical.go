package status

import (
	"io"

	ics "github.com/arran4/golang-ical"
)

// ICalProductID names the calendar's maker (PRODID).
const ICalProductID = "-//embargo//disclosure dates//EN"

// ICal writes an iCalendar (RFC 5545) file of the disclosure dates of the
// report's embargoes, one event each, for the team's calendars. It holds ids,
// lists and dates only — no title, handler, file name or other private
// field — since a calendar is shared more widely than the repository. An
// event is an instant (DTSTART without DTEND, RFC 5545 3.6.1). The
// output depends on the records alone, never on the clock: an event's UID is
// its issue id at the group (policy.yaml group, or "embargo"), DTSTAMP and
// LAST-MODIFIED are when its date was last set, SEQUENCE counts its
// extensions, so a calendar subscribed to the file updates an event in place
// when an embargo is extended.
func ICal(w io.Writer, r *Report, group string) error {
	if group == "" {
		group = "embargo"
	}
	cal := ics.NewCalendarFor("embargo")
	cal.SetProductId(ICalProductID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(group + " disclosure dates")
	cal.SetXWRCalName(group + " disclosure dates")
	for _, em := range r.Embargoes {
		ev := cal.AddEvent(em.ID + "@" + group)
		ev.SetDtStampTime(em.Changed)
		ev.SetModifiedAt(em.Changed)
		ev.SetSequence(em.Sequence)
		ev.SetStartAt(em.Disclosure)
		if em.List != "" {
			ev.SetSummary("Disclosure of " + em.ID + " (" + em.List + ")")
			ev.SetDescription("The embargo of " + em.ID + " on " + em.List + " ends: its handler posts it publicly.")
			ev.AddCategory(em.List)
		} else {
			ev.SetSummary("Disclosure of " + em.ID)
			ev.SetDescription("The embargo of " + em.ID + " ends: its handler posts it publicly.")
		}
		ev.SetStatus(ics.ObjectStatusConfirmed)
		ev.SetTimeTransparency(ics.TransparencyTransparent)
		ev.SetClass(ics.ClassificationConfidential)
	}
	// RFC 5545 3.1: lines end in CRLF.
	return cal.SerializeTo(w, ics.WithNewLine("\r\n"))
}
