package export

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var demoNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// linuxDistros are the people of the active members on linux-distros in the
// example: not freebsd (distros only), intel (hardware), kestrel (suspended)
// or tundra (removed).
var linuxDistros = []string{"dana-debian", "eli-debian", "greta-suse", "ines-amazon", "kofi-alpine", "lee-volunteer",
	"mara-openwall", "nia-ubuntu", "pavel-gentoo", "rui-redhat", "tomas-openwall"}

func repoRoot(t testing.TB) string {
	t.Helper()
	return exampledata.Dir(t)
}

func example(t testing.TB) (*state.State, source.Source) {
	t.Helper()
	src := source.Dir{Root: repoRoot(t)}
	var out finding.List
	st, err := state.Load(src, &out)
	if err != nil {
		t.Fatal(err)
	}
	return st, src
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it); got:\n%s", path, got)
	}
}

func people(subs []Subscriber) []string {
	var ids []string
	for _, s := range subs {
		ids = append(ids, s.Person)
	}
	return ids
}

func TestSubscribers(t *testing.T) {
	st, src := example(t)
	subs, skips, err := Subscribers(st, src, "linux-distros", demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(people(subs), linuxDistros) || len(skips) != 0 {
		t.Errorf("subscribers %v, skips %v", people(subs), skips)
	}
	hw, _, _ := Subscribers(st, src, "hardware", demoNow)
	if got := people(hw); !slices.Equal(got, []string{"greta-suse", "kim-intel", "mara-openwall", "tomas-openwall"}) {
		t.Errorf("hardware: %v", got)
	}
	if _, _, err := Subscribers(st, src, "nope", demoNow); !errors.Is(err, ErrUnknownList) {
		t.Errorf("unknown list: %v", err)
	}
	// After nia-ubuntu's key expired (2030-01-01) she is left out, and says why.
	subs, skips, _ = Subscribers(st, src, "linux-distros", time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC))
	if slices.Contains(people(subs), "nia-ubuntu") || len(skips) != 2 || !strings.Contains(skips[0].Reason, "expired") {
		t.Errorf("after expiry: %v, skips %+v", people(subs), skips)
	}
}

// TestKeyringImportsWithGnuPG: the export-keys output imports with real gpg and
// holds exactly the subscribers' keys.
func TestKeyringImportsWithGnuPG(t *testing.T) {
	st, src := example(t)
	subs, _, err := Subscribers(st, src, "linux-distros", demoNow)
	if err != nil {
		t.Fatal(err)
	}
	keys := AllKeys(subs)
	var ring bytes.Buffer
	if err := Keyring(&ring, keys); err != nil {
		t.Fatal(err)
	}
	if bytes.Count(ring.Bytes(), []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) != 1 {
		t.Fatalf("want one armored block:\n%s", ring.String())
	}
	var want []string
	for _, k := range keys {
		want = append(want, k.Fingerprint)
	}
	slices.Sort(want)
	got := gpgImport(t, ring.Bytes())
	if !slices.Equal(got, want) {
		t.Errorf("gpg sees %v\nwant %v", got, want)
	}
}

// gpgImport imports data into a fresh keyring and returns the primary key
// fingerprints gpg lists, sorted. Without gpg the test is skipped, unless
// EMBARGO_REQUIRE_GPG=1 makes that a failure.
func gpgImport(t *testing.T, data []byte) []string {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
			t.Fatal("gpg is not installed and EMBARGO_REQUIRE_GPG=1")
		}
		t.Skip("gpg is not installed (apt-get install gnupg); set EMBARGO_REQUIRE_GPG=1 to fail instead")
	}
	home, err := os.MkdirTemp("", "gpg") // short: gpg's socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run()
		os.RemoveAll(home)
	})
	os.Chmod(home, 0o700)
	run := func(stdin []byte, args ...string) []byte {
		cmd := exec.Command(gpg, append([]string{"--batch", "--no-tty", "--homedir", home}, args...)...)
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home, "LC_ALL=C")
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	run(data, "--import")
	out := run(nil, "--list-keys", "--with-colons")
	var fprs []string
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "pub:") {
			for _, f := range lines[i+1:] {
				if strings.HasPrefix(f, "fpr:") {
					fprs = append(fprs, strings.Split(f, ":")[9])
					break
				}
			}
		}
	}
	slices.Sort(fprs)
	return fprs
}

