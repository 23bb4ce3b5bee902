package seal

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// Field is the record key that holds the sealed message.
const Field = "sealed"

// PrivateFields are the top-level keys of an issue record that a sealed
// record keeps only inside its sealed message; the reason of each extension
// moves there too (ExtensionReason). Everything else — id, list, status,
// severity, tlp, handler, response_team, dates, the rest of the extensions,
// public_posting, exploits, deployment — stays plain, for CI to judge.
var PrivateFields = []string{"title", "summary", "reporter", "cves", "affected", "informed", "leaks", "public", "notes"}

// ExtensionReason is the key of each extension that is private.
const ExtensionReason = "reason"

// order is the key order of an issue record (schema/issue.schema.json, the
// example records): Merge puts the private fields back in their places.
var order = []string{"id", "list", "status", "title", "summary", "severity", "tlp", "reporter", "handler",
	"response_team", "dates", "extensions", "public_posting", "exploits", "cves", "affected", "informed",
	"leaks", "deployment", "public", "notes", Field}

// extensionOrder is the key order inside one extension.
var extensionOrder = []string{"at", "from", "to", "reason", "reason_kind", "requested_by", "approved_by"}

// ErrPlaintext is a sealed part that is not what Split writes: not a
// mapping of the private fields, or not of this record.
var ErrPlaintext = errors.New("the sealed part is not this record's private fields")

// PlainFields names the private fields is holds in plain text, in record
// order ("extensions[1].reason" for an extension's reason). Empty values
// hide nothing and are not named.
func PlainFields(is *records.Issue) []string {
	var out []string
	add := func(name string, present bool) {
		if present {
			out = append(out, name)
		}
	}
	add("title", is.Title != "")
	add("summary", is.Summary != "")
	add("reporter", is.Reporter != records.Reporter{})
	for i, e := range is.Extensions {
		add(fmt.Sprintf("extensions[%d].reason", i), e.Reason != "")
	}
	add("cves", len(is.CVEs) > 0)
	add("affected", len(is.Affected) > 0)
	add("informed", len(is.Informed) > 0)
	add("leaks", len(is.Leaks) > 0)
	add("public", is.Public != records.Public{})
	add("notes", is.Notes != "")
	return out
}

// PlainFieldsValue is PlainFields for a record read only as YAML (a mapping
// as yamldoc gives it), which may not pass its schema: what a commit of a
// range holds, whatever else is wrong with it.
func PlainFieldsValue(m map[string]any) []string {
	var out []string
	for _, k := range order {
		if k == "extensions" {
			exts, _ := m[k].([]any)
			for i, e := range exts {
				if em, ok := e.(map[string]any); ok && !empty(em[ExtensionReason]) {
					out = append(out, fmt.Sprintf("extensions[%d].reason", i))
				}
			}
			continue
		}
		if slices.Contains(PrivateFields, k) && !empty(m[k]) {
			out = append(out, k)
		}
	}
	return out
}

// empty reports a value that says nothing: absent, null, "", false, zero, or
// a list or mapping of such values.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case []any:
		for _, e := range x {
			if !empty(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !empty(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Split takes an issue record in plain text and returns the record without
// its private fields (comments attached to them go with them) and the YAML
// of those fields, the plaintext of the sealed message: a mapping with the
// record's id first, then the private fields in record order, and an
// `extensions` list holding each extension's reason. The record must not be
// sealed already.
func Split(path string, data []byte) (plain, private []byte, err error) {
	doc, err := yamldoc.Parse(path, data)
	if err != nil {
		return nil, nil, err
	}
	root := doc.Root
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s: not a mapping", path)
	}
	if value(root, Field) != nil {
		return nil, nil, fmt.Errorf("%s: already sealed", path)
	}
	id := value(root, "id")
	if id == nil || id.Kind != yaml.ScalarNode {
		return nil, nil, fmt.Errorf("%s: no id", path)
	}
	priv := &yaml.Node{Kind: yaml.MappingNode}
	priv.Content = append(priv.Content, scalar("id"), scalar(id.Value))
	var kept []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case slices.Contains(PrivateFields, k.Value):
			priv.Content = append(priv.Content, k, v)
			continue
		case k.Value == "extensions" && v.Kind == yaml.SequenceNode:
			reasons := &yaml.Node{Kind: yaml.SequenceNode}
			any := false
			for _, e := range v.Content {
				r := &yaml.Node{Kind: yaml.MappingNode}
				if e.Kind == yaml.MappingNode {
					for j := 0; j+1 < len(e.Content); j += 2 {
						if e.Content[j].Value == ExtensionReason {
							r.Content = append(r.Content, e.Content[j], e.Content[j+1])
							e.Content = slices.Delete(e.Content, j, j+2)
							any = true
							break
						}
					}
				}
				if len(r.Content) == 0 {
					r.Style = yaml.FlowStyle
				}
				reasons.Content = append(reasons.Content, r)
			}
			if any {
				priv.Content = append(priv.Content, scalar("extensions"), reasons)
			}
		}
		kept = append(kept, k, v)
	}
	root.Content = kept
	if plain, err = encode(root); err != nil {
		return nil, nil, err
	}
	if private, err = encode(priv); err != nil {
		return nil, nil, err
	}
	return plain, private, nil
}

