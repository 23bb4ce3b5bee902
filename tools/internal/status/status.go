// Package status lists what needs a person soon in a loaded repository state:
// disclosures due and embargoes overdue, missing public postings, exploit
// postings due, keys about to expire, vacant task backups, people without a
// valid signed acceptance, advance notices due and expert objection windows
// closing. It reads the clock only as a parameter and never
// prints; Text, JSON and Markdown render a report onto a writer.
//
// Items about issues carry ids, lists and dates only, never a private field
// of the record (title, summary, reporter, handler, response team, ...): a
// status report lands in CI logs and job summaries.
package status

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

// Kind says what an item is about.
type Kind string

// The kinds of item, in the order reports group them.
const (
	EmbargoOverdue    Kind = "embargo-overdue"    // embargoed past disclosure + disclosure_grace
	DisclosureDue     Kind = "disclosure-due"     // embargoed, disclosure within the window
	PostingMissing    Kind = "posting-missing"    // disclosed without public_posting
	ExploitDue        Kind = "exploit-due"        // exploit shared, not yet public
	KeyExpiry         Kind = "key-expiry"         // a key expires within 30 days, or expired or was revoked
	BackupVacant      Kind = "backup-vacant"      // a task without a backup member
	AcceptanceMissing Kind = "acceptance-missing" // a person without a valid signed acceptance
	NoticeDue         Kind = "notice-due"         // an advance notice to a list is due or late (notice.advance)
	ObjectionWindow   Kind = "objection-window"   // a proposed expert's objection window closes (team.objection)
)

// Kinds lists every kind in report order.
var Kinds = []Kind{EmbargoOverdue, DisclosureDue, PostingMissing, ExploitDue, KeyExpiry, BackupVacant, AcceptanceMissing, NoticeDue, ObjectionWindow}

// Title is the heading of a kind's section in reports.
func (k Kind) Title() string {
	switch k {
	case EmbargoOverdue:
		return "Overdue embargoes"
	case DisclosureDue:
		return "Disclosures due"
	case PostingMissing:
		return "Missing public postings"
	case ExploitDue:
		return "Exploit postings due"
	case KeyExpiry:
		return "Keys expiring or expired"
	case BackupVacant:
		return "Vacant task backups"
	case AcceptanceMissing:
		return "People without a valid signed acceptance"
	case NoticeDue:
		return "Advance notices due"
	case ObjectionWindow:
		return "Expert objection windows"
	}
	return string(k)
}

// Rule is the registered rule an item of kind k is about: the one that
// fails (in validate and check) if the item is left alone. A disclosure due
// is the embargo.overdue of tomorrow.
func (k Kind) Rule() rules.ID {
	switch k {
	case EmbargoOverdue, DisclosureDue:
		return rules.EmbargoOverdue
	case PostingMissing:
		return rules.DisclosurePosting
	case ExploitDue:
		return rules.ExploitsDeadline
	case KeyExpiry:
		return rules.KeyExpiry
	case BackupVacant:
		return rules.RoleTask
	case AcceptanceMissing:
		return rules.MemberAcceptance
	case NoticeDue:
		return rules.NoticeAdvance
	case ObjectionWindow:
		return rules.TeamObjection
	}
	return ""
}

// KeyExpiryWindow is how far ahead key expiry is reported, whatever the window
// of the other items (the key.expiry warning's 30 days).
const KeyExpiryWindow = pgp.ExpiryWarning

// DefaultWithin is the default look-ahead window.
const DefaultWithin = 72 * time.Hour

// Item is one thing that needs a person, with the rule it is about. ID is
// the issue id, key fingerprint,
// task id or person id the item is about; Member and Person add context where
// there is one. When is the deadline (zero when the item has none); Overdue
// says it has passed. People are who must act on it: an issue's handler and
// response team, a key's or acceptance's owner, the coordinators for a vacant
// backup.
type Item struct {
	Kind    Kind      `json:"kind"`
	Rule    rules.ID  `json:"rule"` // Kind.Rule(): the registered rule the item is about
	ID      string    `json:"id"`
	List    string    `json:"list,omitempty"`
	Member  string    `json:"member,omitempty"`
	Person  string    `json:"person,omitempty"`
	File    string    `json:"file"`
	Line    int       `json:"line"`
	When    time.Time `json:"-"`
	Overdue bool      `json:"overdue"`
	Message string    `json:"message"`
	People  []Person  `json:"people,omitempty"`
}

