package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/initgroup"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

func init() {
	commands["init"] = runInit
	helps["init"] = help{
		usage: "embargo init --group NAME --name TITLE --list L[:TEMPLATE][,...] --member ID --member-name NAME --kind K [--contact ADDR] --founder ID=KEY [--founder ID=KEY ...] [--base-url URL] [--dir DIR] [--now TIME]",
		about: `Starts a new group: writes policy.yaml with the lists chosen, roles/ with the founding
coordinators, the founding member (founding: true) with those people and their public keys in
members/keys/, and .github/CODEOWNERS, into an empty folder or a fresh clone of the embargo
repository. It writes no example data and never replaces a file. KEY is an exported public key
file or a fingerprint in your gpg keyring; a founder's name and e-mail come from the key's user
id. A list's TEMPLATE gives its limits (distros, linux-distros or hardware; a list named like a
template takes that one, any other distros). It then prints the next steps: the statement each
founder signs, the first signed commit and the trust anchor to record.`,
		example: `embargo init --group distros.example.org --name "Example distros lists" --list linux-distros,distros \
    --member openwall --member-name Openwall --kind distro --contact security@openwall.example.org \
    --founder mara-openwall=mara.asc --founder tomas-openwall=59E836661B35D313BF2EA12F4813675A72C482A5`,
	}
}

// founderFlags collects repeated --founder ID=KEY.
type founderFlags []string

func (f *founderFlags) String() string     { return strings.Join(*f, " ") }
func (f *founderFlags) Set(s string) error { *f = append(*f, s); return nil }

var fullFingerprintRe = regexp.MustCompile(`^(0[xX])?([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$`)

func runInit(e *env, args []string) error {
	fs := newFlags(e, "init")
	dir := fs.String("dir", ".", "the folder to write the group's records into: empty, or a fresh clone of the embargo repository")
	group := fs.String("group", "", "a name only your group uses, such as a domain name it controls; signed statements name it")
	name := fs.String("name", "", "the group's display name")
	lists := fs.String("list", "", "the group's lists, comma-separated, each NAME or NAME:TEMPLATE")
	member := fs.String("member", "", "id of the founding member (lower-case; members/ID.yaml)")
	memberName := fs.String("member-name", "", "display name of the founding member")
	kind := fs.String("kind", "", "kind of the founding member: distro, vendor, upstream or individual")
	contact := fs.String("contact", "", "the founding member's role address (required unless --kind individual)")
	baseURL := fs.String("base-url", "", "where the public timeline will be published (default https://GROUP/embargo/)")
	nowFlag := fs.String("now", "", "the founding time (RFC 3339); default: now")
	var founders founderFlags
	fs.Var(&founders, "founder", "a founding coordinator, ID=KEY (repeat for each); KEY is a public key file or a fingerprint in your gpg")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	switch {
	case *group == "":
		return usagef("name the group: --group distros.example.org (a domain name it controls is a good choice)", "init needs --group")
	case *name == "":
		return usagef("give the group's display name: --name 'Example distros lists'", "init needs --name")
	case *lists == "":
		return usagef("name its lists: --list linux-distros,distros (templates: "+strings.Join(initgroup.TemplateNames(), ", ")+")", "init needs --list")
	case *member == "" || *memberName == "" || *kind == "":
		return usagef("describe the founding member: --member ID --member-name NAME --kind distro|vendor|upstream|individual [--contact ADDR]", "init needs --member, --member-name and --kind")
	case len(founders) == 0:
		return usagef("name each founding coordinator with their key: --founder mara=mara.asc or --founder mara=FINGERPRINT", "init needs at least one --founder")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	spec := initgroup.Spec{Group: *group, Name: *name, BaseURL: *baseURL, Now: now,
		Member: initgroup.Member{ID: *member, Name: *memberName, Kind: *kind, Contact: *contact}}
	if spec.BaseURL == "" {
		spec.BaseURL = "https://" + *group + "/embargo/"
	}
	for _, l := range splitList(*lists) {
		n, tmpl, ok := strings.Cut(l, ":")
		if !ok {
			tmpl = "distros"
			if _, known := initgroup.Templates[n]; known {
				tmpl = n
			}
		}
		spec.Lists = append(spec.Lists, initgroup.List{Name: n, Template: tmpl})
	}
	var fprs []string
	for _, f := range founders {
		id, key, ok := strings.Cut(f, "=")
		if !ok || id == "" || key == "" {
			return usagef("write it as --founder ID=KEY, KEY a public key file or a fingerprint", "--founder %q is not ID=KEY", f)
		}
		armored, err := readFounderKey(key)
		if err != nil {
			return err
		}
		k, err := pgp.ParseKeyFile(armored)
		if err != nil {
			return usagef("export the public key: gpg --armor --export FINGERPRINT > key.asc", "key of %s: %v", id, err)
		}
		fn, email, ok := initgroup.Identity(k)
		if !ok {
			return usagef("add a user id of the form 'Name <email>' to the key (gpg --quick-add-uid), then export it again", "key %s of %s has no user id with a name and an e-mail address", k.Fingerprint, id)
		}
		if !pgp.CanEncrypt(k, now) {
			fmt.Fprintf(e.stderr, "embargo: warning: the key of %s cannot encrypt; sealed records (docs/guides/sealed-records.md) need an encryption subkey: gpg --quick-add-key %s cv25519 encr, then export the key again\n", id, k.Fingerprint)
		}
		spec.Member.Founders = append(spec.Member.Founders, initgroup.Founder{ID: id, Name: fn, Email: email, Key: armored})
		fprs = append(fprs, k.Fingerprint)
	}
	if err := checkInitDir(*dir); err != nil {
		return err
	}
	written, err := initgroup.Write(*dir, spec)
	switch {
	case errors.Is(err, initgroup.ErrExists):
		return usagef("run init in an empty folder or a fresh clone; to add to an existing group use embargo new member or embargo person add", "%v", err)
	case errors.Is(err, initgroup.ErrInvalid):
		return usagef("see 'embargo init --help'", "%v", err)
	case err != nil:
		return err
	}
	for _, p := range written {
		fmt.Fprintln(e.stdout, filepath.Join(*dir, filepath.FromSlash(p)))
	}
	printInitSteps(e, *dir, spec, fprs)
	return nil
}

// readFounderKey reads KEY of --founder: a file, else a fingerprint exported
// from the user's gpg.
func readFounderKey(key string) ([]byte, error) {
	data, err := os.ReadFile(key)
	if err == nil {
		return data, nil
	}
	if m := fullFingerprintRe.FindStringSubmatch(strings.ReplaceAll(key, " ", "")); m != nil {
		return gpgExport(strings.ToUpper(m[2]))
	}
	return nil, usagef("give an exported public key file (gpg --armor --export FPR > key.asc) or a full fingerprint", "cannot read key %s: %v", key, errors.Unwrap(err))
}

// checkInitDir accepts a new folder, an empty one, or one that holds no
// group yet (a fresh clone of the embargo repository).
func checkInitDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return usagef("give a folder you can write to", "cannot read %s: %v", dir, errors.Unwrap(err))
	case !fi.IsDir():
		return usagef("give a folder, not a file", "%s is not a folder", dir)
	}
	return nil
}

