package status_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/status"
)

// markedEmbargo is a second embargoed record, extended twice, whose every
// private field holds the marker "zqx" (in any case).
const markedEmbargo = `id: EMB-2026-0006
list: distros
status: embargoed
title: ZQX-title
summary: ZQX-summary
severity: high
tlp: TLP:AMBER+STRICT
reporter: {name: ZQX-reporter, email: zqx@zqx.example, credit_consent: false}
handler: rui-redhat
response_team: [rui-redhat, nia-ubuntu]
dates:
  reported: 2026-11-10T08:00:00Z
  notified: 2026-11-11T09:00:00Z
  proposed: 2026-11-18T14:00:00Z
  disclosure: 2026-11-25T14:00:00Z
extensions:
  - at: 2026-11-17T09:00:00Z
    from: 2026-11-18T14:00:00Z
    to: 2026-11-22T14:00:00Z
    reason: ZQX-reason-1
    reason_kind: technical
    requested_by: rui-redhat
    approved_by: [nia-ubuntu]
  - at: 2026-11-21T10:30:00Z
    from: 2026-11-22T14:00:00Z
    to: 2026-11-25T14:00:00Z
    reason: ZQX-reason-2
    reason_kind: technical
    requested_by: rui-redhat
    approved_by: [nia-ubuntu]
cves: [CVE-2026-99917]
affected:
  - {product: ZQX-product, versions: ZQX-versions}
informed:
  - {who: ZQX-informed, at: 2026-11-12T12:00:00Z, by: rui-redhat}
notes: ZQX-notes
`

// icalState is the example with markedEmbargo added.
func icalState(t *testing.T) *state.State {
	t.Helper()
	dir := copyExample(t)
	// Two embargoes: the example's EMB-2026-0004 and the marked one, in
	// place of the example's other embargoed records.
	if err := os.WriteFile(filepath.Join(dir, "issues", "2026", "EMB-2026-0006.yaml"), []byte(markedEmbargo), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "issues", "2026", "EMB-2026-0007.yaml")); err != nil {
		t.Fatal(err)
	}
	return load(t, dir)
}

func ical(t *testing.T, st *state.State, now time.Time) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := status.ICal(&b, status.Compute(st, now, status.DefaultWithin), st.Policy.Group); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestICal: the calendar parses back with the library, holds one event per
// embargoed record with its disclosure date, a UID of id and group and a
// sequence of its extensions, and does not change with the clock.
func TestICal(t *testing.T) {
	st := icalState(t)
	first := ical(t, st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	golden(t, "embargoes.ics.golden", first)
	if later := ical(t, st, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)); !bytes.Equal(first, later) {
		t.Errorf("the calendar changes with the clock:\n%s\n---\n%s", first, later)
	}
	if !bytes.HasSuffix(first, []byte("END:VCALENDAR\r\n")) || bytes.Contains(bytes.ReplaceAll(first, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("lines do not all end in CRLF:\n%q", first)
	}

	cal, err := ics.ParseCalendar(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		events[ev.Id()] = ev
	}
	want := 0
	for _, isf := range st.Issues {
		is := isf.Issue
		if is.Status != records.StatusEmbargoed {
			continue
		}
		want++
		uid := is.ID + "@" + st.Policy.Group
		ev := events[uid]
		if ev == nil {
			t.Errorf("no event %s in:\n%s", uid, first)
			continue
		}
		disclosure, _, _ := records.ParseTime(is.Dates.Disclosure)
		if start, err := ev.GetStartAt(); err != nil || !start.Equal(disclosure) {
			t.Errorf("%s starts at %v (%v), want %v", uid, start, err, disclosure)
		}
		if seq := ev.GetProperty(ics.ComponentPropertySequence); seq == nil || seq.Value != strconv.Itoa(len(is.Extensions)) {
			t.Errorf("%s: SEQUENCE %v, want %d", uid, seq, len(is.Extensions))
		}
		if stamp, err := ev.GetDtStampTime(); err != nil || stamp.After(disclosure) {
			t.Errorf("%s: DTSTAMP %v (%v)", uid, stamp, err)
		}
		if sum := ev.GetProperty(ics.ComponentPropertySummary); sum == nil || sum.Value != "Disclosure of "+is.ID+" ("+is.List+")" {
			t.Errorf("%s: SUMMARY %v", uid, sum)
		}
	}
	if want < 2 || len(events) != want {
		t.Errorf("%d events, want one per embargoed record (%d)", len(events), want)
	}
	if ev := events["EMB-2026-0006@"+st.Policy.Group]; ev != nil {
		if stamp, _ := ev.GetDtStampTime(); !stamp.Equal(time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)) {
			t.Errorf("DTSTAMP %v, want the time of the last extension", stamp)
		}
	}
}

