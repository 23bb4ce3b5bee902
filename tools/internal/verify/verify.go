// Package verify checks that every commit of a range is signed by a member whose
// key and permissions come from the state the change is judged against (docs/signatures.md,
// docs/threat-model.md): exact bytes, strict crypto, identity by fingerprint only, deny by
// default, fail closed.
package verify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Options of one verification run.
type Options struct {
	Now time.Time
	// FastForward is the protected branch's check: head must descend from
	// base (a rewritten history is refused), and the history is judged as the
	// sequence of pull requests it was, each by the state before it (see
	// landings).
	FastForward bool
	// Summary, when set, receives what the run judged: for the one line a
	// clean run prints ("verified 6 commits by dana-debian, rui-redhat").
	Summary *Summary
	// AllowEmpty accepts an empty range (head already in base's history)
	// without a finding: a branch pushed at a commit main already has.
	AllowEmpty bool
	// Reopen, when set, opens a second handle on the same repository, so that
	// reading the changes can run beside the walk. Optional: only speed.
	Reopen func() (*git.Repository, error)
}

// Summary is what a verification run judged.
type Summary struct {
	Commits int      // commits judged
	Signers []string // the people whose signatures were accepted, sorted
}

// summarize fills opt.Summary from the judged commits.
func (v *verifier) summarize(opt Options, commits int) {
	if opt.Summary == nil {
		return
	}
	opt.Summary.Commits = commits
	seen := map[string]bool{}
	for _, p := range v.signers {
		seen[p] = true
	}
	opt.Summary.Signers = opt.Summary.Signers[:0]
	for p := range seen {
		opt.Summary.Signers = append(opt.Summary.Signers, p)
	}
	slices.Sort(opt.Summary.Signers)
}

// secondHandleAfter is the range length from which reading changes on a second
// repository handle (Options.Reopen) starts.
const secondHandleAfter = 256

// Range verifies every commit of base..head against the trust of base. With
// Options.FastForward (the protected branch) it judges the history as the
// sequence of pull requests it was instead: see landings.
// Findings describe refused commits; an error means the check could not run.
func Range(repo *git.Repository, base, head plumbing.Hash, opt Options) ([]finding.Finding, error) {
	fs, _, err := RangeApprovals(repo, base, head, opt)
	return fs, err
}

// RangeApprovals is Range, and for each access rule with a threshold whose
// paths the range changes, how it stands (what `embargo approve` shows).
func RangeApprovals(repo *git.Repository, base, head plumbing.Hash, opt Options) ([]finding.Finding, []Approval, error) {
	v := newVerifier(repo, opt.Now)
	fs, err := v.verifyRange(base, head, opt)
	return fs, v.approvals, err
}