// TestRemailGolden: list.yaml has remail's documented shape: a subscribers map
// keyed by e-mail, each with name, a 40-hex fingerprint and enabled: True.
func TestRemailGolden(t *testing.T) {
	st, src := example(t)
	subs, _, _ := Subscribers(st, src, "linux-distros", demoNow)
	entries, keys, skips, err := RemailEntries(subs)
	if err != nil || len(skips) != 0 || len(entries) != len(linuxDistros) || len(keys) != len(entries) {
		t.Fatalf("%d entries, %d keys, skips %v, %v", len(entries), len(keys), skips, err)
	}
	data, err := RemailList("linux-distros", demoNow, entries)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "remail-list.yaml.golden", data)

	var doc struct {
		Subscribers map[string]map[string]any `yaml:"subscribers"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	hex40 := regexp.MustCompile(`^[0-9A-F]{40}$`)
	for addr, e := range doc.Subscribers {
		if !strings.Contains(addr, "@") || len(e) != 3 {
			t.Errorf("%s: %v", addr, e)
		}
		if name, ok := e["name"].(string); !ok || name == "" {
			t.Errorf("%s: name %v", addr, e["name"])
		}
		if fpr, ok := e["fingerprint"].(string); !ok || !hex40.MatchString(fpr) {
			t.Errorf("%s: fingerprint %v", addr, e["fingerprint"])
		}
		if e["enabled"] != true {
			t.Errorf("%s: enabled %v", addr, e["enabled"])
		}
	}
	if len(doc.Subscribers) != len(linuxDistros) || !bytes.Contains(data, []byte("    enabled: True\n")) {
		t.Errorf("%d subscribers:\n%s", len(doc.Subscribers), data)
	}
	// Two people with one address cannot share a remail map.
	dup := append(slices.Clone(subs), subs[0])
	dup[len(dup)-1].Person = "someone-else"
	if _, _, _, err := RemailEntries(dup); !errors.Is(err, ErrDuplicateEmail) {
		t.Errorf("duplicate address: %v", err)
	}
	empty, _ := RemailList("x", demoNow, nil)
	var emptyDoc map[string]map[string]any
	if err := yaml.Unmarshal(empty, &emptyDoc); err != nil || emptyDoc["subscribers"] == nil || len(emptyDoc["subscribers"]) != 0 {
		t.Errorf("empty list: %v\n%s", err, empty)
	}
}

// current is a schleuder list's subscriptions as an admin would save them: one
// unchanged, one on an old key (0x prefix, spaced), one gone from the
// repository, one admin who is not in the repository, one without a key.
const current = `# schleuder-cli subscriptions list linux-distros@lists.example.org
dana@debian.example.org	F34780682F10345BC720C9114288E35D0F0140B0
ELI@debian.example.org 0x0000 1111 2222 3333 4444  5555 6666 7777 8888 9999
viktor@tundra.example.org	0BE1452A604D8493219C7B6F5F37C9438FB7C65F
listmaster@lists.example.org	E3FF104586BC655B5C275DD20BAA8B33A8912437	admin
greta@suse.example.org	N/A		Delivery disabled!
`

func TestSchleuderGolden(t *testing.T) {
	st, src := example(t)
	subs, _, _ := Subscribers(st, src, "linux-distros", demoNow)
	cur, err := ParseSubscriptions(strings.NewReader(current))
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 5 || cur[1].Fingerprint != "0000111122223333444455556666777788889999" || !cur[3].Admin || cur[4].Fingerprint != "" {
		t.Fatalf("parsed %+v", cur)
	}
	p := SchleuderPlan(subs, cur)
	if p.Count("add") != len(linuxDistros)-3 || p.Count("rekey") != 2 || p.Count("remove") != 1 || p.Count("keep") != 1 || p.Unchanged != 1 {
		t.Errorf("plan: %+v", p)
	}
	var b bytes.Buffer
	if err := p.Script(&b, "linux-distros", "linux-distros@lists.example.org", demoNow); err != nil {
		t.Fatal(err)
	}
	golden(t, "schleuder.sh.golden", b.Bytes())
	if sh, err := exec.LookPath("sh"); err == nil {
		if out, err := exec.Command(sh, "-n", "-c", b.String()).CombinedOutput(); err != nil {
			t.Errorf("sh -n: %v\n%s", err, out)
		}
	}
	// In line already: nothing to do.
	var same []Subscription
	for _, s := range subs {
		same = append(same, Subscription{Email: s.Email, Fingerprint: s.Keys[0].Fingerprint})
	}
	if p := SchleuderPlan(subs, same); len(p.Changes) != 0 || p.Unchanged != len(subs) {
		t.Errorf("in line: %+v", p)
	}
	if err := p.Script(&b, "x", "not an address; rm -rf /", demoNow); err == nil {
		t.Error("a hostile list address was accepted")
	}
}

func TestParseSubscriptionsRefuses(t *testing.T) {
	for _, in := range []string{
		"not-an-address ABCD\n",
		"a@b.example 1234\n",
		"a@b.example N/A\nA@B.example N/A\n",
	} {
		if _, err := ParseSubscriptions(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"a@b.example":   "a@b.example",
		"o'hara@x.org":  `'o'\''hara@x.org'`,
		"$(reboot)@x.y": "'$(reboot)@x.y'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
