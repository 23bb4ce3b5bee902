package yamldoc

import (
	"encoding/json"
	"strings"
)

// FastValue returns what Parse followed by Value returns, for the plain
// layout that records are written in, at a tenth of yaml.v3's cost: block
// mappings and sequences, one-line flow collections, one-line quoted and
// plain scalars, literal block scalars (| and |-) and comments, in printable
// ASCII.
//
// It is a fast path, not a second YAML parser: on anything outside that
// layout, or anything it is not sure how yaml.v3 would read (numbers other
// than small integers, multi-line plain scalars, escapes, anchors, tags,
// duplicate keys, a file without a final newline ...), it returns ok false and
// the caller parses the file with Parse, which also produces every error
// message. A fuzz test checks that whenever ok is true, Parse accepts the
// file and Value returns the same value.
func FastValue(data []byte) (value any, ok bool) {
	if len(data) == 0 || len(data) > MaxFileSize || data[len(data)-1] != '\n' {
		return nil, false
	}
	for _, b := range data {
		if b >= 0x7f || (b < 0x20 && b != '\n') {
			return nil, false // tabs, CR, control and non-ASCII bytes: yaml.v3 decides
		}
	}
	p := &fastParser{src: data}
	p.splitLines()
	if p.skipEmpty() >= len(p.lines) || p.lines[p.i].indent != 0 {
		return nil, false
	}
	m, ok := p.mapping(0, 1)
	if !ok || p.skipEmpty() < len(p.lines) {
		return nil, false
	}
	return m, true
}

// line is one line of the input, without its newline.
type line struct {
	text   string
	indent int // leading spaces; content starts at text[indent:]
}

type fastParser struct {
	src   []byte
	lines []line
	i     int // the next line to read
	nodes int
}

func (p *fastParser) splitLines() {
	text := string(p.src)
	p.lines = make([]line, 0, strings.Count(text, "\n"))
	for len(text) > 0 {
		n := strings.IndexByte(text, '\n')
		l := text[:n]
		text = text[n+1:]
		indent := 0
		for indent < len(l) && l[indent] == ' ' {
			indent++
		}
		p.lines = append(p.lines, line{text: l, indent: indent})
	}
}

// empty reports a line that holds no node: blank, or only a comment.
func (l line) empty() bool { return l.indent == len(l.text) || l.text[l.indent] == '#' }

// skipEmpty moves past blank and comment lines and returns the next line's index.
func (p *fastParser) skipEmpty() int {
	for p.i < len(p.lines) && p.lines[p.i].empty() {
		p.i++
	}
	return p.i
}

// count bounds the work as Parse does, and refuses what Parse would refuse.
func (p *fastParser) count(depth int) bool {
	p.nodes++
	return p.nodes < MaxNodes && depth < MaxDepth
}

// mapping reads a block mapping whose keys stand at column indent.
func (p *fastParser) mapping(indent, depth int) (map[string]any, bool) {
	m := map[string]any{}
	if !p.count(depth) {
		return nil, false
	}
	for p.skipEmpty() < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, false
		}
		rest := l.text[indent:]
		if rest[0] == '-' {
			break // a sequence at the same indentation as its key: the caller's
		}
		key, after, ok := blockKey(rest)
		if !ok {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false
		}
		if !p.count(depth + 1) {
			return nil, false
		}
		p.i++
		v, ok := p.value(after, indent, depth+1)
		if !ok {
			return nil, false
		}
		m[key] = v
	}
	return m, true
}