// Person is someone an item concerns, with their forge account (without "@")
// when their member record gives one.
type Person struct {
	ID    string `json:"id"`
	Forge string `json:"forge,omitempty"`
}

// Report is the status of a repository at a time.
type Report struct {
	Now    time.Time
	Within time.Duration
	Items  []Item
	// Embargoes lists every issue under embargo, by disclosure date (see
	// Embargo); Due leaves it out.
	Embargoes []Embargo
}

// Overdue reports whether any item is overdue.
func (r *Report) Overdue() bool {
	return slices.ContainsFunc(r.Items, func(it Item) bool { return it.Overdue })
}

// Of returns the items of kind k, in report order.
func (r *Report) Of(k Kind) []Item {
	var out []Item
	for _, it := range r.Items {
		if it.Kind == k {
			out = append(out, it)
		}
	}
	return out
}

// Compute lists what needs a person within the window after now. Records that
// failed to load (syntax or schema) are skipped: validate reports them.
func Compute(st *state.State, now time.Time, within time.Duration) *Report {
	c := &computer{st: st, now: now, horizon: now.Add(within)}
	c.issues()
	c.keys()
	c.tasks()
	c.acceptances()
	c.processes()
	sortItems(c.items)
	return &Report{Now: now, Within: within, Items: c.items, Embargoes: c.embargoes()}
}

// Due returns the report restricted to what needs a person now: items that are
// overdue or whose deadline falls within the window (a key expiring in 20 days
// is left out of a 72h reminder; a vacant backup, which has no deadline, too).
// It is what the daily reminder tells the people concerned.
func (r *Report) Due() *Report {
	out := &Report{Now: r.Now, Within: r.Within}
	for _, it := range r.Items {
		if it.Overdue || (!it.When.IsZero() && !it.When.After(r.Now.Add(r.Within))) {
			out.Items = append(out.Items, it)
		}
	}
	return out
}

// people returns the persons ids name, each once, with their forge accounts.
// An id no member record lists is left out: in an issue record it is a
// mistake in a field whose value stays private (validate reports it).
func (c *computer) people(ids ...string) []Person {
	var out []Person
	for _, id := range ids {
		ref, ok := c.st.People[id]
		if !ok || ref.Member.Member == nil || slices.ContainsFunc(out, func(p Person) bool { return p.ID == id }) {
			continue
		}
		out = append(out, Person{ID: id, Forge: ref.Person().Forge})
	}
	return out
}

type computer struct {
	st           *state.State
	now, horizon time.Time
	items        []Item
}

func (c *computer) add(it Item) {
	it.Rule = it.Kind.Rule()
	c.items = append(c.items, it)
}

// sortItems orders by deadline (items without one last), then kind, then id.
func sortItems(items []Item) {
	kindIndex := func(k Kind) int { return slices.Index(Kinds, k) }
	slices.SortStableFunc(items, func(a, b Item) int {
		if a.When.IsZero() != b.When.IsZero() {
			if a.When.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(a.When.Compare(b.When), cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)),
			cmp.Compare(a.ID, b.ID), cmp.Compare(a.Person, b.Person), cmp.Compare(a.File, b.File))
	})
}

// lineOf returns the line of the value at ptr in f, or 1.
func lineOf(f *state.File, ptr string) int {
	doc := f.Doc()
	if doc == nil {
		return 1
	}
	line, _ := doc.Pos(ptr)
	return line
}

