package verify

import (
	"container/heap"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// MaxCommits bounds one verification run; a larger range is refused, not truncated.
const MaxCommits = 200_000

// rangeError is a problem with the range itself (rule sig.range).
type rangeError struct {
	msg  string
	kind error // a sentinel such as errEmptyRange, or nil
}

func (e *rangeError) Error() string { return e.msg }
func (e *rangeError) Unwrap() error { return e.kind }

// errEmptyRange: head adds no commit to base.
var errEmptyRange = errors.New("empty range")

// objectError is a commit object that does not parse strictly (rule sig.noncanonical).
type objectError struct {
	commit plumbing.Hash
	err    error
}

func (e *objectError) Error() string { return e.err.Error() }

// readCommit reads and strictly parses one commit, classifying failures.
func readCommit(s storer.EncodedObjectStorer, h plumbing.Hash) (*gitobj.Commit, error) {
	c, err := gitobj.ReadCommit(s, h)
	if err == nil {
		return c, nil
	}
	for _, sentinel := range []error{gitobj.ErrDuplicateHeader, gitobj.ErrNonCanonical, gitobj.ErrHashMismatch,
		gitobj.ErrMultipleSignatures, gitobj.ErrMalformed, gitobj.ErrTooLarge} {
		if errors.Is(err, sentinel) {
			return nil, &objectError{commit: h, err: err}
		}
	}
	return nil, err
}

// walkRange returns the commits reachable from head but not from base (git's
// base..head), oldest first, with every parent followed. It paints base's
// ancestry as uninteresting in commit-time order, like git rev-list, and stops
// once only uninteresting commits are left, so the cost follows the size of the
// range, not of the history. Forged commit times can only make it check more.
// Each commit picked as interesting is passed to pick at once (it may still turn
// out to be base history when a later commit paints it; that costs only work).
func walkRange(s storer.EncodedObjectStorer, base, head plumbing.Hash, pick func(c *gitobj.Commit, parentTree plumbing.Hash)) (commits []*gitobj.Commit, descends bool, err error) {
	w := &walker{s: s, seen: map[plumbing.Hash]*node{}, base: base}
	if err := w.push(base, true); err != nil {
		return nil, false, &rangeError{msg: fmt.Sprintf("base %s cannot be read (%v); is the clone shallow? fetch the full history (fetch-depth: 0)", short(base), err)}
	}
	if err := w.push(head, false); err != nil {
		var oe *objectError
		if errors.As(err, &oe) {
			return nil, false, err
		}
		return nil, false, &rangeError{msg: fmt.Sprintf("head %s cannot be read: %v", short(head), err)}
	}
	var picked []*node
	for w.q.Len() > 0 && !w.allUninteresting() {
		n := heap.Pop(&w.q).(*node)
		for _, p := range n.c.Parents {
			if err := w.push(p, n.uninteresting); err != nil {
				if n.uninteresting {
					continue // base's own history may be shallow; it was verified before
				}
				var oe *objectError
				if errors.As(err, &oe) {
					return nil, false, err
				}
				return nil, false, &rangeError{msg: fmt.Sprintf("parent %s of commit %s cannot be read (%v); is the clone shallow? fetch the full history (fetch-depth: 0)", short(p), short(n.c.Hash), err)}
			}
		}
		if !n.uninteresting {
			picked = append(picked, n)
			var parentTree plumbing.Hash // known once the parents are read, just above
			if len(n.c.Parents) > 0 {
				if pn := w.seen[n.c.Parents[0]]; pn != nil {
					parentTree = pn.c.Tree
				}
			}
			pick(n.c, parentTree)
		}
		if len(picked) > MaxCommits {
			return nil, false, &rangeError{msg: fmt.Sprintf("the range holds more than %d commits; verify it in parts", MaxCommits)}
		}
	}
	var out []*gitobj.Commit
	for i := len(picked) - 1; i >= 0; i-- { // popped newest first
		if !picked[i].uninteresting {
			out = append(out, picked[i].c)
		}
	}
	if len(out) == 0 {
		return nil, false, &rangeError{msg: fmt.Sprintf("the range %s..%s is empty: head adds no commit to base", short(base), short(head)), kind: errEmptyRange}
	}
	if !w.touchesBase(out) {
		return nil, false, &rangeError{msg: fmt.Sprintf("head %s shares no history with base %s (no merge base): a pull request must start from the base branch", short(head), short(base))}
	}
	return topoOrder(out), w.reachedBase, nil
}

type node struct {
	c             *gitobj.Commit
	uninteresting bool
	queued        bool
}

type walker struct {
	s           storer.EncodedObjectStorer
	seen        map[plumbing.Hash]*node
	q           queue
	base        plumbing.Hash
	reachedBase bool // base is an ancestor of head (fast-forward)
}

// push reads a commit (once) and queues it; painting it uninteresting spreads to
// what is already known of its ancestry.
func (w *walker) push(h plumbing.Hash, uninteresting bool) error {
	if h == w.base && !uninteresting {
		w.reachedBase = true
	}
	if n, ok := w.seen[h]; ok {
		if uninteresting && !n.uninteresting {
			w.paint(n)
		}
		return nil
	}
	c, err := readCommit(w.s, h)
	if err != nil {
		return err
	}
	n := &node{c: c, uninteresting: uninteresting, queued: true}
	w.seen[h] = n
	heap.Push(&w.q, n)
	return nil
}

// paint marks n and its already-seen ancestors uninteresting.
func (w *walker) paint(n *node) {
	stack := []*node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.uninteresting {
			continue
		}
		n.uninteresting = true
		for _, p := range n.c.Parents {
			if pn, ok := w.seen[p]; ok {
				stack = append(stack, pn)
			}
		}
	}
}