func (v *verifier) verifyRange(base, head plumbing.Hash, opt Options) ([]finding.Finding, error) {
	repo := v.repo
	// Trust first, so signatures can be checked while the walk goes on.
	trust, err := v.baseTrust(base)
	if f, ok := asFinding(err); ok {
		return []finding.Finding{f}, nil
	}
	if err != nil {
		return nil, err
	}
	// Each commit is checked against the trust of the state it is judged
	// by: the base's, unless a landing of the protected branch says other.
	var trustMu sync.Mutex
	judgedBy := map[plumbing.Hash]*Trust{}
	pool := newSigPool(opt.Now, func(c *gitobj.Commit) *Trust {
		trustMu.Lock()
		defer trustMu.Unlock()
		if t, ok := judgedBy[c.Hash]; ok {
			return t
		}
		return trust
	})
	// A second handle pays off only for long ranges (a goroutine and a cache of
	// its own), so it starts once the walk has seen that the range is long.
	var differ *diffWorker
	picked := 0
	commits, descends, err := walkRange(repo.Storer, base, head, func(c *gitobj.Commit, parentTree plumbing.Hash) {
		if !opt.FastForward {
			pool.submit(c)
		}
		if picked++; picked == secondHandleAfter && opt.Reopen != nil {
			if second, err := opt.Reopen(); err == nil {
				differ = startDiffWorker(second)
			}
		}
		differ.submit(c, parentTree)
	})
	if err != nil {
		pool.stop()
		differ.finish(map[plumbing.Hash]diffResult{})
		if errors.Is(err, errEmptyRange) && opt.AllowEmpty {
			return nil, nil
		}
		if f, ok := asFinding(err); ok {
			return []finding.Finding{f}, nil
		}
		return nil, err
	}
	var out []finding.Finding
	if opt.FastForward && !descends {
		out = append(out, rangeFinding(head, fmt.Sprintf("head %s does not descend from %s: the history was rewritten; restore the verified history instead of force-pushing", short(head), short(base))))
	}
	differ.finish(v.diffs)
	inRange := map[plumbing.Hash]bool{}
	for _, c := range commits {
		inRange[c.Hash] = true
		v.parsed[c.Hash] = c
	}
	// Commits outside the range are base history: verified when they landed.
	v.verified = func(h plumbing.Hash) bool { return !inRange[h] || v.ok[h] }
	if !opt.FastForward {
		pool.close()
		v.readChanges(commits)
		// Judging starts while the pool checks the last signatures.
		for _, c := range commits {
			out = append(out, v.judge(c, trust, pool.result(c))...)
		}
		if tip, ok := v.parsed[head]; ok {
			out = append(out, v.thresholds(trust, base, commits, tip)...)
		}
		v.summarize(opt, len(commits))
		finding.Sort(out)
		return out, nil
	}
	defer pool.close()
	groups := landings(base, head, commits)
	if groups == nil || !descends {
		// Not a first-parent history from base: judge it all by the base.
		groups = []landing{{before: base, commits: commits}}
	}
	cache := map[string]*Trust{}
	t, good := trust, true
	for _, g := range groups {
		// A landing is judged by the state before it, once every earlier
		// landing held; after a refused one, by the last state that held.
		if good && g.before != base {
			if t, err = v.trustOf(g.before, cache); err != nil {
				return nil, err
			}
		}
		trustMu.Lock()
		for _, c := range g.commits {
			judgedBy[c.Hash] = t
		}
		trustMu.Unlock()
		for _, c := range g.commits {
			pool.submit(c)
		}
		v.readChanges(g.commits)
		for _, c := range g.commits {
			fs := v.judge(c, t, pool.result(c))
			good = good && len(fs) == 0
			out = append(out, fs...)
		}
		// The landing's tip is its last commit: every other one is its ancestor.
		fs := v.thresholds(t, g.before, g.commits, g.commits[len(g.commits)-1])
		good = good && len(fs) == 0
		out = append(out, fs...)
	}
	v.summarize(opt, len(commits))
	finding.Sort(out)
	return out, nil
}

// landing is one pull request as the protected branch received it: the
// commits it brought and the state before it, which judges them.
type landing struct {
	before  plumbing.Hash
	commits []*gitobj.Commit // parents before children
}

// landings splits a range of the protected branch into the pull requests it
// was, following first parents from head back to base (the mainline):
//   - a merge on the mainline lands with every commit it brings in (those
//     reachable from its other parents and not from the mainline before it),
//     judged by the state of its first parent;
//   - consecutive non-merge commits on the mainline (a direct push, a
//     fast-forwarded or rebased pull request) are one landing, judged by the
//     state before the first of them: nothing in git tells where one of them
//     ends and the next begins, so a key added by one of them may not sign
//     another until a merge separates them.
//
// So a key added by one merged pull request may sign the next, while a key
// added and used inside one pull request or one push stays refused. It
// returns nil when first parents from head do not lead to base (with a zero
// base, to the root commit: a full audit).
func landings(base, head plumbing.Hash, commits []*gitobj.Commit) []landing {
	byHash := make(map[plumbing.Hash]*gitobj.Commit, len(commits))
	for _, c := range commits {
		byHash[c.Hash] = c
	}
	var mainline []*gitobj.Commit
	for h := head; h != base; {
		c, ok := byHash[h]
		if !ok {
			return nil
		}
		mainline = append(mainline, c)
		if len(c.Parents) == 0 {
			if base.IsZero() {
				break // a full audit: the mainline ends at the root
			}
			return nil
		}
		h = c.Parents[0]
	}
	slices.Reverse(mainline)
	group := map[plumbing.Hash]int{}
	var out []landing
	for i, m := range mainline {
		before := base
		if i > 0 {
			before = mainline[i-1].Hash
		}
		// The root of a full audit lands alone: it founds the repository.
		if i == 0 || i == 1 && base.IsZero() || len(m.Parents) > 1 || len(mainline[i-1].Parents) > 1 {
			out = append(out, landing{before: before})
		}
		g := len(out) - 1
		group[m.Hash] = g
		var stack []plumbing.Hash
		if len(m.Parents) > 1 {
			stack = slices.Clone(m.Parents[1:])
		}
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			c, ok := byHash[h]
			if _, done := group[h]; !ok || done {
				continue
			}
			group[h] = g
			stack = append(stack, c.Parents...)
		}
	}
	for _, c := range commits {
		g, ok := group[c.Hash]
		if !ok {
			return nil // not reachable the way the walk found it: judge by the base
		}
		out[g].commits = append(out[g].commits, c)
	}
	return out
}

