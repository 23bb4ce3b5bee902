package author

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// Kinds are the values of a member's kind.
var Kinds = []string{"distro", "vendor", "upstream", "individual"}

// MemberSpec is what `embargo new member` is told.
type MemberSpec struct {
	ID, Name, Kind string
	Lists          []string
	Contact        string // the role address; required unless Kind is individual
	Now            time.Time
	Person         *PersonSpec // the first person; nil leaves people empty, to fill in
}

// PersonSpec is a member's first person.
type PersonSpec struct {
	ID, Name, Email string
	Keys            []string // full fingerprints of keys in members/keys/
}

// NewMember writes members/<id>.yaml: status active, joined today, no vouch
// yet, and the first person when spec has one. It returns the slash-separated
// path. A person's keys must already be in members/keys (see ImportKey).
// Errors wrap ErrExists, ErrUnknown or ErrInvalid.
func NewMember(root string, st *state.State, spec MemberSpec) (string, error) {
	if !idRe.MatchString(spec.ID) {
		return "", fmt.Errorf("member id %q is not lower-case letters, digits and dashes (at most 64): %w", spec.ID, ErrInvalid)
	}
	if _, ok := st.MembersByID[spec.ID]; ok {
		return "", fmt.Errorf("member %s %w", spec.ID, ErrExists)
	}
	if err := oneLine("the name", spec.Name); err != nil {
		return "", err
	}
	if !slices.Contains(Kinds, spec.Kind) {
		return "", fmt.Errorf("kind %q is not one of %s: %w", spec.Kind, strings.Join(Kinds, ", "), ErrInvalid)
	}
	if len(spec.Lists) == 0 {
		return "", fmt.Errorf("a member receives at least one list: %w", ErrInvalid)
	}
	lists := slices.Clone(spec.Lists)
	slices.Sort(lists)
	if len(slices.Compact(lists)) != len(spec.Lists) {
		return "", fmt.Errorf("a list is named twice: %w", ErrInvalid)
	}
	for _, l := range lists {
		if st.Policy == nil {
			return "", fmt.Errorf("policy.yaml does not load, so the lists cannot be checked: %w", ErrUnknown)
		}
		if _, ok := st.Policy.Lists[l]; !ok {
			return "", fmt.Errorf("list %q is not defined in policy.yaml: %w", l, ErrUnknown)
		}
	}
	switch {
	case spec.Contact == "" && spec.Kind != "individual":
		return "", fmt.Errorf("a %s member needs a role address (contact): %w", spec.Kind, ErrInvalid)
	case spec.Contact != "" && !emailRe.MatchString(spec.Contact):
		return "", fmt.Errorf("contact %q is not an e-mail address: %w", spec.Contact, ErrInvalid)
	}
	if p := spec.Person; p != nil {
		if err := checkPerson(root, st, p); err != nil {
			return "", err
		}
	}
	now := spec.Now.UTC()
	data := map[string]any{
		"ID": spec.ID, "Name": q(spec.Name), "Kind": spec.Kind, "Lists": flow(lists),
		"Joined": now.Format(time.DateOnly), "Now": now.Truncate(time.Second).Format(time.RFC3339),
	}
	if spec.Contact != "" {
		data["Contact"] = q(spec.Contact)
	}
	if p := spec.Person; p != nil {
		data["Person"] = map[string]string{"ID": p.ID, "Name": q(p.Name), "Email": q(p.Email), "Keys": flow(p.Keys)}
	}
	var b bytes.Buffer
	if err := memberTemplate.Execute(&b, data); err != nil {
		return "", err
	}
	rel := "members/" + spec.ID + ".yaml"
	out, err := Format(rel, b.Bytes())
	if err != nil {
		return "", fmt.Errorf("internal error: the new record does not format: %v", err)
	}
	return rel, writeNew(root, rel, out)
}

