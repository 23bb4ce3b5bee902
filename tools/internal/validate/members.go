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
		c.vouch(mf)
		for i := range m.People {
			c.acceptance(mf, i)
		}
	}
}

func (c *checker) vouch(mf *state.MemberFile) {
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
	if m.Vouch.Signature == "" {
		c.errorf(f, "/vouch", rules.MemberVouch, "vouch has no signature; have %s sign the output of `embargo statement vouch --member %s` and paste it under vouch.signature", m.Vouch.By, m.ID)
		return
	}
	people := make([]string, 0, len(m.People))
	for _, p := range m.People {
		people = append(people, p.ID)
	}
	text := statement.Vouch{Member: m.ID, People: people, Voucher: m.Vouch.By}.Text()
	keys := c.personKeys(ref)
	if _, err := pgp.VerifyDetached(keys, []byte(text), []byte(m.Vouch.Signature), c.now); err != nil {
		c.errorf(f, "/vouch/signature", rules.MemberVouch, "vouch signature by %s does not verify over the vouch statement: %s; re-sign the output of `embargo statement vouch --member %s`", m.Vouch.By, reason(err), m.ID)
	}
}

func (c *checker) acceptance(mf *state.MemberFile, i int) {
	m, f := mf.Member, &mf.File
	p := m.People[i]
	ptr := fmt.Sprintf("/people/%d", i)
	if p.Acceptance == "" {
		c.addKey(f, ptr+"/id", rules.MemberAcceptance, finding.Error, "person %q has no signed acceptance of the list policy; sign the output of `embargo statement acceptance --person %s` with key %s and paste it under acceptance", p.ID, p.ID, first(p.Keys))
		return
	}
	if c.st.Policy == nil || len(p.Keys) == 0 {
		return // reported elsewhere; nothing to check against
	}
	kf := c.st.Keys[p.Keys[0]]
	if kf == nil || kf.Key == nil {
		c.errorf(f, ptr+"/acceptance", rules.MemberAcceptance, "acceptance of %q cannot be checked: key %s has no usable key file", p.ID, p.Keys[0])
		return
	}
	text := statement.Acceptance{Person: p.ID, Member: m.ID, Key: p.Keys[0], Lists: m.Lists, PolicyVersion: c.st.Policy.Version}.Text()
	if _, err := pgp.VerifyDetached([]*pgp.Key{kf.Key}, []byte(text), []byte(p.Acceptance), c.now); err != nil {
		c.errorf(f, ptr+"/acceptance", rules.MemberAcceptance, "acceptance of %q does not verify: %s; sign the output of `embargo statement acceptance --person %s` (policy version %s) with key %s", p.ID, reason(err), p.ID, c.st.Policy.Version, p.Keys[0])
	}
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

// reason turns a pgp error into a short phrase for a message.
func reason(err error) string {
	switch {
	case errors.Is(err, pgp.ErrBadSignature):
		return "the signature does not match the statement (was it made over another text?)"
	case errors.Is(err, pgp.ErrUnknownKey):
		return "it was made by another key"
	}
	return err.Error()
}

func first(s []string) string {
	if len(s) == 0 {
		return "<fingerprint>"
	}
	return s[0]
}