// blockKey splits "key: rest" or "key:" into its key and what follows the
// colon. Keys are restricted to the characters record keys use.
func blockKey(s string) (key, rest string, ok bool) {
	i := 0
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	if i == 0 || i == len(s) || s[i] != ':' || !isWordStart(s[0]) {
		return "", "", false
	}
	if i+1 < len(s) && s[i+1] != ' ' {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// isWordStart: a key starting with anything else may resolve to something
// other than its text, or be YAML syntax.
func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// value reads the value after a block mapping key or sequence dash: text is
// the rest of the line the key or dash is on; parent is the column of that
// key or dash, which any continuation of the value must be indented past.
func (p *fastParser) value(text string, parent, depth int) (any, bool) {
	text = strings.TrimLeft(text, " ")
	if text == "" || text[0] == '#' {
		// The value is on the following lines, or is null.
		if p.skipEmpty() >= len(p.lines) {
			return nil, true
		}
		l := p.lines[p.i]
		switch {
		case l.indent >= parent && isDash(l.text[l.indent:]): // a dash may stand under its key
			return p.sequence(l.indent, depth)
		case l.indent > parent:
			return p.mapping(l.indent, depth)
		}
		return nil, p.count(depth)
	}
	if !p.count(depth) {
		return nil, false
	}
	switch text[0] {
	case '|':
		return p.literal(text, parent)
	case '[', '{':
		v, rest, ok := p.flow(text, depth)
		if !ok || !endOfLine(rest) {
			return nil, false
		}
		return v, p.noContinuation(parent)
	case '"', '\'':
		v, rest, ok := quoted(text)
		if !ok || !endOfLine(rest) {
			return nil, false
		}
		return v, p.noContinuation(parent)
	}
	v, ok := plain(text, false)
	if !ok {
		return nil, false
	}
	return v, p.noContinuation(parent)
}

func isDash(s string) bool { return s == "-" || strings.HasPrefix(s, "- ") }

// endOfLine accepts what may follow a complete value on its line: nothing,
// or spaces and a comment.
func endOfLine(s string) bool {
	if s == "" {
		return true
	}
	t := strings.TrimLeft(s, " ")
	return s[0] == ' ' && (t == "" || t[0] == '#')
}

// noContinuation refuses a value whose next line is indented past parent:
// yaml.v3 would fold that line into a plain scalar or report an error.
func (p *fastParser) noContinuation(parent int) bool {
	j := p.i
	for j < len(p.lines) && p.lines[j].empty() {
		j++
	}
	return j >= len(p.lines) || p.lines[j].indent <= parent
}

// sequence reads a block sequence whose dashes stand at column indent.
func (p *fastParser) sequence(indent, depth int) ([]any, bool) {
	s := []any{}
	for p.skipEmpty() < len(p.lines) {
		l := p.lines[p.i]
		if l.indent != indent || !isDash(l.text[indent:]) {
			if l.indent > indent {
				return nil, false
			}
			break
		}
		item := l.text[indent+1:]
		trimmed := strings.TrimLeft(item, " ")
		col := indent + 1 + len(item) - len(trimmed)
		if _, _, isMap := blockKey(trimmed); isMap {
			// "- key: value": a mapping whose keys stand at col. Read this
			// line again as if it were indented to col.
			p.lines[p.i].indent = col
			v, ok := p.mapping(col, depth+1)
			if !ok {
				return nil, false
			}
			s = append(s, v)
			continue
		}
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == '-' {
			return nil, false // nested or empty items: leave them to yaml.v3
		}
		p.i++
		v, ok := p.value(trimmed, indent, depth+1)
		if !ok {
			return nil, false
		}
		s = append(s, v)
	}
	return s, p.count(depth)
}

// literal reads a literal block scalar ("|" keeps one final newline, "|-"
// none) whose lines are indented past parent.
func (p *fastParser) literal(header string, parent int) (any, bool) {
	keep := "\n"
	switch strings.TrimRight(header, " ") {
	case "|":
	case "|-":
		keep = ""
	default:
		return nil, false // indentation indicators, "|+", folding, comments
	}
	start := p.i
	if start >= len(p.lines) || p.lines[start].empty() || p.lines[start].indent <= parent {
		return nil, false // leading blank lines, or no content: yaml.v3 decides
	}
	indent := p.lines[start].indent
	var parts []string
	blank := 0 // blank lines since the last content line
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		if l.text == "" {
			blank++
			continue
		}
		if l.indent == len(l.text) {
			return nil, false // a line of spaces only: yaml.v3 decides
		}
		if l.indent < indent {
			break
		}
		for ; blank > 0; blank-- {
			parts = append(parts, "")
		}
		parts = append(parts, l.text[indent:])
	}
	return strings.Join(parts, "\n") + keep, true
}

// quoted reads a one-line single- or double-quoted scalar at the start of s
// and returns it with what follows the closing quote. Double-quoted scalars
// with escapes are left to yaml.v3.
func quoted(s string) (string, string, bool) {
	q := s[0]
	if q == '"' {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 || strings.IndexByte(s[1:1+end], '\\') >= 0 {
			return "", "", false
		}
		return s[1 : 1+end], s[2+end:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

// flow reads a one-line flow sequence or mapping at the start of s and
// returns it with the rest of the line.
func (p *fastParser) flow(s string, depth int) (any, string, bool) {
	if !p.count(depth) {
		return nil, "", false
	}
	closer := byte(']')
	if s[0] == '{' {
		closer = '}'
	}
	s = strings.TrimLeft(s[1:], " ")
	var seq []any
	var m map[string]any
	if closer == ']' {
		seq = []any{}
	} else {
		m = map[string]any{}
	}
	if s != "" && s[0] == closer {
		if closer == ']' {
			return seq, s[1:], true
		}
		return m, s[1:], true
	}
	for {
		var key string
		if closer == '}' {
			var ok bool
			if key, s, ok = flowKey(s); !ok {
				return nil, "", false
			}
			if _, dup := m[key]; dup {
				return nil, "", false
			}
			if !p.count(depth + 1) {
				return nil, "", false
			}
		}
		v, rest, ok := p.flowValue(s, depth+1)
		if !ok {
			return nil, "", false
		}
		if closer == ']' {
			seq = append(seq, v)
		} else {
			m[key] = v
		}
		s = strings.TrimLeft(rest, " ")
		if s == "" {
			return nil, "", false // continues on the next line: yaml.v3 decides
		}
		switch s[0] {
		case ',':
			s = strings.TrimLeft(s[1:], " ")
			if s == "" || s[0] == closer || s[0] == ',' {
				return nil, "", false // a trailing or doubled comma
			}
			continue
		case closer:
			if closer == ']' {
				return seq, s[1:], true
			}
			return m, s[1:], true
		}
		return nil, "", false
	}
}

// flowKey reads "key: " inside a flow mapping.
func flowKey(s string) (string, string, bool) {
	i := 0
	for i < len(s) && isKeyChar(s[i]) {
		i++
	}
	if i == 0 || !isWordStart(s[0]) || i+1 >= len(s) || s[i] != ':' || s[i+1] != ' ' {
		return "", "", false
	}
	return s[:i], strings.TrimLeft(s[i+1:], " "), true
}

func (p *fastParser) flowValue(s string, depth int) (any, string, bool) {
	if s == "" {
		return nil, "", false
	}
	switch s[0] {
	case '[', '{':
		return p.flow(s, depth)
	case '"', '\'':
		if !p.count(depth) {
			return nil, "", false
		}
		v, rest, ok := quoted(s)
		return v, rest, ok
	}
	if !p.count(depth) {
		return nil, "", false
	}
	end := 0
	for end < len(s) {
		c := s[end]
		if c == ',' || c == ']' || c == '}' {
			break
		}
		if c == '[' || c == '{' || c == '#' && end > 0 && s[end-1] == ' ' {
			return nil, "", false
		}
		if c == ':' && (end+1 == len(s) || strings.IndexByte(" ,]}", s[end+1]) >= 0) {
			return nil, "", false // a nested "key: value" or an empty value
		}
		end++
	}
	v, ok := plain(strings.TrimRight(s[:end], " "), true)
	return v, s[end:], ok
}

// plain reads a one-line plain scalar (the whole of s in flow context, up to
// a comment in block context) and resolves it as yaml.v3 would: the few
// words that mean true, false and null, small decimal integers, and text.
// Anything that might be another number, or YAML syntax, is refused.
func plain(s string, inFlow bool) (any, bool) {
	if !inFlow {
		if i := strings.Index(s, " #"); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimRight(s, " ")
		if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
			return nil, false
		}
	}
	if s == "" || strings.IndexByte("-?:,[]{}#&*!|>'\"%@`+.<=~", s[0]) >= 0 {
		return nil, false
	}
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	case "null", "Null", "NULL":
		return nil, true
	}
	if s[0] >= '0' && s[0] <= '9' {
		if strings.Trim(s, "0123456789abcdefABCDEFxXoO_+-.") == "" {
			// Might be an integer or a float in some notation: only a plain
			// decimal integer is sure, and a date (a timestamp or, when not
			// a valid date, text: a string either way).
			if isDate(s) {
				return s, true
			}
			if strings.Trim(s, "0123456789") != "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
				return nil, false
			}
			return json.Number(s), true
		}
	}
	return s, true
}

// isDate matches dddd-dd-dd.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	return strings.Trim(s[:4]+s[5:7]+s[8:], "0123456789") == ""
}
