package verify_test

import (
	"strings"
	"testing"
)

// xenIssue is the example's embargoed record on xen-predisclosure (policy.yaml
// deployment_permission: coordinators): greta-suse handles it, ines-amazon is
// on its team, and it permits deployment with restrictions.
const xenIssue = "issues/2026/EMB-2026-0006.yaml"

const fprInes = "04C4538861EFF5378E9D657A89CB262634C9ADCD" // amazon; on the team of EMB-2026-0006

func ines(t testing.TB) *signer { return example(t, "ines-amazon", fprInes) }

const restrictions = "  restrictions: Deploy the fixed build only to hosts that run your own services, without a changelog or announcement that names the issue before disclosure\n"

// TestDeploymentPermission: on a list with deployment_permission, a change to
// an issue's deployment is the coordinators' (or, where the list says so, the
// handler's) to sign; the rest of the record stays the issue team's.
func TestDeploymentPermission(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loosen := func(f *fixture) map[string]string {
		return map[string]string{xenIssue: f.edit(xenIssue, restrictions, "  restrictions: none\n")}
	}
	refused := []want{{rule: "sig.unauthorized", path: xenIssue, text: "to change: on list xen-predisclosure deploying a fix"}}
	runAccessCases(t, f, f.root, []accessCase{
		{"handler loosens the restrictions", greta, loosen, refused},
		{"team member loosens the restrictions", ines, loosen, refused},
		{"team member withdraws the permission", ines, func(f *fixture) map[string]string {
			return map[string]string{xenIssue: f.edit(xenIssue, "  permitted: true\n", "  permitted: false\n")}
		}, refused},
		{"coordinator loosens the restrictions", mara, loosen, nil},
		{"handler edits the notes", greta, func(f *fixture) map[string]string {
			return map[string]string{xenIssue: f.appendTo(xenIssue, "  Backports ready.\n")}
		}, nil},
		// A record moved onto the list brings its deployment under the rule...
		{"handler moves a record onto the list and permits deployment", dana, func(f *fixture) map[string]string {
			c := f.edit(issue4, "list: linux-distros\n", "list: xen-predisclosure\n")
			return map[string]string{issue4: strings.Replace(c, "  permitted: false\n", "  permitted: true\n", 1)}
		}, []want{{rule: "sig.unauthorized", path: issue4, text: "deployment field is not"}}},
		// ... and so does one moved off it: the base's list counts too.
		{"handler moves the record off the list and loosens", greta, func(f *fixture) map[string]string {
			c := f.edit(xenIssue, "list: xen-predisclosure\n", "list: distros\n")
			return map[string]string{xenIssue: strings.Replace(c, restrictions, "  restrictions: none\n", 1)}
		}, refused},
		// Withholding a permission grants nothing: the team may record it.
		{"handler moves a record onto the list without permitting", dana, func(f *fixture) map[string]string {
			return map[string]string{issue4: f.edit(issue4, "list: linux-distros\n", "list: xen-predisclosure\n")}
		}, nil},
		{"handler adds a record that permits deployment", greta, func(f *fixture) map[string]string {
			return map[string]string{"issues/2026/EMB-2026-0099.yaml": strings.Replace(f.content(f.tip, xenIssue), "id: EMB-2026-0006", "id: EMB-2026-0099", 1)}
		}, []want{{rule: "sig.unauthorized", path: "issues/2026/EMB-2026-0099.yaml", text: "deployment field is not"}}},
		{"handler adds a record that withholds it", greta, func(f *fixture) map[string]string {
			c := strings.Replace(f.content(f.tip, xenIssue), "id: EMB-2026-0006", "id: EMB-2026-0099", 1)
			return map[string]string{"issues/2026/EMB-2026-0099.yaml": strings.Replace(c, "  permitted: true\n", "  permitted: false\n", 1)}
		}, nil},
	})

	// With deployment_permission: handler (a policy change two coordinators
	// sign, merged before), the handler may change it; the team still not.
	t.Run("handler's permission", func(t *testing.T) {
		f.t = t
		f.checkout(f.root)
		base := f.commitAs(mara(t), map[string]string{"policy.yaml": f.edit("policy.yaml",
			"deployment_permission: coordinators", "deployment_permission: handler")}, "the handler grants deployment")
		byHandler := f.commitAs(greta(t), loosen(f), "handler loosens")
		expect(t, f.verifyRange(base, byHandler))
		f.checkout(base)
		byTeam := f.commitAs(ines(t), loosen(f), "team member loosens")
		expect(t, f.verifyRange(base, byTeam), want{rule: "sig.unauthorized", commit: byTeam, path: xenIssue,
			text: "the issue's handler (as the base records it) or a coordinator signs"})
	})

}