// TestICalHoldsNoPrivateField: the calendar carries ids, lists and dates
// only. Every private field of the example's embargoed records, their
// handlers and teams, and the marker of markedEmbargo stay out.
func TestICalHoldsNoPrivateField(t *testing.T) {
	st := icalState(t)
	out := strings.ToLower(string(ical(t, st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))))
	// Unfold the lines, so a value folded over two lines is found too.
	out = strings.ReplaceAll(out, "\r\n ", "")
	if strings.Contains(out, "zqx") || strings.Contains(out, "99917") {
		t.Errorf("the calendar holds a marked private value:\n%s", out)
	}
	checked := 0
	for _, isf := range st.Issues {
		is := isf.Issue
		if is.Status != records.StatusEmbargoed {
			continue
		}
		private := []string{is.Title, is.Summary, is.Reporter.Name, is.Reporter.Email, is.Handler, is.Notes,
			is.Public.Title, is.Public.Summary, is.Public.Credit, is.Deployment.Restrictions, isf.Path}
		private = append(append(private, is.ResponseTeam...), is.CVEs...)
		for _, a := range is.Affected {
			private = append(private, a.Product, a.Versions)
		}
		for _, in := range is.Informed {
			private = append(private, in.Who)
		}
		for _, x := range is.Extensions {
			private = append(private, x.Reason, x.RequestedBy)
		}
		for _, p := range private {
			if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
				checked++
				if strings.Contains(out, p) {
					t.Errorf("the calendar holds %q of %s", p, is.ID)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d private values checked", checked)
	}
}

// TestEmbargoList: status lists every embargoed record by disclosure date,
// with its handler (a known person only) and the whole days left; the
// reminder (Due) leaves the list out.
func TestEmbargoList(t *testing.T) {
	st := icalState(t)
	for _, tc := range []struct {
		now        string
		left0      int
		leftText0  string
		leftText1  string
		wantHandle string
	}{
		{"2026-11-20T12:00:00Z", 3, "3 days left", "5 days left", "dana-debian"},
		{"2026-11-22T14:00:00Z", 1, "1 day left", "3 days left", "dana-debian"},
		{"2026-11-23T00:00:00Z", 0, "less than a day left", "2 days left", "dana-debian"},
		{"2026-11-23T15:00:00Z", -1, "1 day past", "1 day left", "dana-debian"},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		r := status.Compute(st, now, status.DefaultWithin)
		if len(r.Embargoes) != 2 {
			t.Fatalf("%s: %d embargoes, want 2: %+v", tc.now, len(r.Embargoes), r.Embargoes)
		}
		a, b := r.Embargoes[0], r.Embargoes[1]
		if a.ID != "EMB-2026-0004" || b.ID != "EMB-2026-0006" || a.DaysLeft != tc.left0 || a.Left() != tc.leftText0 || b.Left() != tc.leftText1 {
			t.Errorf("%s: %s %d %q, %s %q", tc.now, a.ID, a.DaysLeft, a.Left(), b.ID, b.Left())
		}
		if a.Handler == nil || a.Handler.ID != tc.wantHandle || b.Handler == nil || b.Handler.ID != "rui-redhat" {
			t.Errorf("%s: handlers %+v, %+v", tc.now, a.Handler, b.Handler)
		}
		if due := r.Due(); len(due.Embargoes) != 0 {
			t.Errorf("%s: the reminder lists embargoes: %+v", tc.now, due.Embargoes)
		}
	}
	// A handler no member record lists, or a list policy.yaml does not
	// define, is not named: a value in the wrong place stays private.
	dir := copyExample(t)
	edit(t, dir, "issues/2026/EMB-2026-0004.yaml", func(s string) string {
		s = strings.Replace(s, "handler: dana-debian", "handler: zqx-nobody", 1)
		return strings.Replace(s, "list: linux-distros", "list: zqx-list", 1)
	})
	st = load(t, dir)
	r := status.Compute(st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), status.DefaultWithin)
	if len(r.Embargoes) == 0 || r.Embargoes[0].ID != "EMB-2026-0004" || r.Embargoes[0].Handler != nil || r.Embargoes[0].List != "" {
		t.Errorf("embargoes %+v", r.Embargoes)
	}
	var cal bytes.Buffer
	if err := status.ICal(&cal, r, st.Policy.Group); err != nil {
		t.Fatal(err)
	}
	for f, out := range map[string][]byte{"text": render(t, r, "text"), "json": render(t, r, "json"), "markdown": render(t, r, "markdown"), "ical": cal.Bytes()} {
		if strings.Contains(strings.ToLower(string(out)), "zqx") {
			t.Errorf("%s names the unknown handler or list:\n%s", f, out)
		}
	}
}
