package validate

import (
	"fmt"
	"sort"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// keys checks every key file: it parses to exactly one key whose fingerprint is the
// file name, it is listed by exactly one person, and it is strong and unexpired.
func (c *checker) keys() {
	owners := map[string][]string{} // fingerprint -> person ids
	for _, mf := range c.st.Members {
		if mf.Member == nil {
			continue
		}
		for _, p := range mf.Member.People {
			for _, fpr := range p.Keys {
				owners[fpr] = append(owners[fpr], p.ID)
			}
		}
	}
	fprs := make([]string, 0, len(c.st.Keys))
	for fpr := range c.st.Keys {
		fprs = append(fprs, fpr)
	}
	sort.Strings(fprs)
	for _, fpr := range fprs {
		kf := c.st.Keys[fpr]
		at := func(rule rules.ID, sev finding.Severity, format string, args ...any) {
			c.out.Add(finding.Finding{Rule: rule, Severity: sev, File: kf.Path, Line: 1, Column: 1, Fingerprint: fpr, Message: fmt.Sprintf(format, args...)})
		}
		if kf.Err != nil {
			at(rules.KeyFile, finding.Error, "%v; the file must hold exactly one armored public key", kf.Err)
			continue
		}
		if kf.Key.Fingerprint != fpr {
			at(rules.KeyFile, finding.Error, "the key's fingerprint is %s, not the file name; rename the file to members/keys/%s.asc", kf.Key.Fingerprint, kf.Key.Fingerprint)
			continue
		}
		switch ps := owners[fpr]; {
		case len(ps) == 0 && !c.st.Invalid.ListsKey(fpr): // else held back: see heldBack
			at("key.file", finding.Warning, "no person lists this key; add it to a person's keys or remove the file")
		case len(ps) > 1 && !samePerson(ps):
			at(rules.KeyFile, finding.Error, "key is listed under more than one person (%v); a key belongs to exactly one person", ps)
		}
		for _, p := range pgp.CheckKey(kf.Key, c.now) {
			at(p.Rule, finding.Severity(p.Severity), "%s", p.Message)
		}
	}
}

func samePerson(ps []string) bool {
	for _, p := range ps[1:] {
		if p != ps[0] {
			return false
		}
	}
	return true
}
