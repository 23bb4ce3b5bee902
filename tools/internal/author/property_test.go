package author

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// gen writes random records in the shapes the repository's files take, with
// what makes a formatter slip: block scalars with trailing spaces, emoji,
// more-indented and blank lines and every chomping; timestamps, dates,
// numbers and booleans in flow collections; quoted strings; comments; odd
// indentation; runs of blank lines; trailing spaces; CRLF line ends.
type gen struct {
	r *rand.Rand
	b strings.Builder
}

var (
	genKeys    = []string{"id", "title", "at", "from", "to", "by", "notes", "who", "list", "keys", "summary", "acceptance", "reason", "cves", "when"}
	genPlain   = []string{"dana-debian", "EMB-2026-0004", "2026-11-16T10:00:00Z", "2026-11-16T10:00:00+02:00", "2026-01-02", "42", "-7", "1.5", "true", "false", "~", "null", "TLP:AMBER+STRICT", "a plain sentence", "ünïcode ☃", "emoji 😀 ok", "x.y/z", "CVE-2026-91234"}
	genQuoted  = []string{`'single'`, `'it''s'`, `"double"`, `"tab\there"`, `"2026-01-01"`, `'42'`, `"😀 \u00e9"`, `"# not a comment"`, `''`, `"a: b"`}
	genContent = []string{"plain text", "trailing spaces   ", "emoji 😀 and ☃", "  more indented", "    much more indented", "# looks like a comment", "-----BEGIN PGP SIGNATURE-----", "", "tab\tinside", "ends with a colon:", "wq5BBAAWCgApBQJp", "  "}
)

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// blank writes 0 to 3 blank lines, sometimes with spaces on them.
func (g *gen) blank() {
	for range g.r.IntN(4) / 2 {
		if g.r.IntN(4) == 0 {
			g.b.WriteString("   ")
		}
		g.b.WriteString("\n")
	}
}

func (g *gen) comment(indent string) {
	if g.r.IntN(4) == 0 {
		fmt.Fprintf(&g.b, "%s# comment %d\n", indent, g.r.IntN(100))
	}
}

func (g *gen) eol() {
	switch g.r.IntN(6) {
	case 0:
		g.b.WriteString("  ")
	case 1:
		fmt.Fprintf(&g.b, " # note %d", g.r.IntN(100))
	}
	g.b.WriteString("\n")
}

