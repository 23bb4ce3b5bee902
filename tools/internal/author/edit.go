package author

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Edits of an existing member record (`embargo person add`, `key add`,
// `sign`): each reads the record as a yaml.v3 node tree, changes one value
// and writes the tree back through Format, so comments, key order and every
// other signature block stay as they are, and nobody indents an armored block
// by hand.

// editMember parses a member record, applies edit to its top mapping and
// returns the formatted result.
func editMember(name string, data []byte, edit func(top *yaml.Node) error) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s does not parse: %v: %w", name, err, ErrInvalid)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a member record (a mapping): %w", name, ErrInvalid)
	}
	if err := edit(doc.Content[0]); err != nil {
		return nil, err
	}
	out, err := encode(&doc)
	if err != nil {
		return nil, err
	}
	return Format(name, out)
}

// mapGet returns the value node of key in mapping m, or nil.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapSet sets key in mapping m to v, replacing its value or appending the key.
func mapSet(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v.HeadComment, v.LineComment = m.Content[i+1].HeadComment, m.Content[i+1].LineComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// block is an armored block as a literal scalar, ending in one newline.
func block(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.LiteralStyle, Value: strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) + "\n"}
}

// person returns the mapping of person id in the record's people.
func person(top *yaml.Node, id string) (*yaml.Node, error) {
	people := mapGet(top, "people")
	if people != nil && people.Kind == yaml.SequenceNode {
		for _, p := range people.Content {
			if p.Kind == yaml.MappingNode {
				if v := mapGet(p, "id"); v != nil && v.Value == id {
					return p, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("person %s is not in this record: %w", id, ErrUnknown)
}

// SetAcceptance puts an armored acceptance signature under a person, with
// what it accepted (the policy version and the digest of the terms), so
// that it can still be checked after the terms change.
func SetAcceptance(name string, data []byte, personID, signature, version, terms string) ([]byte, error) {
	return editMember(name, data, func(top *yaml.Node) error {
		p, err := person(top, personID)
		if err != nil {
			return err
		}
		mapSet(p, "acceptance", block(signature))
		acc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(acc, "version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: version, Style: yaml.DoubleQuotedStyle})
		mapSet(acc, "terms", str(terms))
		mapSet(p, "accepted", acc)
		return nil
	})
}

// SetVouch puts a vouch for the member (by a person of another member).
func SetVouch(name string, data []byte, by, signature string) ([]byte, error) {
	return editMember(name, data, func(top *yaml.Node) error {
		v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(v, "by", str(by))
		mapSet(v, "signature", block(signature))
		mapSet(top, "vouch", v)
		return nil
	})
}

// SetTeammateVouch puts a vouch for a person by a teammate of the same member.
func SetTeammateVouch(name string, data []byte, personID, by, signature string) ([]byte, error) {
	return editMember(name, data, func(top *yaml.Node) error {
		p, err := person(top, personID)
		if err != nil {
			return err
		}
		v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(v, "by", str(by))
		mapSet(v, "signature", block(signature))
		mapSet(p, "vouch", v)
		return nil
	})
}

// AddPerson appends a person to the record's people.
func AddPerson(name string, data []byte, p PersonSpec) ([]byte, error) {
	return editMember(name, data, func(top *yaml.Node) error {
		if _, err := person(top, p.ID); err == nil {
			return fmt.Errorf("person %s is already in this record: %w", p.ID, ErrExists)
		}
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(m, "id", str(p.ID))
		mapSet(m, "name", str(p.Name))
		mapSet(m, "email", str(p.Email))
		keys := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, k := range p.Keys {
			keys.Content = append(keys.Content, str(k))
		}
		mapSet(m, "keys", keys)
		people := mapGet(top, "people")
		if people == nil || people.Kind != yaml.SequenceNode {
			people = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			mapSet(top, "people", people)
		}
		people.Style = 0 // a block sequence, also when the skeleton wrote people: []
		people.Content = append(people.Content, m)
		return nil
	})
}

// AddKey lists key fpr for a person, after the keys they have (the first
// key signs their acceptance, so a new key never takes its place here).
func AddKey(name string, data []byte, personID, fpr string) ([]byte, error) {
	return editMember(name, data, func(top *yaml.Node) error {
		p, err := person(top, personID)
		if err != nil {
			return err
		}
		keys := mapGet(p, "keys")
		if keys == nil || keys.Kind != yaml.SequenceNode {
			keys = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			mapSet(p, "keys", keys)
		}
		for _, k := range keys.Content {
			if k.Value == fpr {
				return fmt.Errorf("key %s is already listed for %s: %w", fpr, personID, ErrExists)
			}
		}
		keys.Content = append(keys.Content, str(fpr))
		return nil
	})
}

// CheckPerson checks a new person as NewMember does: a free id, a name, an
// e-mail address and keys whose files are in members/keys/ and belong to
// nobody else.
func CheckPerson(root string, st *state.State, p *PersonSpec) error {
	return checkPerson(root, st, p, nil)
}
