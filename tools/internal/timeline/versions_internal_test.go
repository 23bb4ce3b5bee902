package timeline

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/embargo-tool/embargo/schema"
)

// issueSchemaPattern returns a pattern of the embedded issue schema, by the
// path of keys to it.
func issueSchemaPattern(t testing.TB, keys ...string) *regexp.Regexp {
	t.Helper()
	data, err := schema.Files.ReadFile("issue.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("issue.schema.json has no %v", keys)
		}
		v = m[k]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("issue.schema.json: %v is not a pattern", keys)
	}
	return regexp.MustCompile(s)
}

// versionsPattern is the issue schema's pattern for the versions of an
// affected product that names a package.
func versionsPattern(t testing.TB) *regexp.Regexp {
	return issueSchemaPattern(t, "properties", "affected", "items", "then", "properties", "versions", "pattern")
}

func TestParseVersionRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want versionRange
	}{
		{"< 3.2.7", true, versionRange{introduced: "0", fixed: "3.2.7"}},
		{"<3.2.7", true, versionRange{introduced: "0", fixed: "3.2.7"}},
		{"<= 4.0.2", true, versionRange{introduced: "0", lastAffected: "4.0.2"}},
		{">= 1.8.0, < 1.9.4", true, versionRange{introduced: "1.8.0", fixed: "1.9.4"}},
		{">=2.0,<=2.6.1", true, versionRange{introduced: "2.0", lastAffected: "2.6.1"}},
		{">= 1:2.3~rc1-4", true, versionRange{introduced: "1:2.3~rc1-4"}},
		{">= 3.0.0-beta.1+build.5, < 3.4.2", true, versionRange{introduced: "3.0.0-beta.1+build.5", fixed: "3.4.2"}},
		{"steppings B0 and B1", false, versionRange{}},
		{"> 1.0", false, versionRange{}},
		{"< 2.0, >= 1.0", false, versionRange{}},
		{">= 1.0, < 2.0, < 3.0", false, versionRange{}},
		{"< 2.0 ", false, versionRange{}},
		{"", false, versionRange{}},
	} {
		got, ok := parseVersionRange(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseVersionRange(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if schemaOK := versionsPattern(t).MatchString(tc.in); schemaOK != tc.ok {
			t.Errorf("the issue schema takes %q: %v, the parser: %v", tc.in, schemaOK, tc.ok)
		}
	}
}

func TestRangeTypes(t *testing.T) {
	for _, tc := range []struct {
		ecosystem, versions, typ string
		events                   []OSVEvent
	}{
		{"crates.io", "< 3.2.7", "SEMVER", []OSVEvent{{Introduced: "0"}, {Fixed: "3.2.7"}}},
		{"Go", ">= v3.0.0, < v3.4.2", "SEMVER", []OSVEvent{{Introduced: "3.0.0"}, {Fixed: "3.4.2"}}},
		{"npm", "<= 0.9.11", "SEMVER", []OSVEvent{{Introduced: "0"}, {LastAffected: "0.9.11"}}},
		{"npm", ">= 2.0, < 2.6.1", "ECOSYSTEM", []OSVEvent{{Introduced: "2.0"}, {Fixed: "2.6.1"}}}, // 2.0 is no semantic version
		{"PyPI", "< 1.4.2", "ECOSYSTEM", []OSVEvent{{Introduced: "0"}, {Fixed: "1.4.2"}}},
		{"Debian:13", ">= 1:2.3-1", "ECOSYSTEM", []OSVEvent{{Introduced: "1:2.3-1"}}},
	} {
		vr, ok := parseVersionRange(tc.versions)
		if !ok {
			t.Fatalf("%q does not parse", tc.versions)
		}
		r := vr.osv(tc.ecosystem)
		if r.Type != tc.typ || len(r.Events) != len(tc.events) {
			t.Errorf("%s %q: %+v, want %s %+v", tc.ecosystem, tc.versions, r, tc.typ, tc.events)
			continue
		}
		for i := range r.Events {
			if r.Events[i] != tc.events[i] {
				t.Errorf("%s %q: %+v, want %s %+v", tc.ecosystem, tc.versions, r, tc.typ, tc.events)
			}
		}
	}
}

// FuzzVersionRange: the parser and the issue schema's pattern accept the
// same texts, and what parses is one range: an introduced version and at
// most one of fixed and last affected, none of them empty or with spaces.
func FuzzVersionRange(f *testing.F) {
	for _, s := range []string{"< 3.2.7", ">= 1.8.0, < 1.9.4", "<= 4.0.2", ">=2.0,<=2.6.1", "steppings B0", "> 1", ">= 1, <"} {
		f.Add(s)
	}
	pattern := versionsPattern(f)
	f.Fuzz(func(t *testing.T, s string) {
		vr, ok := parseVersionRange(s)
		if ok != pattern.MatchString(s) {
			t.Fatalf("%q: parser %v, schema %v", s, ok, !ok)
		}
		if !ok {
			return
		}
		if vr.introduced == "" || (vr.fixed != "" && vr.lastAffected != "") {
			t.Fatalf("%q: %+v", s, vr)
		}
		for _, v := range []string{vr.introduced, vr.fixed, vr.lastAffected} {
			if regexp.MustCompile(`[\s,<>=]`).MatchString(v) {
				t.Fatalf("%q: version %q", s, v)
			}
		}
	})
}
