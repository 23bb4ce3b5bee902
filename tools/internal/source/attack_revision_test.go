package source

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// A full commit id names that commit, as it does for git, even when someone
// has pushed a tag or branch whose name is that id. CI passes --base and
// --head as full ids (github.sha, the anchor tag's commit): a tag named after
// the base and pointing at a commit of the attacker's making would otherwise
// choose the state trust is read from, or the head that is checked.
func TestAttackFullIDIsNeverShadowedByARef(t *testing.T) {
	dir := smallRepo(t)
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	real := strings.TrimSpace(runGit(t, dir, "rev-parse", "main~1"))
	decoy := strings.TrimSpace(runGit(t, dir, "rev-parse", "main~2"))
	for _, ref := range []string{"refs/tags/" + real, "refs/heads/" + real, "refs/" + real, "refs/remotes/" + real} {
		t.Run(ref, func(t *testing.T) {
			runGit(t, dir, "update-ref", ref, decoy)
			defer runGit(t, dir, "update-ref", "-d", ref)
			// git warns on stderr and reads the id as the commit.
			want := strings.TrimSpace(lastLine(runGit(t, dir, "rev-parse", real)))
			if want != real {
				t.Fatalf("git itself reads %s as %s", real, want)
			}
			got, err := Resolve(repo, real)
			if err != nil {
				t.Fatal(err)
			}
			if got != plumbing.NewHash(real) {
				t.Fatalf("Resolve(%s) = %s (the decoy behind %s); git reads the id as itself", real[:12], got.String()[:12], ref)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
