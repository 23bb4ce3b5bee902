package validate_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/rules"
)

// Files of the bundled example that the cases mutate.
const (
	embargoed = "issues/2026/EMB-2026-0004.yaml" // linux-distros, still under embargo at demoNow
	exploited = "issues/2025/EMB-2025-0005.yaml" // disclosed, exploit shared and published
	extended  = "issues/2025/EMB-2025-0007.yaml" // disclosed after one technical extension
	hardware  = "issues/2025/EMB-2025-0004.yaml" // hardware list, no cap
	debian    = "members/debian.yaml"
	xenIssue  = "issues/2026/EMB-2026-0006.yaml" // xen-predisclosure: deployment permitted, affected versions
	distIssue = "issues/2026/EMB-2026-0007.yaml" // distributors: both advance notices recorded
	amazon    = "members/amazon.yaml"            // on xen-predisclosure: structured application
)

// ruleCase mutates the example and expects rule to be reported; the golden file holds
// every finding the mutation added to those of the unmodified example.
type ruleCase struct {
	name   string
	rule   string
	now    time.Time // zero: demoNow
	mutate []mutator
}

func ruleCases() []ruleCase {
	return []ruleCase{
		{name: "yaml-duplicate-key", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "severity: high", "severity: high\nseverity: low")}},
		{name: "yaml-anchor", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "response_team: [dana-debian", "response_team: &team [dana-debian")}},
		{name: "yaml-two-documents", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "  -----END PGP MESSAGE-----\n", "  -----END PGP MESSAGE-----\n---\nid: EMB-2026-0004\n")}},
		{name: "yaml-bad-syntax", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "severity: high", "severity: [high")}},
		{name: "yaml-tab-indent", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "  notified:", "\tnotified:")}},
		{name: "yaml-invalid-utf8", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "severity: high", "severity: hi\xffgh")}},
		{name: "yaml-nul-byte", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "severity: high", "severity: hi\x00gh")}},
		{name: "yaml-bom", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "# Example", "\ufeff# Example")}},
		{name: "yaml-too-large", rule: "yaml.syntax", mutate: []mutator{replace(embargoed, "exploits:", "notes: |\n  "+strings.Repeat("x", 1<<20)+"\nexploits:")}},
		{name: "yaml-alias-bomb", rule: "yaml.syntax", mutate: []mutator{write("issues/2026/EMB-2026-0099.yaml", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n")}},
		{name: "yaml-empty", rule: "yaml.syntax", mutate: []mutator{write("issues/2026/EMB-2026-0099.yaml", "")}},
		{name: "schema-unknown-key", rule: "schema", mutate: []mutator{replace(embargoed, "severity: high", "severity: high\nsevrity: high")}},
		{name: "schema-bad-enum", rule: "schema", mutate: []mutator{set(embargoed, "tlp", "TLP:WHITE")}},
		{name: "schema-missing-field", rule: "schema", mutate: []mutator{del(embargoed, "handler")}},
		{name: "schema-not-a-mapping", rule: "schema", mutate: []mutator{write("issues/2026/EMB-2026-0099.yaml", "- just\n- a list\n")}},
		{name: "schema-package-versions", rule: "schema", mutate: []mutator{replace("issues/2025/EMB-2025-0002.yaml", `versions: "< 3.2.7"`, `versions: "up to 3.2.6"`)}},
		{name: "schema-package-ecosystem", rule: "schema", mutate: []mutator{replace("issues/2025/EMB-2025-0002.yaml", "ecosystem: crates.io", "ecosystem: Cargo")}},
		{name: "schema-git-fixed-and-last", rule: "schema", mutate: []mutator{replace("issues/2026/EMB-2026-0001.yaml", "      fixed: ", "      last_affected: 0123456789abcdef0123456789abcdef01234567\n      fixed: ")}},
		{name: "file-symlink", rule: "file.type", mutate: []mutator{symlink("members/evil.yaml", "../roles/coordinators.yaml")}},
		{name: "file-unexpected", rule: "id.filename", mutate: []mutator{write("roles/admins.yaml", "admins: [x]\n")}},
		{name: "id-filename-issue", rule: "id.filename", mutate: []mutator{set(embargoed, "id", "EMB-2026-0044")}},
		{name: "id-filename-year", rule: "id.filename", mutate: []mutator{rename(embargoed, "issues/2025/EMB-2026-0004.yaml")}},
		{name: "id-filename-member", rule: "id.filename", mutate: []mutator{set(debian, "id", "debian-project")}},
		{name: "id-duplicate-person", rule: "id.duplicate", mutate: []mutator{set(debian, "people.1.id", "dana-debian")}},
		{name: "id-duplicate-issue", rule: "id.duplicate", mutate: []mutator{copyFile(embargoed, "issues/2026/EMB-2026-0099.yaml")}},
		{name: "id-duplicate-cve", rule: "id.duplicate", mutate: []mutator{set("issues/2025/EMB-2025-0001.yaml", "cves", "[CVE-2025-90011, CVE-2026-90311]")}},
		{name: "ref-unknown-handler", rule: "ref.unknown", mutate: []mutator{set(embargoed, "handler", "nobody-here")}},
		{name: "ref-unknown-list", rule: "ref.unknown", mutate: []mutator{set(embargoed, "list", "oss-security")}},
		{name: "ref-unknown-task-member", rule: "ref.unknown", mutate: []mutator{set("roles/tasks.yaml", "tasks.1.primary", "slackware")}},
		{name: "dates-order", rule: "dates.order", mutate: []mutator{set(embargoed, "dates.notified", "2026-11-13T10:00:00Z")}},
		{name: "dates-order-extension", rule: "dates.order", mutate: []mutator{set(extended, "extensions.0.to", "2025-10-12T14:00:00Z")}},
		{name: "dates-order-disclosed-future", rule: "dates.order", mutate: []mutator{set("issues/2025/EMB-2025-0001.yaml", "dates.disclosed", "2026-12-01T00:00:00Z")}},
		{name: "dates-required", rule: "dates.required", mutate: []mutator{del(embargoed, "dates.disclosure")}},
		{name: "dates-offset-24h", rule: "schema", mutate: []mutator{set(embargoed, "dates.disclosure", "2026-11-23T14:00:00+24:00")}},
		{name: "dates-no-seconds", rule: "schema", mutate: []mutator{set(embargoed, "dates.disclosure", "2026-11-23T14:00+01:00")}},
		{name: "dates-bad-day", rule: "schema", mutate: []mutator{set(embargoed, "dates.disclosure", "2026-11-31T14:00:00Z")}},
		{name: "dates-timezone", rule: "dates.timezone", mutate: []mutator{set(embargoed, "dates.notified", "2026-11-16T10:00:00")}},
		{name: "embargo-max", rule: "embargo.max", mutate: []mutator{set(embargoed, "dates.disclosure", "2026-11-30T10:00:01Z")}},
		{name: "embargo-preferred", rule: "embargo.preferred", mutate: []mutator{setFromField(exploited, "dates.disclosure", "dates.notified", 10*24*time.Hour)}},
		{name: "embargo-min", rule: "embargo.min", mutate: []mutator{set(embargoed, "dates.disclosure", "2026-11-16T20:00:00Z"), set(embargoed, "dates.proposed", "2026-11-16T20:00:00Z")}},
		{name: "embargo-severity", rule: "embargo.severity", mutate: []mutator{set(embargoed, "severity", "low")}},
		{name: "embargo-proposed", rule: "embargo.proposed", mutate: []mutator{del(embargoed, "dates.proposed")}},
		{name: "embargo-overdue", rule: "embargo.overdue", now: time.Date(2026, 11, 24, 14, 0, 1, 0, time.UTC)},
		{name: "disclosure-posting", rule: "disclosure.posting", mutate: []mutator{del(exploited, "public_posting")}},
		{name: "exploits-deadline-late", rule: "exploits.deadline", mutate: []mutator{set(exploited, "exploits.published", "2026-01-30T00:00:00Z")}},
		{name: "exploits-deadline-missing", rule: "exploits.deadline", mutate: []mutator{del(exploited, "exploits.published")}},
		{name: "extension-reason-missing", rule: "extension.reason", mutate: []mutator{del(extended, "extensions.0.reason")}},
		{name: "extension-reason-nontechnical", rule: "extension.reason", mutate: []mutator{set(hardware, "extensions.0.reason_kind", "other")}},
		{name: "extension-approver-self", rule: "extension.approver", mutate: []mutator{set(extended, "extensions.0.requested_by", "mara-openwall")}},
		{name: "extension-approver-coordinators", rule: "extension.approver", mutate: []mutator{
			replace("policy.yaml", "mergers: []", "mergers: []\nextensions:\n  approvers: coordinators"),
			set(extended, "extensions.0.approved_by", "[dana-debian]")}},
		{name: "member-vouch-missing", rule: "member.vouch", mutate: []mutator{del(debian, "vouch")}},
		{name: "member-vouch-teammate-unsigned", rule: "member.vouch", mutate: []mutator{
			replace(debian, "    forge: eli-marchetti", "    forge: eli-marchetti\n    vouch:\n      by: dana-debian\n      signature: |\n        -----BEGIN PGP SIGNATURE-----\n\n        wqsEABYIAF0FgmrmgQAJEEKI410PAUCwNRQAAAAAABwAEHNhbHRAbm90YXRpb25z\n        -----END PGP SIGNATURE-----")}},
		{name: "member-vouch-teammate-circle", rule: "member.vouch", mutate: []mutator{
			replace(debian, "    keys: [F34780682F10345BC720C9114288E35D0F0140B0]", "    keys: [F34780682F10345BC720C9114288E35D0F0140B0]\n    vouch: {by: eli-debian, signature: \"-----BEGIN PGP SIGNATURE-----\\n\\nwqsE\\n-----END PGP SIGNATURE-----\\n\"}"),
			replace(debian, "    forge: eli-marchetti", "    forge: eli-marchetti\n    vouch: {by: dana-debian, signature: \"-----BEGIN PGP SIGNATURE-----\\n\\nwqsE\\n-----END PGP SIGNATURE-----\\n\"}")}},
		{name: "member-vouch-own-org", rule: "member.vouch", mutate: []mutator{set(debian, "vouch.by", "eli-debian")}},
		{name: "member-vouch-bad-signature", rule: "member.vouch", mutate: []mutator{set(debian, "vouch.by", "greta-suse")}},
		{name: "member-contact", rule: "member.contact", mutate: []mutator{del(debian, "contact")}},
		{name: "member-acceptance-missing", rule: "member.acceptance", mutate: []mutator{del(debian, "people.0.acceptance")}},
		{name: "member-acceptance-other-lists", rule: "member.acceptance", mutate: []mutator{set(debian, "lists", "[distros]")}},
		{name: "member-acceptance-policy-version", rule: "member.acceptance", mutate: []mutator{set("policy.yaml", "version", `"2027-1"`)}},
		// dana-debian recorded what she accepted: within the grace a warning, after it an error; eli-debian did not: an error.
		{name: "member-acceptance-grace", rule: "member.acceptance", mutate: []mutator{recordAccepted(debian, 0, danaAcceptance()),
			set("policy.yaml", "version", `"2027-1"`), replace("policy.yaml", "mergers: []", "mergers: []\nstatements:\n  acceptance_grace: 2026-12-31")}},
		{name: "member-acceptance-grace-over", rule: "member.acceptance", now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), mutate: []mutator{recordAccepted(debian, 0, danaAcceptance()),
			set("policy.yaml", "version", `"2027-1"`), replace("policy.yaml", "mergers: []", "mergers: []\nstatements:\n  acceptance_grace: 2026-12-31")}},
		{name: "key-file-missing", rule: "key.file", mutate: []mutator{remove("members/keys/F34780682F10345BC720C9114288E35D0F0140B0.asc")}},
		{name: "key-file-garbage", rule: "key.file", mutate: []mutator{write("members/keys/F34780682F10345BC720C9114288E35D0F0140B0.asc", "not a key\n")}},
		{name: "key-file-misnamed", rule: "key.file", mutate: []mutator{copyFile("members/keys/00F09190A736E71F59D6F5ECF923CF5353286C53.asc", "members/keys/F34780682F10345BC720C9114288E35D0F0140B0.asc")}},
		{name: "key-file-two-people", rule: "key.file", mutate: []mutator{set(debian, "people.1.keys", "[F34780682F10345BC720C9114288E35D0F0140B0]")}},
		{name: "key-strength-dsa", rule: "key.strength", mutate: []mutator{addKey(debian, 1, filepath.Join("..", "pgp", "testdata", "dsa2048.asc"))}},
		{name: "role-task-no-primary", rule: "role.task", mutate: []mutator{del("roles/tasks.yaml", "tasks.1.primary")}},
		{name: "role-task-primary-vacant", rule: "role.task", mutate: []mutator{set("roles/tasks.yaml", "tasks.1.primary", "vacant")}},
		{name: "access-rule-absolute", rule: "access.rule", mutate: []mutator{set("policy.yaml", "access.4.paths", `["/issues/**"]`)}},
		{name: "access-rule-scope", rule: "access.rule", mutate: []mutator{set("policy.yaml", "access.4.allow", "[coordinators, own-member]")}},
		{name: "access-rule-threshold", rule: "access.rule", mutate: []mutator{set("policy.yaml", "access.0.threshold", "3")}},
		{name: "access-rule-coordinator-outside-threshold", rule: "access.rule", mutate: []mutator{replace("roles/coordinators.yaml", "tomas-openwall]", "tomas-openwall, dana-debian]")}},
		{name: "access-rule-unknown-person", rule: "ref.unknown", mutate: []mutator{set("policy.yaml", "access.4.allow", "[coordinators, \"person:ghost\"]")}},
		{name: "schema-forge-account", rule: "schema", mutate: []mutator{set(debian, "people.1.forge", `"@eli marchetti"`)}},
		{name: "codeowners-stale", rule: "codeowners.stale", mutate: []mutator{write(".github/CODEOWNERS", "# hand-written\n/policy.yaml @someone\n")}},
		{name: "sealed-required", rule: "sealed.required", mutate: []mutator{func(t testing.TB, dir string) { unsealed.Open(t, dir) }}},
		{name: "sealed-required-plain-beside-sealed", rule: "sealed.required", mutate: []mutator{replace(embargoed, "severity: high", "severity: high\ntitle: Use-after-free in the ferrule HTTP/3 proxy QPACK decoder")}},
		{name: "sealed-recipients-team-grew", rule: "sealed.recipients", mutate: []mutator{replace(embargoed, "ines-amazon]", "ines-amazon, eli-debian]")}},
		{name: "sealed-recipients-team-shrank", rule: "sealed.recipients", mutate: []mutator{replace(embargoed, ", ines-amazon]", "]")}},
		{name: "sealed-format-armor-header", rule: "sealed.format", mutate: []mutator{replace(embargoed, "  -----BEGIN PGP MESSAGE-----\n\n", "  -----BEGIN PGP MESSAGE-----\n  Comment: Use-after-free in ferrule\n\n")}},
		{name: "member-application-url", rule: "member.application", mutate: []mutator{set(amazon, "application", "https://lists.example.org/oss-security/2014/09/08/2")}},
		{name: "member-application-missing", rule: "member.application", mutate: []mutator{del(amazon, "application")}},
		{name: "member-application-incomplete", rule: "member.application", mutate: []mutator{
			del(amazon, "application.evidence.user"), del(amazon, "application.agreement"), del(amazon, "application.products")}},
		{name: "member-application-both-products", rule: "member.application", mutate: []mutator{set(amazon, "application.all_products", "true")}},
		{name: "member-application-not-public", rule: "member.application", mutate: []mutator{
			set(amazon, "application.evidence.provider", "https://video.example.com/watch?v=amazonlinux"),
			set(amazon, "application.evidence.user", "https://amazonlinux.example.org/hosting/brochure.PDF"),
			set(amazon, "application.evidence.security", "http://amazonlinux.example.org/security/report")}},
		{name: "member-application-not-public-2", rule: "member.application", mutate: []mutator{
			set(amazon, "application.evidence.provider", "https://user:secret@amazonlinux.example.org/pricing"),
			set(amazon, "application.evidence.user", "https://amazonlinux.example.org:8443/platform"),
			set(amazon, "application.evidence.security", "https://192.0.2.10/security")}},
		{name: "member-application-personal-alias", rule: "member.application", mutate: []mutator{set(amazon, "application.alias", "Ines@amazonlinux.example.org")}},
		{name: "member-application-foreign-alias", rule: "member.application", mutate: []mutator{set(amazon, "application.alias", "amazon-security@mail.example.com")}},
		{name: "member-application-joins-list", rule: "member.application", mutate: []mutator{set(debian, "lists", "[distros, linux-distros, xen-predisclosure]")}},
		{name: "deployment-stated-missing", rule: "deployment.stated", mutate: []mutator{del(xenIssue, "deployment")}},
		{name: "deployment-stated-permitted-missing", rule: "deployment.stated", mutate: []mutator{del(xenIssue, "deployment.permitted"),
			replace("policy.yaml", "deployment_permission: coordinators", "deployment_permission: handler")}},
		{name: "deployment-stated-restrictions", rule: "deployment.stated", mutate: []mutator{set(xenIssue, "deployment.restrictions", `"  "`)}},
		{name: "affected-versions-missing", rule: "affected.versions", mutate: []mutator{del(xenIssue, "affected")}},
		{name: "affected-versions-entry", rule: "affected.versions", mutate: []mutator{
			set(xenIssue, "affected", `[{product: corvid, versions: ">= 4.17, < 4.19.2"}, {product: corvid-tools}]`)}},
		{name: "notice-advance-due", rule: "notice.advance", mutate: []mutator{del(distIssue, "informed.1")}},
		{name: "notice-advance-passed", rule: "notice.advance", now: time.Date(2026, 11, 29, 16, 0, 1, 0, time.UTC), mutate: []mutator{del(distIssue, "informed.1")}},
		{name: "notice-advance-none", rule: "notice.advance", mutate: []mutator{set(distIssue, "informed", "[]")}},
		{name: "notice-advance-late", rule: "notice.advance", mutate: []mutator{
			set(distIssue, "informed.0.at", "2026-11-25T10:00:00Z"), set(distIssue, "informed.1.at", "2026-11-26T10:00:00Z")}},
		{name: "notice-advance-disclosed", rule: "notice.advance", mutate: []mutator{set(distIssue, "status", "disclosed"),
			set(distIssue, "dates.disclosed", "2026-11-20T11:00:00Z"), set(distIssue, "dates.disclosure", "2026-11-20T11:00:00Z"),
			set(distIssue, "dates.proposed", "2026-11-20T11:00:00Z"), del(distIssue, "informed.1")}},
		{name: "notice-advance-policy", rule: "notice.advance", mutate: []mutator{replace("policy.yaml", "advance_notices: [7d, 24h]", "advance_notices: [31d, 24h]")}},
		{name: "team-objection-early", rule: "team.objection", mutate: []mutator{set(hardware, "experts.0.joined", "2025-06-19T23:59:59Z")}},
		{name: "team-objection-objected", rule: "team.objection", mutate: []mutator{set(hardware, "experts.0.objection", "{at: 2025-06-13T10:00:00Z}")}},
		{name: "team-objection-withdrawn-late", rule: "team.objection", mutate: []mutator{
			set(hardware, "experts.0.objection", "{at: 2025-06-13T10:00:00Z, withdrawn: 2025-06-25T10:00:00Z}")}},
		{name: "team-objection-window-open", rule: "team.objection", mutate: []mutator{set(xenIssue, "list", "hardware"),
			set(xenIssue, "experts", "[{person: ines-amazon, proposed: 2026-11-18T12:00:00Z}]")}},
		{name: "team-objection-joined-later", rule: "team.objection", mutate: []mutator{set(xenIssue, "list", "hardware"),
			set(xenIssue, "experts", "[{person: ines-amazon, proposed: 2026-11-18T12:00:00Z, joined: 2026-12-01T00:00:00Z}]")}},
		{name: "team-objection-duplicate", rule: "team.objection", mutate: []mutator{
			set(hardware, "experts", "[{person: greta-suse, proposed: 2025-06-12T09:00:00Z}, {person: greta-suse, proposed: 2025-06-13T09:00:00Z}]")}},
		{name: "team-objection-dates", rule: "dates.order", mutate: []mutator{
			set(hardware, "experts.0.objection", "{at: 2025-06-11T10:00:00Z, withdrawn: 2025-06-10T10:00:00Z}")}},
		{name: "team-objection-unknown-expert", rule: "ref.unknown", mutate: []mutator{set(hardware, "experts.0.person", "nobody-here")}},
	}
}

