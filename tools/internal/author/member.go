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
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
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
	Person         *PersonSpec // the first person (required)
}

// PersonSpec is a member's first person.
type PersonSpec struct {
	ID, Name, Email string
	Keys            []string // full fingerprints of keys already in members/keys/
	Import          [][]byte // armored public keys to add to members/keys/ with the member
}

// NewMember writes members/<id>.yaml: status active, joined today, no vouch
// yet, and its first person (the schema wants at least one), with the key
// files of the keys the person imports. Everything is checked before
// anything is written — the record through the same layers as validate —
// and then every file is written atomically into real folders, or none (see
// writeAll). It returns the slash-separated paths written: new key files
// first, the member last (a key file already there with the same content is
// not written again). Errors wrap ErrExists, ErrUnknown, ErrInvalid or
// ErrUnsafePath.
func NewMember(root string, st *state.State, spec MemberSpec) ([]string, error) {
	if !idRe.MatchString(spec.ID) {
		return nil, fmt.Errorf("member id %q is not lower-case letters, digits and dashes (at most 64): %w", spec.ID, ErrInvalid)
	}
	if _, ok := st.MembersByID[spec.ID]; ok {
		return nil, fmt.Errorf("member %s %w", spec.ID, ErrExists)
	}
	if err := text("the name", spec.Name); err != nil {
		return nil, err
	}
	if !slices.Contains(Kinds, spec.Kind) {
		return nil, fmt.Errorf("kind %q is not one of %s: %w", spec.Kind, strings.Join(Kinds, ", "), ErrInvalid)
	}
	if len(spec.Lists) == 0 {
		return nil, fmt.Errorf("a member receives at least one list: %w", ErrInvalid)
	}
	lists := slices.Clone(spec.Lists)
	slices.Sort(lists)
	if len(slices.Compact(lists)) != len(spec.Lists) {
		return nil, fmt.Errorf("a list is named twice: %w", ErrInvalid)
	}
	for _, l := range lists {
		if st.Policy == nil {
			return nil, fmt.Errorf("policy.yaml does not load, so the lists cannot be checked: %w", ErrUnknown)
		}
		if _, ok := st.Policy.Lists[l]; !ok {
			return nil, fmt.Errorf("list %q is not defined in policy.yaml: %w", l, ErrUnknown)
		}
	}
	switch {
	case spec.Contact == "" && spec.Kind != "individual":
		return nil, fmt.Errorf("a %s member needs a role address (contact): %w", spec.Kind, ErrInvalid)
	case spec.Contact != "" && !emailRe.MatchString(spec.Contact):
		return nil, fmt.Errorf("contact %q is not an e-mail address: %w", spec.Contact, ErrInvalid)
	}
	p := spec.Person
	if p == nil {
		return nil, fmt.Errorf("a member needs its first person (id, name, e-mail address and key): %w", ErrInvalid)
	}
	keyFiles, err := importKeys(root, p)
	if err != nil {
		return nil, err
	}
	if err := checkPerson(root, st, p, keyFiles); err != nil {
		return nil, err
	}
	now := spec.Now.UTC().Truncate(time.Second)
	if y := now.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("the time %s is not in years 1 to 9999, the ones a record can hold: %w", spec.Now.Format(time.RFC3339), ErrInvalid)
	}
	data := map[string]any{
		"ID": spec.ID, "Name": q(spec.Name), "Kind": spec.Kind, "Lists": flow(lists),
		"Joined": now.Format(time.DateOnly), "Now": now.Format(time.RFC3339),
		"Person": map[string]string{"ID": p.ID, "Name": q(p.Name), "Email": q(p.Email), "Keys": flow(p.Keys)},
	}
	if spec.Contact != "" {
		data["Contact"] = q(spec.Contact)
	}
	var b bytes.Buffer
	if err := memberTemplate.Execute(&b, data); err != nil {
		return nil, err
	}
	rel := "members/" + spec.ID + ".yaml"
	out, err := Format(rel, b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: the new record does not format: %v", err)
	}
	var rec records.Member
	if err := checkRecord(schemas.Member, rel, out, &rec); err != nil {
		return nil, err
	}
	checks := [][3]string{{"the id", rec.ID, spec.ID}, {"the name", rec.Name, spec.Name}, {"the contact", rec.Contact, spec.Contact}}
	if len(rec.People) != 1 {
		return nil, fmt.Errorf("the new record would not list its person: %w", ErrInvalid)
	}
	rp := rec.People[0]
	checks = append(checks, [3]string{"the person id", rp.ID, p.ID}, [3]string{"the person's name", rp.Name, p.Name},
		[3]string{"the e-mail address", rp.Email, p.Email}, [3]string{"the keys", strings.Join(rp.Keys, ","), strings.Join(p.Keys, ",")})
	for _, c := range checks {
		if err := readsBack(c[0], c[1], c[2]); err != nil {
			return nil, err
		}
	}
	return writeAll(root, append(keyFiles, newFile{rel, out}))
}

// importKeys parses the keys p imports, adds their fingerprints to p.Keys
// and returns the key files to write: none for a key whose file is already
// there with the same content; a file there with other content is not
// replaced (ErrExists).
func importKeys(root string, p *PersonSpec) ([]newFile, error) {
	var files []newFile
	for _, armored := range p.Import {
		k, err := pgp.ParseKeyFile(armored)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", err, ErrInvalid)
		}
		rel := state.KeysDir + "/" + k.Fingerprint + ".asc"
		if old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))); err == nil {
			if !bytes.Equal(old, armored) {
				return nil, fmt.Errorf("%s %w with other content; compare and replace it by hand", rel, ErrExists)
			}
		} else {
			files = append(files, newFile{rel, armored})
		}
		if !slices.Contains(p.Keys, k.Fingerprint) {
			p.Keys = append(p.Keys, k.Fingerprint)
		}
	}
	return files, nil
}

// ImportKey writes an armored public key to members/keys/<FPR>.asc and returns
// the fingerprint. The key must parse as exactly one public key (see
// pgp.ParseKeyFile). An identical file already there is fine; a different one
// is not replaced (ErrExists).
func ImportKey(root string, armored []byte) (string, error) {
	p := &PersonSpec{Import: [][]byte{armored}}
	files, err := importKeys(root, p)
	if err != nil {
		return "", err
	}
	if _, err := writeAll(root, files); err != nil {
		return "", err
	}
	return p.Keys[0], nil
}

func checkPerson(root string, st *state.State, p *PersonSpec, pending []newFile) error {
	if !idRe.MatchString(p.ID) {
		return fmt.Errorf("person id %q is not lower-case letters, digits and dashes (at most 64): %w", p.ID, ErrInvalid)
	}
	if ref, ok := st.People[p.ID]; ok {
		return fmt.Errorf("person id %s is already used by member %s; person ids are unique across the repository: %w", p.ID, ref.Member.Member.ID, ErrExists)
	}
	if err := text("the person's name", p.Name); err != nil {
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
		rel := state.KeysDir + "/" + fpr + ".asc"
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err != nil &&
			!slices.ContainsFunc(pending, func(f newFile) bool { return f.rel == rel }) {
			return fmt.Errorf("key file %s is missing: %w", rel, ErrUnknown)
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
# application: the URL of the public application thread; a list with require_application
# wants the structured record instead (docs/formats.md, Structured applications)
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
{{- end}}
`))
