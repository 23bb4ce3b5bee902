package statement

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The exact bytes people signed: a change here invalidates every signed
// statement, so these are spelled out in full.
func TestTexts(t *testing.T) {
	a := Acceptance{Group: "distros.example.org", Person: "dana-debian", Member: "debian", Key: "F34780682F10345BC720C9114288E35D0F0140B0",
		Lists: []string{"linux-distros", "distros", "distros"}, PolicyVersion: "2026-1", Terms: "sha256:00ff"}
	v := Vouch{Group: "distros.example.org", Member: "debian", Lists: []string{"linux-distros", "distros"},
		People: []string{"eli-debian", "dana-debian"}, Voucher: "mara-openwall"}
	tests := []struct{ name, got, want string }{
		{"acceptance v2", a.Text(), `embargo acceptance statement v2
group: distros.example.org
person: dana-debian
member: debian
key: F34780682F10345BC720C9114288E35D0F0140B0
lists: distros linux-distros
policy: 2026-1
terms: sha256:00ff
I have read and accept the policy of the group named above for the lists named above, in the version named above, whose terms have the digest named above.
`},
		{"acceptance v1", a.LegacyText(), `embargo acceptance statement v1
person: dana-debian
member: debian
key: F34780682F10345BC720C9114288E35D0F0140B0
lists: distros linux-distros
policy: 2026-1
I have read and accept the policy of the lists named above, in the version named above.
`},
		{"vouch v2", v.Text(), `embargo vouch statement v2
group: distros.example.org
member: debian
lists: distros linux-distros
people: dana-debian eli-debian
voucher: mara-openwall
I vouch for the people named above as members of the organisation named above, on the lists named above of the group named above.
`},
		{"vouch v1", v.LegacyText(), `embargo vouch statement v1
member: debian
people: dana-debian eli-debian
voucher: mara-openwall
I vouch for the people named above as members of the organisation named above.
`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", tt.name, tt.got, tt.want)
		}
	}
}

const policyYAML = `# comment
version: "2026-1"
group: distros.example.org
name: Example distros lists
lists:
  linux-distros:
    description: Linux distribution security contacts & <friends>
    max_embargo: 14d
    preferred_embargo: 7d
    embargo_severities: [medium, high, critical]
    technical_extensions_only: false
  hardware:
    preferred_embargo: 90d
access:
  - paths: [policy.yaml]
    allow: [coordinators]
mergers: []
publication:
  title: Timeline
`

// value reads YAML into the JSON data model, as yamldoc.Value does.
func value(t *testing.T, src string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTermsOf(t *testing.T) {
	got := string(TermsOf(value(t, policyYAML), []string{"linux-distros", "nope"}))
	want := `{"group":"distros.example.org","lists":{"linux-distros":{"description":"Linux distribution security contacts & <friends>","embargo_severities":["medium","high","critical"],"max_embargo":"14d","preferred_embargo":"7d","technical_extensions_only":false},"nope":null},"version":"2026-1"}` + "\n"
	if got != want {
		t.Errorf("TermsOf:\ngot  %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Error("terms are not valid JSON")
	}
	if d := Digest([]byte(got)); !strings.HasPrefix(d, "sha256:") || len(d) != len("sha256:")+64 {
		t.Errorf("Digest = %q", d)
	}
}

// TestTermsChangeOnlyWithWhatIsAccepted: the digest of linux-distros' terms
// moves with the group, the version and that list's entry, and with nothing
// else of policy.yaml.
func TestTermsChangeOnlyWithWhatIsAccepted(t *testing.T) {
	base := Digest(TermsOf(value(t, policyYAML), []string{"linux-distros"}))
	tests := []struct {
		name      string
		old, new  string
		different bool
	}{
		{"group", "group: distros.example.org", "group: other.example.org", true},
		{"version", `version: "2026-1"`, `version: "2026-2"`, true},
		{"the list's limit", "max_embargo: 14d", "max_embargo: 21d", true},
		{"the list's description", "contacts & <friends>", "contacts", true},
		{"the list's severities", "[medium, high, critical]", "[high, critical]", true},
		{"a field added to the list", "technical_extensions_only: false", "technical_extensions_only: false\n    sealed: true", true},
		{"the group's display name", "name: Example distros lists", "name: Renamed", false},
		{"another list", "preferred_embargo: 90d", "preferred_embargo: 60d", false},
		{"access rules", "allow: [coordinators]", "allow: [coordinators, own-member]", false},
		{"mergers", "mergers: []", "mergers: [E3FF104586BC655B5C275DD20BAA8B33A8912437]", false},
		{"publication", "title: Timeline", "title: Public timeline", false},
		{"comments and layout", "# comment\n", "", false},
		{"a grace date for old statements", "mergers: []", "mergers: []\nstatements:\n  legacy_until: 2027-01-31", false},
		{"quoting", "max_embargo: 14d", `max_embargo: "14d"`, false},
	}
	for _, tt := range tests {
		if !strings.Contains(policyYAML, tt.old) {
			t.Fatalf("%s: the policy lacks %q", tt.name, tt.old)
		}
		got := Digest(TermsOf(value(t, strings.Replace(policyYAML, tt.old, tt.new, 1)), []string{"linux-distros"}))
		if (got != base) != tt.different {
			t.Errorf("%s: digest changed = %v, want %v", tt.name, got != base, tt.different)
		}
	}
	if other := Digest(TermsOf(value(t, policyYAML), []string{"hardware", "linux-distros"})); other == base {
		t.Error("the terms of two lists have the digest of one")
	}
	if same := Digest(TermsOf(value(t, policyYAML), []string{"linux-distros", "linux-distros"})); same != base {
		t.Error("a list named twice changes the digest")
	}
}
