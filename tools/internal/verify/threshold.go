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
		a, applies := v.threshold(t, i, rule, before, group, tip)
		if !applies {
			continue
		}
		v.approvals = append(v.approvals, a)
		if f, ok := a.finding(); !ok {
			out = append(out, f)
		}
	}
	return out
}

// Approval is how a range stands against one access rule with a threshold
// whose paths it changes.
type Approval struct {
	Rule       int      // the rule's index in policy.yaml access
	Paths      []string // the rule's path patterns
	Threshold  int
	Signed     []string      // the people who signed for the final content
	MayApprove []string      // the people who still could
	Commit     plumbing.Hash // the last commit that changes the paths
	Unreadable string        // why the content cannot be read, or ""
}

// Met reports whether enough people signed.
func (a Approval) Met() bool { return a.Unreadable == "" && len(a.Signed) >= a.Threshold }

// finding is the sig.threshold finding of an approval not met; ok when met.
func (a Approval) finding() (finding.Finding, bool) {
	if a.Met() {
		return finding.Finding{}, true
	}
	f := finding.Finding{Rule: "sig.threshold", Severity: finding.Error, Commit: a.Commit.String()}
	if a.Unreadable != "" {
		f.Message = fmt.Sprintf("the content of %s cannot be read (%s), so its approvals cannot be counted", strings.Join(a.Paths, ", "), a.Unreadable)
		return f, false
	}
	f.Message = fmt.Sprintf("%s (access rule %d) need %d people allowed by the rule to sign for their final content; signed for it: %s",
		strings.Join(a.Paths, ", "), a.Rule+1, a.Threshold, listOrNone(a.Signed))
	if len(a.MayApprove) > 0 {
		f.Message += "; may still approve: " + strings.Join(a.MayApprove, ", ")
	}
	f.Message += `; another of them approves with a signed commit on top that changes none of these paths (git commit -S --allow-empty -m "Approve ...", or embargo approve), or a clean merge`
	return f, false
}

// threshold counts the approvals of one rule; applies is false when the
// group does not change its paths (or a change of them is refused already).
func (v *verifier) threshold(t *Trust, index int, rule records.AccessRule, before plumbing.Hash, group []*gitobj.Commit, tip *gitobj.Commit) (a Approval, applies bool) {
	a = Approval{Rule: index, Paths: rule.Paths, Threshold: rule.Threshold, Commit: tip.Hash}
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
			return a, false
		}
		if len(chs) > 0 {
			if !v.ok[c.Hash] {
				return a, false
			}
			changers = append(changers, c)
			// Every change counts: an approver must be allowed to make
			// each of them, not only the last.
			changed = append(changed, chs...)
		}
	}
	if len(changers) == 0 {
		return a, false
	}
	a.Commit = changers[len(changers)-1].Hash
	final, err := content(tip.Tree)
	if err != nil {
		a.Unreadable = err.Error()
		return a, true
	}
	if beforeContent, err := content(v.rootOf(before)); err == nil && beforeContent == final {
		return a, false // changed and changed back: nothing to approve
	}
	// A change of the paths after a commit voids what that commit signed for,
	// even if a later change brings the same content back.
	changedLater := changedAfter(group, changers)
	for _, c := range group {
		person := v.signers[c.Hash]
		if person == "" || slices.Contains(a.Signed, person) || changedLater[c.Hash] {
			continue
		}
		if got, err := content(c.Tree); err != nil || got != final {
			continue
		}
		if !v.ruleAllows(t, rule, person, changed, tip.Tree) {
			continue
		}
		a.Signed = append(a.Signed, person)
	}
	a.MayApprove = v.mayApprove(t, rule, a.Signed, changed, tip.Tree)
	return a, true
}

// changedAfter marks the commits of group that some commit of changers
// descends from (a change came after them), in one pass over the group from
// its newest commits to its oldest.
func changedAfter(group []*gitobj.Commit, changers []*gitobj.Commit) map[plumbing.Hash]bool {
	isChanger := make(map[plumbing.Hash]bool, len(changers))
	for _, c := range changers {
		isChanger[c.Hash] = true
	}
	later := map[plumbing.Hash]bool{}
	for i := len(group) - 1; i >= 0; i-- { // children before parents
		c := group[i]
		if isChanger[c.Hash] || later[c.Hash] {
			for _, p := range c.Parents {
				later[p] = true
			}
		}
	}
	return later
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
