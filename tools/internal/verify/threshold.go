package verify

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/access"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/records"
)

// thresholds judges the access rules of t that carry threshold: N > 1 over
// one group of commits — a pull request, or one landing of the protected
// branch — whose last commit is tip: where the group changes a rule's paths,
// N distinct people, each allowed by that rule, must have signed for the
// final content of those paths. The people who count:
//   - the signer of a commit that changes the paths and leaves them as they
//     end at tip;
//   - the signer of any other commit of the group at which the paths already
//     are as they end — an empty "approve" commit, a clean merge, a change
//     elsewhere — for that commit changes none of them: it approves them.
//
// A change after an approval voids it (the content it approved is no longer
// the final one); a person counts once, whatever their keys. Every commit is
// looked at once per rule: the cost follows the group.
func (v *verifier) thresholds(t *Trust, before plumbing.Hash, group []*gitobj.Commit, tip *gitobj.Commit) []finding.Finding {
	if t.Broken != "" || t.State.Policy == nil || len(group) == 0 {
		return nil
	}
	var out []finding.Finding
	for i, rule := range t.State.Policy.Access {
		if rule.Threshold < 2 {
			continue
		}
		if f, ok := v.threshold(t, i, rule, before, group, tip); !ok {
			out = append(out, f)
		}
	}
	return out
}

// threshold judges one rule; ok is false with the finding that says what is missing.
func (v *verifier) threshold(t *Trust, index int, rule records.AccessRule, before plumbing.Hash, group []*gitobj.Commit, tip *gitobj.Commit) (finding.Finding, bool) {
	// The content at each state, read once: consecutive commits share it.
	contents := map[plumbing.Hash]string{}
	content := func(root plumbing.Hash) (string, error) {
		if c, ok := contents[root]; ok {
			return c, nil
		}
		c, err := v.ruleContent(rule, root)
		if err == nil {
			contents[root] = c
		}
		return c, err
	}
	// Only commits that change the paths make the rule apply; merges bring
	// what their verified parents already hold. A refused change, or one
	// whose change set cannot be read, is refused for its own cause already.
	var changers []*gitobj.Commit
	var changed []change
	for _, c := range group {
		if len(c.Parents) > 1 {
			continue
		}
		chs, readable := v.ruleChanges(rule, c)
		if !readable {
			return finding.Finding{}, true
		}
		if len(chs) > 0 {
			if !v.ok[c.Hash] {
				return finding.Finding{}, true
			}
			changers = append(changers, c)
			changed = chs
		}
	}
	if len(changers) == 0 {
		return finding.Finding{}, true
	}
	final, err := content(tip.Tree)
	if err != nil {
		return v.thresholdFinding(tip, fmt.Sprintf("the content of %s cannot be read (%v), so its approvals cannot be counted", strings.Join(rule.Paths, ", "), err)), false
	}
	if beforeContent, err := content(v.rootOf(before)); err == nil && beforeContent == final {
		return finding.Finding{}, true // changed and changed back: nothing to approve
	}
	var signed []string
	for _, c := range group {
		person := v.signers[c.Hash]
		if person == "" || slices.Contains(signed, person) {
			continue
		}
		if got, err := content(c.Tree); err != nil || got != final {
			continue
		}
		if !v.ruleAllows(t, rule, person, changed, tip.Tree) {
			continue
		}
		signed = append(signed, person)
	}
	if len(signed) >= rule.Threshold {
		return finding.Finding{}, true
	}
	last := changers[len(changers)-1]
	msg := fmt.Sprintf("%s (access rule %d) need %d people allowed by the rule to sign for their final content; signed for it: %s",
		strings.Join(rule.Paths, ", "), index+1, rule.Threshold, listOrNone(signed))
	if may := v.mayApprove(t, rule, signed, changed, tip.Tree); len(may) > 0 {
		msg += "; may still approve: " + strings.Join(may, ", ")
	}
	msg += `; another of them approves with a signed commit on top that changes none of these paths (git commit -S --allow-empty -m "Approve ...", or embargo approve), or a clean merge`
	return v.thresholdFinding(last, msg), false
}

func (v *verifier) thresholdFinding(c *gitobj.Commit, msg string) finding.Finding {
	return finding.Finding{Rule: "sig.threshold", Severity: finding.Error, Commit: c.Hash.String(), Message: msg}
}

func listOrNone(people []string) string {
	if len(people) == 0 {
		return "nobody"
	}
	return strings.Join(people, ", ")
}

