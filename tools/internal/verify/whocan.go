package verify

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/embargo-tool/embargo/tools/internal/access"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/source"
)

// Grant is one way a path may be changed at a state: an access rule of
// policy.yaml (its index, from 0, and the pattern that matched), one of its
// principals, and the people it lets change the path there. Note says what
// limits the grant, or why it names nobody.
type Grant struct {
	Rule      int
	Pattern   string
	Principal string
	People    []string
	Note      string
}

// Access says who may change a path at a state: the grants of every access
// rule that matches it, in policy order, or Refused saying why nobody may.
type Access struct {
	Path    string
	Exists  bool
	Grants  []Grant
	Refused string
	// Thresholds are the matching access rules with threshold: N > 1: a
	// change lands only when N of the people the rule allows sign for it.
	Thresholds []Threshold
}

// Threshold is one two-person (or more) rule over a path.
type Threshold struct {
	Rule    int
	Pattern string
	N       int
	People  []string // who the rule allows, each counts once
}

// WhoCan answers `embargo who-can`: who may sign a commit that changes path p
// (an edit when p exists at the state, else its creation), judged by the same
// rules as a commit judged against this state (allowed and grants below, with
// the trust of the state and its own blob as the change), so the answer cannot
// drift from the check.
func WhoCan(repo *git.Repository, src *source.Tree, t *Trust, p string) (*Access, error) {
	if t.Broken != "" {
		return &Access{Path: p, Refused: t.Broken}, nil
	}
	v := newVerifier(repo, time.Time{}) // grants read no clock
	v.trees = src.Trees
	ch := change{Path: p}
	e, err := src.Trees.Lookup(src.Root, p)
	switch {
	case err == nil && e.Mode == filemode.Dir:
		return nil, fmt.Errorf("%s is a folder at %s; name a file in it", p, src.Desc)
	case err == nil:
		ch.From, ch.To = &e, &e // an edit that keeps the record valid
	case errors.Is(err, gittree.ErrNotFound):
		ch.To = &gitobj.TreeEntry{Name: path.Base(p), Mode: filemode.Regular}
	default:
		return nil, err
	}
	acc := &Access{Path: p, Exists: ch.From != nil}
	if why := pathProblem(ch); why != "" {
		acc.Refused = why
		return acc, nil
	}
	if isGitControlFile(path.Base(p)) {
		acc.Grants = append(acc.Grants, Grant{Rule: -1, Principal: "coordinators", People: t.activeWhere(t.IsCoordinator),
			Note: path.Base(p) + " changes how git reads other files: only coordinators, whatever the access rules say"})
		return acc, nil
	}
	for i, rule := range t.State.Policy.Access {
		k := slices.IndexFunc(rule.Paths, func(pat string) bool { return access.Match(pat, p) })
		if k < 0 {
			continue
		}
		if rule.Threshold > 1 {
			th := Threshold{Rule: i, Pattern: rule.Paths[k], N: rule.Threshold}
			for _, person := range t.activeWhere(func(string) bool { return true }) {
				if v.ruleAllows(t, rule, person, []change{ch}, src.Root) {
					th.People = append(th.People, person)
				}
			}
			acc.Thresholds = append(acc.Thresholds, th)
		}
		for _, principal := range rule.Allow {
			g := Grant{Rule: i, Pattern: rule.Paths[k], Principal: principal}
			var notes []string
			for _, person := range t.activeWhere(func(string) bool { return true }) {
				ok, why := v.grants(t, principal, person, ch, src.Root)
				if ok {
					g.People = append(g.People, person)
				} else if why != "" && !slices.Contains(notes, why) && principal != "issue-team" {
					notes = append(notes, why)
				}
			}
			g.Note = grantNote(t, principal, p, acc.Exists, notes)
			acc.Grants = append(acc.Grants, g)
		}
	}
	if len(acc.Grants) == 0 {
		acc.Refused = "no access rule in policy.yaml covers this path, so nobody may change it (deny by default)"
	}
	return acc, nil
}

// grantNote says what limits a principal beyond the people it names.
func grantNote(t *Trust, principal, p string, exists bool, why []string) string {
	switch principal {
	case "own-member":
		if !exists {
			return "a member may not create its own record; a coordinator writes it"
		}
		return "people of the member, who may not change its id, status, lists, founding, removed or vouch"
	case "key-owner":
		if !exists {
			return "a new key: the person who lists it in their own member record in the same change"
		}
		return "the person who lists the key"
	case "issue-team":
		if !exists {
			return "a new issue: the person it names as handler"
		}
		if rec, _ := t.Issue(p); rec == nil {
			return "the record is invalid at this revision, so its team is unknown"
		}
		return "the issue's handler and response team"
	}
	if len(why) > 0 {
		return strings.Join(why, "; ")
	}
	return ""
}

// activeWhere returns the people with a trusted key for whom keep holds, sorted.
func (t *Trust) activeWhere(keep func(string) bool) []string {
	seen := map[string]bool{}
	for _, person := range t.Owner {
		if person != "" && !seen[person] && keep(person) {
			seen[person] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
