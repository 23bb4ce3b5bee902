package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// emitted is one rule ID the code can put into a finding, and where.
type emitted struct {
	id  string
	pos string
}

// pkgSource is one package's parsed files.
type pkgSource struct {
	name  string
	files []*ast.File
}

// loadSources parses every Go file under tools/ but the tests, by package folder.
func loadSources(t *testing.T) (*token.FileSet, map[string]*pkgSource) {
	t.Helper()
	root := filepath.Join(exampledata.Root(t), "tools")
	fset := token.NewFileSet()
	pkgs := map[string]*pkgSource{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.Dir(p)
		if pkgs[dir] == nil {
			pkgs[dir] = &pkgSource{name: f.Name.Name}
		}
		pkgs[dir].files = append(pkgs[dir].files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fset, pkgs
}

// ruleIDs finds, in the Go sources of every package, each expression that
// becomes a finding's rule: the value of a `Rule:` field, the argument of a
// parameter named `rule`, a result named `rule`, a comparison or switch on
// `.Rule`, and string constants named Rule... (the pgp package's). Literals
// are read as they are; constants (rules.SigMissing, pgp.RuleExpiry) through
// their declarations. Values that are variables are followed to where they
// were set by these same positions.
func ruleIDs(t *testing.T, fset *token.FileSet, pkgs map[string]*pkgSource) []emitted {
	// String constants by package name and by name.
	consts := map[string]map[string]string{}
	for _, p := range pkgs {
		if consts[p.name] == nil {
			consts[p.name] = map[string]string{}
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				gd, ok := n.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					return true
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								consts[p.name][name.Name], _ = strconv.Unquote(lit.Value)
							}
						}
					}
				}
				return true
			})
		}
	}
	var out []emitted
	for _, p := range pkgs {
		resolve := func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				if e.Kind == token.STRING {
					s, err := strconv.Unquote(e.Value)
					return s, err == nil
				}
			case *ast.Ident:
				s, ok := consts[p.name][e.Name]
				return s, ok
			case *ast.SelectorExpr:
				if x, ok := e.X.(*ast.Ident); ok {
					s, ok := consts[x.Name][e.Sel.Name]
					return s, ok
				}
			}
			return "", false
		}
		note := func(e ast.Expr) {
			if id, ok := resolve(e); ok {
				out = append(out, emitted{id, fset.Position(e.Pos()).String()})
			}
		}
		// Which argument of each function (by name, in this package) is a rule.
		ruleArg := map[string]int{}
		params := func(name string, ft *ast.FuncType) {
			i := 0
			for _, fld := range ft.Params.List {
				for _, n := range fld.Names {
					if n.Name == "rule" {
						if old, dup := ruleArg[name]; dup && old != i {
							t.Errorf("package %s: two functions named %s take a rule at different places; rename one", p.name, name)
						}
						ruleArg[name] = i
					}
					i++
				}
				if len(fld.Names) == 0 {
					i++
				}
			}
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					params(n.Name.Name, n.Type)
				case *ast.AssignStmt:
					for i, rhs := range n.Rhs {
						if fl, ok := rhs.(*ast.FuncLit); ok && i < len(n.Lhs) {
							if id, ok := n.Lhs[i].(*ast.Ident); ok {
								params(id.Name, fl.Type)
							}
						}
					}
				}
				return true
			})
		}
		for _, f := range p.files {
			// Named results called rule: what each return statement gives there.
			var resultIndex []int
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					resultIndex = append(resultIndex[:0], ruleResult(n.Type))
				case *ast.ReturnStmt:
					if len(resultIndex) > 0 && resultIndex[0] >= 0 && resultIndex[0] < len(n.Results) {
						note(n.Results[resultIndex[0]])
					}
				case *ast.GenDecl:
					if n.Tok == token.CONST {
						for _, spec := range n.Specs {
							vs := spec.(*ast.ValueSpec)
							for i, name := range vs.Names {
								if strings.HasPrefix(name.Name, "Rule") && i < len(vs.Values) {
									note(vs.Values[i])
								}
							}
						}
					}
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Rule" {
						note(n.Value)
					}
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if i, ok := ruleArg[name]; ok && i < len(n.Args) {
						note(n.Args[i])
					}
				case *ast.BinaryExpr:
					if n.Op == token.EQL || n.Op == token.NEQ {
						if isRuleField(n.X) {
							note(n.Y)
						}
						if isRuleField(n.Y) {
							note(n.X)
						}
					}
				case *ast.SwitchStmt:
					if isRuleField(n.Tag) {
						for _, s := range n.Body.List {
							for _, e := range s.(*ast.CaseClause).List {
								note(e)
							}
						}
					}
				}
				return true
			})
		}
	}
	return out
}

