// Package initgroup writes the records of a new group — policy.yaml with the
// lists it chose, the roles with its founding coordinators, the founding member
// with its people and their public keys, and a generated .github/CODEOWNERS —
// into an empty folder or a fresh fork of the embargo repository (`embargo
// init`). It writes no example data and never replaces a file. The package
// never prints and never touches private keys: people sign their acceptances
// afterwards with their own keys.
package initgroup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/author"
	"github.com/embargo-tool/embargo/tools/internal/codeowners"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Errors of Write; the returned errors wrap them.
var (
	ErrExists  = errors.New("already exists") // the folder already holds a group's records
	ErrInvalid = errors.New("invalid value")  // a value the schema or the rules would refuse
)

// GroupParts are the paths a group's records live at. A folder holding any of
// them already holds a group, and init refuses to write there.
var GroupParts = []string{state.PolicyFile, "roles", "members", "issues", state.CodeOwnersFile}

// kindError is an error of one of the kinds above whose text does not end
// in the kind's own words.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func invalid(format string, args ...any) error {
	return &kindError{fmt.Sprintf(format, args...), ErrInvalid}
}

// Spec is what `embargo init` is told.
type Spec struct {
	Group   string // policy.yaml group: a name only this group uses
	Name    string // display name
	Lists   []List
	Member  Member
	BaseURL string // where the public timeline will be published
	Now     time.Time
}

// List is one list of the group, with the template its limits come from.
type List struct {
	Name, Template string
}

// Member is the founding member and its people, the founding coordinators.
type Member struct {
	ID, Name, Kind, Contact string
	Founders                []Founder
}

// Founder is one founding coordinator: a person of the founding member.
type Founder struct {
	ID, Name, Email string
	Key             []byte // armored public key
}

// ListTemplate is a list's limits as policy.yaml writes them.
type ListTemplate struct {
	Description string
	Lines       string // the YAML lines under the list's name, indented by four
}

// Templates are the list policies init offers, by name: the Openwall distros
// lists' limits and the Linux kernel hardware embargo process
// (docs/sources.md).
var Templates = map[string]ListTemplate{
	"distros": {
		Description: "Operating system distribution security contacts",
		Lines: `    max_embargo: 14d
    preferred_embargo: 7d
    min_embargo: 1d
    exploit_delay: 7d
    posting_grace: 24h
    disclosure_grace: 24h
    embargo_severities: [medium, high, critical]
    technical_extensions_only: false
`},
	"linux-distros": {
		Description: "Linux distribution security contacts",
		Lines: `    max_embargo: 14d
    preferred_embargo: 7d
    min_embargo: 1d
    exploit_delay: 7d
    posting_grace: 24h
    disclosure_grace: 24h
    embargo_severities: [medium, high, critical]
    technical_extensions_only: false
`},
	"hardware": {
		Description: "Embargoed hardware issues response team (no fixed cap; negotiated end date)",
		Lines: `    preferred_embargo: 90d
    min_embargo: 1d
    exploit_delay: 7d
    posting_grace: 24h
    disclosure_grace: 24h
    embargo_severities: [low, medium, high, critical]
    technical_extensions_only: true
`},
}

