package status

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/quote"
	"github.com/embargo-tool/embargo/tools/internal/records"
)

// Formats lists the names Write accepts.
var Formats = []string{"text", "json", "markdown"}

// Write renders r in format to w.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text":
		return Text(w, r)
	case "json":
		return JSON(w, r)
	case "markdown":
		return Markdown(w, r)
	}
	return fmt.Errorf("unknown format %q", format)
}

// Text writes one line per item, `file:line: kind[ (overdue)]: rule: message`,
// then one per embargo, `file:line: embargo: id (list), handler, disclosure
// at, days left`, then a summary; file names and messages are quoted as in
// the findings' text format (see package quote), so an item is always one
// line.
func Text(w io.Writer, r *Report) error {
	for _, it := range r.Items {
		state := ""
		if it.Overdue {
			state = " (overdue)"
		}
		if _, err := fmt.Fprintf(w, "%s:%d: %s%s: %s: %s\n", quote.Path(it.File), it.Line, it.Kind, state, it.Rule, quote.Line(it.Message)); err != nil {
			return err
		}
	}
	for _, em := range r.Embargoes {
		if _, err := fmt.Fprintf(w, "%s:%d: embargo: %s\n", quote.Path(em.File), em.Line, quote.Line(embargoLine(em))); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, summary(r))
	return err
}

func summary(r *Report) string {
	overdue := 0
	for _, it := range r.Items {
		if it.Overdue {
			overdue++
		}
	}
	items := "nothing needs attention"
	if n := len(r.Items); n > 0 {
		items = plural.Of(n, "item")
	}
	return fmt.Sprintf("%s, %d overdue, at %s looking %s ahead (keys: %s)", items, overdue, stamp(r.Now), hours(r.Within), records.FormatDuration(KeyExpiryWindow))
}

// hours writes a window in whole hours ("72h"), or minutes when it has them.
func hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

type jsonItem struct {
	Item
	When string `json:"when,omitempty"`
}

type jsonEmbargo struct {
	Embargo
	Disclosure string `json:"disclosure"`
}

// JSON writes {"now", "within", "overdue", "items": [...], "embargoes":
// [...]}; an item's "when" is RFC 3339 and absent when the item has no
// deadline, an embargo's "disclosure" is RFC 3339.
func JSON(w io.Writer, r *Report) error {
	items := make([]jsonItem, 0, len(r.Items))
	for _, it := range r.Items {
		ji := jsonItem{Item: it}
		if !it.When.IsZero() {
			ji.When = stamp(it.When)
		}
		items = append(items, ji)
	}
	embargoes := make([]jsonEmbargo, 0, len(r.Embargoes))
	for _, em := range r.Embargoes {
		embargoes = append(embargoes, jsonEmbargo{Embargo: em, Disclosure: stamp(em.Disclosure)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Now       string        `json:"now"`
		Within    string        `json:"within"`
		Overdue   bool          `json:"overdue"`
		Items     []jsonItem    `json:"items"`
		Embargoes []jsonEmbargo `json:"embargoes"`
	}{stamp(r.Now), hours(r.Within), r.Overdue(), items, embargoes})
}

// Markdown writes a heading, a summary and one table per kind that has items,
// for a CI job summary ($GITHUB_STEP_SUMMARY). Every cell that holds text
// from the repository (id, file, details) is a code span made by quote.Code:
// a file name or message cannot close it, start a link, a mention or an HTML
// tag, or split the row.
func Markdown(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString("## Embargo status\n\n")
	fmt.Fprintf(&b, "%s.\n", capitalize(summary(r)))
	for _, k := range Kinds {
		items := r.Of(k)
		if len(items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n", k.Title(), len(items))
		b.WriteString("| State | Id | When | File | Rule | Details | People |\n|---|---|---|---|---|---|---|\n")
		for _, it := range items {
			st, when := "due", "—"
			if it.Overdue {
				st = "**overdue**"
			}
			if it.When.IsZero() {
				st = "open"
			} else {
				when = stamp(it.When)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", st, quote.Code(it.ID), when, quote.Code(fmt.Sprintf("%s:%d", it.File, it.Line)), quote.Code(it.Rule), quote.Code(it.Message), people(it))
		}
	}
	if len(r.Embargoes) > 0 {
		fmt.Fprintf(&b, "\n### Active embargoes (%d)\n\n", len(r.Embargoes))
		b.WriteString("| Id | List | Handler | Disclosure | Left | File |\n|---|---|---|---|---|---|\n")
		for _, em := range r.Embargoes {
			handler := "—"
			if em.Handler != nil {
				handler = mention(*em.Handler)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", quote.Code(em.ID), quote.Code(orUnknown(em.List, "list")), handler, stamp(em.Disclosure), em.Left(), quote.Code(fmt.Sprintf("%s:%d", em.File, em.Line)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// people names the people of an item: their forge mention ("@account") where
// they have one — which notifies them when the text lands in an issue or a
// comment on the forge — and their person id otherwise. Only an account of
// the shape the member schema allows becomes a mention; anything else is
// quoted like all other repository text.
func people(it Item) string {
	var parts []string
	for _, p := range it.People {
		parts = append(parts, mention(p))
	}
	return strings.Join(parts, " ")
}

// mention is p's forge mention, or their person id in a code span.
func mention(p Person) string {
	if forgeAccountRe.MatchString(p.Forge) {
		return "@" + p.Forge
	}
	return quote.Code(p.ID)
}

// forgeAccountRe is the member schema's pattern of a forge account.
var forgeAccountRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$`)

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
