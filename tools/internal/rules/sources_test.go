package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// TestSourcesExist: every rule cites documents the repository ships — never
// the specification or threat list it was built from — and every cited
// docs/ page and heading exists.
func TestSourcesExist(t *testing.T) {
	root := exampledata.Root(t)
	for _, r := range rules.All {
		if r.Source == "" {
			t.Errorf("%s: no source", r.ID)
		}
		for _, ref := range strings.Split(r.Source, ";") {
			ref = strings.TrimSpace(ref)
			if i := strings.Index(ref, " ("); i >= 0 {
				ref = ref[:i] // "(row 12)": a row of the cited table
			}
			if strings.Contains(ref, "SPEC") || strings.Contains(ref, "THREATS") {
				t.Errorf("%s cites %q, which the repository does not ship", r.ID, ref)
				continue
			}
			file, anchor, _ := strings.Cut(ref, "#")
			matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(file)))
			if err != nil || len(matches) == 0 {
				t.Errorf("%s cites %s, which does not exist", r.ID, file)
				continue
			}
			if anchor != "" && !hasAnchor(t, matches[0], anchor) {
				t.Errorf("%s cites %s#%s: no such heading", r.ID, file, anchor)
			}
		}
	}
}

// TestThreatModelNamesRealTests: each test the threat model's matrix names
// exists in the package it names, and the matrix has every row in order.
func TestThreatModelNamesRealTests(t *testing.T) {
	root := exampledata.Root(t)
	data, err := os.ReadFile(filepath.Join(root, "docs", "threat-model.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| ([0-9]+) \\|")
	name := regexp.MustCompile("`([a-z]+)\\.((?:Test|Fuzz|Benchmark)[A-Za-z0-9_]+)`")
	next, named := 1, 0
	for _, line := range strings.Split(string(data), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != next {
			t.Errorf("row %d follows row %d", n, next-1)
		}
		next++
		cells := strings.Split(line, "|")
		tests := strings.TrimSpace(cells[len(cells)-2])
		if tests == "planned" {
			continue
		}
		found := name.FindAllStringSubmatch(tests, -1)
		if len(found) == 0 {
			t.Errorf("row %s names no test and is not planned: %q", m[1], tests)
		}
		for _, f := range found {
			named++
			if !definesTest(t, filepath.Join(root, "tools", "internal", f[1]), f[2]) {
				t.Errorf("row %s names %s.%s, which does not exist", m[1], f[1], f[2])
			}
		}
	}
	if next <= 34 || named < 40 {
		t.Errorf("the matrix has %d rows and names %d tests; want rows 1 to 34 at least", next-1, named)
	}
}

// TestSourceLinksResolve: the links of the pages rules cite resolve, to a
// file and, with an anchor, to a heading.
func TestSourceLinksResolve(t *testing.T) {
	root := exampledata.Root(t)
	link := regexp.MustCompile(`\]\(([^)#:]*)(#[^)]*)?\)`)
	for _, page := range []string{"docs/sources.md", "docs/threat-model.md"} {
		data, err := os.ReadFile(filepath.Join(root, page))
		if err != nil {
			t.Fatal(err)
		}
		links := link.FindAllStringSubmatch(string(data), -1)
		if len(links) == 0 {
			t.Errorf("%s: no links found", page)
		}
		for _, l := range links {
			target := filepath.Join(root, page)
			if l[1] != "" {
				target = filepath.Join(root, filepath.Dir(page), filepath.FromSlash(l[1]))
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, l[1])
				continue
			}
			if l[2] != "" && !hasAnchor(t, target, l[2][1:]) {
				t.Errorf("%s links to %s%s: no such heading", page, l[1], l[2])
			}
		}
	}
}

// definesTest reports whether a _test.go file of dir defines func name.
func definesTest(t *testing.T, dir, name string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "\nfunc "+name+"(") {
			return true
		}
	}
	return false
}

// hasAnchor reports whether the Markdown file has a heading whose GitHub
// anchor is anchor.
func hasAnchor(t *testing.T, file, anchor string) bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if h := strings.TrimLeft(line, "#"); len(h) < len(line) && strings.HasPrefix(h, " ") && slug(h) == anchor {
			return true
		}
	}
	return false
}

// slug is GitHub's anchor for a heading: lower case, punctuation dropped,
// spaces as hyphens.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestEveryRuleHasAFix: `embargo explain` says how to fix every rule's findings.
func TestEveryRuleHasAFix(t *testing.T) {
	for _, r := range rules.All {
		if strings.TrimSpace(rules.Fix[r.ID]) == "" {
			t.Errorf("%s has no fix in rules.Fix", r.ID)
		}
	}
	for id := range rules.Fix {
		if _, ok := rules.Lookup(id); !ok {
			t.Errorf("rules.Fix names %s, which is no rule", id)
		}
	}
}
