package timeline_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

// gen makes random records whose every free-text string is unique, so a string
// found in the output can only have come from its own field.
type gen struct {
	r *rand.Rand
}

// word is a random lower-case word from letters that are not hex digits, so it
// cannot hide in a digest, and long enough not to occur in any fixed text.
func (g gen) word() string {
	b := make([]byte, 8+g.r.IntN(6))
	for i := range b {
		b[i] = byte('g' + g.r.IntN(20))
	}
	return string(b)
}

func (g gen) phrase(words int) string {
	w := make([]string, words)
	for i := range w {
		w[i] = g.word()
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ")
}

// text is one to three lines, the way YAML block scalars carry them.
func (g gen) text() string {
	lines := make([]string, 1+g.r.IntN(3))
	for i := range lines {
		lines[i] = g.phrase(3 + g.r.IntN(4))
	}
	return strings.Join(lines, "\n") + "\n"
}

func (g gen) stamp(t time.Time) string {
	if g.r.IntN(2) == 0 {
		return t.In(time.FixedZone("", 2*3600)).Format(time.RFC3339)
	}
	return t.UTC().Format(time.RFC3339)
}

// randomState builds a state of 1–8 issues at demoNow and returns what must not
// appear in any output, and what must.
func randomState(seed uint64) (*state.State, []string, []string) {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x5eed))}
	withdrawn := timeline.WithdrawnOmit
	if g.r.IntN(2) == 0 {
		withdrawn = timeline.WithdrawnList
	}
	st := &state.State{Policy: &records.Policy{Name: "Fuzz group", Lists: map[string]records.ListPolicy{
		"distros":  {MaxEmbargo: "14d", PreferredEmbargo: "7d", ExploitDelay: "7d"},
		"hardware": {PreferredEmbargo: "90d", ExploitDelay: "7d"},
	}, Publication: records.Publication{Title: "Fuzz timeline", BaseURL: "https://fuzz.example/t/", Author: "Fuzz coordinators", Withdrawn: withdrawn}}}
	var private, public []string
	statuses := []string{records.StatusDraft, records.StatusEmbargoed, records.StatusDisclosed, records.StatusDisclosed, records.StatusWithdrawn}
	for i := range 1 + g.r.IntN(8) {
		is := &records.Issue{
			ID: fmt.Sprintf("EMB-2026-%04d", 100+i), List: []string{"distros", "hardware"}[g.r.IntN(2)],
			Status: statuses[g.r.IntN(len(statuses))], Severity: "high",
			Title: g.phrase(5), Summary: g.text(), Notes: g.text(),
			Reporter:      records.Reporter{Name: g.phrase(2), Email: g.word() + "@" + g.word() + ".example", CreditConsent: g.r.IntN(2) == 0},
			CVEs:          []string{fmt.Sprintf("CVE-2026-%d", 700000+1000*i+g.r.IntN(1000))}, // unique
			Affected:      []records.Affected{{Product: g.word(), Versions: "< 1.2.3"}},
			Informed:      []records.Informed{{Who: g.phrase(3)}},
			Leaks:         []records.Leak{{What: g.phrase(6), ToWhom: g.phrase(3), Steps: g.text()}},
			Extensions:    []records.Extension{{Reason: g.phrase(6)}},
			Deployment:    records.Deployment{Restrictions: g.phrase(6)},
			PublicPosting: "https://lists.fuzz.example/" + g.word(),
			Public:        records.Public{Title: g.phrase(4), Summary: g.text()},
		}
		is.Public.Credit = is.Reporter.Name
		if g.r.IntN(3) == 0 {
			is.Public.Credit = g.phrase(2)
		}
		notified := demoNow.Add(-time.Duration(g.r.IntN(60*24)) * time.Hour)
		disclosure := notified.Add(time.Duration(1+g.r.IntN(20*24)) * time.Hour)
		is.Dates = records.Dates{Notified: g.stamp(notified), Disclosure: g.stamp(disclosure)}
		if is.Status == records.StatusDisclosed && g.r.IntN(4) > 0 {
			is.Dates.Disclosed = g.stamp(disclosure.Add(time.Duration(g.r.IntN(90)) * time.Minute))
		}
		st.Issues = append(st.Issues, &state.IssueFile{File: state.File{Path: "issues/2026/" + is.ID + ".yaml"}, Issue: is})

		published := isPublished(is)
		// Private in every case.
		private = append(private, is.Title, is.Notes, is.Reporter.Email, is.Informed[0].Who, is.Leaks[0].What,
			is.Leaks[0].ToWhom, is.Leaks[0].Steps, is.Extensions[0].Reason, is.Deployment.Restrictions)
		private = append(private, lines(is.Summary)...)
		private = append(private, lines(is.Notes)...)
		if published {
			public = append(public, is.ID, is.Public.Title, is.Affected[0].Product, is.CVEs[0])
			if !is.Reporter.CreditConsent || is.Public.Credit != is.Reporter.Name {
				private = append(private, is.Reporter.Name)
			}
			continue
		}
		if !(is.Status == records.StatusWithdrawn && withdrawn == timeline.WithdrawnList) {
			private = append(private, is.ID)
		}
		private = append(private, is.Reporter.Name, is.CVEs[0], is.Affected[0].Product, is.Public.Title, is.Public.Credit, is.PublicPosting)
		private = append(private, lines(is.Public.Summary)...)
	}
	return st, private, public
}

