package verify_test

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// A member's commit that adds empty folders where only coordinators may
// write (tools/, .github/, roles/) listed no change at all, so it passed with
// no finding: deny by default must see every entry a commit adds.
func TestAttackEmptyFolders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	empty := f.store(plumbing.TreeObject, nil)
	for _, p := range []string{"tools/evil", ".github/workflows/evil", "roles/evil", "issues/2026/evil"} {
		t.Run(p, func(t *testing.T) {
			f.t = t
			f.checkout(f.root)
			c := f.commit(spec{signer: greta(t), entries: map[string]entry{p: {filemode.Dir, empty}}, msg: "empty folder"})
			expect(t, f.verifyRange(f.root, c), want{rule: "sig.unauthorized", commit: c, path: p, text: "empty folder"})
		})
	}
}

// A merge commit whose tree adds an empty folder is not the clean merge of
// its parents.
func TestAttackEmptyFolderInAMerge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	empty := f.store(plumbing.TreeObject, nil)
	f.checkout(f.root)
	a := f.commitAs(dana(t), f.issueEdit("a"), "a")
	fs := f.cleanMerge(f.root, a)
	f.apply(fs, nil, map[string]entry{"tools/evil": {filemode.Dir, empty}})
	tree := f.writeTree(fs)
	m := f.commit(spec{parents: []plumbing.Hash{f.root, a}, signer: dana(t), tree: &tree, msg: "Merge"})
	expect(t, f.verifyRange(f.root, m), want{rule: "sig.merge", commit: m, path: "tools/evil", text: "evil merge"})
}