// Audit verifies all history reachable from head: each commit against the state
// of its first parent, the root commit against the trust anchors (fingerprints),
// except that the commits a merge of the mainline brings in are judged, with
// the merge, by the state of its first parent (see landings).
func Audit(repo *git.Repository, head plumbing.Hash, anchors []string, opt Options) ([]finding.Finding, error) {
	commits, err := walkAll(repo.Storer, head)
	if f, ok := asFinding(err); ok {
		return []finding.Finding{f}, nil
	}
	if err != nil {
		return nil, err
	}
	v := newVerifier(repo, opt.Now)
	for _, c := range commits {
		v.parsed[c.Hash] = c
	}
	v.verified = func(h plumbing.Hash) bool { return v.ok[h] }
	cache := map[string]*Trust{}
	// The commits a merge of the mainline brings in are judged by the state
	// before that merge, as the protected branch judges them: a key their
	// own pull request added does not sign them.
	groups := landings(plumbing.ZeroHash, head, commits)
	landedBy := map[plumbing.Hash]plumbing.Hash{}
	for _, g := range groups {
		if tip := g.commits[len(g.commits)-1]; len(tip.Parents) > 1 && !g.before.IsZero() {
			for _, c := range g.commits {
				landedBy[c.Hash] = g.before
			}
		}
	}
	trusts := make([]*Trust, len(commits))
	for i, c := range commits {
		if before, ok := landedBy[c.Hash]; ok {
			t, err := v.trustOf(before, cache)
			if err != nil {
				return nil, err
			}
			trusts[i] = t
			continue
		}
		if len(c.Parents) == 0 {
			t, err := v.anchorTrust(c, anchors)
			if err != nil {
				return nil, err
			}
			trusts[i] = t
			continue
		}
		t, err := v.trustOf(c.Parents[0], cache)
		if err != nil {
			return nil, err
		}
		trusts[i] = t
	}
	index := map[*gitobj.Commit]int{}
	for i, c := range commits {
		index[c] = i
	}
	pool := newSigPool(opt.Now, func(c *gitobj.Commit) *Trust { return trusts[index[c]] })
	for _, c := range commits {
		pool.submit(c)
	}
	pool.close()
	v.readChanges(commits)
	var out []finding.Finding
	for i, c := range commits {
		out = append(out, v.judge(c, trusts[i], pool.result(c))...)
	}
	// Threshold rules count approvals per landing of the mainline, each by
	// the state before it; the root's landing founds the repository.
	for _, g := range groups {
		if g.before.IsZero() {
			continue
		}
		t, err := v.trustOf(g.before, cache)
		if err != nil {
			return nil, err
		}
		out = append(out, v.thresholds(t, g.before, g.commits, g.commits[len(g.commits)-1])...)
	}
	v.summarize(opt, len(commits))
	finding.Sort(out)
	return out, nil
}

type verifier struct {
	repo    *git.Repository
	trees   *gittree.Reader                  // the one reader of every tree a decision reads
	parsed  map[plumbing.Hash]*gitobj.Commit // the commits being judged
	diffs   map[plumbing.Hash]diffResult
	now     time.Time
	ok      map[plumbing.Hash]bool   // commits judged without an error finding
	signers map[plumbing.Hash]string // person who signed each commit judged so (none for merge keys)
	// approvals are the threshold rules the judged commits change, counted.
	approvals []Approval
	verified  func(plumbing.Hash) bool
}

func newVerifier(repo *git.Repository, now time.Time) *verifier {
	return &verifier{repo: repo, now: now, ok: map[plumbing.Hash]bool{}, signers: map[plumbing.Hash]string{}, trees: gittree.New(repo.Storer), parsed: map[plumbing.Hash]*gitobj.Commit{}, diffs: map[plumbing.Hash]diffResult{}}
}

// readChanges reads what each commit changes (go-git, this goroutine) that
// the diff worker did not, while the pool verifies signatures.
func (v *verifier) readChanges(commits []*gitobj.Commit) {
	for _, c := range commits {
		if _, done := v.diffs[c.Hash]; !done && len(c.Parents) <= 1 && c.SigType == gitobj.SigOpenPGP {
			chs, err := v.changes(c)
			v.diffs[c.Hash] = diffResult{changes: chs, err: err}
		}
	}
}