// rootOf is the tree of commit h (zero for the zero commit or one that cannot
// be read: then nothing equals it).
func (v *verifier) rootOf(h plumbing.Hash) plumbing.Hash {
	if h.IsZero() {
		return plumbing.ZeroHash
	}
	root, err := v.treeOf(h)
	if err != nil {
		return plumbing.ZeroHash
	}
	return root
}

// ruleChanges returns the changes of a non-merge commit to paths rule
// matches; readable is false when its change set cannot be read.
func (v *verifier) ruleChanges(rule records.AccessRule, c *gitobj.Commit) (out []change, readable bool) {
	d, ok := v.diffs[c.Hash]
	if !ok {
		d.changes, d.err = v.changes(c)
		v.diffs[c.Hash] = d
	}
	if d.err != nil {
		return nil, false
	}
	for _, ch := range d.changes {
		if slices.ContainsFunc(rule.Paths, func(p string) bool { return access.Match(p, ch.Path) }) {
			out = append(out, ch)
		}
	}
	return out, true
}

// ruleContent names what the paths of rule hold at root: for each pattern,
// the object id of a literal path or of the folder of "dir/**", or else the
// matching files under its longest literal folder. Two states with the same
// content hold the same bytes at every path the rule matches.
func (v *verifier) ruleContent(rule records.AccessRule, root plumbing.Hash) (string, error) {
	var b strings.Builder
	for _, pat := range rule.Paths {
		b.WriteString(pat + "=")
		dir, rest := literalPrefix(pat)
		if rest == "" || rest == "**" {
			e, err := v.lookupOrNone(root, strings.TrimSuffix(dir, "/"))
			if err != nil {
				return "", err
			}
			b.WriteString(e)
			b.WriteString("\n")
			continue
		}
		folder := root
		if dir != "" {
			e, err := v.trees.Lookup(root, strings.TrimSuffix(dir, "/"))
			if errors.Is(err, gittree.ErrNotFound) || err == nil && !e.IsDir() {
				b.WriteString("-\n")
				continue
			}
			if err != nil {
				return "", err
			}
			folder = e.Hash
		}
		files, err := v.trees.Files(folder, dir)
		if err != nil {
			return "", err
		}
		for _, f := range files {
			if access.Match(pat, f.Path) {
				fmt.Fprintf(&b, "%s %o %s;", f.Path, uint32(f.Mode), f.Hash)
			}
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// lookupOrNone identifies the entry at p, "-" when there is none.
func (v *verifier) lookupOrNone(root plumbing.Hash, p string) (string, error) {
	if p == "" {
		return root.String(), nil
	}
	e, err := v.trees.Lookup(root, p)
	if errors.Is(err, gittree.ErrNotFound) {
		return "-", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%o %s", uint32(e.Mode), e.Hash), nil
}

// literalPrefix splits a pattern into its leading literal folders (with a
// trailing "/") and the rest: "roles/**" is ("roles/", "**"), "policy.yaml"
// is ("policy.yaml/", "") — a literal path whole — and "members/*.yaml" is
// ("members/", "*.yaml").
func literalPrefix(pat string) (dir, rest string) {
	segs := strings.Split(pat, "/")
	for i, s := range segs {
		if strings.Contains(s, "*") {
			return strings.Join(segs[:i], "/") + dirSep(i), strings.Join(segs[i:], "/")
		}
	}
	return pat + "/", ""
}

func dirSep(i int) string {
	if i == 0 {
		return ""
	}
	return "/"
}

// ruleAllows reports whether person is allowed by rule to make every change
// of changed: one of the rule's principals grants each.
func (v *verifier) ruleAllows(t *Trust, rule records.AccessRule, person string, changed []change, root plumbing.Hash) bool {
	for _, ch := range changed {
		if !slices.ContainsFunc(rule.Allow, func(p string) bool { ok, _ := v.grants(t, p, person, ch, root); return ok }) {
			return false
		}
	}
	return true
}

// mayApprove lists the people who could still approve: the rule's
// coordinators and named persons not yet counted, and who the rule's other
// principals allow among the active people.
func (v *verifier) mayApprove(t *Trust, rule records.AccessRule, signed []string, changed []change, root plumbing.Hash) []string {
	var out []string
	for person := range t.State.People {
		if slices.Contains(signed, person) || t.MemberOf(person) == "" {
			continue
		}
		if v.ruleAllows(t, rule, person, changed, root) {
			out = append(out, person)
		}
	}
	slices.Sort(out)
	return out
}
