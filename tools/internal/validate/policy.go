package validate

import (
	"fmt"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/access"
	"github.com/embargo-tool/embargo/tools/internal/plural"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// principalScope says which paths a principal can apply to; a principal used
// elsewhere could never grant anything, which hides a mistake in the policy.
var principalScope = map[string]string{
	"own-member": "members/*.yaml",
	"key-owner":  "members/keys/*.asc",
	"issue-team": "issues/**",
}

func (c *checker) policy() {
	p, f := c.st.Policy, c.st.PolicyDoc
	if f == nil {
		c.out.Add(missingFile("policy.yaml", "the repository needs a policy.yaml with its lists and access rules"))
		return
	}
	if p == nil {
		return
	}
	for name, l := range p.Lists {
		base := "/lists/" + name
		durs := map[string]string{"max_embargo": l.MaxEmbargo, "preferred_embargo": l.PreferredEmbargo, "min_embargo": l.MinEmbargo}
		for field, v := range durs {
			if v == "" {
				continue
			}
			if _, err := records.ParseDuration(v); err != nil {
				c.errorf(f, base+"/"+field, rules.Schema, "%s: %v", field, err)
			}
		}
		maxD, _ := records.ParseDuration(l.MaxEmbargo)
		prefD, _ := records.ParseDuration(l.PreferredEmbargo)
		minD, _ := records.ParseDuration(l.MinEmbargo)
		if l.MaxEmbargo != "" && l.PreferredEmbargo != "" && prefD > maxD {
			c.errorf(f, base+"/preferred_embargo", rules.EmbargoPreferred, "preferred_embargo %s is longer than max_embargo %s; make it at most the maximum", l.PreferredEmbargo, l.MaxEmbargo)
		}
		if l.PreferredEmbargo != "" && l.MinEmbargo != "" && minD > prefD {
			c.errorf(f, base+"/min_embargo", rules.EmbargoMin, "min_embargo %s is longer than preferred_embargo %s", l.MinEmbargo, l.PreferredEmbargo)
		}
		c.processPolicy(f, name, l)
	}
	for i, r := range p.Access {
		ptr := fmt.Sprintf("/access/%d", i)
		for j, pat := range r.Paths {
			if err := access.CheckPattern(pat); err != nil {
				c.errorf(f, fmt.Sprintf("%s/paths/%d", ptr, j), rules.AccessRule, "path pattern %q never matches: %v", pat, err)
			}
		}
		if n, max := r.Threshold, approversAtMost(c.st, r); max >= 0 && n > max {
			c.errorf(f, ptr+"/threshold", rules.AccessRule, "threshold %d can never be met: at most %s can ever approve under this rule (%s); lower it, or allow more people", n, plural.Words(max, "person", "people"), strings.Join(r.Allow, ", "))
		}
		for j, who := range r.Allow {
			wptr := fmt.Sprintf("%s/allow/%d", ptr, j)
			if id, ok := strings.CutPrefix(who, "person:"); ok {
				if _, known := c.st.People[id]; !known {
					c.errorf(f, wptr, rules.RefUnknown, "access rule names person %q, who is not listed in any members/*.yaml", id)
				}
				continue
			}
			scope, scoped := principalScope[who]
			if !scoped {
				continue
			}
			for _, pat := range r.Paths {
				if !access.Covers(scope, pat) {
					c.errorf(f, wptr, rules.AccessRule, "%s grants nothing on %q: it applies only to paths like %s; move %q to a rule of its own", who, pat, scope, who)
				}
			}
		}
	}
	c.coordinatorsUnderThreshold()
}

// coordinatorsUnderThreshold: where roles/coordinators.yaml takes more than
// one signer, so must every coordinator's member record and key files (two
// at least). If
// one of them took one signer, one stolen coordinator key could swap that
// coordinator's key and then sign as two people. Access rules name files by
// hand; this keeps them in step with the coordinators.
func (c *checker) coordinatorsUnderThreshold() {
	p, f := c.st.Policy, c.st.PolicyDoc
	need := maxThreshold(p.Access, state.CoordinatorsFile)
	if need < 2 || c.st.Coordinators == nil {
		return
	}
	for _, id := range c.st.Coordinators.Coordinators {
		ref, ok := c.st.People[id]
		if !ok || ref.Member.Member == nil {
			continue // ref.unknown reports it
		}
		paths := []string{ref.Member.Path}
		for _, fpr := range ref.Person().Keys {
			paths = append(paths, state.KeysDir+"/"+fpr+".asc")
		}
		for _, path := range paths {
			if maxThreshold(p.Access, path) < 2 {
				c.errorf(f, "/access", rules.AccessRule, "%s of coordinator %s takes one signer while roles/coordinators.yaml takes %d: one coordinator's key could change it alone and then sign as two; add it to a threshold rule's paths", path, id, need)
			}
		}
	}
}

// maxThreshold is the largest threshold of the access rules matching path.
func maxThreshold(rs []records.AccessRule, path string) int {
	n := 1
	for _, r := range rs {
		for _, pat := range r.Paths {
			if access.Match(pat, path) {
				n = max(n, r.Threshold)
			}
		}
	}
	return n
}

// approversAtMost is how many distinct people could ever approve under rule r
// at this state, or -1 when a principal that depends on the path (own-member,
// key-owner, issue-team) makes the number open.
func approversAtMost(st *state.State, r records.AccessRule) int {
	people := map[string]bool{}
	for _, who := range r.Allow {
		switch {
		case who == "coordinators":
			if st.Coordinators == nil {
				return -1 // roles/coordinators.yaml is broken: its own finding says so
			}
			for _, id := range st.Coordinators.Coordinators {
				people[id] = true
			}
		case strings.HasPrefix(who, "person:"):
			people[strings.TrimPrefix(who, "person:")] = true
		default:
			return -1
		}
	}
	return len(people)
}