// TemplateNames lists the templates, sorted.
func TemplateNames() []string {
	var out []string
	for n := range Templates {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

var (
	idRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	listRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	groupRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$`)
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	// uidRe reads "Name (comment) <email>", the usual form of a user id.
	uidRe = regexp.MustCompile(`^\s*([^<(]*?)\s*(?:\([^)]*\))?\s*<([^<>\s]+@[^<>\s]+)>\s*$`)
)

// Identity returns the name and e-mail address of a key's first user id of
// the form "Name <email>", so a founder need not type what their key says.
func Identity(k *pgp.Key) (name, email string, ok bool) {
	for _, uid := range k.UserIDs {
		if m := uidRe.FindStringSubmatch(uid); m != nil && m[1] != "" {
			return m[1], m[2], true
		}
	}
	return "", "", false
}

// Check validates spec without writing anything; Write calls it first.
func Check(spec Spec) error {
	switch {
	case !groupRe.MatchString(spec.Group) || len(spec.Group) > 253:
		return invalid("group %q is not a lower-case name such as a domain name (letters, digits, dots and dashes)", spec.Group)
	case strings.TrimSpace(spec.Name) == "" || strings.ContainsAny(spec.Name, "\r\n"):
		return invalid("the group's display name must be one non-empty line")
	case len(spec.Lists) == 0:
		return invalid("a group has at least one list")
	case !strings.HasPrefix(spec.BaseURL, "https://") && !strings.HasPrefix(spec.BaseURL, "http://"):
		return invalid("base URL %q is not an http(s) URL", spec.BaseURL)
	}
	seen := map[string]bool{}
	for _, l := range spec.Lists {
		if !listRe.MatchString(l.Name) {
			return invalid("list name %q is not lower-case letters, digits and dashes", l.Name)
		}
		if seen[l.Name] {
			return invalid("list %s is named twice", l.Name)
		}
		seen[l.Name] = true
		if _, ok := Templates[l.Template]; !ok {
			return invalid("list %s: no template %q; the templates are %s", l.Name, l.Template, strings.Join(TemplateNames(), ", "))
		}
	}
	m := spec.Member
	switch {
	case !idRe.MatchString(m.ID):
		return invalid("member id %q is not lower-case letters, digits and dashes (at most 64)", m.ID)
	case strings.TrimSpace(m.Name) == "" || strings.ContainsAny(m.Name, "\r\n"):
		return invalid("the member's name must be one non-empty line")
	case !slices.Contains(author.Kinds, m.Kind):
		return invalid("kind %q is not one of %s", m.Kind, strings.Join(author.Kinds, ", "))
	case m.Kind != "individual" && m.Contact == "":
		return invalid("a %s member needs a role address (contact)", m.Kind)
	case m.Contact != "" && !emailRe.MatchString(m.Contact):
		return invalid("contact %q is not an e-mail address", m.Contact)
	case len(m.Founders) == 0:
		return invalid("a group needs at least one founding coordinator")
	}
	people, keys := map[string]bool{}, map[string]string{}
	for _, f := range m.Founders {
		if !idRe.MatchString(f.ID) {
			return invalid("person id %q is not lower-case letters, digits and dashes (at most 64)", f.ID)
		}
		if people[f.ID] {
			return invalid("person %s is named twice", f.ID)
		}
		people[f.ID] = true
		if strings.TrimSpace(f.Name) == "" || strings.ContainsAny(f.Name, "\r\n") {
			return invalid("the name of %s must be one non-empty line", f.ID)
		}
		if !emailRe.MatchString(f.Email) {
			return invalid("e-mail %q of %s is not an e-mail address", f.Email, f.ID)
		}
		k, err := pgp.ParseKeyFile(f.Key)
		if err != nil {
			return invalid("key of %s: %v", f.ID, err)
		}
		for _, p := range pgp.CheckKey(k, spec.Now) {
			if p.Severity == pgp.SeverityError {
				return invalid("key %s of %s: %s", k.Fingerprint, f.ID, p.Message)
			}
		}
		if other, dup := keys[k.Fingerprint]; dup {
			return invalid("key %s is given for both %s and %s; a key belongs to one person", k.Fingerprint, other, f.ID)
		}
		keys[k.Fingerprint] = f.ID
	}
	return nil
}

// Write writes the new group's records into root and returns the paths it
// wrote, slash-separated and relative to root. It refuses a folder that
// already holds any of GroupParts (ErrExists), and writes nothing then.
func Write(root string, spec Spec) ([]string, error) {
	if err := Check(spec); err != nil {
		return nil, err
	}
	for _, p := range GroupParts {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err == nil {
			return nil, &kindError{fmt.Sprintf("%s already exists in %s: this folder already holds a group's records, and init never writes over them", p, root), ErrExists}
		}
	}
	files := map[string][]byte{}
	var order []string
	put := func(rel string, data []byte) {
		files[rel] = data
		order = append(order, rel)
	}
	member, keys, err := memberText(spec)
	if err != nil {
		return nil, err
	}
	policy, err := policyText(spec, keys)
	if err != nil {
		return nil, err
	}
	put(state.PolicyFile, policy)
	var ids []string
	for _, f := range spec.Member.Founders {
		ids = append(ids, f.ID)
	}
	put(state.CoordinatorsFile, []byte("# Person ids of the coordinators who run the group (list admins); written by `embargo init`.\ncoordinators: "+flow(ids)+"\n"))
	put(state.TasksFile, []byte("# Contributing-back tasks, each with a primary and a backup member (docs/formats.md).\ntasks: []\n"))
	put(state.AmbassadorsFile, []byte("# Process ambassadors: at most one person per organisation (docs/formats.md).\nambassadors: []\n"))
	put("members/"+spec.Member.ID+".yaml", member)
	for _, k := range keys {
		put(state.KeysDir+"/"+k.fpr+".asc", k.armored)
	}
	// CODEOWNERS is generated from the records just built, as `embargo
	// codeowners` would, so the new repository validates without a warning.
	co, err := generateCodeOwners(files)
	if err != nil {
		return nil, err
	}
	put(state.CodeOwnersFile, co)
	for i, rel := range order {
		if err := writeNew(root, rel, files[rel]); err != nil {
			for _, done := range order[:i] {
				os.Remove(filepath.Join(root, filepath.FromSlash(done)))
			}
			return nil, err
		}
	}
	return order, nil
}

type keyFile struct {
	fpr     string
	armored []byte
}

func policyText(spec Spec, keys []keyFile) ([]byte, error) {
	type list struct {
		Name, Description, Lines string
	}
	var lists []list
	for _, l := range spec.Lists {
		t := Templates[l.Template]
		lists = append(lists, list{Name: l.Name, Description: q(t.Description), Lines: t.Lines})
	}
	// With two founders or more, the two-person rule holds from the start:
	// one stolen coordinator key cannot change who runs the group, the
	// checker, or the coordinators' own records and keys.
	var twoPerson string
	if len(spec.Member.Founders) >= 2 {
		paths := []string{"policy.yaml", `"roles/**"`, `"schema/**"`, `"tools/**"`, `".github/**"`, "Makefile", "go.mod", "go.sum", "members/" + spec.Member.ID + ".yaml"}
		for _, k := range keys {
			paths = append(paths, "members/keys/"+k.fpr+".asc")
		}
		twoPerson = "  # Two-person rule (docs/signatures.md): these change only when two coordinators sign\n" +
			"  # for the result. A new coordinator's own record and keys join this list.\n" +
			"  - paths: [" + strings.Join(paths, ", ") + "]\n    allow: [coordinators]\n    threshold: 2\n"
	}
	var b bytes.Buffer
	err := policyTemplate.Execute(&b, map[string]any{
		"TwoPerson": twoPerson,
		"Group":     q(spec.Group), "Name": q(spec.Name), "Lists": lists, "Now": spec.Now.UTC().Truncate(time.Second).Format(time.RFC3339),
		"Title": q(spec.Name + " — public timeline"), "BaseURL": q(strings.TrimSuffix(spec.BaseURL, "/") + "/"), "Author": q(spec.Name + " coordinators"),
	})
	return b.Bytes(), err
}

var policyTemplate = template.Must(template.New("policy").Parse(`# Policy of the group, written by ` + "`embargo init`" + ` at {{.Now}}: the lists and their
# limits, who may change what, and publication. People accept the version and
# the terms of their lists; raise version when the terms change (docs/signatures.md).
version: "1"
# Signed acceptances and vouches name this group, so they count in no other group.
group: {{.Group}}
name: {{.Name}}
lists:
{{- range .Lists}}
  {{.Name}}:
    description: {{.Description}}
{{.Lines}}
{{- end}}
# Who may sign changes to which paths; anything no rule names is refused.
# The tool's own files (tools/, schema/, docs, workflows) are the
# coordinators' to upgrade (docs/guides/upgrade.md).
access:
  - paths: [policy.yaml, "roles/**", "schema/**", "tools/**", ".github/**", Makefile, go.mod, go.sum]
    allow: [coordinators]
  - paths: ["*.md", "docs/**", ".ci/**", "examples/**", .gitignore, .pre-commit-hooks.yaml, ".vscode/**"]
    allow: [coordinators]
  - paths: ["members/*.yaml"]
    allow: [coordinators, own-member]
  - paths: ["members/keys/*.asc"]
    allow: [coordinators, key-owner]
  - paths: ["issues/**"]
    allow: [coordinators, issue-team]
{{.TwoPerson}}mergers: []
publication:
  title: {{.Title}}
  base_url: {{.BaseURL}}
  author: {{.Author}}
  withdrawn: omit
`))

func memberText(spec Spec) ([]byte, []keyFile, error) {
	m := spec.Member
	var b strings.Builder
	fmt.Fprintf(&b, "# The founding member, written by `embargo init` at %s. Each person signs\n", spec.Now.UTC().Truncate(time.Second).Format(time.RFC3339))
	b.WriteString("# their acceptance: embargo sign acceptance --person ID --gpg (docs/guides/start.md).\n")
	fmt.Fprintf(&b, "id: %s\nname: %s\nkind: %s\n", m.ID, q(m.Name), m.Kind)
	var lists []string
	for _, l := range spec.Lists {
		lists = append(lists, l.Name)
	}
	slices.Sort(lists)
	fmt.Fprintf(&b, "lists: %s\nstatus: active\njoined: %s\n", flow(lists), spec.Now.UTC().Format(time.DateOnly))
	if m.Contact != "" {
		fmt.Fprintf(&b, "contact: %s\n", q(m.Contact))
	}
	b.WriteString("# A founding member needs no vouch: it vouches for the members that join later.\nfounding: true\npeople:\n")
	var keys []keyFile
	for _, f := range m.Founders {
		k, err := pgp.ParseKeyFile(f.Key)
		if err != nil {
			return nil, nil, invalid("key of %s: %v", f.ID, err)
		}
		keys = append(keys, keyFile{fpr: k.Fingerprint, armored: f.Key})
		fmt.Fprintf(&b, "  - id: %s\n    name: %s\n    email: %s\n    keys: [%s]\n", f.ID, q(f.Name), q(f.Email), k.Fingerprint)
	}
	out, err := author.Format("members/"+m.ID+".yaml", []byte(b.String()))
	if err != nil {
		return nil, nil, fmt.Errorf("internal error: the member record does not format: %v", err)
	}
	return out, keys, nil
}

// generateCodeOwners loads the new records from memory and generates
// CODEOWNERS from them.
func generateCodeOwners(files map[string][]byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "embargo-init-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for rel, data := range files {
		if err := writeNew(dir, rel, data); err != nil {
			return nil, err
		}
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		return nil, err
	}
	if fs := out.Sorted(); len(fs) > 0 {
		return nil, fmt.Errorf("internal error: the new records do not load: %s: %s: %s", fs[0].File, fs[0].Rule, fs[0].Message)
	}
	co, _ := codeowners.Generate(st)
	return co, nil
}

// writeNew writes data to root/rel, creating folders, and never replaces a file.
func writeNew(root, rel string, data []byte) error {
	full := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return &kindError{rel + " already exists; init never writes over a file", ErrExists}
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// q writes s as a double-quoted YAML scalar when it is not a plain word.
func q(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._@/:+-]*$`).MatchString(s) && !strings.HasSuffix(s, ":") && !strings.Contains(s, ": ") && !strings.Contains(s, " #") {
		return s
	}
	return fmt.Sprintf("%q", s)
}

func flow(items []string) string { return "[" + strings.Join(items, ", ") + "]" }
