package validate

import (
	"fmt"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

// teammates checks the vouches people carry for themselves (Openwall: a
// person vouched for may vouch for colleagues of their organisation). The
// voucher must be a teammate whose own standing goes back to the member's
// vouch (or founding) — directly, or through teammates in turn, never in a
// circle — and must have signed the teammate statement with one of their keys.
func (c *checker) teammates(mf *state.MemberFile, sp statementPolicy) {
	m, f := mf.Member, &mf.File
	byID := map[string]int{}
	for i, p := range m.People {
		byID[p.ID] = i
	}
	// covered: people whose standing is rooted in the member's vouch.
	covered := map[string]bool{}
	for _, id := range m.VouchedPeople() {
		covered[id] = true
	}
	for changed := true; changed; {
		changed = false
		for _, p := range m.People {
			if p.Vouch != nil && !covered[p.ID] && covered[p.Vouch.By] && p.Vouch.By != p.ID {
				covered[p.ID], changed = true, true
			}
		}
	}
	for i, p := range m.People {
		if p.Vouch == nil {
			continue
		}
		ptr := fmt.Sprintf("/people/%d/vouch", i)
		by := p.Vouch.By
		j, teammate := byID[by]
		switch {
		case by == p.ID:
			c.errorf(f, ptr+"/by", "member.vouch", "%s vouches for themselves; a vouched teammate of %s must vouch", p.ID, m.ID)
			continue
		case !teammate:
			c.errorf(f, ptr+"/by", "member.vouch", "%s is not a person of %s; a person's own vouch comes from a teammate (a vouch by another member goes under the member's vouch)", by, m.ID)
			continue
		case !covered[p.ID]:
			c.errorf(f, ptr+"/by", "member.vouch", "teammate %s is not vouched for in turn (the vouches of %s and %s lead in a circle, or to no one the member's vouch names); have a teammate the member's vouch names vouch", by, p.ID, by)
			continue
		}
		if sp.group == "" {
			continue // reported once on policy.yaml
		}
		sign := fmt.Sprintf("have %s run `embargo sign teammate --person %s --voucher %s --gpg`", by, p.ID, by)
		keys := c.keysOf(m.People[j].Keys)
		if len(keys) == 0 {
			c.errorf(f, ptr+"/signature", "member.vouch", "vouch by %s for %s cannot be checked: %s has no usable key file (%s); add the armored public key there", by, p.ID, by, keyFilesOf(m.People[j].Keys))
			continue
		}
		text := statement.Teammate{Member: m.ID, Lists: m.Lists, Person: p.ID, Voucher: by}.ForPolicy(sp.value).Text()
		if _, err := pgp.VerifyDetached(keys, []byte(text), []byte(p.Vouch.Signature), c.now); err != nil {
			why, fix := reason(err, first(m.People[j].Keys), "the group, the member, its lists, the person and the voucher")
			c.errorf(f, ptr+"/signature", "member.vouch", "vouch by %s for %s does not verify over the teammate statement: %s; %s", by, p.ID, why, orSign(fix, sign))
		}
	}
}

// earlierTerms checks an acceptance that does not verify over the current
// terms against the terms its accepted: field records. A good signature over
// earlier terms counts, with a warning, until the end of the policy's
// statements.acceptance_grace; after it, or without one, it is an error that
// says what changed. It reports whether it judged the acceptance.
func (c *checker) earlierTerms(f *state.File, ptr string, p records.Person, a statement.Acceptance, key *pgp.Key, sp statementPolicy, sign string) bool {
	cur := a.ForPolicy(sp.value)
	if p.Accepted == nil || (p.Accepted.Version == cur.PolicyVersion && p.Accepted.Terms == cur.Terms) {
		return false
	}
	old := cur.AcceptanceOf(p.Accepted.Version, p.Accepted.Terms)
	if _, err := pgp.VerifyDetached([]*pgp.Key{key}, []byte(old.Text()), []byte(p.Acceptance), c.now); err != nil {
		return false // not what accepted: says either; the usual message follows
	}
	what := "other terms of its lists"
	if p.Accepted.Version != cur.PolicyVersion {
		what = fmt.Sprintf("policy version %s (now %s)", p.Accepted.Version, cur.PolicyVersion)
	}
	grace := c.st.Policy.Statements.AcceptanceGrace
	end, err := time.Parse(time.DateOnly, grace)
	switch {
	case grace == "" || err != nil:
		c.errorf(f, ptr+"/acceptance", "member.acceptance", "acceptance of %q is of %s, which no longer count: policy.yaml sets no statements.acceptance_grace for people to sign again; %s", p.ID, what, sign)
	case c.now.Before(end.AddDate(0, 0, 1)):
		c.warnf(f, ptr+"/acceptance", "member.acceptance", "acceptance of %q is of %s, which still count until the end of %s (UTC; statements.acceptance_grace in policy.yaml); %s", p.ID, what, grace, sign)
	default:
		c.errorf(f, ptr+"/acceptance", "member.acceptance", "acceptance of %q is of %s, which no longer count since the end of %s (UTC; statements.acceptance_grace in policy.yaml); %s", p.ID, what, grace, sign)
	}
	return true
}

// keysOf returns the parsed key files of fingerprints.
func (c *checker) keysOf(fprs []string) []*pgp.Key {
	var keys []*pgp.Key
	for _, fpr := range fprs {
		if kf := c.st.Keys[fpr]; kf != nil && kf.Key != nil {
			keys = append(keys, kf.Key)
		}
	}
	return keys
}

// keyFilesOf names the key files of fingerprints, for a message.
func keyFilesOf(fprs []string) string {
	var out []string
	for _, f := range fprs {
		out = append(out, "members/keys/"+f+".asc")
	}
	if len(out) == 0 {
		return "it lists no key"
	}
	return strings.Join(out, ", ")
}
