package timeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/cases"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// twoIssues is a published and an embargoed issue.
func twoIssues() *state.State {
	pub := &records.Issue{ID: "EMB-2026-0001", List: "distros", Status: records.StatusDisclosed, Severity: "high",
		Title: "Private title of the published one", Dates: records.Dates{Notified: "2026-11-01T10:00:00Z", Disclosed: "2026-11-05T10:00:00Z"},
		Affected: []records.Affected{{Product: "widgetd", Versions: "< 2"}},
		Public:   records.Public{Title: "Public title", Summary: "Public summary of widgetd."}}
	emb := &records.Issue{ID: "EMB-2026-0004", List: "distros", Status: records.StatusEmbargoed, Severity: "high",
		Title: "Secret flaw in gadgetd", Dates: records.Dates{Notified: "2026-11-16T10:00:00Z", Disclosure: "2026-11-23T14:00:00Z"},
		CVEs: []string{"CVE-2026-91234"}, Affected: []records.Affected{{Product: "gadgetd"}}}
	return &state.State{Policy: &records.Policy{Name: "Test group", Lists: map[string]records.ListPolicy{"distros": {MaxEmbargo: "14d", PreferredEmbargo: "7d"}},
		Publication: records.Publication{Title: "Test timeline", BaseURL: "https://t.example/", Author: "Test"}},
		Issues: []*state.IssueFile{{File: state.File{Path: "issues/2026/EMB-2026-0001.yaml"}, Issue: pub},
			{File: state.File{Path: "issues/2026/EMB-2026-0004.yaml"}, Issue: emb}}}
}

func scanText(st *state.State, name, text string) []Leak {
	return newGuard(st, testNow, skeleton(st, testNow), nil).scan(map[string][]byte{name: []byte(text)})
}

func TestGuardMatching(t *testing.T) {
	st := twoIssues()
	cases := []struct {
		text, field string // field "" = no leak
	}{
		{"see EMB-2026-00041 and EMB-2026-00049", ""},
		{"see EMB-2026-0004.", "id of an embargoed issue"},
		{"emb-2026-0004", "id of an embargoed issue"},
		{"CVE-2026-912345", ""},
		{"CVE-2026-91234,", "cves[0] of an embargoed issue"},
		{"SECRET\n  FLAW\tin gadgetd", "title of an embargoed issue"},
		{"secret flaw in gad&#103;etd", "title of an embargoed issue"},
		{"<a href=\"https://x.example/Secret%20flaw%20in%20gadgetd\">", "title of an embargoed issue"},
		{"Public title: widgetd < 2", ""},
	}
	for _, c := range cases {
		leaks := scanText(st, "index.html", c.text)
		var fields []string
		for _, l := range leaks {
			fields = append(fields, l.Field)
		}
		got := strings.Join(fields, "; ")
		if c.field == "" && got != "" || c.field != "" && !strings.Contains(got, c.field) {
			t.Errorf("%q: leaks %q, want %q", c.text, got, c.field)
		}
	}
	// A JSON escape hides nothing.
	if leaks := scanText(st, "x.json", `{"a": "Secret flaw in gadget\u0064"}`); len(leaks) == 0 {
		t.Errorf("a JSON-escaped title was not found")
	}
	// The digests of SHA256SUMS are not scanned, the names are.
	if leaks := newGuard(st, testNow, nil, nil).scan(forScan(map[string][]byte{SumsFile: []byte(strings.Repeat("a", 64) + "  osv/EMB-2026-0004.json\n")})); len(leaks) != 1 {
		t.Errorf("SHA256SUMS: %v", leaks)
	}
}

