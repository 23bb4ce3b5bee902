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
	results map[plumbing.Hash]*sigSlot
}

// sigSlot is one submitted commit's result, ready when done is closed, so
// that judging can start while the last signatures are still being checked.
type sigSlot struct {
	done chan struct{}
	res  sigResult
}

func newSigPool(now time.Time, trustOf func(*gitobj.Commit) *Trust) *sigPool {
	p := &sigPool{now: now, trustOf: trustOf, work: make(chan *gitobj.Commit, 1024), results: map[plumbing.Hash]*sigSlot{}}
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
				slot := p.results[c.Hash]
				p.mu.Unlock()
				slot.res = sigResult{sig, err}
				close(slot.done)
			}
		}()
	}
	return p
}

// submit queues c once; commits without an OpenPGP signature need no work.
func (p *sigPool) submit(c *gitobj.Commit) {
	if c.SigType != gitobj.SigOpenPGP {
		return
	}
	p.mu.Lock()
	_, dup := p.results[c.Hash]
	if !dup {
		p.results[c.Hash] = &sigSlot{done: make(chan struct{})}
	}
	p.mu.Unlock()
	if !dup {
		p.work <- c
	}
}

// close says no more commits come; the workers stop once they are checked.
func (p *sigPool) close() { close(p.work) }

// result waits for the signature check of c; a commit never submitted (not
// signed with OpenPGP) has the zero result.
func (p *sigPool) result(c *gitobj.Commit) sigResult {
	p.mu.Lock()
	slot := p.results[c.Hash]
	p.mu.Unlock()
	if slot == nil {
		return sigResult{}
	}
	<-slot.done
	return slot.res
}

// stop closes the pool and waits for its workers, for an early return.
func (p *sigPool) stop() {
	p.close()
	p.wg.Wait()
}
