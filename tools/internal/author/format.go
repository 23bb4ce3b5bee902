package author

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
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
// between entries become one. Block scalars (armored signatures under `|`,
// folded text under `>`) are not written again by the encoder but copied from
// the input, re-indented only, so their header and every content byte stay
// as they were (the encoder would turn a block with trailing spaces or an
// emoji into a quoted string, and re-fold a `>` block on every pass). Plain
// values on one line are copied too: the encoder quotes some that the parser
// reads plain (an emoji; a timestamp in a flow mapping, {at: 2026-01-01T00:00:00Z},
// which turns it into a string). A file with CRLF line ends keeps them.
// A file mixing CRLF and LF gets LF.
//
// Format refuses, with an error wrapping ErrFormat, what the repository's
// reader refuses (see yamldoc.Parse) and any result whose parsed value, the
// resolved tag or style of any node, or comments differ from the input's, so
// it can never change what a file says. Formatting twice gives the same bytes
// as formatting once.
func Format(name string, data []byte) ([]byte, error) {
	if _, err := yamldoc.Parse(name, data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err) // a *yamldoc.SyntaxError
	}
	// Lay out with LF line ends; a file that ends every line with CRLF gets
	// them back (one that mixes both gets LF).
	crlf := bytes.Contains(data, []byte("\r\n")) && bytes.Count(data, []byte("\r\n")) == bytes.Count(data, []byte("\n"))
	lf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	// yaml.v3 settles some odd comment placements only on a second round trip;
	// go on until the text is stable, so that formatting is idempotent.
	cur := lf
	for range maxPasses {
		next, err := formatOnce(cur)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(next, cur) {
			if crlf {
				next = bytes.ReplaceAll(next, []byte("\n"), []byte("\r\n"))
			}
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
	srcLines := strings.Split(string(data), "\n")
	held := hold(&in, srcLines)
	out, err := encode(&in)
	for _, h := range held {
		h.node.Value, h.node.Style, h.node.Tag = h.value, h.style, h.tag
	}
	if err != nil {
		return nil, err
	}
	if out, err = splice(out, held); err != nil {
		return nil, err
	}
	return keepBlankLines(data, &in, out)
}

// held is a scalar the encoder is not trusted with: it gets a placeholder
// token, and splice puts the input's own text back in its place.
type held struct {
	node              *yaml.Node
	value, tag, token string
	style             yaml.Style
	// A block scalar: its header (indicator and comment) and content lines
	// as in the input, and the column of the key or dash it belongs to.
	block     bool
	header    string
	content   []string
	parentCol int
	indent    int  // of the content: its first line that is not blank
	explicit  bool // the header gives the indentation (|2)
	// A plain scalar on one line: its text.
	text string
}

// hold swaps every block scalar and every plain scalar written on one line
// that is a value (of a mapping, a sequence or a flow collection) for a
// unique plain token.
func hold(root *yaml.Node, lines []string) []*held {
	var nonce [6]byte
	rand.Read(nonce[:])
	prefix := "embargofmt" + hex.EncodeToString(nonce[:]) + "x"
	var out []*held
	add := func(n *yaml.Node, h *held) {
		h.node, h.value, h.tag, h.style = n, n.Value, n.Tag, n.Style
		h.token = prefix + strconv.Itoa(len(out))
		n.Value, n.Tag, n.Style = h.token, "!!str", 0
		out = append(out, h)
	}
	var walk func(n *yaml.Node, parentCol int, flow bool)
	walk = func(n *yaml.Node, parentCol int, flow bool) {
		if n.Kind == yaml.ScalarNode {
			switch {
			case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && parentCol > 0:
				if h := blockHeld(n, lines, parentCol); h != nil {
					add(n, h)
				}
			case n.Style&^yaml.FlowStyle == 0 && n.Value != "" && strings.HasPrefix(lineText(lines, n.Line, n.Column), n.Value) && (flow || parentCol > 0):
				// A plain value on one line (its text is its value).
				add(n, &held{text: n.Value})
			}
			return
		}
		inFlow := flow || n.Style&yaml.FlowStyle != 0
		values(n, lines, func(c *yaml.Node, col int) { walk(c, col, inFlow) })
	}
	walk(root, 0, false)
	return out
}

// values calls fn for every child of n that is a value (not a key), with the
// column of the key or dash it hangs from (0 for a document's content).
func values(n *yaml.Node, lines []string, fn func(c *yaml.Node, parentCol int)) {
	for i, c := range n.Content {
		switch n.Kind {
		case yaml.MappingNode:
			if i%2 == 1 {
				fn(c, n.Content[i-1].Column)
			}
		case yaml.SequenceNode:
			fn(c, dashColumn(lines, c))
		default:
			fn(c, 0)
		}
	}
}

// lineText returns line (1-based) of lines from column col (1-based) on.
func lineText(lines []string, line, col int) string {
	if line < 1 || line > len(lines) {
		return ""
	}
	i := byteIndex(lines[line-1], col)
	if i < 0 {
		return ""
	}
	return lines[line-1][i:]
}

// byteIndex turns yaml.v3's column (1-based, in characters) into a byte
// offset in l, or -1 when l is shorter.
func byteIndex(l string, col int) int {
	n := 1
	for i := range l {
		if n == col {
			return i
		}
		n++
	}
	if n == col {
		return len(l)
	}
	return -1
}

// dashColumn is the column of the `-` before a block sequence item, or 0.
func dashColumn(lines []string, item *yaml.Node) int {
	if item.Line < 1 || item.Line > len(lines) {
		return 0
	}
	l := lines[item.Line-1]
	for i := min(item.Column-2, len(l)-1); i >= 0; i-- {
		switch l[i] {
		case '-':
			return i + 1
		case ' ':
		default:
			return 0
		}
	}
	return 0
}

// blockHeld reads a block scalar's header and content lines from the input:
// the lines after the header that are blank or indented deeper than the key
// or dash at parentCol. Trailing blank lines are content only under keep
// chomping (`|+`); otherwise they are the gap before the next entry.
func blockHeld(n *yaml.Node, lines []string, parentCol int) *held {
	header := strings.TrimRight(lineText(lines, n.Line, n.Column), " \t")
	if header == "" || (header[0] != '|' && header[0] != '>') {
		return nil
	}
	end := len(lines)
	if end > 0 && lines[end-1] == "" {
		end-- // the text ends with a line break, not with an empty line
	}
	var content []string
	for i := n.Line + 1; i <= end; i++ {
		l := lines[i-1]
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) < parentCol {
			break
		}
		content = append(content, l)
	}
	indicator, _, _ := strings.Cut(header, " ")
	h := &held{block: true, header: header, parentCol: parentCol}
	if i := strings.IndexAny(indicator, "123456789"); i >= 0 {
		// The content is that much deeper than the entry's indentation.
		h.explicit, h.indent = true, parentCol-1+int(indicator[i]-'0')
	} else {
		for _, l := range content {
			if strings.TrimSpace(l) != "" {
				h.indent = len(l) - len(strings.TrimLeft(l, " "))
				break
			}
		}
	}
	for i, l := range content {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) < h.indent {
			content = content[:i] // a comment less indented than the content ends it
			break
		}
	}
	if !strings.Contains(indicator, "+") {
		// Empty lines at the end are not content (a line of spaces deeper
		// than the content is); they are the gap before the next entry.
		for len(content) > 0 {
			l := content[len(content)-1]
			if strings.TrimSpace(l) != "" || len(l) > h.indent {
				break
			}
			content = content[:len(content)-1]
		}
	}
	h.content = content
	return h
}