func (c *computer) issues() {
	for _, isf := range c.st.Issues {
		is := isf.Issue
		if is == nil || c.st.Policy == nil {
			continue
		}
		lp, ok := c.st.Policy.Lists[is.List]
		if !ok {
			continue
		}
		dur := func(s string) time.Duration { d, _ := records.ParseDuration(s); return d }
		at := func(s string) (time.Time, bool) {
			if s == "" {
				return time.Time{}, false
			}
			t, _, err := records.ParseTime(s)
			return t, err == nil
		}
		base := Item{ID: is.ID, List: is.List, File: isf.Path, People: c.people(append([]string{is.Handler}, is.ResponseTeam...)...)}
		switch is.Status {
		case records.StatusEmbargoed:
			disclosure, ok := at(is.Dates.Disclosure)
			if !ok {
				continue // dates.required: validate's job
			}
			grace := dur(lp.DisclosureGrace)
			it := base
			it.When, it.Line = disclosure, lineOf(&isf.File, "/dates/disclosure")
			switch {
			case c.now.After(disclosure.Add(grace)):
				it.Kind, it.Overdue = EmbargoOverdue, true
				it.Message = fmt.Sprintf("%s (%s) is still embargoed %s after its disclosure date %s (grace %s); disclose it or record an agreed extension",
					is.ID, is.List, span(c.now.Sub(disclosure)), stamp(disclosure), records.FormatDuration(grace))
			case !disclosure.After(c.horizon):
				it.Kind = DisclosureDue
				it.Message = fmt.Sprintf("%s (%s) is due for disclosure at %s, %s; its handler posts it", is.ID, is.List, stamp(disclosure), relative(disclosure, c.now))
			default:
				continue
			}
			c.add(it)
		case records.StatusDisclosed:
			disclosed, ok := at(is.Dates.Disclosed)
			if !ok {
				continue
			}
			if is.PublicPosting == "" {
				c.deadline(base, PostingMissing, disclosed.Add(dur(lp.PostingGrace)), lineOf(&isf.File, "/status"),
					fmt.Sprintf("%s (%s) was disclosed at %s and has no public_posting", is.ID, is.List, stamp(disclosed)),
					"add the URL of the public posting")
			}
			if is.Exploits.Shared && is.Exploits.Published == "" {
				c.deadline(base, ExploitDue, disclosed.Add(dur(lp.ExploitDelay)), lineOf(&isf.File, "/exploits"),
					fmt.Sprintf("%s (%s): the exploit shared with the list is not public", is.ID, is.List),
					"post it and set exploits.published and exploits.posting")
			}
		}
	}
}

// deadline adds an item due at due when it falls within the window or has passed.
func (c *computer) deadline(base Item, kind Kind, due time.Time, line int, what, fix string) {
	if due.After(c.horizon) {
		return
	}
	it := base
	it.Kind, it.When, it.Line = kind, due, line
	if c.now.After(due) {
		it.Overdue = true
		it.Message = fmt.Sprintf("%s; it was due at %s, %s ago: %s", what, stamp(due), span(c.now.Sub(due)), fix)
	} else {
		it.Message = fmt.Sprintf("%s; due at %s, %s: %s", what, stamp(due), relative(due, c.now), fix)
	}
	c.add(it)
}

// keys reports keys of the people of active members that expire within
// KeyExpiryWindow, have expired or were revoked.
func (c *computer) keys() {
	seen := map[string]bool{}
	for _, mf := range c.st.Members {
		m := mf.Member
		if m == nil || m.Status != "active" {
			continue
		}
		for _, p := range m.People {
			for _, fpr := range p.Keys {
				if seen[fpr] {
					continue
				}
				seen[fpr] = true
				kf := c.st.Keys[fpr]
				if kf == nil || kf.Key == nil {
					continue // key.file: validate's job
				}
				c.key(kf, m.ID, p.ID)
			}
		}
	}
}

func (c *computer) key(kf *state.KeyFile, member, person string) {
	it := Item{Kind: KeyExpiry, ID: kf.Key.Fingerprint, Member: member, Person: person, File: kf.Path, Line: 1, People: c.people(person)}
	var problem string
	for _, p := range pgp.CheckKey(kf.Key, c.now) {
		if p.Rule == pgp.RuleExpiry {
			problem = p.Message
			it.Overdue = p.Severity == pgp.SeverityError
		}
	}
	expires, ok := pgp.Expires(kf.Key, c.now)
	switch {
	case ok && !expires.After(c.now.Add(KeyExpiryWindow)):
		it.When = expires
		if c.now.After(expires) {
			it.Overdue = true
			it.Message = fmt.Sprintf("key of %s (%s) expired at %s; extend it (gpg --quick-set-expire %s 1y) and update the key file", person, member, stamp(expires), kf.Key.Fingerprint)
		} else {
			it.Message = fmt.Sprintf("key of %s (%s) expires at %s, %s; extend it (gpg --quick-set-expire %s 1y) and update the key file", person, member, stamp(expires), relative(expires, c.now), kf.Key.Fingerprint)
		}
	case it.Overdue:
		// Revoked, or expired by other means (a self-signature's own expiry).
		it.Message = fmt.Sprintf("key of %s (%s): %s", person, member, problem)
	default:
		return
	}
	c.add(it)
}

