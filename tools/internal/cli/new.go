package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"

	"github.com/embargo-tool/embargo/tools/internal/author"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func init() { commands["new"] = runNew }

// runNew writes a new record skeleton and prints its path.
func runNew(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("use 'embargo new issue --list L --title T' or 'embargo new member --id ID --name NAME --kind K --list L'", "new needs a kind: issue or member")
	}
	switch args[0] {
	case "issue":
		return runNewIssue(e, args[1:])
	case "member":
		return runNewMember(e, args[1:])
	}
	return usagef("the kinds are issue and member", "unknown record kind %q", args[0])
}

func runNewIssue(e *env, args []string) error {
	fs := newFlags(e, "new issue")
	repo := fs.String("repo", ".", "the policy repository")
	nowFlag := fs.String("now", "", "the time the issue was reported (RFC 3339); default: now")
	list := fs.String("list", "", "the list handling the issue (a key of policy.yaml lists)")
	title := fs.String("title", "", "the private title, one line")
	severity := fs.String("severity", author.DefaultSeverity, "low, medium, high or critical")
	handler := fs.String("handler", "", "person id of the handler; default: the person whose e-mail is git's user.email")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	switch {
	case *list == "":
		return usagef("name the list: --list linux-distros", "new issue needs --list")
	case *title == "":
		return usagef("give a one-line private title: --title '...'", "new issue needs --title")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	st, err := loadForAuthoring(e, *repo)
	if err != nil {
		return err
	}
	if *handler == "" {
		// A wrong list is said first: it is what was typed, the handler
		// only a default that could not be found.
		if err := author.CheckList(st, *list); err != nil {
			return authorError(err)
		}
		*handler = personByGitEmail(*repo, st)
		if *handler == "" {
			return usagef("name yourself or another person: --handler PERSON-ID", "new issue needs --handler: git's user.email is not the e-mail of a person in members/")
		}
	}
	rel, err := author.NewIssue(*repo, st, author.IssueSpec{List: *list, Title: *title, Severity: *severity, Handler: *handler, Now: now})
	if err != nil {
		return authorError(err)
	}
	fmt.Fprintln(e.stdout, filepath.Join(*repo, filepath.FromSlash(rel)))
	e.hintf("fill in what the comments ask for, then run 'embargo validate'")
	return nil
}

func runNewMember(e *env, args []string) error {
	fs := newFlags(e, "new member")
	repo := fs.String("repo", ".", "the policy repository")
	nowFlag := fs.String("now", "", "the time the member joins (RFC 3339); default: now")
	id := fs.String("id", "", "member id: lower-case letters, digits and dashes")
	name := fs.String("name", "", "display name")
	kind := fs.String("kind", "", "distro, vendor, upstream or individual")
	lists := fs.String("list", "", "the lists the member receives, comma-separated")
	contact := fs.String("contact", "", "the role address (required unless --kind individual)")
	morePeople := "new member takes its first person; add more with 'embargo person add'"
	person := onceString(fs, "person", morePeople, "id of the member's first person")
	personName := onceString(fs, "person-name", morePeople, "the first person's full name")
	email := onceString(fs, "email", morePeople, "the first person's e-mail address")
	keys := onceString(fs, "key", morePeople, "the first person's key fingerprints, comma-separated, already in members/keys/")
	keyFile := onceString(fs, "key-file", morePeople+"; add more keys with 'embargo key add'", "an armored public key of the first person, copied to members/keys/<FPR>.asc")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	switch {
	case *id == "":
		return usagef("name the member: --id acme (lower-case; the file becomes members/acme.yaml)", "new member needs --id")
	case *name == "":
		return usagef("give its display name: --name 'Acme Corp'", "new member needs --name")
	case *kind == "":
		return usagef("use one of: "+strings.Join(author.Kinds, ", "), "new member needs --kind")
	case *lists == "":
		return usagef("name the lists it receives: --list linux-distros,distros", "new member needs --list")
	}
	// A member without people fails its schema, and nothing that fails it is written.
	if *person == "" || *personName == "" || *email == "" || (*keys == "" && *keyFile == "") {
		return usagef("give all of --person ID --person-name NAME --email ADDR and --key FPR or --key-file FILE", "a new member needs its first person: an id, a name, an e-mail address and a key")
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	var armored []byte
	if *keyFile != "" {
		if armored, err = os.ReadFile(*keyFile); err != nil {
			return usagef("export it with gpg --armor --export FINGERPRINT > key.asc", "cannot read --key-file: %v", errors.Unwrap(err))
		}
	}
	st, err := loadForAuthoring(e, *repo)
	if err != nil {
		return err
	}
	p := &author.PersonSpec{ID: *person, Name: *personName, Email: *email}
	if armored != nil {
		p.Import = [][]byte{armored}
	}
	for _, k := range splitList(*keys) {
		p.Keys = append(p.Keys, author.NormalizeFingerprint(k))
	}
	spec := author.MemberSpec{ID: *id, Name: *name, Kind: *kind, Lists: splitList(*lists), Contact: *contact, Now: now, Person: p}
	written, err := author.NewMember(*repo, st, spec)
	if err != nil {
		return authorError(err)
	}
	// Only now, when every file is in place, say what was written.
	for _, rel := range written {
		fmt.Fprintln(e.stdout, filepath.Join(*repo, filepath.FromSlash(rel)))
	}
	e.hintf("next: a person of another member vouches (embargo statement vouch --member %s --voucher ID) and each person signs their acceptance (embargo statement acceptance --person ID)", *id)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// authorError turns the author package's errors into usage errors with a hint.
func authorError(err error) error {
	if errors.Is(err, pgp.ErrKeyFile) {
		// pgp's message names the fix (one armored public key per file).
		return usagef("", "%s", strings.TrimSuffix(err.Error(), ": "+author.ErrInvalid.Error()))
	}
	// The author package wraps its sentinels at the end of a message; the
	// hint says the same, so the message does not end in "invalid value".
	for _, kind := range []error{author.ErrExists, author.ErrUnknown, author.ErrInvalid} {
		if errors.Is(err, kind) {
			msg := strings.TrimSuffix(err.Error(), ": "+kind.Error())
			err = &sentinelError{msg: msg, kind: kind}
			break
		}
	}
	switch {
	case errors.Is(err, author.ErrExists):
		return usagef("pick another id, or edit the existing record", "%v", err)
	case errors.Is(err, author.ErrUnknown):
		return usagef("check the spelling against policy.yaml and members/", "%v", err)
	case errors.Is(err, author.ErrInvalid):
		return usagef("see docs/formats.md for the allowed values", "%v", err)
	case errors.Is(err, author.ErrUnsafePath):
		return usagef("replace the link by a real folder of the repository; nothing was written", "%v", err)
	}
	return err
}

// sentinelError keeps the kind of an author error with a message that does
// not repeat it.
type sentinelError struct {
	msg  string
	kind error
}

func (e *sentinelError) Error() string { return e.msg }
func (e *sentinelError) Unwrap() error { return e.kind }

// loadForAuthoring loads the working tree's state; files that do not load are
// left out, with a warning.
func loadForAuthoring(e *env, repo string) (*state.State, error) {
	if err := checkRepo(repo); err != nil {
		return nil, err
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: repo}, &out)
	if err != nil {
		return nil, err
	}
	warnLoad(e, out.Sorted())
	return st, nil
}

// personByGitEmail returns the person whose e-mail is git's user.email (the
// repository's setting, else the user's), or "".
func personByGitEmail(repo string, st *state.State) string {
	var cfg *config.Config
	if r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{DetectDotGit: true}); err == nil {
		cfg, _ = r.ConfigScoped(config.GlobalScope)
	}
	if cfg == nil {
		cfg, _ = config.LoadConfig(config.GlobalScope)
	}
	if cfg == nil || cfg.User.Email == "" {
		return ""
	}
	for id, ref := range st.People {
		if strings.EqualFold(ref.Person().Email, cfg.User.Email) && ref.Member.Member.Status == "active" {
			return id
		}
	}
	return ""
}
