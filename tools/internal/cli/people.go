package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/embargo-tool/embargo/tools/internal/author"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func init() {
	commands["person"] = runPerson
	helps["person"] = help{
		usage: "embargo person add --member M --id ID --name NAME --email ADDR (--key FPR[,FPR] | --key-file FILE) [--repo DIR]",
		about: `Adds a person to an existing member record (a key file is imported to members/keys/ first). A
person of the member may make this change alone: the new person then needs a teammate's vouch
('embargo sign teammate --person ID --voucher TEAMMATE --gpg') and their own acceptance
('embargo sign acceptance --person ID --gpg').`,
		example: "embargo person add --member debian --id fio-debian --name \"Fio Rossi\" --email fio@debian.example.org --key-file fio.asc",
	}
	commands["key"] = runKey
	helps["key"] = help{
		usage: "embargo key add FILE [--person ID] [--repo DIR]",
		about: `Imports an armored public key (gpg --armor --export FPR > FILE) into members/keys/<FPR>.asc,
checking that it holds exactly one public key and no private key, and with --person lists it
for that person after their other keys (their first key keeps signing their acceptance).`,
		example: "embargo key add dana-2027.asc --person dana-debian",
	}
}

func runPerson(e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("use 'embargo person add --member M --id ID --name NAME --email ADDR --key-file FILE'", "person needs an action: add")
	}
	fs := newFlags(e, "person add")
	repo := fs.String("repo", ".", "the policy repository")
	member := fs.String("member", "", "the member the person belongs to")
	id := fs.String("id", "", "the person's id, unique across the repository")
	name := fs.String("name", "", "the person's full name")
	email := fs.String("email", "", "the person's own e-mail address")
	keys := fs.String("key", "", "key fingerprints already in members/keys/, comma-separated")
	keyFile := fs.String("key-file", "", "an armored public key, copied to members/keys/<FPR>.asc")
	if err := parse(fs, e, args[1:]); err != nil {
		return err
	}
	switch {
	case *member == "" || *id == "" || *name == "" || *email == "":
		return usagef("give all of --member M --id ID --name NAME --email ADDR", "person add needs --member, --id, --name and --email")
	case *keys == "" && *keyFile == "":
		return usagef("give --key-file FILE (gpg --armor --export FPR > FILE) or --key FPR of a key in members/keys/", "person add needs a key")
	}
	st, err := loadForAuthoring(e, *repo)
	if err != nil {
		return err
	}
	mf, ok := st.MembersByID[*member]
	if !ok {
		return usagef("create the member first: embargo new member", "member %q is not in the repository", *member)
	}
	p := author.PersonSpec{ID: *id, Name: *name, Email: *email}
	if *keyFile != "" {
		fpr, err := importKeyFile(e, *repo, *keyFile)
		if err != nil {
			return err
		}
		p.Keys = append(p.Keys, fpr)
	}
	for _, k := range splitList(*keys) {
		p.Keys = append(p.Keys, author.NormalizeFingerprint(k))
	}
	if err := author.CheckPerson(*repo, st, &p); err != nil {
		return authorError(err)
	}
	full := filepath.Join(*repo, filepath.FromSlash(mf.Path))
	data, err := os.ReadFile(full)
	if err != nil {
		return err
	}
	out, err := author.AddPerson(mf.Path, data, p)
	if err != nil {
		return authorError(err)
	}
	if err := replaceFile(full, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, full)
	e.hintf("next: a vouched teammate vouches (embargo sign teammate --person %s --voucher TEAMMATE --gpg) and %s signs their acceptance (embargo sign acceptance --person %s --gpg)", *id, *id, *id)
	return nil
}

func runKey(e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("use 'embargo key add FILE [--person ID]'", "key needs an action: add")
	}
	args = args[1:]
	var file string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	fs := newFlags(e, "key add")
	repo := fs.String("repo", ".", "the policy repository")
	person := fs.String("person", "", "list the key for this person, after their other keys")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	if file == "" {
		return usagef("export the key first: gpg --armor --export FPR > key.asc; then embargo key add key.asc", "key add needs a FILE")
	}
	if err := checkRepo(*repo); err != nil {
		return err
	}
	fpr, err := importKeyFile(e, *repo, file)
	if err != nil {
		return err
	}
	if *person == "" {
		e.hintf("list it for its owner: embargo key add %s --person ID (or add %s to their keys)", file, fpr)
		return nil
	}
	st, err := loadForAuthoring(e, *repo)
	if err != nil {
		return err
	}
	ref, ok := st.People[*person]
	if !ok {
		return usagef("add the person first: embargo person add", "person %q is not in the repository", *person)
	}
	for id, r := range st.People {
		for _, k := range r.Person().Keys {
			if k == fpr && id != *person {
				return usagef("a key belongs to one person", "key %s is already listed for %s", fpr, id)
			}
		}
	}
	full := filepath.Join(*repo, filepath.FromSlash(ref.Member.Path))
	data, err := os.ReadFile(full)
	if err != nil {
		return err
	}
	out, err := author.AddKey(ref.Member.Path, data, *person, fpr)
	if err != nil {
		return authorError(err)
	}
	if err := replaceFile(full, out, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, full)
	return nil
}

// importKeyFile copies an armored public key into members/keys/ and prints
// where it went.
func importKeyFile(e *env, repo, file string) (string, error) {
	armored, err := os.ReadFile(file)
	if err != nil {
		return "", usagef("export it with gpg --armor --export FINGERPRINT > key.asc", "cannot read key file %s: %v", file, errors.Unwrap(err))
	}
	fpr, err := author.ImportKey(repo, armored)
	if err != nil {
		return "", authorError(err)
	}
	fmt.Fprintln(e.stdout, filepath.Join(repo, state.KeysDir, fpr+".asc"))
	return fpr, nil
}

// onceFlag is a string flag that may be given once: a second value is an
// error, not silently the one that counts.
type onceFlag struct {
	name, value string
	set         bool
	hint        string
}

func (f *onceFlag) String() string { return f.value }
func (f *onceFlag) Set(s string) error {
	if f.set {
		return fmt.Errorf("given twice (%q and %q); %s", f.value, s, f.hint)
	}
	f.value, f.set = s, true
	return nil
}

// onceString defines a string flag that refuses a second value.
func onceString(fs *flag.FlagSet, name, hint, usage string) *string {
	f := &onceFlag{name: name, hint: hint}
	fs.Var(f, name, usage)
	return &f.value
}