// TestGuardLookAlikes: a copy that reads the same to a person is the same copy.
// Each text is scanned as index.html, raw and with its escapes decoded.
func TestGuardLookAlikes(t *testing.T) {
	st := twoIssues()
	st.Issues[1].Issue.Title = "Secret flaw in Straße gadgetd"
	const title, id, cve = "title of an embargoed issue", "id of an embargoed issue", "cves[0] of an embargoed issue"
	cases := []struct {
		name, text, field string
	}{
		{"zero-width space in the id", "see EMB-2026-\u200b0004.", id},
		{"zero-width space in the title", "Secret fl\u200baw in Straße gadgetd", title},
		{"soft hyphen in the title", "Secret flaw in Straße gad\u00adgetd", title},
		{"soft hyphen in the CVE", "CVE-2026-\u00ad91234", cve},
		{"word joiner and BOM", "EMB\u2060-2026-\ufeff0004", id},
		{"variation selector", "Secret\ufe0f flaw in Straße gadgetd", title},
		{"full-width id", "ＥＭＢ－２０２６－０００４", id},
		{"full-width CVE", "ＣＶＥ-2026-９１２３４", cve},
		{"full-width title", "Ｓｅｃｒｅｔ ｆｌａｗ ｉｎ Ｓｔｒａßｅ ｇａｄｇｅｔｄ", title},
		{"ligature", "Secret \ufb02aw in Straße gadgetd", title},
		{"other case", "sECRET FLAW IN STRASSE GADGETD", title},
		{"lower-case id", "emb-2026-0004", id},
		{"non-breaking space", "Secret\u00a0flaw in Straße gadgetd", title},
		{"entity of a zero-width space", "Secret&#8203; flaw in Straße gadgetd", title},
		{"percent-encoded soft hyphen", "https://x.example/EMB-2026-%C2%AD0004", id},
		// Not the same text: a longer id, and a look-alike of another script
		// (confusables are not folded; see the package doc).
		{"longer id", "EMB-2026-０００４1", ""},
		{"Cyrillic letters", "Sеcrеt flaw in Straße gаdgеtd", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var fields []string
			for _, l := range scanText(st, "index.html", c.text) {
				fields = append(fields, l.Field)
			}
			got := strings.Join(fields, "; ")
			if c.field == "" && got != "" || c.field != "" && !strings.Contains(got, c.field) {
				t.Errorf("%q: leaks %q, want %q", c.text, got, c.field)
			}
		})
	}
	// The same look-alikes as JSON escapes.
	if leaks := scanText(st, "x.json", `{"a": "EMB-2026-\u200b0004"}`); len(leaks) == 0 {
		t.Errorf("a JSON-escaped zero-width space hid the id")
	}
}

// TestGuardNeverExempts: the id, CVE and title of a record that is not published
// stay guarded whatever a published record shows; the guard names the embargoed
// record and field.
func TestGuardNeverExempts(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(pub *records.Issue)
		field string
	}{
		{"the embargoed id as the public title", func(p *records.Issue) { p.Public.Title = "EMB-2026-0004" }, "id of an embargoed issue"},
		{"a look-alike of it", func(p *records.Issue) { p.Public.Title = "EMB-2026-\u200b0004" }, "id of an embargoed issue"},
		{"the embargoed CVE listed too", func(p *records.Issue) { p.CVEs = []string{"CVE-2026-91234"} }, "cves[0] of an embargoed issue"},
		{"the embargoed title as the public summary", func(p *records.Issue) { p.Public.Summary = "Secret flaw in gadgetd" }, "title of an embargoed issue"},
		{"the embargoed title as a product", func(p *records.Issue) { p.Affected[0].Product = "Secret flaw in gadgetd" }, "title of an embargoed issue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := twoIssues()
			c.edit(st.Issues[0].Issue)
			_, err := Render(st, testNow)
			var le *LeakError
			if !errors.As(err, &le) {
				t.Fatalf("Render = %v; want a *LeakError", err)
			}
			found := false
			for _, l := range le.Leaks {
				found = found || l.Record == "issues/2026/EMB-2026-0004.yaml" && l.Field == c.field
			}
			if !found {
				t.Errorf("leaks %v; want %s", le.Leaks, c.field)
			}
			// The record's path names its id; the message repeats no value.
			for _, secret := range []string{"CVE-2026-91234", "Secret flaw", "gadgetd"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the message repeats %q: %v", secret, err)
				}
			}
		})
	}

	// Nor is an unpublished title skipped for being in the page's fixed text.
	st := twoIssues()
	st.Issues[1].Issue.Title = "Test timeline"
	if _, err := Render(st, testNow); !errors.Is(err, ErrLeak) || !strings.Contains(err.Error(), "EMB-2026-0004.yaml: title of an embargoed issue") {
		t.Errorf("an embargoed title equal to the page title: %v", err)
	}

	// A withdrawn record listed by id (publication.withdrawn: list) that shares the
	// embargoed record's id does not make that id public.
	st = twoIssues()
	st.Policy.Publication.Withdrawn = WithdrawnList
	wd := *st.Issues[1].Issue
	wd.Status, wd.Title, wd.CVEs = records.StatusWithdrawn, "Another title here", nil
	st.Issues = append(st.Issues, &state.IssueFile{File: state.File{Path: "issues/2026/EMB-2026-0009.yaml"}, Issue: &wd})
	_, err := Render(st, testNow)
	var le *LeakError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "issues/2026/EMB-2026-0004.yaml: id of an embargoed issue") {
		t.Errorf("a listed withdrawn record with the embargoed id: %v", err)
	}
}

