package validate

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

func (c *checker) members() {
	memberIDs := map[string]string{}
	personIDs := map[string]string{}
	var sp statementPolicy // read once, when the first statement needs it
	spRead := false
	for _, mf := range c.st.Members {
		m := mf.Member
		if m == nil {
			continue
		}
		f := &mf.File
		if want := strings.TrimSuffix(path.Base(f.Path), ".yaml"); m.ID != want {
			c.errorf(f, "/id", rules.IDFilename, "id %q does not match the file name; rename the file to members/%s.yaml or set id: %s", m.ID, m.ID, want)
		}
		if prev, dup := memberIDs[m.ID]; dup {
			c.errorf(f, "/id", rules.IDDuplicate, "member id %q is already used by %s", m.ID, prev)
		} else {
			memberIDs[m.ID] = f.Path
		}
		if m.Kind != "individual" && m.Contact == "" {
			c.addKey(f, "/kind", rules.MemberContact, finding.Error, "%s member %q has no contact; add a non-personal role address such as security@...", m.Kind, m.ID)
		}
		for i, l := range m.Lists {
			if c.st.Policy != nil {
				if _, ok := c.st.Policy.Lists[l]; !ok {
					c.errorf(f, fmt.Sprintf("/lists/%d", i), rules.RefUnknown, "list %q is not defined in policy.yaml", l)
				}
			}
		}
		for i, p := range m.People {
			ptr := fmt.Sprintf("/people/%d", i)
			if prev, dup := personIDs[p.ID]; dup {
				c.errorf(f, ptr+"/id", rules.IDDuplicate, "person id %q is already used in %s; person ids are unique across the repository", p.ID, prev)
			} else {
				personIDs[p.ID] = f.Path
			}
			seenKey := map[string]bool{}
			for j, fpr := range p.Keys {
				if seenKey[fpr] {
					c.errorf(f, fmt.Sprintf("%s/keys/%d", ptr, j), rules.IDDuplicate, "key %s is listed twice for %s", fpr, p.ID)
				}
				seenKey[fpr] = true
				if kf := c.st.Keys[fpr]; kf == nil {
					c.errorf(f, fmt.Sprintf("%s/keys/%d", ptr, j), rules.KeyFile, "key file members/keys/%s.asc is missing; add the armored public key under that name", fpr)
				}
			}
		}
		if m.Status == "removed" {
			continue // a former member's signatures are history, not trust
		}
		if !spRead {
			sp, spRead = c.statementPolicy(), true
		}
		c.application(mf)
		c.vouch(mf, sp)
		c.teammates(mf, sp)
		for i := range m.People {
			c.acceptance(mf, i, sp)
		}
	}
}

func (c *checker) vouch(mf *state.MemberFile, sp statementPolicy) {
	m, f := mf.Member, &mf.File
	if m.Founding {
		if m.Vouch != nil {
			c.warnf(f, "/vouch", rules.MemberVouch, "founding member %q carries a vouch; a founding member needs none, remove it or drop founding", m.ID)
		}
		return
	}
	if m.Vouch == nil {
		c.addKey(f, "/id", rules.MemberVouch, finding.Error, "member %q has no vouch; a person of another member must vouch for it (or set founding: true for a founding member)", m.ID)
		return
	}
	ref, ok := c.st.People[m.Vouch.By]
	if !ok {
		c.errorf(f, "/vouch/by", rules.MemberVouch, "voucher %q is not a person listed in any members/*.yaml", m.Vouch.By)
		return
	}
	if ref.Member.Member.ID == m.ID {
		c.errorf(f, "/vouch/by", rules.MemberVouch, "voucher %q belongs to %q itself; the vouch must come from a person of another member", m.Vouch.By, m.ID)
		return
	}
	if ref.Member.Member.Status != "active" {
		c.errorf(f, "/vouch/by", rules.MemberVouch, "voucher %q belongs to member %q, which is %s", m.Vouch.By, ref.Member.Member.ID, ref.Member.Member.Status)
		return
	}
	sign := fmt.Sprintf("have %s sign the output of `embargo statement vouch --member %s --voucher %s` and paste it under vouch.signature", m.Vouch.By, m.ID, m.Vouch.By)
	if m.Vouch.Signature == "" {
		c.errorf(f, "/vouch", "member.vouch", "vouch has no signature; %s", sign)
		return
	}
	if sp.group == "" {
		return // reported once on policy.yaml: no version-2 text can be built
	}
	// The vouch names the people without a teammate's vouch of their own.
	v2, v1 := sp.vouch(statement.Vouch{Member: m.ID, Lists: m.Lists, People: m.VouchedPeople(), Voucher: m.Vouch.By})
	keys := c.personKeys(ref)
	if len(keys) == 0 {
		c.errorf(f, "/vouch/signature", "member.vouch", "vouch by %s cannot be checked: %s has no usable key file in members/keys/ (%s); add the armored public key there", m.Vouch.By, m.Vouch.By, keyFilesOf(ref.Person().Keys))
		return
	}
	legacy, err := c.verifyStatement(keys, v2, v1, m.Vouch.Signature)
	switch {
	case legacy:
		sev, why := sp.legacyVerdict(c.now)
		c.add(f, "/vouch/signature", "member.vouch", sev, "vouch by %s is a version-1 statement, which names neither the group nor the lists, %s; %s", m.Vouch.By, why, sign)
	case err != nil:
		why, fix := reason(err, first(ref.Person().Keys), "the group and the member's lists and people")
		c.errorf(f, "/vouch/signature", "member.vouch", "vouch signature by %s does not verify over the vouch statement: %s; %s", m.Vouch.By, why, orSign(fix, sign))
	}
}

