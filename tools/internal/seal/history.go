package seal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// History runs the sealed rules on every commit of a range, not only on its
// head: plain text or a ciphertext that reached history cannot be taken
// back, so a pull request with one such commit is refused even when a later
// commit repairs the record.
//
// commits are the range base..head, parents before children (verify's walk).
// Each issue record a commit adds or changes — a blob that differs from the
// one at its path in every parent, so a merge is judged only for what it
// brings itself — is judged by the state of that commit: its policy (a list
// sealed at the base or in the commit counts as sealed), coordinators, people
// and keys. The head is left to validate, which judges its whole state, and
// so is any record whose blob the head still has. Besides, a record whose
// response_team or handler a commit changed while its sealed part stayed
// the same is refused if the head still holds that sealed part
// (sealed.recipients): the team changed, so it must be sealed again.
//
// Trees and blobs are read by the strict readers (gittree, source.Tree).
// Findings name the commit; an error means the range could not be read.
func History(trees *gittree.Reader, base plumbing.Hash, commits []*gitobj.Commit, head plumbing.Hash, now time.Time) ([]finding.Finding, error) {
	h := &history{trees: trees, now: now, states: map[string]*commitState{}, parsed: map[plumbing.Hash]*gitobj.Commit{}, judged: map[string]bool{}}
	baseC, err := h.commit(base)
	if err != nil {
		return nil, err
	}
	headC, err := h.commit(head)
	if err != nil {
		return nil, err
	}
	h.base = h.stateOf(baseC.Tree, "base "+short(base))
	h.baseSealed = h.base.sealedLists()
	h.head = headC.Tree
	// validate judges the head by the head's policy; when that seals fewer
	// lists than the base's, the head is judged here as well.
	headSealed := h.stateOf(headC.Tree, "head "+short(head)).sealedLists()
	headCovers := true
	for l := range h.baseSealed {
		headCovers = headCovers && headSealed[l]
	}
	stale := map[string][]staleSeal{}
	for _, c := range commits {
		changes, firstParent, err := h.changedIssues(c)
		if err != nil {
			return nil, err
		}
		for _, ch := range changes {
			if (!headCovers || c.Hash != head && !h.sameAtHead(ch)) && !h.judged[ch.Path+" "+ch.To.Hash.String()] {
				h.judged[ch.Path+" "+ch.To.Hash.String()] = true
				h.judgeBlob(c, ch.Path)
			}
			if s, ok := h.teamChangedKeepingSeal(c, firstParent, ch.Path); ok {
				stale[ch.Path] = append(stale[ch.Path], s)
			}
		}
	}
	if err := h.staleAtHead(baseC.Tree, stale); err != nil {
		return nil, err
	}
	finding.Sort(h.out)
	return h.out, nil
}

type history struct {
	trees      *gittree.Reader
	now        time.Time
	base       *commitState
	baseSealed map[string]bool
	head       plumbing.Hash // the head's tree
	states     map[string]*commitState
	parsed     map[plumbing.Hash]*gitobj.Commit
	judged     map[string]bool // "path blob" already judged
	out        []finding.Finding
}

// staleSeal is a sealed part a commit kept while it changed the team.
type staleSeal struct {
	sealed string
	commit plumbing.Hash
}

// commitState is the part of a commit's state that judges its records.
type commitState struct {
	st   *state.State
	ix   *index
	desc string
	err  error
}

func (cs *commitState) sealedLists() map[string]bool {
	out := map[string]bool{}
	if cs.st != nil && cs.st.Policy != nil {
		for name, l := range cs.st.Policy.Lists {
			if l.Sealed {
				out[name] = true
			}
		}
	}
	return out
}

func (h *history) commit(id plumbing.Hash) (*gitobj.Commit, error) {
	if c, ok := h.parsed[id]; ok {
		return c, nil
	}
	c, err := gitobj.ReadCommit(h.trees.Objects(), id)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", short(id), err)
	}
	h.parsed[id] = c
	return c, nil
}

