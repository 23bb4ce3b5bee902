package validate_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// One mistake, one finding: a record that fails its schema (or its YAML syntax)
// is reported once, in its own file; what other files say about its ids, keys or
// lists is held back instead of reported as unknown.
func TestOneMistakeOneFinding(t *testing.T) {
	const fpr = "F34780682F10345BC720C9114288E35D0F0140B0" // dana-debian's key
	cases := []struct {
		name   string
		mutate mutator
		file   string // where the one finding must be
		rule   string
	}{
		{"member joined on a day that does not exist", replace(debian, "joined: 2011-04-10", "joined: 2026-02-30"), debian, "schema"},
		{"member with a YAML syntax error", replace(debian, "kind: distro", "kind: [distro"), debian, "yaml.syntax"},
		{"member with an unknown key", replace(debian, "kind: distro", "kind: distro\nkinds: distro"), debian, "schema"},
		{"member with a bad list entry", replace(debian, "lists: [distros, linux-distros]", "lists: [distros, linux-distros, Not A List]"), debian, "schema"},
		{"person with a bad e-mail", replace(debian, "email: dana@debian.example.org", "email: dana at debian"), debian, "schema"},
		{"person with a bad key fingerprint", replace(debian, "keys: ["+fpr+"]", "keys: ["+strings.ToLower(fpr)+"]"), debian, "schema"},
		{"coordinators' member with a bad date", replace("members/openwall.yaml", "joined: 2011-04-03", "joined: 2026-13-01"), "members/openwall.yaml", "schema"},
		{"key file that does not parse", write("members/keys/"+fpr+".asc", "not a key\n"), "members/keys/" + fpr + ".asc", "key.file"},
		{"key file missing", remove("members/keys/" + fpr + ".asc"), debian, "key.file"},
		{"key file holding another key", copyFile("members/keys/00F09190A736E71F59D6F5ECF923CF5353286C53.asc", "members/keys/"+fpr+".asc"), "members/keys/" + fpr + ".asc", "key.file"},
		{"policy with a bad list entry", replace("policy.yaml", "    max_embargo: 14d\n", "    max_embargo: 14x\n"), "policy.yaml", "schema"},
		{"policy with a bad list severity", replace("policy.yaml", "embargo_severities: [medium, high, critical]", "embargo_severities: [medium, hihg, critical]"), "policy.yaml", "schema"},
		{"issue with a bad enum", replace(embargoed, "tlp: TLP:AMBER+STRICT", "tlp: TLP:WHITE"), embargoed, "schema"},
		{"issue with a bad date", replace(embargoed, "reported: 2026-11-14T08:30:00Z", "reported: 2026-11-31T08:30:00Z"), embargoed, "schema"},
		{"issue with a bad offset", replace(embargoed, "disclosure: 2026-11-23T14:00:00Z", "disclosure: 2026-11-23T14:00:00+24:00"), embargoed, "schema"},
		{"issue with a bad person id", replace(embargoed, "handler: dana-debian", "handler: Dana Debian"), embargoed, "schema"},
		{"task with a bad member id", replace("roles/tasks.yaml", "backup: debian", "backup: Debian!"), "roles/tasks.yaml", "schema"},
		{"coordinators with a bad person id", replace("roles/coordinators.yaml", "mara-openwall", "Mara"), "roles/coordinators.yaml", "schema"},
	}
	base := exampleFindings(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t)
			tc.mutate(t, dir)
			added := subtractMoved(check(t, dir, demoNow), base)
			if len(added) != 1 || added[0].File != tc.file || added[0].Rule != tc.rule {
				t.Errorf("want one %s finding in %s, got %d:\n%s", tc.rule, tc.file, len(added), render(added))
			}
		})
	}
}

// Every member file of the example, broken by one bad date, gives exactly one
// finding, whatever refers to its member, people and keys.
func TestOneMistakeEveryMember(t *testing.T) {
	base := exampleFindings(t)
	joined := regexp.MustCompile(`(?m)^joined: .*$`)
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "members", "*.yaml"))
	if err != nil || len(files) < 10 {
		t.Fatalf("member files: %v, %v", files, err)
	}
	for _, p := range files {
		file := "members/" + filepath.Base(p)
		t.Run(file, func(t *testing.T) {
			dir := copyExample(t)
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if !joined.Match(data) {
				t.Fatalf("%s has no joined date", file)
			}
			data = joined.ReplaceAll(data, []byte("joined: 2026-02-30"))
			if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
				t.Fatal(err)
			}
			added := subtractMoved(check(t, dir, demoNow), base)
			if len(added) != 1 || added[0].File != file || added[0].Rule != "schema" {
				t.Errorf("want one schema finding in %s, got %d:\n%s", file, len(added), render(added))
			}
		})
	}
}

// Held back is not lost: a reference that no record declares, valid or not, is
// still reported while another member file is broken, and so is a reference to
// a person of an inactive member.
func TestHeldBackOnlyEchoes(t *testing.T) {
	dir := copyExample(t)
	replace(debian, "joined: 2011-04-10", "joined: 2026-02-30")(t, dir)
	replace(embargoed, "response_team: [dana-debian, rui-redhat, ines-amazon]", "response_team: [dana-debian, rui-redhat, nobody-here]")(t, dir)
	replace("roles/tasks.yaml", "backup: debian", "backup: slackware")(t, dir)
	var refs []finding.Finding
	for _, f := range check(t, dir, demoNow) {
		if f.Rule == "ref.unknown" {
			refs = append(refs, f)
		}
	}
	got := render(refs)
	// The message names the field, never the (private) value.
	for _, want := range []string{`EMB-2026-0004.yaml:9:42: error: ref.unknown: response_team member is not a person`, `"slackware" is not a member`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s was held back:\n%s", want, got)
		}
	}
	if strings.Contains(got, "dana-debian") || strings.Contains(got, `"debian"`) {
		t.Errorf("an echo of the broken member file:\n%s", got)
	}
}
