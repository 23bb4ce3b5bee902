package cli

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// CI runs `embargo check --base <full id> --head <full id>` in a clone that
// holds every tag. Anyone who may push a tag names one after the base's id
// and points it at a commit of their making — here an unsigned coup that
// makes greta a coordinator — and signs the head on top of it: if the tag
// chose the base, the coup would be the trusted state and never checked.
func TestAttackTagNamedAfterTheBase(t *testing.T) {
	c := newServer(t)
	main := plumbing.NewHash(c.serverRef("refs/heads/main"))
	greta := c.signer(gretaKey)
	coup := c.commit(main, nil, map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, greta-suse]\n"}, "coup")
	head := c.commit(coup, greta, map[string]string{issue4: string(c.files(coup)[issue4]) + "# greta\n"}, "EMB-2026-0004: greta")
	c.mustGit("update-ref", "refs/tags/"+main.String(), coup.String())

	for _, cmd := range []string{"verify", "check"} {
		code, stdout, stderr := run(cmd, "--repo", c.dir, "--base", main.String(), "--head", head.String(), "--now", hookNow)
		if code != ExitFindings || !strings.Contains(stdout, "sig.missing") {
			t.Errorf("%s --base %s: exit %d, want the unsigned coup refused (sig.missing)\n%s%s", cmd, main.String()[:12], code, stdout, stderr)
		}
	}
}