func TestRules(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range ruleCases() {
		covered[tc.rule] = true
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = demoNow
			}
			// The baseline is the example at its own clock, so a case that moves the
			// clock shows what the new time adds.
			baseline := exampleFindings(t)
			dir := copyExample(t)
			for _, m := range tc.mutate {
				m(t, dir)
			}
			added := subtract(check(t, dir, now), baseline)
			if !hasRule(added, tc.rule) {
				t.Errorf("expected a %s finding; got:\n%s", tc.rule, render(added))
			}
			goldenCompare(t, tc.name, render(added))
		})
	}
	// Every non-signature rule is exercised by at least one case (check, not
	// validate, makes clock.untouched: the cli tests cover it).
	for _, r := range rules.All {
		if !strings.HasPrefix(r.ID, "sig.") && !covered[r.ID] && r.ID != "key.expiry" && r.ID != rules.ClockUntouched {
			t.Errorf("rule %s has no test case", r.ID)
		}
	}
}

// TestRulesQuiet checks each rule's boundary from the other side: the record is
// changed, but stays within policy, so the rule must not fire on it.
func TestRulesQuiet(t *testing.T) {
	cases := []struct {
		name, rule, file string
		now              time.Time
		mutate           []mutator
	}{
		{"embargo-max-exactly-14d", "embargo.max", embargoed, time.Time{}, []mutator{set(embargoed, "dates.disclosure", "2026-11-30T10:00:00Z")}},
		{"embargo-min-exactly-1d", "embargo.min", embargoed, time.Time{}, []mutator{set(embargoed, "dates.disclosure", "2026-11-17T10:00:00Z"), set(embargoed, "dates.proposed", "2026-11-17T10:00:00Z")}},
		{"embargo-preferred-6d", "embargo.preferred", embargoed, time.Time{}, []mutator{set(embargoed, "dates.disclosure", "2026-11-22T10:00:00Z")}},
		{"embargo-overdue-within-grace", "embargo.overdue", embargoed, time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC), nil},
		{"embargo-severity-critical", "embargo.severity", embargoed, time.Time{}, []mutator{set(embargoed, "severity", "critical")}},
		{"dates-timezone-offset", "dates.timezone", embargoed, time.Time{}, []mutator{set(embargoed, "dates.notified", "2026-11-16T12:00:00+02:00")}},
		{"exploits-deadline-exactly-7d", "exploits.deadline", exploited, time.Time{}, []mutator{setFromField(exploited, "exploits.published", "dates.disclosed", 7*24*time.Hour)}},
		{"extension-technical-on-hardware", "extension.reason", hardware, time.Time{}, nil},
		{"member-contact-individual", "member.contact", "members/volunteer-lee.yaml", time.Time{}, nil},
		{"key-expiry-far", "key.expiry", "", time.Date(2029, 11, 1, 0, 0, 0, 0, time.UTC), nil},
		{"role-task-with-backup", "role.task", "roles/tasks.yaml", time.Time{}, []mutator{set("roles/tasks.yaml", "tasks.0.backup", "suse"), set("roles/tasks.yaml", "tasks.5.backup", "suse")}},
		// A URL application stands on lists that do not require the structured one.
		{"member-application-url-elsewhere", "member.application", debian, time.Time{}, nil},
		{"member-application-subdomain", "member.application", amazon, time.Time{}, []mutator{
			set(amazon, "application.evidence.user", "https://docs.hosting.amazonlinux.example.org/corvid.html"),
			set(amazon, "application.all_products", "true"), del(amazon, "application.products")}},
		{"deployment-not-permitted", "deployment.stated", xenIssue, time.Time{}, []mutator{set(xenIssue, "deployment", `{permitted: false}`)}},
		{"deployment-draft", "deployment.stated", xenIssue, time.Time{}, []mutator{set(xenIssue, "status", "draft"), del(xenIssue, "deployment")}},
		{"affected-versions-draft", "affected.versions", xenIssue, time.Time{}, []mutator{set(xenIssue, "status", "draft"), del(xenIssue, "affected")}},
		{"notice-advance-exactly-at-points", "notice.advance", distIssue, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), []mutator{
			set(distIssue, "informed.0.at", "2026-11-23T16:00:00Z"), set(distIssue, "informed.1.at", "2026-11-29T16:00:00Z")}},
		{"notice-advance-public-before-points", "notice.advance", distIssue, time.Time{}, []mutator{set(distIssue, "status", "disclosed"),
			set(distIssue, "dates.disclosed", "2026-11-19T00:00:00Z"), set(distIssue, "informed", "[]")}},
		{"team-objection-withdrawn-before-joining", "team.objection", hardware, time.Time{}, []mutator{
			set(hardware, "experts.0.objection", "{at: 2025-06-13T10:00:00Z, withdrawn: 2025-06-18T10:00:00Z}")}},
		{"team-objection-joined-at-close", "team.objection", hardware, time.Time{}, []mutator{set(hardware, "experts.0.joined", "2025-06-20T00:00:00Z")}},
		{"team-objection-window-closed", "team.objection", xenIssue, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), []mutator{set(xenIssue, "list", "hardware"),
			set(xenIssue, "experts", "[{person: ines-amazon, proposed: 2026-11-18T12:00:00Z}]")}},
		{"team-objection-pending-not-in-team", "team.objection", xenIssue, time.Time{}, []mutator{set(xenIssue, "list", "hardware"),
			set(xenIssue, "experts", "[{person: dana-debian, proposed: 2026-11-18T12:00:00Z, objection: {at: 2026-11-19T12:00:00Z}}]")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = demoNow
			}
			dir := copyExample(t)
			for _, m := range tc.mutate {
				m(t, dir)
			}
			for _, f := range check(t, dir, now) {
				if f.Rule == tc.rule && (tc.file == "" || f.File == tc.file) {
					t.Errorf("unexpected %s finding: %s", tc.rule, render([]finding.Finding{f}))
				}
			}
		})
	}
}