// stateOf loads the policy, roles and members of a tree, once per distinct
// set of their ids.
func (h *history) stateOf(tree plumbing.Hash, desc string) *commitState {
	var key strings.Builder
	for _, name := range state.Trust {
		e, err := h.trees.Lookup(tree, name)
		switch {
		case err == nil:
			key.WriteString(e.Hash.String())
		case !errors.Is(err, gittree.ErrNotFound):
			key.WriteString("tree " + tree.String())
		}
		key.WriteString("/")
	}
	if cs, ok := h.states[key.String()]; ok {
		return cs
	}
	var ignored finding.List // the state's own findings are validate's and verify's
	st, err := state.LoadParts(&source.Tree{Trees: h.trees, Root: tree, Desc: desc}, &ignored, state.Trust...)
	cs := &commitState{st: st, desc: desc, err: err}
	if err == nil {
		cs.ix = newIndex(st)
	}
	h.states[key.String()] = cs
	return cs
}

// changedIssues returns the issue files commit c adds or changes against
// every parent, and the tree of its first parent (zero for a root commit).
func (h *history) changedIssues(c *gitobj.Commit) ([]gittree.Change, plumbing.Hash, error) {
	var parents []plumbing.Hash
	for _, p := range c.Parents {
		pc, err := h.commit(p)
		if err != nil {
			return nil, plumbing.ZeroHash, err
		}
		parents = append(parents, pc.Tree)
	}
	if len(parents) == 0 {
		parents = []plumbing.Hash{plumbing.ZeroHash}
	}
	var out []gittree.Change
	for i, pt := range parents {
		changes, err := h.issueDiff(pt, c.Tree)
		if err != nil {
			return nil, plumbing.ZeroHash, err
		}
		if i == 0 {
			out = changes
			continue
		}
		// A merge brings a blob itself only where it differs from every parent.
		kept := out[:0]
		for _, ch := range out {
			if slices.ContainsFunc(changes, func(o gittree.Change) bool { return o.Path == ch.Path }) {
				kept = append(kept, ch)
			}
		}
		out = kept
	}
	return out, parents[0], nil
}

// issueDiff lists the regular files under issues/ that differ between two
// trees and exist in the second, with their paths from the root.
func (h *history) issueDiff(from, to plumbing.Hash) ([]gittree.Change, error) {
	a, err := h.issuesDir(from)
	if err != nil {
		return nil, err
	}
	b, err := h.issuesDir(to)
	if err != nil {
		return nil, err
	}
	changes, err := h.trees.Diff(a, b)
	if err != nil {
		return nil, err
	}
	var out []gittree.Change
	for _, ch := range changes {
		if ch.To == nil || (ch.To.Mode != filemode.Regular && ch.To.Mode != filemode.Executable) {
			continue // deleted, or not a file: verify and validate refuse the rest
		}
		ch.Path = "issues/" + ch.Path
		out = append(out, ch)
	}
	return out, nil
}

func (h *history) issuesDir(tree plumbing.Hash) (plumbing.Hash, error) {
	if tree.IsZero() {
		return plumbing.ZeroHash, nil
	}
	e, err := h.trees.Lookup(tree, "issues")
	switch {
	case errors.Is(err, gittree.ErrNotFound):
		return plumbing.ZeroHash, nil
	case err != nil:
		return plumbing.ZeroHash, err
	case !e.IsDir():
		return plumbing.ZeroHash, nil
	}
	return e.Hash, nil
}

// sameAtHead reports whether the head holds the same blob at the same path.
func (h *history) sameAtHead(ch gittree.Change) bool {
	e, err := h.trees.Lookup(h.head, ch.Path)
	return err == nil && e.Hash == ch.To.Hash
}

