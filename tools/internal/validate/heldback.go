package validate

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/state"
)

// One mistake, one finding. A member file that fails its schema (or its YAML
// syntax) is reported by its own finding and its record is left out of the
// state, so every reference to its member or people would be "unknown" too: one
// bad date made twenty errors. heldBack drops those echoes. It is decided here,
// where every finding passes, by what a finding points at, so that every rule,
// present and future, is covered. Nothing is lost: the run already fails on the
// file's own finding, and once it is fixed the references are checked again.
// Trust is untouched: the state's People and MembersByID never include the
// failed record (state.InvalidIDs).
//
// Held back:
//   - ref.unknown and member.vouch findings whose value (at the finding's JSON
//     pointer; "person:<id>" in an access rule) is an id that no valid record
//     declares and a failed member file does;
//   - a signature that cannot be checked (member.acceptance, member.vouch over
//     the signature) because a key of its signer has no usable key file (missing,
//     unparsable, or another key under its name): the key.file finding, on the
//     key file or the missing name, is the one to fix.
//
// The key.file warning for a key no person lists is held back in keys() when a
// failed member file lists it.
func (c *checker) heldBack(f *state.File, ptr, rule string) bool {
	switch rule {
	case "ref.unknown", "member.vouch", "member.acceptance":
	default:
		return false
	}
	doc := f.Doc()
	if doc == nil {
		return false
	}
	if rule != "member.acceptance" && !isListRef(ptr) {
		if v, ok := scalarAt(doc.Root, ptr); ok {
			v = strings.TrimPrefix(v, "person:")
			_, person := c.st.People[v]
			_, member := c.st.MembersByID[v]
			if !person && !member && c.st.Invalid.Declares(v) {
				return true
			}
		}
	}
	// Signatures: the signer's keys, from the record itself.
	var keys []string
	switch m := acceptancePtr.FindStringSubmatch(ptr); {
	case rule == "member.acceptance" && m != nil:
		keys = stringsAt(doc.Root, "/people/"+m[1]+"/keys")
	case rule == "member.vouch" && ptr == "/vouch/signature":
		by, _ := scalarAt(doc.Root, "/vouch/by")
		if ref, ok := c.st.People[by]; ok {
			keys = ref.Person().Keys
		}
	}
	for _, fpr := range keys {
		// Missing, unparsable, or holding another key than its name says: all
		// reported on the key file (or the name) by key.file.
		if kf := c.st.Keys[fpr]; kf == nil || kf.Key == nil || kf.Key.Fingerprint != fpr {
			return true
		}
	}
	return false
}

var acceptancePtr = regexp.MustCompile(`^/people/([0-9]+)/acceptance$`)

// isListRef says whether ptr holds a list name (/list, /lists/N): member files
// declare no lists, so a failed one cannot excuse an unknown list.
func isListRef(ptr string) bool {
	i := strings.LastIndex(ptr, "/")
	last, parent := ptr[i+1:], ptr[:max(i, 0)]
	return last == "list" || strings.HasSuffix(parent, "/lists")
}

// node returns the node at the JSON pointer ptr, or nil when there is none (unlike
// yamldoc's Lookup, which falls back to the nearest parent for positions).
func node(n *yaml.Node, ptr string) *yaml.Node {
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if n == nil || tok == "" {
			continue
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		n = next
	}
	return n
}

func scalarAt(root *yaml.Node, ptr string) (string, bool) {
	n := node(root, ptr)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

func stringsAt(root *yaml.Node, ptr string) []string {
	n := node(root, ptr)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, e := range n.Content {
		if e.Kind == yaml.ScalarNode {
			out = append(out, e.Value)
		}
	}
	return out
}
