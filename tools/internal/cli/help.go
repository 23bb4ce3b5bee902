package cli

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// help is what `embargo VERB --help` prints about a verb: a usage line, one
// paragraph that says what it does, and an example that works as written.
type help struct {
	usage, about, example string
}

// helps holds the help of every verb, and of each kind of the verbs that take
// one ("new issue", "statement vouch"); files of more verbs add theirs in an
// init function, next to their command.
var helps = map[string]help{
	"validate": {
		usage: "embargo validate [--repo DIR] [--rev REV] [--now TIME] [--format text|json|github|sarif|gitlab]",
		about: `Checks every record of the repository — YAML syntax, the schemas, the policy's date limits,
references, keys and the signed acceptance and vouch statements — at the working tree or at a
git revision, and reports each finding with its file, line, rule and how to fix it ('embargo
explain RULE' says more). Exit 1 when there is an error finding.`,
		example: "embargo validate --rev main --format github",
	},
	"verify": {
		usage: "embargo verify [--repo DIR] (--base REV [--head REV] [--fast-forward] | --all --trust FPR[,FPR]) [--now TIME] [--format ...]",
		about: `Checks the OpenPGP signature of every commit in base..head and that its signer may change
every path it changes, with trust (keys, people, coordinators, access rules) read from the
base, never from the change. --all audits all history from a root commit signed by the
fingerprints --trust names. 'embargo who-can PATH --rev BASE' says who may change a path.`,
		example: "embargo verify --base origin/main --head HEAD",
	},
	"check": {
		usage: "embargo check [--repo DIR] [--base REV] [--head REV] [--now TIME] [--format ...]",
		about: `What CI runs on a pull request: validate the head's records (read from git objects) and
verify the signatures and permissions of base..head, in one report with one exit code. Clock
findings on records the change does not touch are one warning line. Without --base it uses
the first of origin/HEAD, origin/main and main that exists.`,
		example: "embargo check --base origin/main --head HEAD",
	},
	"seal": {
		usage: "embargo seal [--repo DIR] [--now TIME] [--gpg-program P] [--force] FILE...",
		about: `Encrypts the private fields of issue records (title, summary, reporter, CVEs, affected,
informed, leaks, public, notes, extension reasons) into their sealed field: one OpenPGP
message, AES-256 with an integrity check, to the encryption keys of the handler, the response
team and the coordinators, read from the repository's own key files. It checks the plain
record with every rule first and refuses one with errors (docs/guides/sealed-records.md).`,
		example: "embargo seal issues/2026/EMB-2026-0006.yaml",
	},
	"unseal": {
		usage: "embargo unseal [--repo DIR] [--gpg-program P] [--force] FILE",
		about: `Writes a sealed record back in plain text, decrypted by your own gpg (the tool never reads a
private key), for its disclosure. It refuses an embargoed record of a sealed list unless
--force: plain text that reaches history cannot be taken back.`,
		example: "embargo unseal issues/2026/EMB-2026-0004.yaml",
	},
	"show": {
		usage: "embargo show [--repo DIR] [--rev REV] [--gpg-program P] ID",
		about: `Prints an issue record with its sealed part opened by your own gpg, to the terminal only:
nothing is written to disk.`,
		example: "embargo show EMB-2026-0004",
	},
	"edit": {
		usage: "embargo edit [--repo DIR] [--now TIME] [--gpg-program P] ID",
		about: `Opens a sealed record in $EDITOR: decrypts it with your gpg into a private folder, checks
what you saved with every rule, seals it again to the team as the record now names it, and
removes the plain text; a record is never left half-written.`,
		example: "embargo edit EMB-2026-0004",
	},
	"approve": {
		usage: "embargo approve [--repo DIR] [--base REV] [--now TIME] [--dry-run]",
		about: `The two-person rule: shows which paths under an access rule with a threshold the branch
checked out changes since --base, who has signed for their final content and who may still
approve; then makes your approval, an empty commit signed by your own git and gpg
(git commit -S --allow-empty), which counts once the paths stay as they are. The tool never
reads a private key.`,
		example: "embargo approve --base origin/main --dry-run",
	},
	"pre-receive": {
		usage: "embargo pre-receive [--repo DIR] [--protect REF[,REF]] [--other-refs check|allow|refuse] [--trust FPR[,FPR]] [--timeout DUR]",
		about: `Git's pre-receive hook in a bare repository on a server: reads the pushed references on
standard input and the pushed objects in git's quarantine, and refuses a push whose commits
are not signed by people allowed to change what they change (docs/guides/server-hook.md).`,
		example: "embargo pre-receive --repo /srv/git/policy.git --protect refs/heads/main",
	},
	"timeline": {
		usage: "embargo timeline [--repo DIR] [--rev REV] [--now TIME] --out DIR",
		about: `Writes the public timeline of the disclosed issues into a new or empty folder: timeline.json,
index.html, feed.atom, stats.json, OSV records and SHA256SUMS. Only an allowlist of public
fields is written, and a leak guard scans every byte for the private strings of every
unpublished record. Its times come from the records, so the output changes only when they do.`,
		example: "embargo timeline --rev main --out public/",
	},
	"status": {
		usage: "embargo status [--repo DIR] [--rev REV] [--now TIME] [--within DUR] [--notify] [--format text|json|markdown] [--ical FILE]",
		about: `Lists what needs a person soon: disclosures due within the window, overdue embargoes, missing
public postings, exploit postings due, keys expiring, vacant task backups and people who must
sign their acceptance (again, after a change of terms); then every active embargo with its
handler and the days left. Messages name ids, lists and dates only. --rev reports on a git
revision (what is merged) instead of the working tree. --ical also writes the disclosure
dates as an iCalendar file for the team's calendars (ids, lists and dates only; the same
bytes until a record changes). Exit 1 when something is overdue.`,
		example: "embargo status --rev origin/main --within 2w --ical disclosures.ics",
	},
	"new": {
		usage: "embargo new issue|member [FLAGS]",
		about: `Writes a new record skeleton with guiding comments: an issue with the next free id of the
year, or a member with its first person. It never writes over an existing file. See
'embargo new issue --help' and 'embargo new member --help'.`,
		example: "embargo new issue --list linux-distros --title \"Heap overflow in frob\" --handler dana-debian",
	},
	"new issue": {
		usage: "embargo new issue --list L --title T [--severity S] [--handler PERSON] [--repo DIR] [--now TIME]",
		about: `Writes issues/<YYYY>/EMB-<YYYY>-<NNNN>.yaml with the next free id of the year, status draft and
today's date as reported, and prints its path. Without --handler the person whose e-mail is
git's user.email handles it.`,
		example: "embargo new issue --list linux-distros --title \"Heap overflow in frob\" --severity high --handler dana-debian",
	},
	"new member": {
		usage: "embargo new member --id ID --name NAME --kind K --list L[,L] [--contact ADDR] [--person ID --person-name NAME --email ADDR (--key FPR[,FPR] | --key-file FILE)] [--repo DIR] [--now TIME]",
		about: `Writes members/<ID>.yaml for a new member, with its first person and their key (a key file is
copied to members/keys/<FPR>.asc). More people are added with 'embargo person add'. The new
member then needs a vouch by a person of another member, and each person an acceptance.`,
		example: "embargo new member --id acme --name \"Acme Corp\" --kind vendor --list distros --contact security@acme.example --person jo-acme --person-name \"Jo Acme\" --email jo@acme.example --key-file jo.asc",
	},
	"fmt": {
		usage: "embargo fmt [--repo DIR] [--check] [FILE...]",
		about: `Lays the YAML records out the one canonical way, keeping comments, key order and every |
block byte for byte (signatures inside are signed data). --check only lists the files that
would change and exits 1.`,
		example: "embargo fmt --check",
	},
	"export-keys": {
		usage: "embargo export-keys --list L [--repo DIR] [--now TIME]",
		about: `Writes the armored public keys of the active people of the active members on a list, valid
now, to standard output: the keyring of an encrypted list.`,
		example: "embargo export-keys --list linux-distros > distros.asc",
	},
	"export": {
		usage: "embargo export remail --list L --out DIR | export schleuder --list L --current FILE [--address LIST@HOST] [--repo DIR] [--now TIME]",
		about: `Makes the repository the source of truth of an encrypted list: 'remail' writes list.yaml and
keys.asc for the kernel's remail; 'schleuder' prints the schleuder-cli commands that bring a
list's subscriptions in line (a dry run you read before running).`,
		example: "embargo export remail --list linux-distros --out remail/",
	},
	"statement": {
		usage: "embargo statement acceptance --person ID | vouch --member ID --voucher ID | teammate --person ID --voucher ID | terms --person ID [--repo DIR]",
		about: `Prints the exact text a person signs: their acceptance of the policy of their member's lists,
a vouch for another member and its people, or a vouch for a teammate; 'terms' prints what an
acceptance's digest covers. Sign it with your own key, or let 'embargo sign' do both steps.`,
		example: "embargo statement acceptance --person dana-debian | gpg --armor --detach-sign -u F34780682F10345BC720C9114288E35D0F0140B0",
	},
	"codeowners": {
		usage: "embargo codeowners [--repo DIR] [--rev REV] [--out FILE|-] [--check]",
		about: `Writes the forge's .github/CODEOWNERS from policy.yaml access and the coordinators, so that
the forge asks the right people to review. --check exits 1 when the file is stale.`,
		example: "embargo codeowners --check",
	},
	"rules": {
		usage: "embargo rules",
		about: `Prints every rule: its ID, severity, what it checks and the public policy or document it
comes from. 'embargo explain RULE' says more about one, and how to fix its findings.`,
		example: "embargo rules",
	},
	"demo": {
		usage: "embargo demo [--repo DIR] [--dir DIR] [--now TIME] [--out DIR]",
		about: `Builds a throwaway git repository from the bundled example group (examples/group), every
commit signed with the example's published TEST keys, and runs what CI runs on it: validate,
four pull requests (two accepted, two refused) and the public timeline.`,
		example: "embargo demo --now 2026-11-20T12:00:00Z --out out/public",
	},
}

