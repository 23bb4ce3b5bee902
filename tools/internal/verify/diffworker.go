package verify

import (
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
)

// diffWorker reads what commits change on a second handle of the repository,
// while the walk goes on with the first: go-git is not safe for concurrent
// use, but two handles on the same immutable objects are independent.
type diffWorker struct {
	trees   *gittree.Reader
	jobs    chan diffJob
	done    chan struct{}
	mu      sync.Mutex
	results map[plumbing.Hash]diffResult
}

type diffJob struct {
	commit, tree, parentTree plumbing.Hash
}

func startDiffWorker(repo *git.Repository) *diffWorker {
	w := &diffWorker{trees: gittree.New(repo.Storer), jobs: make(chan diffJob, 1024), done: make(chan struct{}), results: map[plumbing.Hash]diffResult{}}
	go func() {
		defer close(w.done)
		for j := range w.jobs {
			chs, err := w.trees.Diff(j.parentTree, j.tree)
			w.mu.Lock()
			w.results[j.commit] = diffResult{changes: chs, err: err}
			w.mu.Unlock()
		}
	}()
	return w
}

// submit queues the diff of a single-parent, OpenPGP-signed commit (the only
// ones whose changes are judged path by path).
func (w *diffWorker) submit(c *gitobj.Commit, parentTree plumbing.Hash) {
	if w == nil || len(c.Parents) != 1 || c.SigType != gitobj.SigOpenPGP || parentTree.IsZero() {
		return
	}
	w.jobs <- diffJob{commit: c.Hash, tree: c.Tree, parentTree: parentTree}
}

// finish waits for the queued diffs and hands them over.
func (w *diffWorker) finish(into map[plumbing.Hash]diffResult) {
	if w == nil {
		return
	}
	close(w.jobs)
	<-w.done
	for h, d := range w.results {
		into[h] = d
	}
}