// read returns a file of a tree, and whether it is there.
func (h *history) read(tree plumbing.Hash, path string) ([]byte, bool) {
	if tree.IsZero() {
		return nil, false
	}
	data, err := (&source.Tree{Trees: h.trees, Root: tree}).Read(path)
	return data, err == nil
}

// add reports a finding of commit c at the field ptr of doc (or line 1).
func (h *history) add(c plumbing.Hash, path string, doc *yamldoc.Doc, ptr string, atKey bool, rule, msg string) {
	line, col := 1, 1
	if doc != nil && ptr != "" {
		if atKey {
			line, col = doc.KeyPos(ptr)
		} else {
			line, col = doc.Pos(ptr)
		}
	}
	h.out = append(h.out, finding.Finding{Rule: rule, Severity: finding.Error, File: path, Line: line, Column: col,
		Commit: c.String(), Message: msg}) // renderers name the commit
}

// judgeBlob runs the sealed rules on the record at path as commit c holds it.
// It reads the record as plain YAML, not through its schema: whatever else is
// wrong with it, plain text in it is plain text in history.
func (h *history) judgeBlob(c *gitobj.Commit, path string) {
	data, ok := h.read(c.Tree, path)
	if !ok {
		return // a file the strict reader refuses is verify's finding
	}
	cs := h.stateOf(c.Tree, "commit "+short(c.Hash))
	sealedLists := cs.sealedLists()
	for l := range h.baseSealed {
		sealedLists[l] = true
	}
	doc, err := yamldoc.Parse(path, data)
	var m map[string]any
	if err == nil {
		m, _ = doc.Value().(map[string]any)
	}
	if m == nil {
		if len(sealedLists) > 0 {
			h.add(c.Hash, path, nil, "", false, RuleRequired, "the record is not a YAML mapping, so nothing shows it holds no plain text of a sealed list's record; rewrite the pull request's history so no commit holds it (git rebase -i)")
		}
		return
	}
	list, _ := m["list"].(string)
	status, _ := m["status"].(string)
	// A list neither policy knows may be a sealed one misspelt: fail closed.
	onSealed := sealedLists[list] || (!h.knownList(cs, list) && len(sealedLists) > 0)
	mustSeal := MustSeal(status) || !slices.Contains([]string{records.StatusDraft, records.StatusDisclosed, records.StatusWithdrawn}, status)
	plain := PlainFieldsValue(m)
	sealedValue, hasSealed := m[Field]
	switch {
	case hasSealed && len(plain) > 0:
		h.add(c.Hash, path, doc, pointer(plain[0]), true, RuleRequired, fmt.Sprintf(
			"%s in plain text beside the sealed part; it is in history now and no later commit takes it back: rewrite the pull request's history so no commit holds it (git rebase -i), and count it as seen by whoever can read the branch", fieldList(plain)))
	case !hasSealed && len(plain) > 0 && onSealed && mustSeal:
		h.add(c.Hash, path, doc, pointer(plain[0]), true, RuleRequired, fmt.Sprintf(
			"an embargoed record of the sealed list %s holds %s in plain text; it is in history now and a later commit that seals it does not take it back: rewrite the pull request's history so the record is sealed in the commit that writes it (embargo seal, then git rebase -i), and count the text as seen by whoever can read the branch", list, fieldList(plain)))
	}
	if !hasSealed {
		return
	}
	text, _ := sealedValue.(string)
	msg, err := pgp.ReadMessage([]byte(text))
	if err != nil {
		h.add(c.Hash, path, doc, "/"+Field, false, RuleFormat, fmt.Sprintf("%v; it is in history now: rewrite the pull request's history so no commit holds it (git rebase -i)", err))
		return
	}
	if cs.err != nil || cs.st == nil {
		h.add(c.Hash, path, doc, "/"+Field, false, RuleRecipients, fmt.Sprintf("the team of the record cannot be read from the commit's state (%v), so its recipients cannot be judged", cs.err))
		return
	}
	is := &records.Issue{List: list}
	is.Handler, _ = m["handler"].(string)
	team, _ := m["response_team"].([]any)
	for _, p := range team {
		if id, ok := p.(string); ok {
			is.ResponseTeam = append(is.ResponseTeam, id)
		}
	}
	for _, problem := range cs.ix.judge(cs.st, TeamOf(cs.st, is), msg, h.now) {
		h.add(c.Hash, path, doc, "/"+Field, false, RuleRecipients, problem+"; and it is in history now: rewrite the pull request's history (git rebase -i)")
	}
}

