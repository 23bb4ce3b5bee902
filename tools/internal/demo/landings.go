package demo

import (
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// LandedBranch holds main as it is after two merged pull requests: the
// first adds a new key of dana-debian (a coordinator's change), the second is
// signed with that key. Judged as the protected branch (verify
// --fast-forward), each landing by the state before it, both pass; judged as
// one pull request against main, the new key is not yet trusted.
const LandedBranch = "landed/two-pull-requests"

// handledIssue is a disclosed record dana-debian handles (plain: sealing
// applies to embargoed records only).
const handledIssue = "issues/2025/EMB-2025-0006.yaml"

// buildLandings writes the commits of LandedBranch on root.
func buildLandings(s storer.EncodedObjectStorer, files map[string][]byte, root plumbing.Hash, keys map[string]*pgp.Signer, at func(int) time.Time) (plumbing.Hash, error) {
	newKey, err := pgp.NewSigner(pgp.AlgoEd25519, "Dana Whitfield, second TEST key", "dana@debian.example.org", at(72))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	pub, err := newKey.PublicArmored()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	write := func(files map[string][]byte, parents []plumbing.Hash, who *pgp.Signer, name, msg string, when time.Time) (plumbing.Hash, error) {
		tree, err := gitsign.WriteTree(s, files)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return gitsign.Write(s, gitsign.Commit{Tree: tree, Parents: parents, Name: name, Email: "demo@example.org", When: when, Message: msg, Signer: who})
	}
	withKey, err := edit(files, "members/debian.yaml", "keys: ["+handlerKey+"]", "keys: ["+handlerKey+", "+newKey.Fingerprint()+"]")
	if err != nil {
		return plumbing.ZeroHash, err
	}
	withKey["members/keys/"+newKey.Fingerprint()+".asc"] = pub
	addKey, err := write(withKey, []plumbing.Hash{root}, keys[coordinatorKey], "Mara Lindqvist", "Add dana-debian's second key\n", at(8))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	m1, err := write(withKey, []plumbing.Hash{root, addKey}, keys[coordinatorKey], "Mara Lindqvist", "Merge pull request 1: dana-debian's second key\n", at(7))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	used, err := edit(withKey, handledIssue, "notes: |\n", "notes: |\n  Signed with dana-debian's second key.\n")
	if err != nil {
		return plumbing.ZeroHash, err
	}
	useKey, err := write(used, []plumbing.Hash{m1}, newKey, "Dana Whitfield", "EMB-2025-0006: a note, signed with the second key\n", at(6))
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return write(used, []plumbing.Hash{m1, useKey}, keys[coordinatorKey], "Mara Lindqvist", "Merge pull request 2: EMB-2025-0006 note\n", at(5))
}
