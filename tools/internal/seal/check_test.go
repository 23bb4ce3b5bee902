package seal

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// secrets are private values of the example's embargoed record: no finding
// may quote them.
var secrets = []string{"ferrule", "QPACK", "Priya", "raman.example.net", "CVE-2026-91234"}

func noSecrets(t *testing.T, fs []finding.Finding) {
	t.Helper()
	for _, f := range fs {
		for _, s := range secrets {
			if strings.Contains(f.Message, s) {
				t.Errorf("finding quotes %q: %s", s, f.Message)
			}
		}
	}
}

// sealTo writes the embargoed record sealed to exactly the keys given.
func sealTo(t *testing.T, dir string, keys ...*pgp.Key) {
	t.Helper()
	plain, _, err := Split(embargoed, mustOpenExample(t))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := pgp.Encrypt(plaintextOf(t), keys, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	out, err := WithSealed(embargoed, plain, msg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, embargoed, out)
}

// mustOpenExample returns the example's embargoed record in plain text.
func mustOpenExample(t *testing.T) []byte {
	t.Helper()
	dir := sealedExample(t)
	plain, err := Merge(embargoed, readFile(t, dir, embargoed), plaintextOf(t))
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// keysOfPeople returns every key of the people in st.
func keysOfPeople(t *testing.T, st *state.State, people ...string) []*pgp.Key {
	t.Helper()
	var out []*pgp.Key
	for _, p := range people {
		ks := keysOf(st, p)
		if len(ks) == 0 {
			t.Fatalf("%s has no key", p)
		}
		out = append(out, ks...)
	}
	return out
}

func ruleIDs(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

// TestSealedExampleChecks: the example's embargoed record, sealed to its
// team, passes every sealed rule; each member of the team decrypts it, and
// a member off the team does not.
func TestSealedExampleChecks(t *testing.T) {
	dir := sealedExample(t)
	if fs := checkDir(t, dir); len(fs) > 0 {
		t.Fatalf("findings on the sealed example: %+v", fs)
	}
	st := load(t, dir)
	data := readFile(t, dir, embargoed)
	for _, s := range secrets {
		if strings.Contains(string(data), s) {
			t.Errorf("the sealed record shows %q", s)
		}
	}
	got, err := Recipients(st, []byte(issueOf(t, st, embargoed).Issue.Sealed))
	if err != nil || !slices.Equal(got, team0004) {
		t.Errorf("Recipients = %v, %v; want %v", got, err, team0004)
	}
	for _, p := range team0004 {
		plain, err := Open(embargoed, data, keyDecrypter{testKey(t, st, p)})
		if err != nil || !bytes.Contains(plain, []byte("title: Use-after-free in the ferrule")) {
			t.Errorf("%s cannot open the record: %v", p, err)
		}
	}
	for _, p := range []string{"greta-suse", "eli-debian"} {
		if plain, err := Open(embargoed, data, keyDecrypter{testKey(t, st, p)}); err == nil {
			t.Errorf("%s, off the team, opened the record:\n%s", p, plain)
		}
	}
}

func issueOf(t *testing.T, st *state.State, p string) *state.IssueFile {
	t.Helper()
	for _, f := range st.Issues {
		if f.Path == p && f.Issue != nil {
			return f
		}
	}
	t.Fatalf("no valid record %s", p)
	return nil
}

func TestSealedRequired(t *testing.T) {
	for _, tc := range []struct {
		name   string
		file   string
		mutate func(t *testing.T, dir string)
		want   int // findings of sealed.required
	}{
		{"embargoed-plain-on-sealed-list", embargoed, func(t *testing.T, dir string) {
			writeFile(t, dir, embargoed, mustOpenExample(t))
		}, 1},
		{"embargoed-plain-list-not-sealed", embargoed, func(t *testing.T, dir string) {
			writeFile(t, dir, embargoed, mustOpenExample(t))
			p := readFile(t, dir, "policy.yaml")
			writeFile(t, dir, "policy.yaml", regexp.MustCompile(`(?m)^    sealed: true.*\n`).ReplaceAll(p, nil))
		}, 0},
		{"disclosed-plain-on-sealed-list", disclosed, func(t *testing.T, dir string) {}, 0},
		{"sealed-and-a-plain-title", embargoed, func(t *testing.T, dir string) {
			data := readFile(t, dir, embargoed)
			writeFile(t, dir, embargoed, bytes.Replace(data, []byte("severity:"), []byte("title: Use-after-free in the ferrule QPACK decoder\nseverity:"), 1))
		}, 1},
		{"sealed-and-a-plain-reporter-on-a-disclosed-record", disclosed, func(t *testing.T, dir string) {
			data := readFile(t, dir, disclosed)
			out, _, err := Record(load(t, dir), disclosed, data, demoNow)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, disclosed, bytes.Replace(out, []byte("severity:"), []byte("reporter: {name: Priya Raman}\nseverity:"), 1))
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sealedExample(t)
			tc.mutate(t, dir)
			fs := checkDir(t, dir)
			n := 0
			for _, f := range fs {
				if f.Rule == RuleRequired {
					n++
					if f.File != tc.file || f.Line < 2 {
						t.Errorf("finding at %s:%d, want %s at the field", f.File, f.Line, tc.file)
					}
				}
			}
			if n != tc.want {
				t.Errorf("%d sealed.required findings, want %d: %+v", n, tc.want, fs)
			}
			noSecrets(t, fs)
		})
	}
}

func TestSealedFormat(t *testing.T) {
	st := load(t, sealedExample(t))
	dana := testKey(t, st, "dana-debian")
	signedMsg, err := dana.SignDetached(plaintextOf(t), demoNow)
	if err != nil {
		t.Fatal(err)
	}
	good := issueOf(t, st, embargoed).Issue.Sealed
	for _, tc := range []struct{ name, sealed string }{
		{"signature-not-message", string(signedMsg)},
		{"plain-text", "title: Use-after-free in the ferrule QPACK decoder\n"},
		{"two-messages", good + good},
		{"comment-header", strings.Replace(good, "-----\n\n", "-----\nComment: ferrule\n\n", 1)},
		{"truncated", good[:len(good)/2] + "\n-----END PGP MESSAGE-----\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sealedExample(t)
			plain, _, err := Split(embargoed, mustOpenExample(t))
			if err != nil {
				t.Fatal(err)
			}
			out, err := WithSealed(embargoed, plain, []byte(tc.sealed))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, embargoed, out)
			fs := checkDir(t, dir)
			if !slices.Equal(ruleIDs(fs), []string{RuleFormat}) {
				t.Fatalf("findings %+v, want one sealed.format", fs)
			}
			noSecrets(t, fs)
		})
	}
}

