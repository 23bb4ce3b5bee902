package yamldoc

import (
	"encoding/json"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Value converts the document into the JSON data model (map[string]any, []any,
// string, json.Number, bool, nil) for schema validation. Timestamps and dates
// stay the strings they were written as, so the schema and the rules see the source.
func (d *Doc) Value() any { return toValue(d.Root) }

func toValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return toValue(n.Content[0])
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = toValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, toValue(c))
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

// Pos returns the line and column of the value at the JSON pointer ptr
// ("/dates/notified", "/people/0/keys"), or of the nearest existing parent.
func (d *Doc) Pos(ptr string) (line, col int) {
	n := d.Lookup(ptr)
	return n.Line, n.Column
}

// Lookup returns the node at ptr, or the nearest existing parent.
func (d *Doc) Lookup(ptr string) *yaml.Node {
	n := d.Root
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		next := child(n, tok)
		if next == nil {
			break
		}
		n = next
	}
	return n
}

// KeyPos returns the position of the key of field ptr (better for "missing"
// or "unknown key" messages), falling back to the value's position.
func (d *Doc) KeyPos(ptr string) (line, col int) {
	i := strings.LastIndex(ptr, "/")
	if i < 0 {
		return d.Root.Line, d.Root.Column
	}
	parent := d.Lookup(ptr[:i])
	if parent.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(parent.Content); j += 2 {
			if parent.Content[j].Value == ptr[i+1:] {
				return parent.Content[j].Line, parent.Content[j].Column
			}
		}
	}
	return d.Pos(ptr)
}

func child(n *yaml.Node, tok string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == tok {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