// diffResult is what a commit changes, read ahead of judging it.
type diffResult struct {
	changes []change
	err     error
}

// judge turns one commit's signature result and changes into findings.
func (v *verifier) judge(c *gitobj.Commit, t *Trust, sr sigResult) []finding.Finding {
	j := &judgement{c: c}
	switch {
	case c.SigType == gitobj.SigNone:
		j.add("sig.missing", "", "commit is not signed; sign every commit (git commit -S, or git rebase --exec 'git commit --amend --no-edit -S')")
	case c.SigType != gitobj.SigOpenPGP:
		j.add("sig.invalid", "", fmt.Sprintf("unsupported signature type %s; sign with OpenPGP (git config gpg.format openpgp)", c.SigType))
	case t.Broken != "":
		// The state judged against trusts nobody; say why, not that the key is unknown.
		j.add("sig.unauthorized", "", t.Broken)
	case sr.err != nil:
		rule, why := classify(sr.err)
		j.add(rule, "", why)
	case sr.sig == nil:
		// Every signed commit is checked before it is judged; if one was not,
		// refuse rather than pass it.
		j.add("sig.invalid", "", "the signature was not checked (internal error); run the check again")
	}
	if len(j.out) > 0 {
		return j.out
	}
	j.fpr = sr.sig.Fingerprint
	signer := t.Owner[j.fpr]
	merger := t.Mergers[j.fpr]
	switch {
	case signer == "" && !merger:
		j.add("sig.unknown-key", "", "signed by a key that no active person lists; keys take effect only once merged")
	case len(c.Parents) > 2:
		j.add("sig.merge", "", fmt.Sprintf("octopus merge of %d parents; merge one branch at a time", len(c.Parents)))
	case len(c.Parents) == 2:
		v.checkMerge(j)
	case merger:
		j.add("sig.unauthorized", "", "a hosting merge key may sign only clean merge commits, not squashed or rebased changes")
	default:
		v.authorize(j, t, signer)
	}
	if len(j.out) == 0 {
		v.ok[c.Hash] = true
		if signer != "" && signer != anchorPerson {
			v.signers[c.Hash] = signer
		}
	}
	return j.out
}

// judgement collects the findings about one commit.
type judgement struct {
	c   *gitobj.Commit
	fpr string
	out []finding.Finding
}

func (j *judgement) add(rule, path, msg string) {
	f := finding.Finding{Rule: rule, Severity: finding.Error, File: path, Commit: j.c.Hash.String(), Fingerprint: j.fpr, Message: msg}
	if path != "" {
		f.Line, f.Column = 1, 1
	}
	j.out = append(j.out, f)
}

// addTreeError reports a change set that could not be read: a malformed tree
// is sig.noncanonical (the whole commit is refused, never judged on part of
// its change), a tree that cannot be read at all is sig.invalid.
func (j *judgement) addTreeError(err error) {
	if gittree.Malformed(err) {
		j.add("sig.noncanonical", "", treeMessage(err))
		return
	}
	j.add("sig.invalid", "", "cannot read the commit's changes: "+err.Error())
}

// treeMessage says what is wrong with a malformed tree and what to do.
func treeMessage(err error) string {
	return err.Error() + "; git fsck --strict rejects such a tree (or it nests deeper than embargo reads): rebuild the commit with git"
}

// classify maps a signature error to its rule and a message that says what to
// do. The pgp errors say what is wrong, and only ErrWeak's also say the fix,
// which depends on what is weak (the hash, the key's algorithm or size, a
// self-signature): classify adds the fix for the others, once. The rule names
// the kind of problem, so the sentinel's own words ("key expired: ...") are
// left out of the message.
func classify(err error) (rule, msg string) {
	switch {
	case errors.Is(err, pgp.ErrUnknownKey):
		return "sig.unknown-key", detail(err, pgp.ErrUnknownKey) + "; only keys of active people at the base count, and a key added by a pull request takes effect after it is merged"
	case errors.Is(err, pgp.ErrKeyExpired):
		return "sig.key-expired", detail(err, pgp.ErrKeyExpired) + "; extend the key's expiry (gpg --quick-set-expire) and update its key file, or sign again with a valid key"
	case errors.Is(err, pgp.ErrKeyRevoked):
		return "sig.key-revoked", detail(err, pgp.ErrKeyRevoked) + "; sign again with a key that is not revoked (the one that replaces it)"
	case errors.Is(err, pgp.ErrWeak):
		return "sig.weak", detail(err, pgp.ErrWeak)
	case errors.Is(err, pgp.ErrKeyUnusable):
		return "sig.invalid", err.Error() + "; sign with a key whose current self-signature allows signing, and publish its key file"
	case errors.Is(err, pgp.ErrBadTime):
		return "sig.invalid", err.Error() + "; a signature from the future, or older than its key, comes from a wrong clock: fix the signing machine's clock and sign again"
	}
	return "sig.invalid", err.Error() + "; the signature must verify over the commit's exact bytes"
}