func checkPerson(root string, st *state.State, p *PersonSpec) error {
	if !idRe.MatchString(p.ID) {
		return fmt.Errorf("person id %q is not lower-case letters, digits and dashes (at most 64): %w", p.ID, ErrInvalid)
	}
	if ref, ok := st.People[p.ID]; ok {
		return fmt.Errorf("person id %s is already used by member %s; person ids are unique across the repository: %w", p.ID, ref.Member.Member.ID, ErrExists)
	}
	if err := oneLine("the person's name", p.Name); err != nil {
		return err
	}
	if !emailRe.MatchString(p.Email) {
		return fmt.Errorf("e-mail %q of %s is not an e-mail address: %w", p.Email, p.ID, ErrInvalid)
	}
	if len(p.Keys) == 0 {
		return fmt.Errorf("person %s needs a key: %w", p.ID, ErrInvalid)
	}
	for _, fpr := range p.Keys {
		if !fprRe.MatchString(fpr) {
			return fmt.Errorf("%q is not a full fingerprint (40 or 64 upper-case hex digits): %w", fpr, ErrInvalid)
		}
		if _, err := os.Stat(filepath.Join(root, state.KeysDir, fpr+".asc")); err != nil {
			return fmt.Errorf("key file %s/%s.asc is missing: %w", state.KeysDir, fpr, ErrUnknown)
		}
		for id, ref := range st.People {
			if slices.Contains(ref.Person().Keys, fpr) {
				return fmt.Errorf("key %s is already listed for %s; a key belongs to one person: %w", fpr, id, ErrExists)
			}
		}
	}
	return nil
}

// NormalizeFingerprint removes spaces and a 0x prefix and upper-cases hex.
func NormalizeFingerprint(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	return strings.ToUpper(strings.ReplaceAll(s, " ", ""))
}

// ImportKey writes an armored public key to members/keys/<FPR>.asc and returns
// the fingerprint. The key must parse as exactly one public key (see
// pgp.ParseKeyFile). An identical file already there is fine; a different one
// is not replaced (ErrExists).
func ImportKey(root string, armored []byte) (string, error) {
	k, err := pgp.ParseKeyFile(armored)
	if err != nil {
		return "", fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	rel := state.KeysDir + "/" + k.Fingerprint + ".asc"
	if old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))); err == nil {
		if bytes.Equal(old, armored) {
			return k.Fingerprint, nil
		}
		return "", fmt.Errorf("%s %w with other content; compare and replace it by hand", rel, ErrExists)
	}
	return k.Fingerprint, writeNew(root, rel, armored)
}

var memberTemplate = template.Must(template.New("member").Parse(`# Member record written by ` + "`embargo new member`" + ` at {{.Now}}.
# Fill in what the comments ask for, run ` + "`embargo fmt`" + ` and ` + "`embargo validate`" + `, and
# propose it in a signed pull request.
id: {{.ID}}
name: {{.Name}}
# distro | vendor | upstream | individual
kind: {{.Kind}}
lists: {{.Lists}}
# active | suspended | removed (removed also needs removed: {at: DATE, reason: ...})
status: active
joined: {{.Joined}}
{{- if .Contact}}
# the organisation's role address, not a person's
contact: {{.Contact}}
{{- else}}
# contact: a role address; required unless kind is individual
{{- end}}
# application: the URL of the public application thread
founding: false
# vouch: a person of ANOTHER member vouches for this one. They sign the output of
#   embargo statement vouch --member {{.ID}} --voucher THEIR-PERSON-ID
# and the armored signature goes here:
# vouch:
#   by: THEIR-PERSON-ID
#   signature: |
#     -----BEGIN PGP SIGNATURE-----
#     ...
# people: who receives list mail for the member. Each person's key goes in
# members/keys/FINGERPRINT.asc (gpg --armor --export FINGERPRINT), and each
# person signs the output of
#   embargo statement acceptance --person PERSON-ID
# with their first key; the armored signature goes under acceptance: |
{{- with .Person}}
people:
  - id: {{.ID}}
    name: {{.Name}}
    email: {{.Email}}
    keys: {{.Keys}}
{{- else}}
#   - id: jo-example
#     name: Jo Example
#     email: jo@example.org
#     keys: [FULL-FINGERPRINT]
people: []
{{- end}}
`))
