package plural

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Of(0, "issue"), "0 issues"},
		{Of(1, "issue"), "1 issue"},
		{Of(2, "issue"), "2 issues"},
		{Of(-1, "day"), "-1 days"},
		{Words(1, "person", "people"), "1 person"},
		{Words(7, "person", "people"), "7 people"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// counted matches a count verb followed by a word in s ("%d issues") and a
// noun with an optional plural ("issue(s)"): both read wrong for some count.
var counted = regexp.MustCompile(`%d (?:[a-z-]+ )?([a-z][a-z-]*s|people)\b|[a-z]\((s|es)\)`)

// fixed are the uses that stay: a limit is a constant above one, a size in
// bytes or bits reads well for any count, a number after a noun is a name
// ("extension 2 lacks"), and "http(s)" is a scheme.
var fixed = regexp.MustCompile(`(more|deeper|larger) than %d |%d (bytes|bits)\b|at least %d bits|` +
	`\b(version|offset|packet|entry|extension|line|algorithm|type|rule|step|parent) %d |http\(s\)|` +
	// verify's messages name counts that are never one: a merge has other
	// than one merge base or more than two parents, a threshold not met is
	// at least two.
	`have %d merge bases|merge of %d parents|need %d people`)

// verbs are the words in s that follow a count as a verb, not a noun.
var verbs = map[string]bool{"is": true, "was": true, "has": true, "does": true, "this": true}

// TestNoHandMadePlurals scans every Go file and template of the tools for
// format strings that count with a fixed plural, so a new "1 issues" fails
// here instead of in front of a user.
func TestNoHandMadePlurals(t *testing.T) {
	root := filepath.Join("..", "..")
	var bad []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasSuffix(p, "_test.go"):
			return nil
		case strings.HasSuffix(p, ".go"):
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && flagged(lit.Value) {
					bad = append(bad, fset.Position(lit.Pos()).String()+": "+lit.Value)
				}
				return true
			})
		case strings.HasSuffix(p, ".tmpl"):
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(data), "\n") {
				// A template counts with {{len .X}} or a number field before a noun.
				if regexp.MustCompile(`\}\} [a-z]+s\b|[a-z]\(s\)`).MatchString(line) && strings.Contains(line, "{{") && flaggedTemplate(line) {
					bad = append(bad, p+":"+strconvItoa(i+1)+": "+strings.TrimSpace(line))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: count with plural.Of or plural.Words", b)
	}
}

func flagged(lit string) bool {
	for _, m := range counted.FindAllStringSubmatch(fixed.ReplaceAllString(lit, ""), -1) {
		if !verbs[m[1]] {
			return true
		}
	}
	return false
}

// flaggedTemplate reports a count field followed by a plural noun, or "(s)".
func flaggedTemplate(line string) bool {
	return regexp.MustCompile(`\{\{(len [^}]*|\.[A-Za-z]*(Count|Extensions|Issues)[^}]*)\}\} [a-z]+s\b|[a-z]\(s\)`).MatchString(line)
}

func strconvItoa(n int) string { return Of(n, "")[:len(Of(n, ""))-2] }
