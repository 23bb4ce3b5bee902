package verify

import (
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/records"
)

// Deployment permission (docs/signatures.md#deployment-permission): on a list
// with deployment_permission, members may deploy fixes during an embargo
// only as the issue record's deployment allows, so that field is a
// permission the issue team may not give itself. The Xen Project's security
// team grants it; here the coordinators sign it, or the issue's handler where
// the list says deployment_permission: handler.

// issueTeamDeployment is the issue-team principal: issueTeam, and then the
// authority over deployment. grants calls it in place of issueTeam.
func (v *verifier) issueTeamDeployment(t *Trust, signer string, ch change) (bool, string) {
	ok, why := v.issueTeam(t, signer, ch)
	if !ok {
		return false, why
	}
	if why := v.deploymentAuthority(t, signer, ch); why != "" {
		return false, why
	}
	return true, ""
}

// deploymentAuthority returns "" when the change of an issue record that the
// issue team may otherwise make leaves its deployment alone, or when signer
// may change it; else why not. Coordinators never get here: their own
// principal grants them the path. Trust comes from the base: its policy, its
// record's list and handler. A record moved onto or off such a list counts
// for both lists, and the stricter of them decides, so the move is no way
// around the rule. Between states that permit nothing (no deployment stated,
// or permitted: false) anyone on the team may change it: withholding a
// permission grants nothing.
func (v *verifier) deploymentAuthority(t *Trust, signer string, ch change) string {
	lists := t.State.Policy.Lists
	used := false
	for _, l := range lists {
		used = used || l.DeploymentPermission != ""
	}
	if !used || ch.To == nil || (ch.From != nil && ch.From.Hash == ch.To.Hash) {
		return "" // no list asks for it; a deletion is issueTeam's to refuse; no change
	}
	var after records.Issue
	if err := v.decodeBlob(ch.To.Hash, ch.Path, &after); err != nil {
		return "the new record does not read: " + err.Error()
	}
	var before records.Deployment
	list, handler := after.List, after.Handler // a new record: issueTeam let only its handler add it
	base, _ := t.Issue(ch.Path)
	if base != nil {
		before, handler = base.Deployment, base.Handler
	}
	by := lists[after.List].DeploymentPermission
	if base != nil {
		if b := lists[base.List].DeploymentPermission; stricter(b, by) {
			by, list = b, base.List
		}
	}
	switch {
	case by == "":
		return ""
	case !permits(before) && !permits(after.Deployment):
		return ""
	case sameDeployment(before, after.Deployment):
		return ""
	case by == records.DeploymentByHandler && signer == handler:
		return ""
	}
	who := "coordinators sign"
	if by == records.DeploymentByHandler {
		who = "the issue's handler (as the base records it) or a coordinator signs"
	}
	return fmt.Sprintf("the deployment field is not %s's to change: on list %s deploying a fix during the embargo is a permission, which %s (policy.yaml deployment_permission); make the other edits in a commit of their own", signer, list, who)
}

// stricter reports whether deployment_permission a asks more than b:
// coordinators over handler over nothing.
func stricter(a, b string) bool {
	rank := map[string]int{"": 0, records.DeploymentByHandler: 1, records.DeploymentByCoordinators: 2}
	return rank[a] > rank[b]
}

// permits reports whether d lets members deploy.
func permits(d records.Deployment) bool { return d.Permitted != nil && *d.Permitted }

func sameDeployment(a, b records.Deployment) bool {
	return (a.Permitted == nil) == (b.Permitted == nil) && (a.Permitted == nil || *a.Permitted == *b.Permitted) && a.Restrictions == b.Restrictions
}