// kindVerbs take a kind before their flags (new issue, statement vouch): their
// help is asked for before the kind.
var kindVerbs = map[string]bool{"new": true, "statement": true, "export": true, "sign": true, "person": true, "key": true, "explain": true}

// helpKey is the helps key for args: "new issue" when args[1] is a kind that
// has its own help, else the verb.
func helpKey(args []string) string {
	if len(args) > 1 {
		if _, ok := helps[args[0]+" "+args[1]]; ok {
			return args[0] + " " + args[1]
		}
	}
	return args[0]
}

// wantsHelp reports whether args (after the verb) ask for help: -h, --help or
// help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "help":
			return true
		}
	}
	return false
}

// writeHelp prints the help of key, and the flags of fs when there is one.
func writeHelp(w io.Writer, key string, fs *flag.FlagSet) {
	h, ok := helps[key]
	if !ok {
		verb, _, _ := strings.Cut(key, " ")
		h, ok = helps[verb]
	}
	if !ok {
		fmt.Fprintf(w, "Usage: embargo %s [FLAGS]\n", key)
	} else {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nExample:\n    %s\n", h.usage, h.about, h.example)
	}
	if fs != nil {
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		if b.Len() > 0 {
			fmt.Fprintf(w, "\nFlags:\n%s", b.String())
		}
	}
}

// verbs lists the verbs, sorted, for the overview.
func verbs() []string {
	out := make([]string, 0, len(commands))
	for n := range commands {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