// isPublished is the package doc's rule: disclosed, and the disclosure time
// (dates.disclosed, else dates.disclosure) at or before demoNow.
func isPublished(is *records.Issue) bool {
	at, _, _ := records.ParseTime(is.Dates.Disclosure)
	if is.Dates.Disclosed != "" {
		at, _, _ = records.ParseTime(is.Dates.Disclosed)
	}
	return is.Status == records.StatusDisclosed && !at.After(demoNow)
}

func lines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// checkNoLeak publishes a random state: the projection alone must keep every
// private string out, so the guard must not fire either.
func checkNoLeak(t *testing.T, seed uint64) {
	st, private, public := randomState(seed)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := timeline.Publish(st, demoNow, out); err != nil {
		if errors.Is(err, timeline.ErrLeak) {
			t.Fatalf("seed %d: the guard fired, so the projection leaked: %v", seed, err)
		}
		t.Fatalf("seed %d: %v", seed, err)
	}
	files := readTree(t, out)
	for name, data := range files {
		lower := bytes.ToLower(data)
		for _, s := range private {
			if s = strings.TrimSpace(s); s != "" && bytes.Contains(lower, []byte(strings.ToLower(s))) {
				t.Errorf("seed %d: %s contains the private %q", seed, name, s)
			}
		}
	}
	for _, s := range public {
		if !bytes.Contains(files["timeline.json"], []byte(s)) {
			t.Errorf("seed %d: timeline.json lacks the public %q", seed, s)
		}
	}
}

// lookAlike writes s as a person would still read it: some characters full-width,
// some letters in the other case, invisible characters between some.
func lookAlike(r *rand.Rand, s string) string {
	invisible := []string{"\u200b", "\u00ad", "\u2060", "\ufeff", "\u200d"}
	var b strings.Builder
	for _, c := range s {
		switch r.IntN(4) {
		case 0:
			if c > ' ' && c < 0x7f {
				c += 0xff01 - '!' // the full-width form
			}
		case 1:
			c = []rune(strings.ToUpper(string(c)))[0]
		}
		b.WriteRune(c)
		if r.IntN(3) == 0 {
			b.WriteString(invisible[r.IntN(len(invisible))])
		}
	}
	return b.String()
}

// checkRefused makes a published record of a random state show, as its public
// title, a look-alike of the id, CVE or title of a record that is not published:
// the guard must refuse, naming that record.
func checkRefused(t *testing.T, seed uint64) {
	st, _, _ := randomState(seed)
	r := rand.New(rand.NewPCG(seed, 0xbad))
	var pub, hidden []*state.IssueFile
	for _, f := range st.Issues {
		switch {
		case isPublished(f.Issue):
			pub = append(pub, f)
		case f.Issue.Status != records.StatusWithdrawn:
			hidden = append(hidden, f)
		}
	}
	if len(pub) == 0 || len(hidden) == 0 {
		return
	}
	h := hidden[r.IntN(len(hidden))]
	secret := []string{h.Issue.ID, h.Issue.CVEs[0], h.Issue.Title}[r.IntN(3)]
	pub[r.IntN(len(pub))].Issue.Public.Title = lookAlike(r, secret)
	_, err := timeline.Render(st, demoNow)
	var le *timeline.LeakError
	if !errors.As(err, &le) {
		t.Fatalf("seed %d: a published record showing a look-alike of a private id, CVE or title: %v", seed, err)
	}
	if !strings.Contains(err.Error(), h.Path+": ") {
		t.Errorf("seed %d: the refusal does not name %s: %v", seed, h.Path, err)
	}
	if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(h.Issue.Title)) {
		t.Errorf("seed %d: the refusal repeats the private title: %v", seed, err)
	}
}

func TestRandomNoLeak(t *testing.T) {
	n := uint64(60)
	if testing.Short() {
		n = 10
	}
	for seed := range n {
		checkNoLeak(t, seed)
		checkRefused(t, seed)
	}
}

func FuzzPublishNoLeak(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42, 1 << 40} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		checkNoLeak(t, seed)
		checkRefused(t, seed)
	})
}