// splice puts the held scalars' input text in place of their tokens in the
// encoded output, re-indenting block content only.
func splice(enc []byte, hs []*held) ([]byte, error) {
	if len(hs) == 0 {
		return enc, nil
	}
	var outTree yaml.Node
	if err := yaml.Unmarshal(enc, &outTree); err != nil {
		return nil, fmt.Errorf("%w: output does not parse: %v", ErrFormat, err)
	}
	lines := strings.Split(string(enc), "\n")
	type place struct {
		h               *held
		line, col, pcol int
	}
	byToken := map[string]*held{}
	for _, h := range hs {
		byToken[h.token] = h
	}
	var places []place
	var walk func(n *yaml.Node, parentCol int)
	walk = func(n *yaml.Node, parentCol int) {
		if n.Kind == yaml.ScalarNode {
			if h := byToken[n.Value]; h != nil {
				places = append(places, place{h, n.Line, n.Column, parentCol})
				delete(byToken, n.Value)
			}
			return
		}
		values(n, lines, walk)
	}
	walk(&outTree, 0)
	if len(byToken) > 0 {
		return nil, fmt.Errorf("%w: a block or flow value was lost on the way", ErrFormat)
	}
	// From the end, so that earlier line and column numbers stay right.
	slices.SortFunc(places, func(a, b place) int { return cmp.Or(b.line-a.line, b.col-a.col) })
	for _, p := range places {
		l := lines[p.line-1]
		start := byteIndex(l, p.col)
		if start < 0 || !strings.HasPrefix(l[start:], p.h.token) {
			return nil, fmt.Errorf("%w: a placeholder moved on the way", ErrFormat)
		}
		if !p.h.block {
			lines[p.line-1] = l[:start] + p.h.text + l[start+len(p.h.token):]
			continue
		}
		// Content goes Indent deeper than its key or dash, as the encoder
		// would put it; with an explicit indentation in the header, it moves
		// as far as its key or dash did.
		delta := p.pcol - 1 + Indent - p.h.indent
		if p.h.explicit {
			delta = p.pcol - p.h.parentCol
		}
		block := []string{l[:start] + p.h.header}
		for _, c := range p.h.content {
			block = append(block, shift(c, delta))
		}
		rest := lines[p.line:]
		if indicator, _, _ := strings.Cut(p.h.header, " "); strings.Contains(indicator, "+") {
			// Under keep chomping an empty line after the block is part of
			// its value: the block brings its own, the encoder's go.
			for len(rest) > 1 && rest[0] == "" {
				rest = rest[1:]
			}
		}
		lines = slices.Concat(lines[:p.line-1], block, rest)
	}
	return []byte(strings.Join(lines, "\n")), nil
}

