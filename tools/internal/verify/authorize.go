package verify

import (
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/embargo-tool/embargo/tools/internal/access"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// change is one path a commit adds, modifies or deletes.
type change = gittree.Change

var (
	memberFileRe = regexp.MustCompile(`^members/([a-z0-9][a-z0-9-]*)\.yaml$`)
	keyFileRe    = regexp.MustCompile(`^members/keys/([0-9A-F]{40}|[0-9A-F]{64})\.asc$`)
	safePathRe   = regexp.MustCompile(`^[A-Za-z0-9._/+@-]+$`)
)

// authorize checks every path the commit changes against the access rules of t.
func (v *verifier) authorize(j *judgement, t *Trust, signer string) {
	d, ok := v.diffs[j.c.Hash]
	if !ok {
		d.changes, d.err = v.changes(j.c)
	}
	root := j.c.Tree
	if d.err != nil {
		j.addTreeError(d.err)
		return
	}
	if signer == anchorPerson {
		return // the root commit signed by a trust anchor founds the repository
	}
	for _, ch := range d.changes {
		if why := pathProblem(ch); why != "" {
			j.add("sig.unauthorized", ch.Path, why)
			continue
		}
		if why := v.allowed(t, signer, ch, root); why != "" {
			j.add("sig.unauthorized", ch.Path, why)
		}
	}
}

// gitControlFiles change how git reads other files (attributes re-encode or
// filter them, .gitmodules points elsewhere, .mailmap renames people): only
// coordinators may touch them, wherever they are.
var gitControlFiles = []string{".gitattributes", ".gitmodules", ".mailmap"}

// isGitControlFile reports whether base name could be read as one of
// gitControlFiles (any letter case, NTFS's trailing dots).
func isGitControlFile(name string) bool {
	return slices.Contains(gitControlFiles, strings.ToLower(strings.TrimRight(name, ". ")))
}

// pathProblem refuses paths and entries no rule should ever allow. Trees git
// rejects (names holding "/", ".git" in disguise, names listed twice or out
// of order) never get this far: the strict tree reader refuses the commit.
func pathProblem(ch change) string {
	if !safePathRe.MatchString(ch.Path) {
		return "path has characters outside A-Z a-z 0-9 . _ / + @ - (look-alike or control characters); rename it"
	}
	if ch.To == nil {
		return "" // deleting is for the access rules to judge
	}
	if ch.To.IsDir() {
		return "an empty folder is refused: git never writes one, and it holds nothing to judge"
	}
	if why := state.LayoutProblem(ch.Path); why != "" {
		return "not a record path: " + why + "; nothing else belongs in the records' folders"
	}
	switch ch.To.Mode {
	case filemode.Regular, filemode.Executable:
	case filemode.Symlink:
		return "symlinks are refused: a link can make one path stand for another"
	case filemode.Submodule:
		return "submodules are refused"
	default:
		return fmt.Sprintf("entry of mode %s is refused; only regular files are allowed", ch.To.Mode)
	}
	if ch.CaseTwin != "" {
		return fmt.Sprintf("path differs from %s only in letter case; on case-insensitive systems they collide", ch.CaseTwin)
	}
	return ""
}

// allowed returns "" when some access rule matching ch.path grants the signer the
// change, or the reason it is refused (deny by default).
func (v *verifier) allowed(t *Trust, signer string, ch change, root plumbing.Hash) string {
	if isGitControlFile(path.Base(ch.Path)) && !t.IsCoordinator(signer) {
		return fmt.Sprintf("%s changes how git reads other files; only coordinators may change it", path.Base(ch.Path))
	}
	var who []string
	reasons := map[string]string{}
	for _, rule := range t.State.Policy.Access {
		if !slices.ContainsFunc(rule.Paths, func(p string) bool { return access.Match(p, ch.Path) }) {
			continue
		}
		for _, principal := range rule.Allow {
			ok, why := v.grants(t, principal, signer, ch, root)
			if ok {
				return ""
			}
			who = append(who, principal)
			if why != "" {
				reasons[principal] = why
			}
		}
	}
	if len(who) == 0 {
		return "no access rule in the base's policy.yaml covers this path, so nobody may change it (deny by default)"
	}
	msg := fmt.Sprintf("%s may not change this path; allowed: %s", signer, strings.Join(slices.Compact(who), ", "))
	for _, p := range who {
		if r := reasons[p]; r != "" {
			msg += "; " + r
			delete(reasons, p)
		}
	}
	return msg
}

// grants decides one principal of an access rule.
func (v *verifier) grants(t *Trust, principal, signer string, ch change, root plumbing.Hash) (bool, string) {
	switch {
	case principal == "coordinators":
		return t.IsCoordinator(signer), ""
	case strings.HasPrefix(principal, "person:"):
		return signer == strings.TrimPrefix(principal, "person:"), ""
	case principal == "own-member":
		return v.ownMember(t, signer, ch)
	case principal == "key-owner":
		return v.keyOwner(t, signer, ch, root)
	case principal == "issue-team":
		return v.issueTeamDeployment(t, signer, ch)
	}
	return false, ""
}

// ownMember: a person may edit their own member's record, but not its id,
// status, lists, founding flag, removal or vouch, and may not create, delete or
// rename it.
func (v *verifier) ownMember(t *Trust, signer string, ch change) (bool, string) {
	m := memberFileRe.FindStringSubmatch(ch.Path)
	if m == nil || t.MemberOf(signer) != m[1] {
		return false, ""
	}
	if ch.From == nil || ch.To == nil {
		return false, "a member may not create, delete or rename its own record; ask a coordinator"
	}
	var before, after records.Member
	if err := v.decodeBlob(ch.From.Hash, ch.Path, &before); err != nil {
		return false, "the old record does not read: " + err.Error()
	}
	if err := v.decodeBlob(ch.To.Hash, ch.Path, &after); err != nil {
		return false, "the new record does not read: " + err.Error()
	}
	var changed []string
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"id", before.ID, after.ID}, {"status", before.Status, after.Status}, {"lists", before.Lists, after.Lists},
		{"vouch", before.Vouch, after.Vouch}, {"founding", before.Founding, after.Founding}, {"removed", before.Removed, after.Removed},
	} {
		if !reflect.DeepEqual(f.a, f.b) {
			changed = append(changed, f.name)
		}
	}
	if len(changed) > 0 {
		return false, fmt.Sprintf("a member may not change its own %s; a coordinator must", strings.Join(changed, ", "))
	}
	if why := claimsOthers(t, m[1], before, after); why != "" {
		return false, why
	}
	if why := colleaguesKeys(signer, before, after); why != "" {
		return false, why
	}
	return true, ""
}

