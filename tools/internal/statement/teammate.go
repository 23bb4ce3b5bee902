package statement

import "strings"

// Teammate is a person's signed word for a teammate: a person of the same
// member whom the member's vouch does not name (docs/signatures.md, "Vouching
// for a teammate"). It follows the Openwall criterion that a person vouched for
// may vouch for colleagues of their own organisation, so a member adds a
// colleague without a coordinator or another member.
type Teammate struct {
	Group, Member string
	Lists         []string
	Person        string // the teammate vouched for
	Voucher       string
}

// Text returns the canonical statement. Like a member's vouch it binds the
// group and the member's lists, not the terms (the person accepts those
// themselves), nor keys (a person may rotate keys without a new vouch).
func (v Teammate) Text() string {
	var b strings.Builder
	b.WriteString("embargo teammate statement v2\n")
	b.WriteString("group: " + v.Group + "\n")
	b.WriteString("member: " + v.Member + "\n")
	b.WriteString("lists: " + sortedJoin(v.Lists) + "\n")
	b.WriteString("person: " + v.Person + "\n")
	b.WriteString("voucher: " + v.Voucher + "\n")
	b.WriteString("I vouch for the person named above as my teammate in the organisation named above, " +
		"on the lists named above of the group named above.\n")
	return b.String()
}

// ForPolicy returns v with the group of policy filled in.
func (v Teammate) ForPolicy(policy any) Teammate {
	p, _ := policy.(map[string]any)
	v.Group, _ = p["group"].(string)
	return v
}

// AcceptanceOf returns the acceptance a with the version and terms an
// earlier acceptance recorded (records' accepted:), to check a signature
// over the terms as they were.
func (a Acceptance) AcceptanceOf(version, terms string) Acceptance {
	a.PolicyVersion, a.Terms = version, terms
	return a
}