// shift indents a block scalar's content line by delta columns (fewer when
// delta is negative); an empty line stays empty.
func shift(l string, delta int) string {
	switch {
	case l == "":
		return l
	case delta >= 0:
		return strings.Repeat(" ", delta) + l
	}
	spaces := len(l) - len(strings.TrimLeft(l, " "))
	return l[min(-delta, spaces):]
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
	// keeps reports whether n ends in a block scalar with keep chomping (|+),
	// whose value would take a blank line after it as its own.
	keeps := func(n *yaml.Node) bool {
		for n.Kind != yaml.ScalarNode && len(n.Content) > 0 {
			n = n.Content[len(n.Content)-1]
		}
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			return false
		}
		indicator, _, _ := strings.Cut(lineText(srcLines, n.Line, n.Column), " ")
		return strings.Contains(indicator, "+")
	}
	var walk func(a, b *yaml.Node, entry bool, prev *yaml.Node) error
	walk = func(a, b *yaml.Node, entry bool, prev *yaml.Node) error {
		if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
			return fmt.Errorf("%w: output has another shape than the input", ErrFormat)
		}
		if entry && blankAbove(start(a)) && start(b) > 1 && (prev == nil || !keeps(prev)) {
			insert[start(b)] = true
		}
		for i := range a.Content {
			// Entries of a flow collection share its line: no blank goes there.
			isEntry := ((a.Kind == yaml.MappingNode && i%2 == 0) || a.Kind == yaml.SequenceNode) && a.Style&yaml.FlowStyle == 0
			// What stands just before this child: the one before it, or for
			// the first, what stood before its parent.
			before := prev
			if i > 0 {
				before = a.Content[i-1]
			}
			if err := walk(a.Content[i], b.Content[i], isEntry, before); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(in, &outTree, false, nil); err != nil {
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
	if err := sameNodes(a.Root, b.Root); err != nil {
		return err
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

// sameNodes checks that two trees of equal value also agree on what another
// YAML reader sees: the resolved tag of every scalar (a timestamp must not
// become a string) and the style of every node (a literal block stays a
// literal block, a flow mapping a flow mapping, a quoted string quoted).
func sameNodes(a, b *yaml.Node) error {
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%w: formatting would change the structure at line %d; format this file by hand", ErrFormat, a.Line)
	}
	const scalarStyles = yaml.LiteralStyle | yaml.FoldedStyle | yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.TaggedStyle
	switch {
	case a.Kind == yaml.ScalarNode && a.ShortTag() != b.ShortTag():
		return fmt.Errorf("%w: formatting would change the type of the value at line %d from %s to %s; format this file by hand", ErrFormat, a.Line, a.ShortTag(), b.ShortTag())
	case a.Kind == yaml.ScalarNode && a.Style&scalarStyles != b.Style&scalarStyles,
		a.Kind != yaml.ScalarNode && a.Style&yaml.FlowStyle != b.Style&yaml.FlowStyle:
		return fmt.Errorf("%w: formatting would change the style of the value at line %d; format this file by hand", ErrFormat, a.Line)
	}
	for i := range a.Content {
		if err := sameNodes(a.Content[i], b.Content[i]); err != nil {
			return err
		}
	}
	return nil
}

// Comments returns the text of every comment in data, from the '#' on, in
// order: every line that is only a comment, then the comments after a value
// on the same line. Comments are found in the text, not in the parser's
// tree, so a comment the parser drops ({ # like this) still counts: a '#' at
// the start of a line or after a space or tab is a comment, unless it is in
// the content of a block scalar or inside a quoted scalar.
func Comments(data []byte) []string {
	var n yaml.Node
	if yaml.Unmarshal(data, &n) != nil {
		return nil
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	inScalar := blockScalarLines(&n, lines)
	quoted := quotedSpans(&n, lines)
	var out, trailing []string
	for i, l := range lines {
		if inScalar[i+1] {
			continue
		}
		for j := 0; j < len(l); j++ {
			if l[j] != '#' || (j > 0 && l[j-1] != ' ' && l[j-1] != '\t') || quoted[[2]int{i, j}] {
				continue
			}
			if c := strings.TrimSpace(l[j:]); strings.TrimSpace(l[:j]) == "" {
				out = append(out, c)
			} else {
				trailing = append(trailing, c)
			}
			break
		}
	}
	return append(out, trailing...)
}

// quotedSpans marks every byte (line index, byte offset) that lies inside a
// single- or double-quoted scalar, which may span lines.
func quotedSpans(root *yaml.Node, lines []string) map[[2]int]bool {
	out := map[[2]int]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range n.Content {
			walk(c)
		}
		if n.Kind != yaml.ScalarNode || n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0 || n.Line < 1 || n.Line > len(lines) {
			return
		}
		li, j := n.Line-1, byteIndex(lines[n.Line-1], n.Column)
		if j < 0 || j >= len(lines[li]) {
			return
		}
		q := lines[li][j]
		for j++; li < len(lines); li, j = li+1, 0 {
			l := lines[li]
			for ; j < len(l); j++ {
				switch {
				case q == '"' && l[j] == '\\':
					out[[2]int{li, j}] = true
					j++
				case l[j] == q && q == '\'' && j+1 < len(l) && l[j+1] == '\'':
					out[[2]int{li, j}] = true
					j++
				case l[j] == q:
					return
				}
				out[[2]int{li, j}] = true
			}
		}
	}
	walk(root)
	return out
}

// blockScalarLines returns the line numbers that hold the content of literal
// (|) and folded (>) scalars, as blockHeld reads them.
func blockScalarLines(root *yaml.Node, lines []string) map[int]bool {
	out := map[int]bool{}
	var walk func(n *yaml.Node, parentCol int)
	walk = func(n *yaml.Node, parentCol int) {
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			if h := blockHeld(n, lines, max(parentCol, 1)); h != nil {
				for i := range h.content {
					out[n.Line+1+i] = true
				}
			}
			return
		}
		values(n, lines, walk)
	}
	walk(root, 0)
	return out
}
