package source

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
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

// An abbreviated id that two objects start with is ambiguous: git refuses
// it, and so must the tool, or a commit made to share the prefix of the
// base's id (2^28 tries for seven digits) could be read in its place.
func TestAttackAmbiguousAbbreviatedID(t *testing.T) {
	dir := smallRepo(t)
	real := strings.TrimSpace(runGit(t, dir, "rev-parse", "main"))
	tree := strings.TrimSpace(runGit(t, dir, "rev-parse", "main~2^{tree}"))
	// A commit whose id starts with the same four digits as main's.
	var decoy string
	for i := 0; ; i++ {
		raw := fmt.Sprintf("tree %s\nauthor T <t@example.com> 1700000000 +0000\ncommitter T <t@example.com> 1700000000 +0000\n\ndecoy %d\n", tree, i)
		sum := sha1.Sum([]byte(fmt.Sprintf("commit %d\x00%s", len(raw), raw)))
		if id := hex.EncodeToString(sum[:]); id[:4] == real[:4] {
			cmd := exec.Command("git", "hash-object", "-w", "-t", "commit", "--stdin")
			cmd.Dir = dir
			cmd.Stdin = strings.NewReader(raw)
			out, err := cmd.Output()
			if err != nil || strings.TrimSpace(string(out)) != id {
				t.Fatalf("hash-object: %v %s", err, out)
			}
			decoy = id
			break
		}
	}
	if _, err := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", real[:4]+"^{commit}").Output(); err == nil {
		t.Fatalf("git reads the ambiguous %s", real[:4])
	}
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Resolve(repo, real[:4]); err == nil {
		t.Fatalf("Resolve(%s) = %s with %s and %s both starting so; want an error as git gives", real[:4], got.String()[:12], real[:12], decoy[:12])
	}
	if got, err := Resolve(repo, real[:12]); err != nil || got.String() != real {
		t.Fatalf("Resolve(%s) = %s, %v", real[:12], got, err)
	}
}

// A tag pushed as "origin/main" is found before refs/remotes/origin/main by
// git's lookup order (git warns and takes the tag): `embargo check --base
// origin/main`, or check's default bases, would read trust from it. Two
// references that match one name and disagree are refused.
func TestAttackTagShadowsRemoteBranch(t *testing.T) {
	dir := smallRepo(t)
	runGit(t, dir, "update-ref", "refs/remotes/origin/main", "main")
	runGit(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	repo, err := OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"origin/main", "origin/HEAD", "origin"} {
		if _, err := Resolve(repo, name); err != nil {
			t.Fatalf("Resolve(%s) before any decoy: %v", name, err)
		}
	}
	runGit(t, dir, "tag", "origin/main", "main~2")
	runGit(t, dir, "tag", "origin/HEAD", "main~2")
	runGit(t, dir, "branch", "origin", "main~2")
	for _, name := range []string{"origin/main", "origin/HEAD", "origin"} {
		if got, err := Resolve(repo, name); !errors.Is(err, ErrBadRevision) {
			t.Errorf("Resolve(%s) = %s, %v; want it refused as ambiguous (a tag and a remote branch disagree)", name, got.String()[:12], err)
		}
	}
	if _, err := Resolve(repo, "refs/remotes/origin/main"); err != nil {
		t.Errorf("the full reference name stays usable: %v", err)
	}
}