// TestExampleIsClean: the bundled example has no error at the demo clock, and its
// warnings are the expected ones (golden).
func TestExampleIsClean(t *testing.T) {
	fs := check(t, repoRoot(t), demoNow)
	if errs, _ := finding.Count(fs); errs > 0 {
		t.Errorf("the bundled example has %d errors:\n%s", errs, render(fs))
	}
	goldenCompare(t, "example", render(fs))
}

func subtract(got, base []finding.Finding) []finding.Finding {
	seen := map[finding.Finding]int{}
	for _, f := range base {
		seen[f]++
	}
	var out []finding.Finding
	for _, f := range got {
		if seen[f] > 0 {
			seen[f]--
			continue
		}
		out = append(out, f)
	}
	return out
}

func hasRule(fs []finding.Finding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func symlink(link, target string) mutator {
	return func(t testing.TB, dir string) {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
}

func rename(from, to string) mutator {
	return func(t testing.TB, dir string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(from, to string) mutator {
	return func(t testing.TB, dir string) {
		data, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil {
			t.Fatal(err)
		}
		write(to, string(data))(t, dir)
	}
}

// addKey adds the key file at src (relative to this package) to person idx of member file.
func addKey(file string, idx int, src string) mutator {
	return func(t testing.TB, dir string) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		k, err := pgp.ParseKeyFile(data)
		if err != nil {
			t.Fatalf("test key %s: %v", src, err)
		}
		write("members/keys/"+k.Fingerprint+".asc", string(data))(t, dir)
		set(file, "people."+itoa(idx)+".keys", "["+k.Fingerprint+"]")(t, dir)
	}
}

// setFromField sets field to the time of other plus d.
func setFromField(file, field, other string, d time.Duration) mutator {
	return func(t testing.TB, dir string) {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		key := other[strings.LastIndex(other, ".")+1:] + ": "
		i := strings.Index(string(data), key)
		if i < 0 {
			t.Fatalf("%s has no %s", file, other)
		}
		v := strings.TrimSpace(strings.SplitN(string(data[i+len(key):]), "\n", 2)[0])
		ts, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatal(err)
		}
		set(file, field, ts.Add(d).UTC().Format(time.RFC3339))(t, dir)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

var (
	baselineOnce sync.Once
	baseline     []finding.Finding
)

// exampleFindings returns the findings of the unmodified example at demoNow, computed once.
func exampleFindings(t testing.TB) []finding.Finding {
	baselineOnce.Do(func() { baseline = check(t, copyExample(t), demoNow) })
	return baseline
}