// colleaguesKeys refuses a change to the keys of another person of the same
// member: a key signs as the person who lists it, and issue teams and
// approvals name people, so moving one's key into a colleague's entry would
// sign as the colleague. Each person changes their own keys; a coordinator
// anyone's.
func colleaguesKeys(signer string, before, after records.Member) string {
	had := map[string][]string{}
	holder := map[string]string{} // key -> the person who lists it before
	for _, p := range before.People {
		had[p.ID] = p.Keys
		for _, k := range p.Keys {
			holder[k] = p.ID
		}
	}
	for _, p := range after.People {
		if old, ok := had[p.ID]; ok && p.ID != signer && !slices.Equal(old, p.Keys) {
			return fmt.Sprintf("%s may change only their own keys, not those of %s; a coordinator must", signer, p.ID)
		}
		if _, existed := had[p.ID]; !existed {
			// A new colleague comes with keys of their own, never a teammate's.
			for _, k := range p.Keys {
				if h, taken := holder[k]; taken {
					return fmt.Sprintf("key %s of %s is listed for %s already; a new person comes with a key of their own", k, p.ID, h)
				}
			}
		}
	}
	return ""
}

// claimsOthers refuses a member record that newly lists a person id or a key
// fingerprint that another member's record lists at the base: that would take
// over (or, as a duplicate, lock out) someone else's identity.
func claimsOthers(t *Trust, member string, before, after records.Member) string {
	had := map[string]bool{}
	for _, p := range before.People {
		had["id:"+p.ID] = true
		for _, k := range p.Keys {
			had["key:"+k] = true
		}
	}
	for _, p := range after.People {
		if !had["id:"+p.ID] {
			if other := otherMemberListing(t, member, func(q records.Person) bool { return q.ID == p.ID }); other != "" {
				return fmt.Sprintf("person id %s is already used in members/%s.yaml at the base; person ids are unique", p.ID, other)
			}
		}
		for _, k := range p.Keys {
			if !had["key:"+k] {
				if other := otherMemberListing(t, member, func(q records.Person) bool { return slices.Contains(q.Keys, k) }); other != "" {
					return fmt.Sprintf("key %s belongs to a person of members/%s.yaml at the base; a key belongs to one person", k, other)
				}
			}
		}
	}
	return ""
}

// otherMemberListing returns the file name (without .yaml) of a member record
// at the base, other than member's own, with a person matching match.
func otherMemberListing(t *Trust, member string, match func(records.Person) bool) string {
	for _, mf := range t.State.Members {
		name := strings.TrimSuffix(path.Base(mf.Path), ".yaml")
		if mf.Member == nil || name == member {
			continue
		}
		if slices.ContainsFunc(mf.Member.People, match) {
			return name
		}
	}
	return ""
}

