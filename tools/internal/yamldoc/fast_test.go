package yamldoc

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sameAsParse fails unless FastValue either declines data or returns what
// Parse and Value return, and reports whether it took the fast path.
func sameAsParse(t testing.TB, name string, data []byte) bool {
	t.Helper()
	fast, ok := FastValue(data)
	if !ok {
		return false
	}
	doc, err := Parse(name, data)
	if err != nil {
		t.Fatalf("%s: FastValue accepted what Parse refuses (%v):\n%s", name, err, data)
	}
	if slow := doc.Value(); !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s: FastValue read\n%#v\nParse reads\n%#v\nfrom:\n%s", name, fast, slow, data)
	}
	return true
}

func TestFastValue(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		fast bool // whether the fast path must take it
	}{
		{"flat", "a: b\nc: d e f\n", true},
		{"words yaml.v3 resolves", "t: true\nf: FALSE\nn: null\nN: Null\nno: no\nyes: on\n", true},
		{"small integers", "a: 0\nb: 42\nc: 123456789012345678\n", true},
		{"versions", "c: 1.2.3\n", false},
		{"timestamps alone", "a: 2025-02-07T16:40:00Z\nb: 2025-02-07\n", true},
		{"colons and slashes", "tlp: TLP:CLEAR\nurl: https://example.org/a#b\n", true},
		{"comments", "# head\na: b # trailing\n  # indented\nc: 'd' # after quotes\n", true},
		{"quotes", "a: \"x: y # z\"\nb: 'it''s'\nc: \"\"\nd: ''\n", true},
		{"nested", "a:\n  b:\n    c: d\n  e: f\ng: h\n", true},
		{"sequences", "a:\n  - x\n  - y\nb:\n- z\nc: []\nd: {}\n", true},
		{"sequence of mappings", "a:\n  - who: x\n    at: 2025-01-01T00:00:00Z\n  - who: y\n", true},
		{"flow", "a: [x, 'y', \"z\", [1, 2], {k: v}]\nb: {name: N M, email: a@b.c, ok: true, v: \"< 1.1\"}\n", true},
		{"literal clip", "a: |\n  one\n\n    two\n\n\nb: c\n", true},
		{"literal strip", "a: |-\n  one\n  two\nb: c\n", true},
		{"literal with hash lines", "a: |\n  one\n  # two\nb: c\n", true},
		{"null values", "a:\nb: # nothing\nc: x\n", true},
		{"empty at end", "a: x\nb:\n", true},

		{"leading zero", "a: 007\n", false},
		{"float", "a: 1.5\n", false},
		{"negative", "a: -1\n", false},
		{"hex", "a: 0x1f\n", false},
		{"huge integer", "a: 1234567890123456789012\n", false},
		{"tilde", "a: ~\n", false},
		{"anchor", "a: &x b\nc: *x\n", false},
		{"tag", "a: !!str 1\n", false},
		{"duplicate key", "a: 1\na: 2\n", false},
		{"duplicate flow key", "a: {b: 1, b: 2}\n", false},
		{"multi-line plain", "a: one\n  two\n", false},
		{"multi-line flow", "a: [x,\n  y]\n", false},
		{"escapes", "a: \"x\\ny\"\n", false},
		{"folded", "a: >\n  x\n", false},
		{"keep", "a: |+\n  x\n", false},
		{"document marker", "---\na: b\n", false},
		{"second document", "a: b\n---\nc: d\n", false},
		{"no final newline", "a: b", false},
		{"tab", "a:\tb\n", false},
		{"CRLF", "a: b\r\n", false},
		{"non-ASCII", "a: Zoë\n", false},
		{"top-level sequence", "- a\n", false},
		{"top-level scalar", "a\n", false},
		{"key without space", "a:b\n", false},
		{"value with colon space", "a: b: c\n", false},
		{"comment without space", "a: 'b'#c\n", false},
		{"trailing comma", "a: [x, ]\n", false},
		{"quoted key", "\"a\": b\n", false},
		{"nested sequence", "a:\n  - - x\n", false},
		{"spaces-only line in literal", "a: |\n  x\n   \n  y\n", false},
		{"bad indentation", "a:\n    b: c\n  d: e\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sameAsParse(t, c.name, []byte(c.yaml)); got != c.fast {
				t.Fatalf("fast path taken: %v, want %v", got, c.fast)
			}
		})
	}
}

// TestFastValueOnTheExample checks every YAML file of the example repository
// and requires the fast path to take most issue records.
func TestFastValueOnTheExample(t *testing.T) {
	var files []string
	for _, g := range []string{"policy.yaml", "roles/*.yaml", "members/*.yaml", "issues/*/*.yaml"} {
		m, _ := filepath.Glob(filepath.Join("../../../examples/group", g))
		files = append(files, m...)
	}
	fast, issues := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		took := sameAsParse(t, f, data)
		if strings.Contains(f, "issues/") {
			issues++
			if took {
				fast++
			}
		}
	}
	if issues == 0 || fast < issues/2 {
		t.Fatalf("the fast path took %d of %d example issues", fast, issues)
	}
	t.Logf("fast path: %d of %d example issues", fast, issues)
}

