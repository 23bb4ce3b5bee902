package cli

import (
	"fmt"
	"io"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

// runStatement prints the canonical text a person signs (docs/signatures.md#signed-statements),
// or the terms an acceptance binds. The tool never touches private keys: people sign
// the output with their own gpg or hardware key.
func runStatement(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("use 'embargo statement acceptance --person ID', 'embargo statement vouch --member ID --voucher ID' or 'embargo statement terms --person ID'", "statement needs a kind: acceptance, vouch or terms")
	}
	kind, args := args[0], args[1:]
	fs := newFlags(e, "statement "+kind)
	repo := fs.String("repo", ".", "the policy repository the statement is about")
	switch kind {
	case "acceptance", "terms":
		person := fs.String("person", "", "the person id who accepts the policy")
		if err := parse(fs, e, args); err != nil {
			return err
		}
		if *person == "" {
			return usagef("name the person: --person ID", "statement %s needs --person", kind)
		}
		st, policy, err := loadForStatement(*repo)
		if err != nil {
			return err
		}
		ref, ok := st.People[*person]
		if !ok {
			return usagef("the person must be listed in members/<member>.yaml first", "person %q is not in the repository", *person)
		}
		p, m := ref.Person(), ref.Member.Member
		if kind == "terms" {
			// What the acceptance's terms digest covers: sha256sum of this output.
			_, err = e.stdout.Write(statement.TermsOf(policy, m.Lists))
			return err
		}
		if len(p.Keys) == 0 {
			return usagef("add the person's key fingerprint to keys first", "person %q lists no key", *person)
		}
		_, err = io.WriteString(e.stdout, statement.Acceptance{Person: p.ID, Member: m.ID, Key: p.Keys[0], Lists: m.Lists}.ForPolicy(policy).Text())
		return err
	case "vouch":
		member := fs.String("member", "", "the member vouched for")
		voucher := fs.String("voucher", "", "the person id who vouches")
		if err := parse(fs, e, args); err != nil {
			return err
		}
		if *member == "" || *voucher == "" {
			return usagef("name both: --member ID --voucher ID", "statement vouch needs --member and --voucher")
		}
		st, policy, err := loadForStatement(*repo)
		if err != nil {
			return err
		}
		// Refuse a statement that validate could never accept (member.vouch),
		// rather than have someone sign it.
		mf, ok := st.MembersByID[*member]
		if !ok {
			return usagef("write members/<id>.yaml with its people first", "member %q is not in the repository", *member)
		}
		ref, ok := st.People[*voucher]
		switch {
		case !ok:
			return usagef("the voucher must be a person listed in members/<member>.yaml", "voucher %q is not a person in the repository", *voucher)
		case ref.Member.Member.ID == mf.Member.ID:
			return usagef("a person of another member vouches", "voucher %q belongs to %s itself", *voucher, mf.Member.ID)
		case ref.Member.Member.Status != "active":
			return usagef("a person of an active member vouches", "voucher %q belongs to member %s, which is %s", *voucher, ref.Member.Member.ID, ref.Member.Member.Status)
		case len(mf.Member.People) == 0:
			return usagef("list the member's people first: the statement names them", "member %s lists no people", mf.Member.ID)
		}
		var people []string
		for _, p := range mf.Member.People {
			people = append(people, p.ID)
		}
		_, err = io.WriteString(e.stdout, statement.Vouch{Member: *member, Lists: mf.Member.Lists, People: people, Voucher: *voucher}.ForPolicy(policy).Text())
		return err
	}
	return usagef("the kinds are acceptance, vouch and terms", "unknown statement kind %q", kind)
}

// loadForStatement loads the repository and its policy.yaml in the JSON data
// model, which statements take the group, version and terms from.
func loadForStatement(repo string) (*state.State, any, error) {
	if err := checkRepo(repo); err != nil {
		return nil, nil, err
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: repo}, &out)
	if err != nil {
		return nil, nil, err
	}
	if st.Policy == nil || st.PolicyDoc == nil || st.PolicyDoc.Doc() == nil {
		return nil, nil, fmt.Errorf("policy.yaml of %s does not load; run 'embargo validate' first", repo)
	}
	if st.Policy.Group == "" {
		return nil, nil, fmt.Errorf("policy.yaml of %s names no group, which statements name; add group: <a name only your group uses, such as a domain name it controls>", repo)
	}
	return st, st.PolicyDoc.Doc().Value(), nil
}