// keyOwner: a key file may be changed by the person who lists it, at the base or
// in their own record as this commit leaves it (adding a new key of their own),
// and a new key file added by a person of a member for a new person of that
// member, listed in the record as this commit leaves it (adding a colleague).
func (v *verifier) keyOwner(t *Trust, signer string, ch change, root plumbing.Hash) (bool, string) {
	m := keyFileRe.FindStringSubmatch(ch.Path)
	if m == nil {
		return false, ""
	}
	fpr := m[1]
	if t.Owner[fpr] == signer {
		return true, ""
	}
	member := t.MemberOf(signer)
	if member == "" || ch.To == nil {
		return false, ""
	}
	// A key file the base already has, or a key the base lists for someone,
	// belongs to that person; only a new key may be added by its new owner.
	if _, exists := t.State.Keys[fpr]; exists {
		return false, fmt.Sprintf("key file %s exists at the base and is not %s's", fpr, signer)
	}
	if other := otherMemberListing(t, member, func(q records.Person) bool { return slices.Contains(q.Keys, fpr) }); other != "" {
		return false, fmt.Sprintf("key %s belongs to a person of members/%s.yaml at the base", fpr, other)
	}
	e, err := v.trees.Lookup(root, "members/"+member+".yaml")
	if err != nil {
		return false, ""
	}
	var rec records.Member
	if err := v.decodeBlob(e.Hash, "members/"+member+".yaml", &rec); err != nil {
		return false, ""
	}
	if owner := t.Owner[fpr]; owner != "" {
		return false, fmt.Sprintf("key %s belongs to %s at the base", fpr, owner)
	}
	for _, p := range rec.People {
		if !slices.Contains(p.Keys, fpr) {
			continue
		}
		if p.ID == signer {
			return true, ""
		}
		// A colleague the member adds in this change, with a new key: the
		// member's own person brings them in (their teammate vouch is
		// validate's to check), no coordinator needed.
		if _, known := t.State.People[p.ID]; !known {
			return true, ""
		}
	}
	return false, fmt.Sprintf("key %s is not listed for %s, nor for a new person of %s", fpr, signer, member)
}

// issueTeam: an issue may be edited by its handler and response team as the base
// records them; a new issue by the person it names as handler. Only coordinators
// delete issues.
func (v *verifier) issueTeam(t *Trust, signer string, ch change) (bool, string) {
	if !strings.HasPrefix(ch.Path, "issues/") || t.MemberOf(signer) == "" {
		return false, ""
	}
	if ch.To == nil {
		return false, "only coordinators delete issue records; set status: withdrawn instead"
	}
	if base, exists := t.Issue(ch.Path); exists {
		if base == nil {
			return false, "the base's version of this record is invalid, so its team is unknown"
		}
		if base.Handler == signer || slices.Contains(base.ResponseTeam, signer) {
			return true, ""
		}
		return false, fmt.Sprintf("%s is not the handler or on the response team of this issue at the base", signer)
	}
	var rec records.Issue
	if err := v.decodeBlob(ch.To.Hash, ch.Path, &rec); err != nil {
		return false, "the new record does not read: " + err.Error()
	}
	if rec.Handler == signer {
		return true, ""
	}
	return false, "a new issue may be added by a coordinator or by the person it names as handler"
}

// decodeBlob reads a record blob through the layers a state is loaded with
// (YAML, schema, decoding): the verifier judges a record as the next state
// will read it.
func (v *verifier) decodeBlob(h plumbing.Hash, p string, into any) error {
	data, err := gitobj.ReadBlob(v.repo.Storer, h, source.MaxFileSize)
	if err != nil {
		return err
	}
	kind := schemas.Member
	if strings.HasPrefix(p, "issues/") {
		kind = schemas.Issue
	}
	rec, err := state.Decode(kind, p, data)
	if err != nil {
		return err
	}
	switch into := into.(type) {
	case *records.Member:
		*into = *rec.(*records.Member)
	case *records.Issue:
		*into = *rec.(*records.Issue)
	default:
		return fmt.Errorf("cannot decode into %T", into)
	}
	return nil
}

// changes lists the paths commit c changes against its first parent (or against
// nothing, for a root commit).
func (v *verifier) changes(c *gitobj.Commit) ([]change, error) {
	var parentTree plumbing.Hash
	if len(c.Parents) > 0 {
		var err error
		if parentTree, err = v.treeOf(c.Parents[0]); err != nil {
			return nil, err
		}
	}
	return v.trees.Diff(parentTree, c.Tree)
}

// treeOf returns the tree id of commit h, from the commits already parsed when
// it can, else read by the strict commit reader.
func (v *verifier) treeOf(h plumbing.Hash) (plumbing.Hash, error) {
	c, err := v.commit(h)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return c.Tree, nil
}

// commit returns commit h, strictly parsed (and kept).
func (v *verifier) commit(h plumbing.Hash) (*gitobj.Commit, error) {
	if c, ok := v.parsed[h]; ok {
		return c, nil
	}
	c, err := readCommit(v.repo.Storer, h)
	if err != nil {
		return nil, err
	}
	v.parsed[h] = c
	return c, nil
}