func (g *gen) flow(depth int) string {
	if g.r.IntN(2) == 0 || depth > 1 {
		items := make([]string, g.r.IntN(4))
		for i := range items {
			items[i] = g.pick(genPlain[:10])
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	var kv []string
	for i, k := range g.r.Perm(len(genKeys))[:1+g.r.IntN(3)] {
		v := g.pick(genPlain[:10])
		if i == 1 && depth == 0 {
			v = g.flow(depth + 1)
		}
		kv = append(kv, genKeys[k]+": "+v)
	}
	return "{" + strings.Join(kv, ", ") + "}"
}

// block writes a block scalar under a key or dash at indentation indent.
func (g *gen) block(indent string) {
	g.b.WriteString(g.pick([]string{"|", "|-", "|+", ">", ">-", "|2"}))
	if g.r.IntN(5) == 0 {
		g.b.WriteString(" # about the block")
	}
	g.b.WriteString("\n")
	inner := indent + strings.Repeat(" ", 2+2*g.r.IntN(2))
	first := true
	for range 1 + g.r.IntN(5) {
		line := g.pick(genContent)
		if first && (strings.HasPrefix(line, " ") || strings.TrimSpace(line) == "") {
			line = "first line"
		}
		first = false
		if line == "" {
			g.b.WriteString("\n")
			continue
		}
		g.b.WriteString(inner + line + "\n")
	}
	if g.r.IntN(6) == 0 {
		g.b.WriteString(indent + " # less indented than the block: ends it\n")
	}
}

// value writes the value of a key (after "key:") at indentation indent.
func (g *gen) value(indent string, depth int) {
	switch n := g.r.IntN(9); {
	case n < 2:
		g.b.WriteString(" " + g.pick(genPlain))
		g.eol()
	case n < 3:
		g.b.WriteString(" " + g.pick(genQuoted))
		g.eol()
	case n < 5:
		g.b.WriteString(" ")
		g.block(indent)
	case n < 6:
		g.b.WriteString(" " + g.flow(0))
		g.eol()
	case n < 7 && depth < 3:
		g.b.WriteString("\n")
		g.mapping(indent+strings.Repeat(" ", 2+2*g.r.IntN(2)), depth+1)
	case depth < 3:
		g.b.WriteString("\n")
		g.sequence(indent+strings.Repeat(" ", 2*g.r.IntN(2)), depth+1)
	default:
		g.b.WriteString(" " + g.pick(genPlain))
		g.eol()
	}
}

func (g *gen) mapping(indent string, depth int) {
	for _, k := range g.r.Perm(len(genKeys))[:1+g.r.IntN(4)] {
		g.blank()
		g.comment(indent)
		g.b.WriteString(indent + genKeys[k] + ":")
		g.value(indent, depth)
	}
}

func (g *gen) sequence(indent string, depth int) {
	for range 1 + g.r.IntN(3) {
		g.blank()
		g.comment(indent)
		g.b.WriteString(indent + "-")
		switch g.r.IntN(4) {
		case 0:
			g.b.WriteString(" ")
			g.block(indent)
		case 1:
			g.b.WriteString(" " + g.pick(genPlain))
			g.eol()
		default:
			// A mapping in the item: its first key on the dash's line.
			keys := g.r.Perm(len(genKeys))[:1+g.r.IntN(3)]
			inner := indent + "  "
			for i, k := range keys {
				if i == 0 {
					g.b.WriteString(" " + genKeys[k] + ":")
				} else {
					g.comment(inner)
					g.b.WriteString(inner + genKeys[k] + ":")
				}
				g.value(inner, depth+1)
			}
		}
	}
}

func (g *gen) record() []byte {
	g.b.Reset()
	g.comment("")
	g.mapping("", 0)
	g.comment("")
	out := []byte(g.b.String())
	if g.r.IntN(5) == 0 {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	return out
}

// shape lists every node of a tree as path, kind, resolved tag and style:
// what another YAML reader sees besides the values.
func shape(n *yaml.Node, at string, out *[]string) {
	const styles = yaml.LiteralStyle | yaml.FoldedStyle | yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.FlowStyle | yaml.TaggedStyle
	*out = append(*out, fmt.Sprintf("%s kind=%d tag=%s style=%d", at, n.Kind, n.ShortTag(), n.Style&styles))
	for i, c := range n.Content {
		shape(c, fmt.Sprintf("%s/%d", at, i), out)
	}
}

// TestFormatProperties formats generated records and checks, for each, that
// Format succeeds, settles (a second pass changes nothing), and keeps the
// value, the resolved tag and style of every node, every comment line and
// the line ends.
func TestFormatProperties(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(12, 2026))}
	n := 1000
	if testing.Short() {
		n = 100
	}
	for i := range n {
		in := g.record()
		a, err := yamldoc.Parse("gen.yaml", in)
		if err != nil {
			t.Fatalf("record %d: the generator wrote invalid YAML (%v):\n%s", i, err, in)
		}
		out, err := Format("gen.yaml", in)
		if err != nil {
			t.Errorf("record %d: %v\n%s", i, err, in)
			continue
		}
		b, err := yamldoc.Parse("out.yaml", out)
		if err != nil {
			t.Errorf("record %d: the output does not parse (%v):\n%s", i, err, out)
			continue
		}
		if !reflect.DeepEqual(a.Value(), b.Value()) {
			t.Errorf("record %d: the value changed:\n%s\n---\n%s", i, in, out)
		}
		var sa, sb []string
		shape(a.Root, "", &sa)
		shape(b.Root, "", &sb)
		if strings.Join(sa, "\n") != strings.Join(sb, "\n") {
			t.Errorf("record %d: a tag or style changed:\n%s\n---\n%s", i, in, out)
		}
		if again, err := Format("out.yaml", out); err != nil || !bytes.Equal(again, out) {
			t.Errorf("record %d: does not settle (%v):\n%s\n---\n%s", i, err, out, again)
		}
		if ca, cb := sorted(Comments(in)), sorted(Comments(out)); !reflect.DeepEqual(ca, cb) {
			t.Errorf("record %d: comment lines changed:\n%s\n---\n%s", i, in, out)
		}
		crlf := bytes.Contains(in, []byte("\r\n"))
		if crlf != bytes.Contains(out, []byte("\r\n")) || (crlf && bytes.Count(out, []byte("\r\n")) != bytes.Count(out, []byte("\n"))) {
			t.Errorf("record %d: line ends changed:\n%q\n---\n%q", i, in, out)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