// detail is err's message without the words of sentinel at its start.
func detail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

func asFinding(err error) (finding.Finding, bool) {
	var re *rangeError
	var oe *objectError
	switch {
	case errors.As(err, &re):
		return finding.Finding{Rule: "sig.range", Severity: finding.Error, Message: re.msg}, true
	case errors.As(err, &oe):
		return finding.Finding{Rule: "sig.noncanonical", Severity: finding.Error, Commit: oe.commit.String(),
			Message: oe.err.Error() + "; the commit object is not what git writes, rewrite it with git"}, true
	case gittree.Malformed(err):
		return finding.Finding{Rule: "sig.noncanonical", Severity: finding.Error, Message: treeMessage(err)}, true
	}
	return finding.Finding{}, false
}

func rangeFinding(h plumbing.Hash, msg string) finding.Finding {
	return finding.Finding{Rule: "sig.range", Severity: finding.Error, Commit: h.String(), Message: msg}
}

// baseTrust loads the trust of the base commit; a base that cannot be read is
// a range problem (a shallow clone), reported as such.
func (v *verifier) baseTrust(base plumbing.Hash) (*Trust, error) {
	c, err := readCommit(v.repo.Storer, base)
	if err != nil {
		var oe *objectError
		if errors.As(err, &oe) {
			return nil, err
		}
		return nil, &rangeError{msg: fmt.Sprintf("base %s cannot be read (%v); is the clone shallow? fetch the full history (fetch-depth: 0)", short(base), err)}
	}
	v.parsed[base] = c
	return TrustOf(&source.Tree{Trees: v.trees, Root: c.Tree, Desc: "base " + short(base)})
}

// trustOf loads (and caches) the trust of commit h's state. States that share their
// policy, roles and members trees share the keys, people and rules of one Trust;
// issues are always read from h's own state.
func (v *verifier) trustOf(h plumbing.Hash, cache map[string]*Trust) (*Trust, error) {
	th, err := v.treeOf(h)
	if err != nil {
		return nil, err
	}
	key := v.trustKey(th)
	src := &source.Tree{Trees: v.trees, Root: th, Desc: "commit " + short(h)}
	if t, ok := cache[key]; ok {
		if t.tree == nil || t.tree.Root == th {
			return t, nil
		}
		// The same keys, people and rules, but this state's own issues:
		// an issue's team is read from the state judged.
		c := *t
		c.tree, c.issues = src, nil
		return &c, nil
	}
	t, err := TrustOf(src)
	if err != nil {
		return nil, err
	}
	cache[key] = t
	return t, nil
}

// trustKey names the parts of a state trust is read from by their ids.
func (v *verifier) trustKey(root plumbing.Hash) string {
	var key strings.Builder
	for _, name := range state.Trust {
		e, err := v.trees.Lookup(root, name)
		switch {
		case err == nil:
			key.WriteString(e.Hash.String())
		case !errors.Is(err, gittree.ErrNotFound):
			return "root " + root.String() // never shared: TrustOf reads and refuses it
		}
		key.WriteString("/")
	}
	return key.String()
}

// anchorTrust is the trust of a root commit: only the anchor fingerprints, with
// their keys read from the root's own tree (the fingerprint pins the key).
func (v *verifier) anchorTrust(c *gitobj.Commit, anchors []string) (*Trust, error) {
	t, err := TrustOf(&source.Tree{Trees: v.trees, Root: c.Tree, Desc: "root " + short(c.Hash)})
	if err != nil {
		return nil, err
	}
	anchor := &Trust{State: t.State, Owner: map[string]string{}, Mergers: map[string]bool{}, Broken: t.Broken}
	for _, fpr := range anchors {
		kf := t.State.Keys[fpr]
		if kf == nil || kf.Key == nil || kf.Key.Fingerprint != fpr {
			continue
		}
		anchor.Keys = append(anchor.Keys, kf.Key)
		anchor.Owner[fpr] = anchorPerson
	}
	return anchor, nil
}

// anchorPerson is the signer of a root commit trusted by --trust; it may add anything.
const anchorPerson = "\x00trust-anchor"