// WithSealed returns the plain record (as Split gives it) with the sealed
// field set to the armored message, as the record's last key.
func WithSealed(path string, plain, armored []byte) ([]byte, error) {
	doc, err := yamldoc.Parse(path, plain)
	if err != nil {
		return nil, err
	}
	root := doc.Root
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a mapping", path)
	}
	removeKey(root, Field)
	msg := scalar(string(armored))
	msg.Style = yaml.LiteralStyle
	root.Content = append(root.Content, scalar(Field), msg)
	return encode(root)
}

// Merge puts the private fields of a decrypted sealed message (private, as
// Split wrote it) back into the sealed record, in their places, and drops
// the sealed field: the record in plain text. It fails with ErrPlaintext
// when the plaintext is not a mapping of private fields, names another
// record's id, or gives the reasons of a different number of extensions,
// and when the record holds a private field in plain text as well.
func Merge(path string, record, private []byte) ([]byte, error) {
	doc, err := yamldoc.Parse(path, record)
	if err != nil {
		return nil, err
	}
	root := doc.Root
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a mapping", path)
	}
	pdoc, err := yamldoc.Parse(path+" (sealed part)", private)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPlaintext, err)
	}
	priv := pdoc.Root
	if priv.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: not a mapping", ErrPlaintext)
	}
	id := value(root, "id")
	pid := value(priv, "id")
	if id == nil || pid == nil || pid.Value != id.Value {
		return nil, fmt.Errorf("%w: it is sealed for another record id; a sealed part cannot move between records", ErrPlaintext)
	}
	removeKey(root, Field)
	for i := 0; i+1 < len(priv.Content); i += 2 {
		k, v := priv.Content[i], priv.Content[i+1]
		switch {
		case k.Value == "id":
		case k.Value == "extensions":
			if err := mergeReasons(root, v); err != nil {
				return nil, err
			}
		case slices.Contains(PrivateFields, k.Value):
			if value(root, k.Value) != nil {
				return nil, fmt.Errorf("%w: %s is both in plain text and sealed", ErrPlaintext, k.Value)
			}
			insert(root, k, v, order)
		default:
			return nil, fmt.Errorf("%w: it holds %q, which is not a private field", ErrPlaintext, k.Value)
		}
	}
	return encode(root)
}

// mergeReasons puts each extension's reason back.
func mergeReasons(root, reasons *yaml.Node) error {
	exts := value(root, "extensions")
	if reasons.Kind != yaml.SequenceNode || exts == nil || exts.Kind != yaml.SequenceNode || len(exts.Content) != len(reasons.Content) {
		return fmt.Errorf("%w: the sealed extension reasons do not match the record's extensions", ErrPlaintext)
	}
	for i, r := range reasons.Content {
		e := exts.Content[i]
		if r.Kind != yaml.MappingNode || e.Kind != yaml.MappingNode {
			return fmt.Errorf("%w: extension %d is not a mapping", ErrPlaintext, i+1)
		}
		for j := 0; j+1 < len(r.Content); j += 2 {
			if r.Content[j].Value != ExtensionReason {
				return fmt.Errorf("%w: extension %d holds %q besides its reason", ErrPlaintext, i+1, r.Content[j].Value)
			}
			if value(e, ExtensionReason) != nil {
				return fmt.Errorf("%w: the reason of extension %d is both in plain text and sealed", ErrPlaintext, i+1)
			}
			if e.Style == yaml.FlowStyle && strings.Contains(r.Content[j+1].Value, "\n") {
				e.Style = 0
			}
			insert(e, r.Content[j], r.Content[j+1], extensionOrder)
		}
	}
	return nil
}

// insert adds the pair k: v to mapping m after the last key that comes
// before k in keyOrder (at the front when none does).
func insert(m, k, v *yaml.Node, keyOrder []string) {
	rank := slices.Index(keyOrder, k.Value)
	at := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if r := slices.Index(keyOrder, m.Content[i].Value); r >= 0 && r < rank {
			at = i + 2
		}
	}
	m.Content = slices.Insert(m.Content, at, k, v)
}

// value returns the value node of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func removeKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = slices.Delete(m.Content, i, i+2)
			return
		}
	}
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// encode writes a node as YAML with two-space indentation, as the records are.
func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PlainComments returns the lines of the YAML comments a record keeps in
// plain text (none inside the sealed part): comments are never sealed unless
// they are attached to a private field, so a note left in one is readable by
// everyone who can read the repository.
func PlainComments(path string, data []byte) []int {
	doc, err := yamldoc.Parse(path, data)
	if err != nil {
		return nil
	}
	var lines []int
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
			lines = append(lines, n.Line)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc.Root)
	slices.Sort(lines)
	return slices.Compact(lines)
}