// touchesBase reports whether some commit of the range has a parent in base's
// history. If none has, head's history only ends in root commits of its own:
// it shares no history with base (and a forged commit time that hides the
// link fails closed here too).
func (w *walker) touchesBase(out []*gitobj.Commit) bool {
	for _, c := range out {
		for _, p := range c.Parents {
			if n, ok := w.seen[p]; ok && n.uninteresting {
				return true
			}
		}
	}
	return false
}

func (w *walker) allUninteresting() bool {
	for _, n := range w.q {
		if !n.uninteresting {
			return false
		}
	}
	return true
}

// queue is a max-heap on committer time (newest first).
type queue []*node

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	return q[i].c.Committer.When.After(q[j].c.Committer.When)
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *queue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

// topoOrder sorts commits so every parent in the set comes before its children,
// keeping the given order otherwise (stable Kahn's algorithm).
func topoOrder(cs []*gitobj.Commit) []*gitobj.Commit {
	index := map[plumbing.Hash]int{}
	for i, c := range cs {
		index[c.Hash] = i
	}
	children := make([][]int, len(cs))
	pending := make([]int, len(cs))
	for i, c := range cs {
		for _, p := range c.Parents {
			if j, ok := index[p]; ok {
				children[j] = append(children[j], i)
				pending[i]++
			}
		}
	}
	var ready, out []int
	for i := range cs {
		if pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		i := ready[0]
		ready = ready[1:]
		out = append(out, i)
		for _, ch := range children[i] {
			if pending[ch]--; pending[ch] == 0 {
				ready = append(ready, ch)
			}
		}
	}
	res := make([]*gitobj.Commit, len(out))
	for k, i := range out {
		res[k] = cs[i]
	}
	return res
}

// walkAll returns every commit reachable from head, oldest first.
func walkAll(s storer.EncodedObjectStorer, head plumbing.Hash) ([]*gitobj.Commit, error) {
	seen := map[plumbing.Hash]bool{head: true}
	stack := []plumbing.Hash{head}
	var out []*gitobj.Commit
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c, err := readCommit(s, h)
		if err != nil {
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				return nil, &rangeError{msg: fmt.Sprintf("commit %s is missing; a full audit needs the full history (fetch-depth: 0)", short(h))}
			}
			return nil, err
		}
		out = append(out, c)
		if len(out) > MaxCommits {
			return nil, &rangeError{msg: fmt.Sprintf("history holds more than %d commits", MaxCommits)}
		}
		for _, p := range c.Parents {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	// Reverse discovery order first so that, among independent commits, older ones lead.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return topoOrder(out), nil
}

func short(h plumbing.Hash) string { return h.String()[:12] }
