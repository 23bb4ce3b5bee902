package verify

import (
	"runtime"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// sigResult is the outcome of checking one commit's signature.
type sigResult struct {
	sig *pgp.Signature
	err error
}

// sigPool verifies signatures on all cores while the caller goes on reading git
// (which is not safe for concurrent use): the walk, the tree diffs and the
// cryptography overlap instead of adding up. Results are looked up by commit,
// so the order in which workers finish never shows in the output.
type sigPool struct {
	now     time.Time
	trustOf func(*gitobj.Commit) *Trust
	work    chan *gitobj.Commit
	wg      sync.WaitGroup
	mu      sync.Mutex
	results map[plumbing.Hash]sigResult
}

func newSigPool(now time.Time, trustOf func(*gitobj.Commit) *Trust) *sigPool {
	p := &sigPool{now: now, trustOf: trustOf, work: make(chan *gitobj.Commit, 1024), results: map[plumbing.Hash]sigResult{}}
	for range runtime.GOMAXPROCS(0) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			// Keys of its own: a range signed by one person would otherwise
			// be checked on one core, each worker waiting on that key's lock.
			keys := pgp.NewKeyCopies()
			for c := range p.work {
				sig, err := keys.VerifyDetached(p.trustOf(c).Keys, c.Payload, c.Signature, p.now)
				p.mu.Lock()
				p.results[c.Hash] = sigResult{sig, err}
				p.mu.Unlock()
			}
		}()
	}
	return p
}

// submit queues c; commits without an OpenPGP signature need no work.
func (p *sigPool) submit(c *gitobj.Commit) {
	if c.SigType == gitobj.SigOpenPGP {
		p.work <- c
	}
}

// wait finishes the work and returns the results in the order of commits.
func (p *sigPool) wait(commits []*gitobj.Commit) []sigResult {
	close(p.work)
	p.wg.Wait()
	out := make([]sigResult, len(commits))
	for i, c := range commits {
		out[i] = p.results[c.Hash]
	}
	return out
}
