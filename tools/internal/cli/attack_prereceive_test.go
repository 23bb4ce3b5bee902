package cli

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// A server that kept its old default branch name as a symbolic ref
// (git symbolic-ref refs/heads/master refs/heads/main, a common step when a
// branch is renamed) moves main when a push names master: git updates the
// ref it points to and gives the hook the name pushed. Judged as an "other"
// ref, that push would be a pull request against main, where rewinding main
// to an older commit is an empty range: accepted, undoing every landing
// since (a revoked key, a removed member).
func TestAttackPushThroughSymbolicRef(t *testing.T) {
	c := newServer(t, "--protect", "refs/heads/main,refs/heads/release")
	if out, err := c.git("--git-dir", c.server, "symbolic-ref", "refs/heads/master", "refs/heads/main"); err != nil {
		t.Fatalf("symbolic-ref: %v\n%s", err, out)
	}
	old := plumbing.NewHash(c.serverRef("refs/heads/main"))
	// A landing the rewind would undo.
	next := c.commit(old, c.signer(danaKey), map[string]string{issue4: string(c.files(old)[issue4]) + "# told\n"}, "EMB-2026-0004: told")
	if out, ok := c.push(next.String() + ":refs/heads/main"); !ok {
		t.Fatalf("push refused:\n%s", out)
	}
	main := next.String()
	out, ok := c.push("+" + old.String() + ":refs/heads/master")
	if ok || c.serverRef("refs/heads/main") != main {
		t.Fatalf("a push through refs/heads/master rewound main from %s to %s (accepted=%v)\n%s", main[:12], c.serverRef("refs/heads/main")[:12], ok, out)
	}
	if !strings.Contains(out, "sig.range") {
		t.Errorf("the pusher is not told why:\n%s", out)
	}

	// A symbolic ref to a protected branch that does not exist yet would
	// create it without the --trust audit.
	if out, err := c.git("--git-dir", c.server, "symbolic-ref", "refs/heads/trunk", "refs/heads/release"); err != nil {
		t.Fatalf("symbolic-ref: %v\n%s", err, out)
	}
	out, ok = c.push(main + ":refs/heads/trunk")
	if ok || c.serverRef("refs/heads/release") != "" {
		t.Fatalf("a push through refs/heads/trunk created the protected refs/heads/release (accepted=%v)\n%s", ok, out)
	}
}

// git reads a commit through refs/replace/<id> (unless told not to): a
// replace ref for main's tip makes every git command on the server — a web
// UI, a mirror, a script that builds from main — show another commit as
// main, while the hook and the checker read the real one. A pushed replace
// ref passed as an "other" ref whenever its commit passed as a pull request.
func TestAttackReplaceRef(t *testing.T) {
	c := newServer(t)
	main := plumbing.NewHash(c.serverRef("refs/heads/main"))
	other := c.commit(main, c.signer(danaKey), map[string]string{issue4: string(c.files(main)[issue4]) + "# shown instead\n"}, "EMB-2026-0004: another main")
	out, ok := c.push(other.String() + ":refs/replace/" + main.String())
	shown, _ := c.git("--git-dir", c.server, "rev-parse", "main^{tree}")
	if ok || strings.TrimSpace(shown) != c.mustTree(main).String() {
		t.Fatalf("a replace ref was accepted (accepted=%v): the server's git shows tree %s for main, the checker reads %s\n%s", ok, strings.TrimSpace(shown), c.mustTree(main), out)
	}
}