// knownList reports whether the base's or the commit's policy has list.
func (h *history) knownList(cs *commitState, list string) bool {
	for _, st := range []*state.State{h.base.st, cs.st} {
		if st != nil && st.Policy != nil {
			if _, ok := st.Policy.Lists[list]; ok {
				return true
			}
		}
	}
	return false
}

// teamChangedKeepingSeal reports a record whose handler or response team c
// changed against its first parent while its sealed part stayed the same.
func (h *history) teamChangedKeepingSeal(c *gitobj.Commit, parentTree plumbing.Hash, path string) (staleSeal, bool) {
	after, ok := h.decoded(c.Tree, path)
	if !ok || after.Sealed == "" {
		return staleSeal{}, false
	}
	before, ok := h.decoded(parentTree, path)
	if !ok || before.Sealed != after.Sealed || teamKey(before) == teamKey(after) {
		return staleSeal{}, false
	}
	return staleSeal{sealed: after.Sealed, commit: c.Hash}, true
}

// staleAtHead refuses a head record that still holds a sealed part kept
// across a change of its team, in some commit of the range or against the
// base.
func (h *history) staleAtHead(baseTree plumbing.Hash, stale map[string][]staleSeal) error {
	changes, err := h.issueDiff(baseTree, h.head)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		after, ok := h.decoded(h.head, ch.Path)
		if !ok || after.Sealed == "" {
			continue
		}
		if before, ok := h.decoded(baseTree, ch.Path); ok && before.Sealed == after.Sealed && teamKey(before) != teamKey(after) {
			stale[ch.Path] = append([]staleSeal{{sealed: after.Sealed}}, stale[ch.Path]...)
		}
		for _, s := range stale[ch.Path] {
			if s.sealed != after.Sealed {
				continue
			}
			doc, _ := yamldoc.Parse(ch.Path, mustRead(h, h.head, ch.Path))
			where := "this pull request"
			if !s.commit.IsZero() {
				where = "this commit"
			}
			f := finding.Finding{Rule: RuleRecipients, Severity: finding.Error, File: ch.Path, Line: 1, Column: 1, Commit: s.commit.String(),
				Message: where + " changes the handler or response_team and keeps the sealed part sealed for the team before; seal the record again to its team (embargo seal " + ch.Path + ")"}
			if s.commit.IsZero() {
				f.Commit = ""
			}
			if doc != nil {
				f.Line, f.Column = doc.Pos("/" + Field)
			}
			h.out = append(h.out, f)
			break
		}
	}
	return nil
}

func mustRead(h *history, tree plumbing.Hash, path string) []byte {
	data, _ := h.read(tree, path)
	return data
}

// decoded reads an issue record of a tree through its schema.
func (h *history) decoded(tree plumbing.Hash, path string) (*records.Issue, bool) {
	data, ok := h.read(tree, path)
	if !ok {
		return nil, false
	}
	rec, err := state.Decode(schemas.Issue, path, data)
	if err != nil {
		return nil, false
	}
	return rec.(*records.Issue), true
}

// teamKey names a record's handler and response team, in any order.
func teamKey(is *records.Issue) string {
	team := slices.Clone(is.ResponseTeam)
	slices.Sort(team)
	return is.Handler + "|" + strings.Join(team, ",")
}

func short(h plumbing.Hash) string { return h.String()[:12] }