func printInitSteps(e *env, dir string, spec initgroup.Spec, fprs []string) {
	w := e.stderr
	fmt.Fprintf(w, "\nembargo: wrote the records of %s (%s); next:\n", spec.Group, spec.Name)
	fmt.Fprintf(w, "  1. each founder signs their acceptance of the policy with their own key:\n")
	for i, f := range spec.Member.Founders {
		fmt.Fprintf(w, "       embargo sign acceptance --person %s --gpg       # key %s\n", f.ID, fprs[i])
	}
	fmt.Fprintf(w, "     (or: embargo statement acceptance --person ID > /tmp/statement.txt, sign it elsewhere,\n")
	fmt.Fprintf(w, "      then embargo sign acceptance --person ID --attach /tmp/statement.txt.asc)\n")
	fmt.Fprintf(w, "  2. embargo validate                                   # 0 errors once every acceptance is in\n")
	fmt.Fprintf(w, "  3. the founding commit, signed by a founder, as the root of the group's history:\n")
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		fmt.Fprintf(w, "       git init -b main\n")
	} else {
		fmt.Fprintf(w, "       git checkout --orphan founding       # the template's history is not the group's\n")
	}
	fmt.Fprintf(w, "       git add -A && git -c user.signingkey=%s commit -S -m \"Found %s\"\n", fprs[0], spec.Group)
	fmt.Fprintf(w, "       git branch -M main\n")
	fmt.Fprintf(w, "  4. the trust anchor: write these fingerprints down outside the repository (a runbook), then\n")
	fmt.Fprintf(w, "     tag the founding commit and push it to the group's private repository:\n")
	fmt.Fprintf(w, "       founders: %s\n", strings.Join(fprs, ","))
	fmt.Fprintf(w, "       git remote add origin <the group's private repository>\n")
	fmt.Fprintf(w, "       git tag embargo-verified HEAD && git push -u origin main embargo-verified\n")
	fmt.Fprintf(w, "     (docs/guides/start.md walks through it; docs/guides/ci-admin.md sets up CI)\n")
}
