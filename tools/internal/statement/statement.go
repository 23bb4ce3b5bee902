// Package statement builds the canonical texts that people sign inside member
// records (SPEC §4.4): the acceptance of the list policy and the vouch for a new
// member. The exact bytes matter: the signature is checked over them.
package statement

import (
	"slices"
	"strings"
)

// Acceptance is a person's signed agreement to the policy of the member's lists.
type Acceptance struct {
	Person, Member, Key string
	Lists               []string
	PolicyVersion       string
}

// Text returns the canonical statement.
func (a Acceptance) Text() string {
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
	Member  string
	People  []string
	Voucher string
}

// Text returns the canonical statement.
func (v Vouch) Text() string {
	var b strings.Builder
	b.WriteString("embargo vouch statement v1\n")
	b.WriteString("member: " + v.Member + "\n")
	b.WriteString("people: " + sortedJoin(v.People) + "\n")
	b.WriteString("voucher: " + v.Voucher + "\n")
	b.WriteString("I vouch for the people named above as members of the organisation named above.\n")
	return b.String()
}

func sortedJoin(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}