func TestSealedRecipients(t *testing.T) {
	outsider, err := pgp.NewSigner(pgp.AlgoEd25519, "Not A Member", "nobody@example.org", demoNow.AddDate(-1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	outsiderPub, err := outsider.PublicArmored()
	if err != nil {
		t.Fatal(err)
	}
	outsiderKey, err := pgp.ParseKeyFile(outsiderPub)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(t *testing.T, dir string, st *state.State)
		want   []string // people or keys the findings must name, one finding each
	}{
		{"outsider-added", func(t *testing.T, dir string, st *state.State) {
			sealTo(t, dir, keysOfPeople(t, st, append(slices.Clone(team0004), "greta-suse")...)...)
		}, []string{"greta-suse"}},
		{"member-missing", func(t *testing.T, dir string, st *state.State) {
			sealTo(t, dir, keysOfPeople(t, st, "dana-debian", "ines-amazon", "mara-openwall", "tomas-openwall")...)
		}, []string{"rui-redhat"}},
		{"key-of-nobody", func(t *testing.T, dir string, st *state.State) {
			sealTo(t, dir, append(keysOfPeople(t, st, team0004...), outsiderKey)...)
		}, []string{"in no key file"}},
		{"team-grew-without-reseal", func(t *testing.T, dir string, st *state.State) {
			data := readFile(t, dir, embargoed)
			writeFile(t, dir, embargoed, bytes.Replace(data, []byte("ines-amazon]"), []byte("ines-amazon, eli-debian]"), 1))
		}, []string{"eli-debian"}},
		{"team-shrank-without-reseal", func(t *testing.T, dir string, st *state.State) {
			data := readFile(t, dir, embargoed)
			writeFile(t, dir, embargoed, bytes.Replace(data, []byte(", ines-amazon]"), []byte("]"), 1))
		}, []string{"ines-amazon"}},
		{"coordinator-added", func(t *testing.T, dir string, st *state.State) {
			writeFile(t, dir, "roles/coordinators.yaml", []byte("coordinators: [mara-openwall, tomas-openwall, pavel-gentoo]\n"))
		}, []string{"pavel-gentoo"}},
		{"sealed-recipients-of-the-list", func(t *testing.T, dir string, st *state.State) {
			p := readFile(t, dir, "policy.yaml")
			writeFile(t, dir, "policy.yaml", bytes.Replace(p, []byte("  linux-distros:\n"), []byte("  linux-distros:\n    sealed_recipients: [kofi-alpine]\n"), 1))
		}, []string{"kofi-alpine"}},
		{"member-without-encryption-key", func(t *testing.T, dir string, st *state.State) {
			old, err := os.ReadFile(filepath.Join("testdata", "dana-sign-only.asc"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "members/keys/F34780682F10345BC720C9114288E35D0F0140B0.asc", old)
			sealTo(t, dir, keysOfPeople(t, st, "ines-amazon", "mara-openwall", "rui-redhat", "tomas-openwall")...)
		}, []string{"dana-debian (handler) is not among the recipients and has no key that can encrypt"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sealedExample(t)
			tc.mutate(t, dir, load(t, dir))
			fs := checkDir(t, dir)
			if len(fs) != len(tc.want) {
				t.Fatalf("findings %+v, want %d", fs, len(tc.want))
			}
			for i, f := range fs {
				if f.Rule != RuleRecipients || f.File != embargoed || !strings.Contains(f.Message, tc.want[i]) {
					t.Errorf("finding %+v, want sealed.recipients naming %s", f, tc.want[i])
				}
			}
			noSecrets(t, fs)
		})
	}
}

// TestSealingNeedsEveryKey: a team member without an encryption key stops
// `seal` with an error naming them.
func TestSealingNeedsEveryKey(t *testing.T) {
	dir := exampleDir(t)
	old, err := os.ReadFile(filepath.Join("testdata", "dana-sign-only.asc"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "members/keys/F34780682F10345BC720C9114288E35D0F0140B0.asc", old)
	_, _, err = Record(load(t, dir), embargoed, mustOpenExample(t), demoNow)
	if err == nil || !strings.Contains(err.Error(), "dana-debian (handler) has no key that can encrypt") {
		t.Fatalf("Record = %v, want an error naming dana-debian", err)
	}
}