func (c *computer) tasks() {
	if c.st.Tasks == nil {
		return
	}
	f := c.st.RoleDocs[state.TasksFile]
	for i, t := range c.st.Tasks.Tasks {
		if t.Backup != "" && t.Backup != records.Vacant {
			continue
		}
		line := 1
		if f != nil {
			line = lineOf(f, fmt.Sprintf("/tasks/%d", i))
		}
		var coordinators []Person
		if c.st.Coordinators != nil {
			coordinators = c.people(c.st.Coordinators.Coordinators...)
		}
		c.add(Item{Kind: BackupVacant, ID: t.ID, Member: t.Primary, File: state.TasksFile, Line: line, People: coordinators,
			Message: fmt.Sprintf("task %s (%s, primary %s) has no backup; ask a member to volunteer", t.ID, t.Kind, orNone(t.Primary))})
	}
}

// acceptances reports people of active members whose acceptance is missing or
// does not verify. The verdict is validate's member.acceptance rule, so status
// and validate never disagree.
func (c *computer) acceptances() {
	var out finding.List
	validate.Check(c.st, c.now, &out)
	bad := map[string]map[int]string{} // file -> line -> message
	grace := map[string]map[int]bool{} // file -> line -> an acceptance of earlier terms, still counting
	for _, f := range out.Sorted() {
		if f.Rule != rules.MemberAcceptance {
			continue
		}
		if bad[f.File] == nil {
			bad[f.File], grace[f.File] = map[int]string{}, map[int]bool{}
		}
		bad[f.File][f.Line] = f.Message
		grace[f.File][f.Line] = f.Severity == finding.Warning && strings.Contains(f.Message, "statements.acceptance_grace")
	}
	for _, mf := range c.st.Members {
		m := mf.Member
		if m == nil || m.Status != "active" || bad[mf.Path] == nil {
			continue
		}
		for i, p := range m.People {
			ptr := fmt.Sprintf("/people/%d", i)
			idLine, _ := mf.Doc().KeyPos(ptr + "/id")
			accLine := lineOf(&mf.File, ptr+"/acceptance")
			it := Item{Kind: AcceptanceMissing, ID: p.ID, Member: m.ID, Person: p.ID, File: mf.Path, People: c.people(p.ID)}
			switch {
			case p.Acceptance == "" && bad[mf.Path][idLine] != "":
				it.Line = idLine
				it.Message = fmt.Sprintf("%s (%s) has no signed acceptance; sign the output of `embargo statement acceptance --person %s` and paste it under acceptance", p.ID, m.ID, p.ID)
			case p.Acceptance != "" && grace[mf.Path][accLine]:
				it.Line = accLine
				day := c.st.Policy.Statements.AcceptanceGrace
				if end, err := time.Parse(time.DateOnly, day); err == nil {
					it.When = end.AddDate(0, 0, 1)
				}
				it.Message = fmt.Sprintf("%s (%s) accepted earlier terms and must sign the new ones by the end of %s (statements.acceptance_grace): embargo sign acceptance --person %s --gpg", p.ID, m.ID, day, p.ID)
			case p.Acceptance != "" && bad[mf.Path][accLine] != "":
				it.Line = accLine
				it.Message = fmt.Sprintf("the acceptance of %s (%s) does not verify; re-sign the output of `embargo statement acceptance --person %s`", p.ID, m.ID, p.ID)
			default:
				continue
			}
			c.add(it)
		}
	}
}

func orNone(s string) string {
	if s == "" || s == records.Vacant {
		return "none"
	}
	return s
}

// stamp writes a time as RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// relative says "in 2d 2h" or "3h ago".
func relative(t, now time.Time) string {
	if t.Before(now) {
		return span(now.Sub(t)) + " ago"
	}
	return "in " + span(t.Sub(now))
}

// span writes a duration in days, hours and minutes, the way people speak of deadlines.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	day := 24 * time.Hour
	var parts []string
	if n := d / day; n > 0 {
		parts = append(parts, fmt.Sprintf("%dd", n))
	}
	if n := d % day / time.Hour; n > 0 {
		parts = append(parts, fmt.Sprintf("%dh", n))
	}
	if n := d % time.Hour / time.Minute; n > 0 {
		parts = append(parts, fmt.Sprintf("%dm", n))
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}
