package timeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	return newGuard(st, testNow, skeleton(st, testNow)).scan(map[string][]byte{name: []byte(text)})
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
	if leaks := newGuard(st, testNow, nil).scan(forScan(map[string][]byte{SumsFile: []byte(strings.Repeat("a", 64) + "  osv/EMB-2026-0004.json\n")})); len(leaks) != 1 {
		t.Errorf("SHA256SUMS: %v", leaks)
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
	g := newGuard(st, testNow, skeleton(st, testNow))
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
