package author

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// Indent is the canonical indentation: two spaces, sequences indented under their key.
const Indent = 2

// ErrFormat means a file could not be formatted safely; it is left as it is.
var ErrFormat = errors.New("cannot format")

// Format returns data in the canonical layout: yaml.v3's node round trip with
// two-space indentation. Key order, comments, quoting styles, flow and block
// styles and long lines are kept; trailing spaces go, and runs of blank lines
// between entries become one. Block scalars (armored signatures under `|`) keep
// their exact value. Format refuses, with an error wrapping ErrFormat, what the
// repository's reader refuses (see yamldoc.Parse) and any result whose parsed
// value or comments differ from the input's, so it can never change what a file
// says. Formatting twice gives the same bytes as formatting once.
func Format(name string, data []byte) ([]byte, error) {
	if _, err := yamldoc.Parse(name, data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err) // a *yamldoc.SyntaxError
	}
	// yaml.v3 settles some odd comment placements only on a second round trip;
	// go on until the text is stable, so that formatting is idempotent.
	cur := data
	for range maxPasses {
		next, err := formatOnce(cur)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(next, cur) {
			if err := same(data, next); err != nil {
				return nil, err
			}
			return next, nil
		}
		cur = next
	}
	return nil, fmt.Errorf("%w: the layout does not settle; format this file by hand", ErrFormat)
}

// maxPasses bounds the round trips Format makes before it gives up.
const maxPasses = 4

func formatOnce(data []byte) ([]byte, error) {
	var in yaml.Node
	if err := yaml.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	out, err := encode(&in)
	if err != nil {
		return nil, err
	}
	return keepBlankLines(data, &in, out)
}

func encode(n *yaml.Node) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: YAML encoder failed: %v", ErrFormat, r)
		}
	}()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(Indent)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return b.Bytes(), nil
}

// keepBlankLines puts one blank line before every entry (mapping key or
// sequence item, with its head comment) that had one or more blank lines
// before it in the input; yaml.v3 drops them. It walks the input tree and the
// tree of the encoded output in parallel: both have the same shape.
func keepBlankLines(src []byte, in *yaml.Node, enc []byte) ([]byte, error) {
	srcLines := strings.Split(string(src), "\n")
	blankAbove := func(line int) bool {
		return line >= 2 && line-2 < len(srcLines) && strings.TrimSpace(srcLines[line-2]) == ""
	}
	var outTree yaml.Node
	if err := yaml.Unmarshal(enc, &outTree); err != nil {
		return nil, fmt.Errorf("%w: output does not parse: %v", ErrFormat, err)
	}
	insert := map[int]bool{} // output line numbers to put a blank line before
	var walk func(a, b *yaml.Node, entry bool) error
	walk = func(a, b *yaml.Node, entry bool) error {
		if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return fmt.Errorf("%w: output has another shape than the input", ErrFormat)
		}
		if entry && blankAbove(start(a)) && start(b) > 1 {
			insert[start(b)] = true
		}
		for i := range a.Content {
			isEntry := (a.Kind == yaml.MappingNode && i%2 == 0) || a.Kind == yaml.SequenceNode
			if err := walk(a.Content[i], b.Content[i], isEntry); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(in, &outTree, false); err != nil {
		return nil, err
	}
	if len(insert) == 0 {
		return enc, nil
	}
	lines := strings.SplitAfter(string(enc), "\n")
	var b strings.Builder
	for i, l := range lines {
		if insert[i+1] && i > 0 && strings.TrimSpace(lines[i-1]) != "" {
			b.WriteString("\n")
		}
		b.WriteString(l)
	}
	return []byte(b.String()), nil
}

// start is the first line of an entry: its head comment's first line, or its own.
func start(n *yaml.Node) int {
	if n.HeadComment == "" {
		return n.Line
	}
	return n.Line - strings.Count(n.HeadComment, "\n") - 1
}

// same checks that out says what in says: the same value and every comment line.
func same(in, out []byte) error {
	a, err := yamldoc.Parse("in", in)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFormat, err)
	}
	b, err := yamldoc.Parse("out", out)
	if err != nil {
		return fmt.Errorf("%w: the formatted text does not parse: %v", ErrFormat, err)
	}
	if !reflect.DeepEqual(a.Value(), b.Value()) {
		return fmt.Errorf("%w: formatting would change the parsed value; format this file by hand", ErrFormat)
	}
	have := map[string]int{}
	for _, c := range Comments(out) {
		have[c]++
	}
	for _, c := range Comments(in) {
		if have[c] == 0 {
			// The comment is not quoted: a record's comments may be private.
			return fmt.Errorf("%w: formatting would lose a comment; move it next to a key and try again", ErrFormat)
		}
		have[c]--
	}
	return nil
}

// Comments returns the text of every comment in data, from the '#' on, in
// order: every line that is only a comment (found line by line, so a comment
// the YAML parser would drop still counts), then the comments after a value on
// the same line. Lines inside block scalars are content, not comments.
func Comments(data []byte) []string {
	var n yaml.Node
	if yaml.Unmarshal(data, &n) != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	inScalar := blockScalarLines(&n, lines)
	var out, trailing []string
	for i, l := range lines {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") && !inScalar[i+1] {
			out = append(out, t)
		}
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if c := strings.TrimSpace(n.LineComment); c != "" && !strings.HasPrefix(strings.TrimSpace(lineAt(lines, n.Line)), "#") {
			trailing = append(trailing, c)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&n)
	return append(out, trailing...)
}

func lineAt(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// blockScalarLines returns the line numbers that hold the content of literal
// (|) and folded (>) scalars: the lines after the indicator that are blank or
// indented deeper than the entry the scalar belongs to.
func blockScalarLines(root *yaml.Node, lines []string) map[int]bool {
	out := map[int]bool{}
	var walk func(n *yaml.Node, entryCol int)
	walk = func(n *yaml.Node, entryCol int) {
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			for i := n.Line + 1; i <= len(lines); i++ {
				l := lines[i-1]
				indent := len(l) - len(strings.TrimLeft(l, " "))
				if strings.TrimSpace(l) != "" && indent < entryCol {
					break
				}
				out[i] = true
			}
			return
		}
		for i, c := range n.Content {
			switch n.Kind {
			case yaml.MappingNode:
				if i%2 == 1 {
					walk(c, n.Content[i-1].Column) // deeper than the key's column (1-based)
				}
			case yaml.SequenceNode:
				walk(c, c.Column-2) // deeper than the dash (the item starts two columns after it)
			default:
				walk(c, entryCol)
			}
		}
	}
	walk(root, 0)
	return out
}
