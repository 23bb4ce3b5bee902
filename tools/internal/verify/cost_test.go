package verify_test

import (
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gittree"
)

// Row 28: a commit whose tree nests folders 20,000 deep is refused at
// gittree.MaxDepth with a finding, after reading only that many trees, not
// with an error (exit 2) and not after reading them all.
func TestRow28DeepFolders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	root := f.treeEntries(f.treeOf(f.root))
	var deep plumbing.Hash
	f.batch(func() {
		deep = f.storeEntries([]rawEntry{{"100644", "x.md", f.blob("deep\n")}})
		for range 20_000 {
			deep = f.storeEntries([]rawEntry{{"40000", "d", deep}})
		}
		tree := f.storeEntries(withEntry(root, rawEntry{"40000", "docs", deep}, ""))
		f.checkout(f.commit(spec{parents: []plumbing.Hash{f.root}, signer: mara(t), tree: &tree, msg: "deep"}))
	})
	expect(t, f.verifyRange(f.root, f.tip), want{rule: "sig.noncanonical", commit: f.tip, text: fmt.Sprintf("more than %d levels", gittree.MaxDepth)})
}

// Row 28: 60,000 new files in one folder are judged one by one, with case
// twins found through one index of the folder (not by comparing every pair).
func TestRow28WideFolder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := wideCommit(f, 60_000, "Twin.md")
	expect(t, f.verifyRange(f.root, h),
		want{rule: "sig.unauthorized", commit: h, path: "docs/twin.md", text: "differs from docs/Twin.md only in letter case"},
		want{rule: "sig.unauthorized", commit: h, path: "docs/Twin.md", text: "differs from docs/twin.md only in letter case"})
}

// wideCommit commits, as coordinator mara-openwall, n new files in docs/ and
// optionally one more file whose name is a case twin of docs/twin.md.
func wideCommit(f *fixture, n int, twin string) plumbing.Hash {
	root := f.treeEntries(f.treeOf(f.root))
	var h plumbing.Hash
	f.batch(func() {
		blob := f.blob("page\n")
		es := make([]rawEntry, 0, n+2)
		for i := range n {
			es = append(es, rawEntry{"100644", fmt.Sprintf("p%06d.md", i), blob})
		}
		if twin != "" {
			es = withEntry(withEntry(es, rawEntry{"100644", twin, blob}, ""), rawEntry{"100644", "twin.md", blob}, "")
		}
		tree := f.storeEntries(withEntry(root, rawEntry{"40000", "docs", f.storeEntries(es)}, ""))
		h = f.commit(spec{parents: []plumbing.Hash{f.root}, signer: mara(f.t), tree: &tree, msg: "wide"})
		f.checkout(h)
	})
	return h
}

// BenchmarkWideCommit verifies one commit adding n files to one folder: the
// time per commit must grow with n, not n² (4,000 against 40,000: about 10×).
func BenchmarkWideCommit(b *testing.B) {
	for _, n := range []int{4_000, 40_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			f := newFixture(b)
			h := wideCommit(f, n, "")
			b.ResetTimer()
			for range b.N {
				if fs := f.verifyRange(f.root, h); len(fs) != 0 {
					b.Fatal(fs)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/file")
		})
	}
}
