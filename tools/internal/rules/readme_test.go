package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// readmeRow is one row of a rule table in README.md.
type readmeRow struct {
	line       int
	ids        []string
	severities []string // empty in a table without a severity column
	text       string
}

var backticked = regexp.MustCompile("`([a-z][a-z0-9.-]*)`")

// readmeRules reads every table of README.md whose first column is "rule".
func readmeRules(t *testing.T) []readmeRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []readmeRow
	sevCol := -1
	inTable := false
	for i, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		switch {
		case !inTable && cells[0] == "rule":
			inTable, sevCol = true, -1
			for j, c := range cells {
				if c == "severity" {
					sevCol = j
				}
			}
		case !inTable || strings.HasPrefix(cells[0], "---"):
		default:
			row := readmeRow{line: i + 1, text: l}
			for _, m := range backticked.FindAllStringSubmatch(cells[0], -1) {
				row.ids = append(row.ids, m[1])
			}
			if sevCol >= 0 && sevCol < len(cells) {
				for _, s := range strings.Split(cells[sevCol], "/") {
					row.severities = append(row.severities, strings.TrimSpace(s))
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// TestReadmeRuleTables: the rule tables of README.md (under "Rules" and
// "Signatures") list exactly the registered rules, each once, with the
// registry's severity where the table has a severity column. A failure
// names the rows that differ and what the registry says.
func TestReadmeRuleTables(t *testing.T) {
	rows := readmeRules(t)
	if len(rows) < 20 {
		t.Fatalf("found only %d rule rows in README.md; the tables are no longer where this test looks", len(rows))
	}
	where := map[string][]int{}
	for _, row := range rows {
		if len(row.ids) == 0 {
			t.Errorf("README.md:%d: a rule table row names no rule in backticks: %s", row.line, row.text)
		}
		for _, id := range row.ids {
			where[id] = append(where[id], row.line)
			r, ok := rules.Lookup(id)
			switch {
			case !ok:
				t.Errorf("README.md:%d: %s is not a registered rule; remove the row or register the rule: %s", row.line, id, row.text)
			case len(row.severities) > 0 && !contains(row.severities, r.Severity):
				t.Errorf("README.md:%d: %s has severity %q in the README, %q in the registry: %s", row.line, id, strings.Join(row.severities, " / "), r.Severity, row.text)
			}
		}
	}
	for _, r := range rules.All {
		switch n := len(where[r.ID]); {
		case n == 0:
			t.Errorf("README.md has no row for the registered rule %s; add one, e.g.: | `%s` | %s | %s |", r.ID, r.ID, r.Severity, r.Doc)
		case n > 1:
			t.Errorf("README.md lists %s in %d rows (lines %v); keep one", r.ID, n, where[r.ID])
		}
	}
}

func contains(severities []string, s finding.Severity) bool {
	for _, v := range severities {
		if v == string(s) {
			return true
		}
	}
	return false
}