// FuzzFastValue: whenever the fast path takes an input, Parse accepts it and
// Value returns the same value.
func FuzzFastValue(f *testing.F) {
	for _, g := range []string{"../../../examples/group/issues/*/*.yaml", "../../../examples/group/members/*.yaml", "../../../examples/group/roles/*.yaml", "../../../examples/group/policy.yaml"} {
		m, _ := filepath.Glob(g)
		for _, p := range m {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{
		"a: b\nc:\n  - {d: e, f: [g, 'h', \"i\"]}\n  - j: |\n      k\n\n      l\n    m: 12\n",
		"a:\n- b\n- c: d\n  e: f\nn: null\nt: true\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsParse(t, "fuzz.yaml", data)
	})
}

// TestFastValueGenerated compares the fast path with Parse on thousands of
// generated documents in the fast path's layout, built from the scalars
// most likely to be read differently: YAML's special words, numbers in every
// notation, dates, indicators, quotes and comments.
func TestFastValueGenerated(t *testing.T) {
	g := &docGen{r: rand.New(rand.NewSource(7))}
	taken := 0
	const docs = 20000
	for i := 0; i < docs; i++ {
		var b strings.Builder
		g.mapping(&b, 0, 0)
		if sameAsParse(t, fmt.Sprintf("generated %d", i), []byte(b.String())) {
			taken++
		}
	}
	if taken < docs/10 {
		t.Fatalf("the fast path took only %d of %d generated documents", taken, docs)
	}
	t.Logf("fast path: %d of %d generated documents", taken, docs)
}

type docGen struct{ r *rand.Rand }

var (
	genKeys    = []string{"a", "b", "c", "key_1", "x-y", "a.b", "_u", "true", "null", "no", "on", "Title"}
	genScalars = []string{"x", "hello world", "true", "True", "TRUE", "false", "no", "yes", "on", "off", "null", "Null", "NULL", "y", "n",
		"~", "0", "7", "007", "12", "123456789012345678", "1234567890123456789", "-1", "+1", "1.5", ".5", "1e3", "0x1F", "0o17", "0b101", "1_000",
		".inf", ".nan", "2025-01-02", "2025-13-45", "2025-01-02T03:04:05Z", "2025-1-2", "12:30", "1.2.3", "a b  c", "a: b", "a #b", "a#b", "a:", "TLP:CLEAR",
		"http://x.example/y?z=1#f", "'q'", "'it''s'", "''", `"d"`, `""`, `"a\"b"`, `"a # b"`, `"x: y"`, "[x, y]", "[]", "{}", "{k: v}", "{k: [1, 'two', {c: d}]}",
		"[a, [b, c], {d: e}]", "[a,b]", "[a, ]", "{k: v, k: w}", "|", "-x", "- x", "? x", "&a x", "*a", "!t x", "<<", "@x", "%x", "`x", ">", "|-",
		"a ", "x # comment", "'q' # c", "[x] # c", "'q'#c"}
)

func (g *docGen) pick(list []string) string { return list[g.r.Intn(len(list))] }

func (g *docGen) comment(b *strings.Builder, indent int) {
	if g.r.Intn(8) == 0 {
		fmt.Fprintf(b, "%s# note %d\n", strings.Repeat(" ", indent+g.r.Intn(3)), g.r.Intn(9))
	}
	if g.r.Intn(10) == 0 {
		b.WriteString("\n")
	}
}

func (g *docGen) mapping(b *strings.Builder, indent, depth int) {
	for i, n := 0, 1+g.r.Intn(4); i < n; i++ {
		g.comment(b, indent)
		if i > 0 || depth == 0 {
			b.WriteString(strings.Repeat(" ", indent))
		}
		b.WriteString(g.pick(genKeys) + ":")
		g.value(b, indent, depth)
	}
}

// value writes what follows "key:" or "- " and the newline that ends it.
func (g *docGen) value(b *strings.Builder, indent, depth int) {
	switch k := g.r.Intn(10); {
	case k < 5 || depth > 3:
		fmt.Fprintf(b, " %s\n", g.pick(genScalars))
	case k == 5:
		b.WriteString("\n")
		g.mapping(b, indent+2, depth+1)
	case k == 6 || k == 7:
		b.WriteString("\n")
		in := indent + 2*g.r.Intn(2) // compact or indented
		for i, n := 0, 1+g.r.Intn(3); i < n; i++ {
			g.comment(b, in)
			b.WriteString(strings.Repeat(" ", in) + "-")
			if g.r.Intn(3) == 0 {
				b.WriteString(" ")
				g.mapping(b, in+2, depth+1)
				continue
			}
			g.value(b, in, depth+1)
		}
	case k == 8:
		fmt.Fprintf(b, " %s\n", []string{"|", "|-", "|+", ">"}[g.r.Intn(4)])
		in := indent + 2 + g.r.Intn(2)
		for i, n := 0, 1+g.r.Intn(4); i < n; i++ {
			switch g.r.Intn(6) {
			case 0:
				b.WriteString("\n")
			case 1:
				fmt.Fprintf(b, "%s  more indented\n", strings.Repeat(" ", in))
			case 2:
				fmt.Fprintf(b, "%s# not a comment\n", strings.Repeat(" ", in))
			default:
				fmt.Fprintf(b, "%s%s\n", strings.Repeat(" ", in), g.pick(genScalars))
			}
		}
	default:
		b.WriteString("\n") // null
	}
}