func (c *checker) acceptance(mf *state.MemberFile, i int, sp statementPolicy) {
	m, f := mf.Member, &mf.File
	p := m.People[i]
	ptr := fmt.Sprintf("/people/%d", i)
	if p.Acceptance == "" {
		c.addKey(f, ptr+"/id", rules.MemberAcceptance, finding.Error, "person %q has no signed acceptance of the list policy; sign the output of `embargo statement acceptance --person %s` with key %s and paste it under acceptance", p.ID, p.ID, first(p.Keys))
		return
	}
	if c.st.Policy == nil || len(p.Keys) == 0 || sp.group == "" {
		return // reported elsewhere; nothing to check against
	}
	kf := c.st.Keys[p.Keys[0]]
	if kf == nil || kf.Key == nil {
		c.errorf(f, ptr+"/acceptance", rules.MemberAcceptance, "acceptance of %q cannot be checked: key %s has no usable key file (%s); add the armored public key there", p.ID, p.Keys[0], keyFilesOf(p.Keys[:1]))
		return
	}
	sign := fmt.Sprintf("sign the output of `embargo statement acceptance --person %s` (policy version %s) with key %s: embargo sign acceptance --person %s --gpg", p.ID, c.st.Policy.Version, p.Keys[0], p.ID)
	a := statement.Acceptance{Person: p.ID, Member: m.ID, Key: p.Keys[0], Lists: m.Lists}
	v2, v1 := sp.acceptance(a)
	legacy, err := c.verifyStatement([]*pgp.Key{kf.Key}, v2, v1, p.Acceptance)
	if errors.Is(err, pgp.ErrBadSignature) && c.earlierTerms(f, ptr, p, a, kf.Key, sp, sign) {
		return
	}
	switch {
	case legacy:
		sev, why := sp.legacyVerdict(c.now)
		c.add(f, ptr+"/acceptance", "member.acceptance", sev, "acceptance of %q is a version-1 statement, which names neither the group nor the terms of its lists, %s; %s", p.ID, why, sign)
	case err != nil:
		why, fix := reason(err, p.Keys[0], "the group, the member's lists, the policy version and the digest of those lists' terms")
		c.errorf(f, ptr+"/acceptance", "member.acceptance", "acceptance of %q does not verify: %s; %s", p.ID, why, orSign(fix, sign))
	}
}

// orSign is fix when there is one (the statement itself may stand), else sign.
func orSign(fix, sign string) string {
	if fix != "" {
		return fix
	}
	return sign
}

// personKeys returns the parsed keys a person lists.
func (c *checker) personKeys(ref state.PersonRef) []*pgp.Key {
	var keys []*pgp.Key
	for _, fpr := range ref.Person().Keys {
		if kf := c.st.Keys[fpr]; kf != nil && kf.Key != nil {
			keys = append(keys, kf.Key)
		}
	}
	return keys
}

func first(s []string) string {
	if len(s) == 0 {
		return "<fingerprint>"
	}
	return s[0]
}