func isRuleField(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "Rule"
}

// ruleResult is the index of a result named rule, or -1.
func ruleResult(ft *ast.FuncType) int {
	if ft.Results == nil {
		return -1
	}
	i := 0
	for _, fld := range ft.Results.List {
		for _, n := range fld.Names {
			if n.Name == "rule" {
				return i
			}
			i++
		}
		if len(fld.Names) == 0 {
			i++
		}
	}
	return -1
}

// TestEveryEmittedRuleIsRegistered: every rule ID the code can put into a
// finding, in any package (the signature checks' sig.* included), is a row
// of the registry; and every row is emitted somewhere, so the scan sees the
// code and the registry holds no rule that nothing reports.
func TestEveryEmittedRuleIsRegistered(t *testing.T) {
	fset, pkgs := loadSources(t)
	found := ruleIDs(t, fset, pkgs)
	seen := map[string]bool{}
	for _, e := range found {
		seen[e.id] = true
		if !rules.Registered(e.id) {
			t.Errorf("%s: rule %q is not in the registry (tools/internal/rules): add its row to rules.All, or fix the spelling", e.pos, e.id)
		}
	}
	for _, r := range rules.All {
		if !seen[r.ID] {
			t.Errorf("rule %s is registered but no code reports it (or reports it in a way this scan does not read)", r.ID)
		}
	}
	for _, must := range []string{rules.SigMissing, rules.SigRange, rules.SigNoncanonical, rules.SigKeyRevoked, rules.DatesRequired, rules.KeyStrength} {
		if !seen[must] {
			t.Errorf("the scan did not find %s; it no longer reads the code", must)
		}
	}
}

// TestIDConstants: every constant of ids.go names a row of the registry, and
// every row has its constant.
func TestIDConstants(t *testing.T) {
	_, pkgs := loadSources(t)
	var declared []string
	for _, p := range pkgs {
		if p.name != "rules" {
			continue
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if gd, ok := n.(*ast.GenDecl); ok && gd.Tok == token.CONST {
					for _, spec := range gd.Specs {
						for _, v := range spec.(*ast.ValueSpec).Values {
							if lit, ok := v.(*ast.BasicLit); ok {
								s, _ := strconv.Unquote(lit.Value)
								declared = append(declared, s)
							}
						}
					}
				}
				return true
			})
		}
	}
	var registry []string
	for _, r := range rules.All {
		registry = append(registry, r.ID)
	}
	slices.Sort(declared)
	slices.Sort(registry)
	if !slices.Equal(declared, registry) {
		t.Errorf("constants and registry differ:\nconstants: %v\nregistry:  %v", declared, registry)
	}
}

// TestScanSeesPositions runs the scan on a small package of its own, with one
// ID in each kind of position, so a change that blinds it shows here.
func TestScanSeesPositions(t *testing.T) {
	src := `package x
const RuleOne = "one.const"
const other = "not.a.rule"
func add(path, rule, msg string) {}
func classify() (rule, msg string) { return "two.result", "m" }
func f(g struct{ Rule string }) {
	_ = struct{ Rule string }{Rule: "three.field"}
	add("p", "four.arg", "m")
	at := func(rule string) {}
	at("five.closure")
	if g.Rule == "six.compare" {}
	switch g.Rule { case "seven.case": }
	_ = "eight.ignored"
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ruleIDs(t, fset, map[string]*pkgSource{"x": {name: "x", files: []*ast.File{f}}}) {
		got = append(got, e.id)
	}
	slices.Sort(got)
	want := []string{"five.closure", "four.arg", "one.const", "seven.case", "six.compare", "three.field", "two.result"}
	if !slices.Equal(got, want) {
		t.Errorf("scan found %v, want %v", got, want)
	}
}