// TestGuardWritten tampers with a written file: the read-back guard must catch it
// and Publish's cleanup must leave nothing.
func TestGuardWritten(t *testing.T) {
	st := twoIssues()
	dir := filepath.Join(t.TempDir(), "out")
	names, err := Publish(st, testNow, dir)
	if err != nil {
		t.Fatal(err)
	}
	g := newGuard(st, testNow, skeleton(st, testNow), nil)
	if err := guardWritten(g, dir, names); err != nil {
		t.Fatalf("clean output: %v", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, IndexFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("<!-- Secret flaw in gadgetd -->\n")
	f.Close()
	err = guardWritten(g, dir, names)
	if !errors.Is(err, ErrLeak) || strings.Contains(err.Error(), "gadgetd") {
		t.Fatalf("tampered output: %v", err)
	}
	cleanup(dir, names, true)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cleanup left %s", dir)
	}
}

func TestProjectionDates(t *testing.T) {
	st := twoIssues()
	is := st.Issues[0].Issue
	is.Dates.Disclosed = "2026-11-05T12:00:00+02:00" // 10:00 UTC
	is.Dates.Disclosure = "2026-11-05T10:00"         // no offset: unknown
	is.Exploits = records.Exploits{Shared: true, Published: "2026-12-01T00:00:00Z", Posting: "https://x.example/e"}
	p := project(st, testNow)
	if len(p.issues) != 1 {
		t.Fatalf("published %d issues", len(p.issues))
	}
	pub := p.issues[0]
	if pub.Dates.Disclosed != "2026-11-05T10:00:00Z" || pub.Dates.Disclosure != "" || pub.EmbargoDays != nil {
		t.Errorf("dates %+v, embargo %v", pub.Dates, pub.EmbargoDays)
	}
	if pub.Dates.ExploitPublished != "" || pub.ExploitPosting != "" {
		t.Errorf("a future exploit publication was published: %+v", pub)
	}
	// Without an offset the disclosure time is unknown: not published.
	is.Dates.Disclosed = "2026-11-05T10:00:00"
	if p := project(st, testNow); len(p.issues) != 0 {
		t.Errorf("a disclosure time without offset was published")
	}
	// Offsets stop at ±23:59: +24:00 would put 2026-11-21T10:00 a day early, at
	// 2026-11-20T10:00Z, before testNow. Unknown, so not published, and guarded.
	for _, at := range []string{"2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00+23:60", "2026-11-20T10:00Z"} {
		is.Dates.Disclosed = at
		if p := project(st, testNow); len(p.issues) != 0 {
			t.Errorf("disclosed %s was published", at)
		}
		if isPublic(is, testNow) {
			t.Errorf("the guard takes disclosed %s as public", at)
		}
	}
}

func TestStats(t *testing.T) {
	mk := func(at string, hours int, ext int, posting string, late bool) *PublicIssue {
		d, _ := time.Parse(time.RFC3339, at)
		days := round2(float64(hours) / 24)
		return &PublicIssue{disclosed: d, embargo: time.Duration(hours) * time.Hour, EmbargoDays: &days,
			Extensions: ext, PublicPosting: posting, lateExploit: late}
	}
	p := &projection{policy: &records.Policy{Name: "g"}, issues: []*PublicIssue{
		mk("2025-12-31T23:00:00Z", 48, 0, "x", false),
		mk("2026-01-01T00:00:00Z", 24, 1, "", true),
		mk("2026-01-15T00:00:00Z", 100, 2, "x", false),
		mk("2026-01-20T00:00:00Z", 50, 0, "x", false),
		{disclosed: time.Date(2026, 1, 21, 0, 0, 0, 0, time.UTC)}, // no known length
	}}
	s := p.stats()
	if len(s.Months) != 2 || len(s.Years) != 2 {
		t.Fatalf("months %d, years %d", len(s.Months), len(s.Years))
	}
	jan := s.Months[1]
	if jan.Period != "2026-01" || jan.Issues != 4 || jan.Measured != 3 || *jan.MeanDays != 2.42 || *jan.MedianDays != 2.08 ||
		*jan.LongestDays != 4.17 || jan.Extensions != 3 || jan.MissingPostings != 2 || jan.LateExploits != 1 {
		t.Errorf("2026-01: %+v mean %v median %v longest %v", jan, *jan.MeanDays, *jan.MedianDays, *jan.LongestDays)
	}
	if s.Total.Issues != 5 || *s.Total.MedianDays != 2.04 {
		t.Errorf("total: %+v median %v", s.Total, *s.Total.MedianDays)
	}
}

// BenchmarkNormalize: the guard normalizes every view of every output file, so
// normalize must stay one pass per step: ASCII text (most output) and text with
// non-ASCII letters, invisible characters and full-width forms.
func BenchmarkNormalize(b *testing.B) {
	line := "Heap overflow in libquill's PNG chunk parser, CVE-2026-91234 <a href=\"https://x.example/\">x</a>\n"
	for _, c := range []struct{ name, text string }{
		{"ascii", strings.Repeat(line, 10_000)},
		{"dash", strings.Repeat(strings.Replace(line, ", ", " — ", 1), 10_000)}, // a page whose title has one
		{"unicode", strings.Repeat("Straße — Ｓｅｃｒｅｔ fl\u200baw in gad\u00adgetd, ﬁne ünïcödé text\n", 10_000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			for range b.N {
				normalize(c.text)
			}
		})
	}
}

// normalizeWhole is normalize without the cut into ASCII and other stretches: the
// Unicode steps over the whole text at once.
func normalizeWhole(s string) string {
	var b strings.Builder
	space := false
	for _, r := range foldUnicode(cases.Fold(), s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case invisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzNormalize: normalize, which runs the Unicode steps only on the stretches
// that are not ASCII, gives what running them over the whole text gives.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Secret flaw", "e\u0301", "E\u200b\u0301x", "Ｅ\u0301", "\u1100\u1161\u11a8", "ΐ", "Straße", "ﬁ\u00adx",
		"K\u212a", "a\u0323\u0302b", "\xff\xfe a", "\u0b47\u0b3e", "x\u00a0\u0085y", "İ", "ǅ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizeWhole(s); got != want {
			t.Fatalf("normalize(%q) = %q, whole text %q", s, got, want)
		}
	})
}
