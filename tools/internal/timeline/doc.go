// Package timeline publishes the public record of lifted embargoes (README.md, Publication):
// timeline.json, index.html, feed.atom, stats.json, one OSV record per issue under
// osv/, and SHA256SUMS over all of them.
//
// # Redaction by construction
//
// Records are never copied into the output. The projection builds a separate PublicIssue
// field by field from the allowlist (README.md, Publication): id, list, severity, CVEs, affected
// products and versions, the public dates (notified, disclosure, disclosed, exploit
// publication), the embargo length, the number of extensions, the public posting and
// exploit posting URLs, and the public block (title, summary, and credit only when the
// reporter gave credit_consent). The private title and summary, notes, informed,
// leaks, response team, handler, reporter and deployment never leave.
//
// An issue is published when its status is disclosed and its disclosure time —
// dates.disclosed, or dates.disclosure when disclosed is absent — is at or before
// now. A timestamp without an offset, or one that does not parse, counts as unknown:
// the issue is then not published (its private strings are guarded instead), and an
// unknown notified date leaves the embargo length out. The exploit publication date
// and posting are published only once exploits.published is at or before now.
// Records that failed their schema (Issue == nil) are never published.
//
// # Sealed records
//
// A sealed record (docs/formats.md, "Sealed records") is never published in any
// form, disclosed or withdrawn, and its sealed field is never read: its handler
// unseals it at disclosure and commits it in plain text. Its id is guarded as an
// unpublished record's. Its private fields are guarded only when someone who can
// decrypt it passes them in (Options.Unsealed, `embargo timeline --unseal`).
//
// # Withdrawn issues
//
// policy.yaml publication.withdrawn decides: "omit" (the default, and what any other
// value means) publishes nothing about them; "list" publishes their id, list and
// status only, in a separate "withdrawn" array of timeline.json and a list on the
// page — never in the feed, the statistics or OSV.
//
// # Outputs
//
// Everything is deterministic: the same state and now give the same bytes. The
// outputs' own time ("generated", the feed's "updated", the page's date) is not
// the clock but the time their content last changed (asOf), so a later run
// writes the same bytes until the records change. Issues are sorted by disclosure time, then id;
// the feed lists the newest first. The chart in index.html draws one bar per
// calendar month (UTC, by disclosure time) with the mean embargo length in days of
// the issues disclosed that month; months without issues stay empty. The maximum and
// preferred embargo of every list with a max_embargo are drawn as lines (equal values
// share one line); lists without a cap draw none. When a monthly mean exceeds twice
// the largest cap, the axis ends there (rounded up) and taller bars are cut and
// labelled with their value, so that one long hardware embargo does not flatten the
// rest. The embargo length is dates.disclosure − dates.notified (dates.disclosed −
// notified without an agreed date), as the embargo.max rule measures it.
//
// feed.atom gives each entry the permanent link, base_url#ID, as its id;
// updated and published are the disclosure time. An OSV record is written for
// every published issue with CVEs or affected products; its modified time is the
// later of disclosure and exploit publication.
//
// stats.json counts per month, per year and in total: issues, the embargo mean,
// median and longest in days (two decimals; null when no issue of the period has a
// known length), extensions, issues without a public posting (records carry no
// posting time, so late postings cannot be told from timely ones and are not
// counted), and late exploits: shared with the list and published after disclosed +
// the list's exploit_delay, or not published by then.
//
// OSV records (schema 1.7.5) are named osv/<OSV id>.json, the OSV id being x_ and
// the record's id: the form the OSV schema gives a database OSV.dev does not
// aggregate. Where a record names a package (affected[].package: an OSV
// ecosystem and a name), the record carries it with the range its versions text
// describes — SEMVER where the ecosystem requires semantic versions and they are,
// ECOSYSTEM otherwise; where it names commits (affected[].git), a GIT range. The
// product and its free-text version range always go to affected[].database_specific.
//
// # Leak guard
//
// After rendering, and again after writing (reading the files back), every output
// byte is scanned for private strings. The guard decides on its own, from the
// records, which issues are public and what they may show, so that a bug in the
// projection cannot excuse itself. It looks for the strings of every issue that is
// not published — draft, embargoed, withdrawn, disclosed after now, or failed its
// schema (what of it still decodes): id, title, summary, CVEs, reporter name and
// e-mail, notes, affected products (with their package names, package URLs,
// repositories and commits), informed, leaks, extension reasons, deployment
// restrictions, and its public block and posting URLs, which are not public yet —
// and for the private fields of published issues: reporter name and e-mail (unless
// the reporter consented and the public credit contains them), notes, informed,
// leaks, extension reasons, deployment restrictions, and an exploit posting whose
// publication time has not come. Each file is scanned raw, with HTML/XML character
// references decoded, percent-decoded and, for JSON, as its decoded strings.
// Matching sees through the ways one text can be written: both the private strings
// and every view of the output are normalized alike — format characters that render
// as nothing dropped (Unicode category Cf, such as the zero-width space and the soft
// hyphen, and the other default-ignorable code points), Unicode NFKC (full-width
// letters, ligatures), full case folding, white space collapsed — and multi-line
// texts are also matched line by line (lines of 12 characters or more), so a
// reflowed quote still trips. Look-alikes from other scripts (a Cyrillic "е" for a
// Latin "e") are not folded: no normal form joins them, and a confusables table
// would refuse honest text in those scripts. A hit stops publication with a *LeakError wrapping ErrLeak that names the
// record file and the field, never the value; Publish removes everything written
// (and the folder, if it made it). The digests in SHA256SUMS are not scanned (they
// are computed from scanned files, and hex noise could match a short hex-only
// string); its file names are.
//
// Skipped, to keep the guard from refusing honest output: strings shorter than 4
// characters; strings exactly equal (after normalizing) to a value that a published
// issue may publish, such as a product name shared by a published and an embargoed
// issue (a product name merely contained in published text still trips the guard:
// the guard errs on the side of refusing); strings contained in the output's fixed
// text (what is rendered with no issue at all, plus the policy's list names), which
// carries nothing from any record; affected versions, which are too generic
// ("< 2.0") to search for; and informed entries naming a member organisation, whose
// names are public and appear in advisories for other reasons.
//
// Never skipped: the id, CVEs and title of an issue that is not published. If a
// published issue shows one of them — the embargoed id as its public title, the
// embargoed CVE among its own — publication is refused and the message names the
// embargoed record and field; fix the records (`embargo validate` reports a CVE that
// two records claim as id.duplicate). They are not skipped for being in the fixed
// text either: a title as vague as the page's own words blocks publication until it
// says what the issue is. The one exception is the id of a withdrawn issue under
// publication.withdrawn: list, which that setting publishes.
// Ids and CVE ids must not be followed by a digit, so EMB-2026-0004 does not match
// inside EMB-2026-00041.
package timeline
