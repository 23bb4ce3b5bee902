package status_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/embargo-tool/embargo/tools/internal/status"
)

// hostileReport has one item per hostile file name, with the name in its
// message too (the way an item about a misnamed record would quote it).
func hostileReport() *status.Report {
	names := []string{
		"issues/2026/x`</code><b>bold</b>`.yaml",
		"issues/2026/a\n\n# Forged heading\n| forged | row |.yaml",
		"issues/2026/@octocat @github/security.yaml",
		"issues/2026/[click](https://evil.example)<img src=x>.yaml",
		"issues/2026/https://evil.example/%0A#frag.yaml",
		"issues/2026/a|b||c\\|d.yaml",
		"issues/2026/**bold** _em_ ~~del~~ <!-- comment.yaml",
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	r := &status.Report{Now: now, Within: 72 * time.Hour}
	for i, n := range names {
		r.Items = append(r.Items, status.Item{Kind: status.DisclosureDue, Rule: status.DisclosureDue.Rule(), ID: "EMB-2026-000" + string(rune('1'+i)) + "`<i>x</i>",
			File: n, Line: i + 1, When: now.Add(time.Hour), Message: "due soon: " + n})
	}
	return r
}

var (
	gfm     = goldmark.New(goldmark.WithExtensions(extension.GFM))
	rowRe   = regexp.MustCompile(`(?s)<tr>\n(.*?)</tr>`)
	cellRe  = regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	tagRe   = regexp.MustCompile(`<(/?)([a-z0-9]+)`)
	allowed = map[string]bool{"code": true, "strong": true}
)

// TestMarkdownHostileNames renders the job summary through a GitHub-flavoured
// Markdown parser: every item stays one row of seven cells, and the only HTML
// in a row is the code spans and the bold state the writer puts there.
func TestMarkdownHostileNames(t *testing.T) {
	r := hostileReport()
	var md bytes.Buffer
	if err := status.Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := gfm.Convert(md.Bytes(), &html); err != nil {
		t.Fatal(err)
	}
	out := html.String()
	if strings.Count(out, "<h3>") != 1 || strings.Count(out, "<h2>") != 1 || strings.Contains(out, "<h1>") {
		t.Errorf("headings forged:\n%s", out)
	}
	rows := rowRe.FindAllStringSubmatch(out, -1)
	if len(rows) != len(r.Items)+1 { // and the header row
		t.Fatalf("%d rows for %d items:\n%s\n%s", len(rows)-1, len(r.Items), md.String(), out)
	}
	for i, row := range rows[1:] {
		cells := cellRe.FindAllStringSubmatch(row[1], -1)
		if len(cells) != 7 {
			t.Errorf("row %d has %d cells: %s", i, len(cells), row[1])
			continue
		}
		for _, c := range cells {
			for _, tag := range tagRe.FindAllStringSubmatch(c[1], -1) {
				if !allowed[tag[2]] {
					t.Errorf("row %d: <%s%s> in %s", i, tag[1], tag[2], c[1])
				}
			}
			// A mention or a link is processed only outside code spans.
			if outside := regexp.MustCompile(`(?s)<code>.*?</code>`).ReplaceAllString(c[1], ""); strings.ContainsAny(outside, "@[") {
				t.Errorf("row %d: text outside a code span: %s", i, outside)
			}
		}
	}
	var text bytes.Buffer
	if err := status.Text(&text, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text.String(), "\n"); n != len(r.Items)+1 {
		t.Errorf("text: %d lines for %d items:\n%s", n, len(r.Items), text.String())
	}
}
