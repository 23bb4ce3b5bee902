// Package statement builds the canonical texts that people sign inside member
// records (docs/signatures.md#signed-statements): the acceptance of the list
// policy and the vouch for a new member. The exact bytes matter: the
// signature is checked over them.
//
// Version 2 binds both statements to the group (policy.yaml group) and the
// acceptance to the terms it accepts (Terms), so a statement signed for one
// group does not count in another that uses the same ids, and a changed list
// policy needs new acceptances from the people on that list only. Version 1
// texts (LegacyText) are still built, so that old statements can be read
// during the grace period a policy sets (statements.legacy_until).
package statement

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Acceptance is a person's signed agreement to the policy of the member's lists.
type Acceptance struct {
	Group, Person, Member, Key string
	Lists                      []string
	PolicyVersion              string
	// Terms is Digest(TermsOf(policy, Lists)); version 2 only.
	Terms string
}

// Text returns the canonical version-2 statement.
func (a Acceptance) Text() string {
	var b strings.Builder
	b.WriteString("embargo acceptance statement v2\n")
	b.WriteString("group: " + a.Group + "\n")
	b.WriteString("person: " + a.Person + "\n")
	b.WriteString("member: " + a.Member + "\n")
	b.WriteString("key: " + a.Key + "\n")
	b.WriteString("lists: " + sortedJoin(a.Lists) + "\n")
	b.WriteString("policy: " + a.PolicyVersion + "\n")
	b.WriteString("terms: " + a.Terms + "\n")
	b.WriteString("I have read and accept the policy of the group named above for the lists named above, " +
		"in the version named above, whose terms have the digest named above.\n")
	return b.String()
}

// LegacyText returns the version-1 statement, which names neither the group
// nor the terms.
func (a Acceptance) LegacyText() string {
	var b strings.Builder
	b.WriteString("embargo acceptance statement v1\n")
	b.WriteString("person: " + a.Person + "\n")
	b.WriteString("member: " + a.Member + "\n")
	b.WriteString("key: " + a.Key + "\n")
	b.WriteString("lists: " + sortedJoin(a.Lists) + "\n")
	b.WriteString("policy: " + a.PolicyVersion + "\n")
	b.WriteString("I have read and accept the policy of the lists named above, in the version named above.\n")
	return b.String()
}

// Vouch is a person's signed word for a new member and its people.
type Vouch struct {
	Group, Member string
	Lists, People []string
	Voucher       string
}

// Text returns the canonical version-2 statement. It binds the group and the
// member's lists, not the policy's terms: a voucher vouches for people, and
// the people accept the terms themselves.
func (v Vouch) Text() string {
	var b strings.Builder
	b.WriteString("embargo vouch statement v2\n")
	b.WriteString("group: " + v.Group + "\n")
	b.WriteString("member: " + v.Member + "\n")
	b.WriteString("lists: " + sortedJoin(v.Lists) + "\n")
	b.WriteString("people: " + sortedJoin(v.People) + "\n")
	b.WriteString("voucher: " + v.Voucher + "\n")
	b.WriteString("I vouch for the people named above as members of the organisation named above, " +
		"on the lists named above of the group named above.\n")
	return b.String()
}

// LegacyText returns the version-1 statement, which names neither the group
// nor the lists.
func (v Vouch) LegacyText() string {
	var b strings.Builder
	b.WriteString("embargo vouch statement v1\n")
	b.WriteString("member: " + v.Member + "\n")
	b.WriteString("people: " + sortedJoin(v.People) + "\n")
	b.WriteString("voucher: " + v.Voucher + "\n")
	b.WriteString("I vouch for the people named above as members of the organisation named above.\n")
	return b.String()
}

// ForPolicy returns a with the parts that come from policy filled in: the
// group, the policy version and the digest of the terms of a.Lists. policy is
// policy.yaml in the JSON data model (as yamldoc reads it).
func (a Acceptance) ForPolicy(policy any) Acceptance {
	p, _ := policy.(map[string]any)
	a.Group, _ = p["group"].(string)
	a.PolicyVersion, _ = p["version"].(string)
	a.Terms = Digest(TermsOf(policy, a.Lists))
	return a
}

// ForPolicy returns v with the group of policy filled in.
func (v Vouch) ForPolicy(policy any) Vouch {
	p, _ := policy.(map[string]any)
	v.Group, _ = p["group"].(string)
	return v
}

// TermsOf returns the terms an acceptance of lists binds, from policy, the
// value of policy.yaml in the JSON data model (as yamldoc reads it): one
// line of JSON, then a newline, holding the policy's group and version and
// the entry of each named list under lists, whole (null for a list the
// policy does not define). Nothing else of policy.yaml counts: access rules,
// mergers, publication settings, other lists and comments may change without
// new acceptances.
//
// The JSON is encoding/json's: object keys sorted by their bytes, no spaces,
// no HTML escaping, numbers as written in the YAML.
func TermsOf(policy any, lists []string) []byte {
	p, _ := policy.(map[string]any)
	defined, _ := p["lists"].(map[string]any)
	named := map[string]any{}
	for _, l := range lists {
		named[l] = defined[l] // nil (null) when the policy lacks it
	}
	terms := map[string]any{"group": p["group"], "version": p["version"], "lists": named}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(terms); err != nil {
		// Values of the JSON data model always encode; keep the bytes
		// deterministic anyway.
		return []byte("null\n")
	}
	return buf.Bytes()
}

// Digest returns "sha256:" and the hex SHA-256 of terms.
func Digest(terms []byte) string {
	sum := sha256.Sum256(terms)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func sortedJoin(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}
