// Package rules is the registry of rule IDs: each rule's stable ID, default severity,
// one-line description and the policy it comes from. The IDs are a contract (SPEC §3).
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
	{"yaml.syntax", finding.Error, "the file does not parse; duplicate keys; anchors/aliases; more than one document; not UTF-8; too large", "embargo"},
	{"file.type", finding.Error, "a symlink, submodule or other non-regular file where a record belongs", "SPEC §4.2"},
	{"schema", finding.Error, "a JSON Schema violation (unknown keys included); the message names the JSON path", "schema/*.json"},
	{"id.filename", finding.Error, "id differs from the file name, or the year differs from the folder", "SPEC §1"},
	{"id.duplicate", finding.Error, "an id (issue, member, person, key) used twice", "SPEC §2"},
	{"ref.unknown", finding.Error, "a person, member, list or key that does not exist", "SPEC §2"},
	{"dates.order", finding.Error, "reported ≤ notified ≤ disclosure; disclosed ≥ notified; extensions chain from/to", "Openwall distros policy"},
	{"dates.required", finding.Error, "a date the status needs is missing (embargoed: notified and disclosure; disclosed: disclosed)", "Openwall distros policy"},
	{"dates.timezone", finding.Error, "a timestamp without an explicit offset", "SPEC §2"},
	{"embargo.max", finding.Error, "disclosure − notified exceeds the list's max_embargo (14 days on the distros lists)", "Openwall distros policy"},
	{"embargo.preferred", finding.Warning, "disclosure − notified exceeds preferred_embargo (7 days on the distros lists)", "Openwall distros policy"},
	{"embargo.min", finding.Warning, "disclosure − notified is below min_embargo (1 day on the distros lists)", "Openwall distros policy"},
	{"embargo.severity", finding.Error, "an embargoed severity the list does not embargo (low severity goes public at once)", "Openwall distros policy"},
	{"embargo.proposed", finding.Error, "an embargoed record without dates.proposed (the reporter proposes a date and time)", "Openwall distros policy"},
	{"embargo.overdue", finding.Error, "status embargoed and now is past disclosure + disclosure_grace", "Openwall distros policy"},
	{"disclosure.posting", finding.Error, "disclosed, past disclosed + posting_grace, and no public_posting", "Openwall distros policy (mandatory oss-security posting)"},
	{"exploits.deadline", finding.Error, "exploits shared with the list and not published by disclosed + exploit_delay", "Openwall distros policy (7 days)"},
	{"extension.reason", finding.Error, "an extension without reason, requester or approver; on lists without a cap, a non-technical reason", "Openwall policy; kernel embargoed-hardware-issues"},
	{"member.vouch", finding.Error, "no vouch, a vouch from the member's own organisation, or a bad vouch signature", "Openwall membership criteria; Kubernetes distributors list"},
	{"member.contact", finding.Error, "an organisation without a non-personal role address", "Xen security policy"},
	{"member.acceptance", finding.Error, "a person without a valid signed acceptance of the list policy", "Openwall criteria; kernel hardware process"},
	{"key.file", finding.Error, "key file missing, not exactly one key, fingerprint differs from the file name, or listed under two people", "SPEC §1"},
	{"key.strength", finding.Error, "RSA < 2048 bits, DSA/ElGamal, SHA-1 self-signatures, no signing capability", "THREATS.md"},
	{"key.expiry", finding.Error, "expired or revoked (error); expires within 30 days (warning)", "SPEC §3"},
	{"role.task", finding.Error, "a task without a primary (error); a vacant backup (warning)", "Openwall contributing-back tasks"},
	{"access.rule", finding.Error, "a malformed access rule, or a path pattern that matches nothing and never can", "SPEC §4.2"},
	{"sig.missing", finding.Error, "a commit without a signature", "SPEC §4.1"},
	{"sig.invalid", finding.Error, "a signature that does not verify over the commit's exact bytes, or is malformed", "SPEC §4.1"},
	{"sig.unknown-key", finding.Error, "a signature by a key that no active person lists at the base", "SPEC §4.1"},
	{"sig.key-expired", finding.Error, "the signing key was expired at signing time or is now", "SPEC §4.1"},
	{"sig.key-revoked", finding.Error, "the signing key is revoked", "SPEC §4.1"},
	{"sig.weak", finding.Error, "SHA-1/MD5 hash, RSA < 2048, DSA or ElGamal", "THREATS.md"},
	{"sig.unauthorized", finding.Error, "the signer may not change this path under the base's access rules", "SPEC §4.2"},
	{"sig.merge", finding.Error, "a merge that is not a clean merge of verified parents, or an octopus merge", "SPEC §4.3"},
	{"sig.noncanonical", finding.Error, "a commit object with duplicate or unknown headers, or that does not hash to its id", "THREATS.md"},
	{"sig.range", finding.Error, "an empty range, unrelated histories, a missing base, or a rewritten main", "THREATS.md"},
	{"clock.untouched", finding.Warning, "clock-only findings (overdue, late posting or exploit, key expiry) on records the change does not touch, in one line; status and the daily reminder enforce them", "docs/guides/ci-admin.md"},
	{"codeowners.stale", finding.Warning, ".github/CODEOWNERS differs from what `embargo codeowners` generates from policy.yaml access and the coordinators", "docs/guides/ci-admin.md"},
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
