// Package rules is the registry of rule IDs: each rule's stable ID, default severity,
// one-line description and the policy it comes from. The IDs are a contract (README.md, Rules).
package rules

import "github.com/embargo-tool/embargo/tools/internal/finding"

// Rule describes one check.
type Rule struct {
	ID       string
	Severity finding.Severity // the usual severity; some rules also warn
	Doc      string
	Source   string
}

// All lists every rule in the order `embargo rules` prints them.
var All = []Rule{
	{"yaml.syntax", finding.Error, "the file does not parse; duplicate keys; anchors/aliases; more than one document; not UTF-8; too large", "docs/formats.md"},
	{"file.type", finding.Error, "a symlink, submodule or other non-regular file where a record belongs", "docs/signatures.md#what-is-checked; docs/threat-model.md#test-matrix (row 19)"},
	{"schema", finding.Error, "a JSON Schema violation (unknown keys included); the message names the JSON path", "schema/*.json; docs/formats.md"},
	{"id.filename", finding.Error, "id differs from the file name, or the year differs from the folder", "docs/formats.md"},
	{"id.duplicate", finding.Error, "an id (issue, member, person, key) used twice, or a CVE that two records claim", "docs/formats.md"},
	{"ref.unknown", finding.Error, "a person, member, list or key that does not exist", "docs/formats.md"},
	{"dates.order", finding.Error, "reported ≤ notified ≤ disclosure; notified ≤ disclosed ≤ now; extensions chain from/to", "docs/sources.md#openwall-embargo-length"},
	{"dates.required", finding.Error, "a date the status needs is missing (embargoed: notified and disclosure; disclosed: disclosed)", "docs/sources.md#openwall-embargo-length; docs/sources.md#embargo-end-date"},
	{"dates.timezone", finding.Error, "a timestamp without an explicit offset", "docs/formats.md"},
	{"embargo.max", finding.Error, "disclosure − notified exceeds the list's max_embargo (14 days on the distros lists)", "docs/sources.md#openwall-embargo-length"},
	{"embargo.preferred", finding.Warning, "disclosure − notified exceeds preferred_embargo (7 days on the distros lists)", "docs/sources.md#openwall-embargo-length"},
	{"embargo.min", finding.Warning, "disclosure − notified is below min_embargo (1 day on the distros lists)", "docs/sources.md#openwall-embargo-length"},
	{"embargo.severity", finding.Error, "an embargoed severity the list does not embargo (low severity goes public at once)", "docs/sources.md#openwall-what-goes-to-the-lists"},
	{"embargo.proposed", finding.Error, "an embargoed record without dates.proposed (the reporter proposes a date and time)", "docs/sources.md#openwall-the-reporter-proposes-a-date"},
	{"embargo.overdue", finding.Error, "status embargoed and now is past disclosure + disclosure_grace", "docs/sources.md#embargo-end-date"},
	{"disclosure.posting", finding.Error, "disclosed, past disclosed + posting_grace, and no public_posting", "docs/sources.md#openwall-the-public-posting"},
	{"exploits.deadline", finding.Error, "exploits shared with the list and not published by disclosed + exploit_delay", "docs/sources.md#openwall-exploits"},
	{"extension.reason", finding.Error, "an extension without reason, requester or approver; on lists without a cap, a non-technical reason", "docs/sources.md#linux-kernel-hardware-issues; docs/sources.md#embargo-end-date"},
	{"member.vouch", finding.Error, "no vouch, a vouch from the member's own organisation, or a bad vouch signature", "docs/sources.md#openwall-membership; docs/sources.md#kubernetes-distributors-list; docs/signatures.md#signed-statements"},
	{"member.contact", finding.Error, "an organisation without a non-personal role address", "docs/sources.md#xen-project"},
	{"member.acceptance", finding.Error, "a person without a valid signed acceptance of the list policy", "docs/sources.md#openwall-membership; docs/sources.md#linux-kernel-hardware-issues; docs/signatures.md#signed-statements"},
	{"key.file", finding.Error, "key file missing, not exactly one key, fingerprint differs from the file name, or listed under two people", "docs/formats.md; docs/threat-model.md#test-matrix (row 14)"},
	{"key.strength", finding.Error, "RSA < 2048 bits, DSA/ElGamal, SHA-1 self-signatures, no signing capability", "docs/signatures.md#what-is-checked; docs/threat-model.md#test-matrix (row 12)"},
	{"key.expiry", finding.Error, "expired or revoked (error); expires within 30 days (warning)", "docs/signatures.md#key-renewal-expiry-and-revocation"},
	{"role.task", finding.Error, "a task without a primary (error); a vacant backup (warning)", "docs/sources.md#openwall-contributing-back"},
	{"access.rule", finding.Error, "a malformed access rule, or a path pattern that matches nothing and never can", "docs/signatures.md#where-trust-comes-from"},
	{"sig.missing", finding.Error, "a commit without a signature", "docs/signatures.md#what-is-checked; docs/threat-model.md#test-matrix (row 1)"},
	{"sig.invalid", finding.Error, "a signature that does not verify over the commit's exact bytes, or is malformed", "docs/signatures.md#what-is-checked"},
	{"sig.unknown-key", finding.Error, "a signature by a key that no active person lists at the base", "docs/signatures.md#where-trust-comes-from"},
	{"sig.key-expired", finding.Error, "the signing key was expired at signing time or is now", "docs/signatures.md#key-renewal-expiry-and-revocation"},
	{"sig.key-revoked", finding.Error, "the signing key is revoked", "docs/signatures.md#key-renewal-expiry-and-revocation"},
	{"sig.weak", finding.Error, "SHA-1/MD5 hash, RSA < 2048, DSA or ElGamal", "docs/signatures.md#what-is-checked; docs/threat-model.md#test-matrix (row 12)"},
	{"sig.unauthorized", finding.Error, "the signer may not change this path under the base's access rules", "docs/signatures.md#where-trust-comes-from"},
	{"sig.merge", finding.Error, "a merge that is not a clean merge of verified parents, or an octopus merge", "docs/signatures.md#merges"},
	{"sig.noncanonical", finding.Error, "a commit object with duplicate or unknown headers, or that does not hash to its id", "docs/signatures.md#what-is-checked; docs/threat-model.md#test-matrix (rows 10, 26)"},
	{"sig.threshold", finding.Error, "an access rule with threshold: N whose paths a range changes without N distinct allowed people signing for their final content", "docs/signatures.md#two-person-rule-threshold-approvals; docs/threat-model.md#test-matrix (row 33)"},
	{"sig.range", finding.Error, "an empty range, unrelated histories, a missing base, or a rewritten main", "docs/signatures.md#pushes-to-the-main-branch; docs/threat-model.md#properties"},
	{"clock.untouched", finding.Warning, "clock-only findings (overdue, late posting or exploit, key expiry) on records the change does not touch, in one line; status and the daily reminder enforce them", "docs/guides/ci-admin.md"},
	{"codeowners.stale", finding.Warning, ".github/CODEOWNERS differs from what `embargo codeowners` generates from policy.yaml access and the coordinators", "docs/guides/ci-admin.md"},
	{"extension.approver", finding.Error, "an extension approved only by its requester (or, under extensions.approvers: coordinators, by no other coordinator)", "docs/sources.md#who-approves-an-extension; docs/guides/coordinator.md#extend-an-embargo"},
	{"sealed.required", finding.Error, "an embargoed record of a sealed list holds private fields in plain text, in the head or (check) in any commit of the range; or a sealed record also holds some in plain text", "docs/formats.md#sealed-records; docs/threat-model.md#sealed-records"},
	{"sealed.recipients", finding.Error, "a sealed record's recipients (read from its packets, without decrypting) differ from its team: someone off the team (a leak), a hidden or unknown key, a team member missing; or (check) a response team changed without sealing again", "docs/formats.md#sealed-records; docs/threat-model.md#sealed-records"},
	{"sealed.format", finding.Error, "a sealed part that is not one armored, encrypted, integrity-protected OpenPGP message (RFC 9580) with AES-256 where it shows: signed or plain, no integrity, a passphrase, armor headers, trailing data", "docs/formats.md#sealed-records"},
	{"member.application", finding.Error, "on a list with require_application: a member without the structured application, or with an item missing or not public (an evidence link that is not an ordinary page of its own domains, a personal alias)", "docs/sources.md#xen-project-applications; docs/formats.md#structured-applications"},
	{"deployment.stated", finding.Error, "on a list with deployment_permission: an embargoed record that does not state deployment.permitted, or permits deployment without stating its restrictions", "docs/sources.md#xen-project-deployment-during-an-embargo; docs/signatures.md#deployment-permission"},
	{"team.objection", finding.Error, "on a list with expert_objection: a proposed expert on the response team before the objection window (working days) closed, or while an objection stands", "docs/sources.md#linux-kernel-experts-and-objections; docs/formats.md#experts-and-objections"},
	{"notice.advance", finding.Error, "on a list with advance_notices: no informed entry for the list at or before a notice point (disclosure − 7d, − 24h): a warning before the point, an error after", "docs/sources.md#kubernetes-advance-notices; docs/formats.md#advance-notices"},
	{"affected.versions", finding.Error, "on a list with require_affected_versions: an embargoed record without affected products, or an affected product without its versions", "docs/sources.md#linux-kernel-affected-versions"},
}

// Lookup returns the rule with id, and false if there is none.
func Lookup(id string) (Rule, bool) {
	for _, r := range All {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
