package timeline_test

// The rules of the OSV format (https://ossf.github.io/osv-schema/, version
// 1.7.5), written out here from the specification's text, so that every OSV
// file the timeline writes is held to the format itself and not only to this
// repository's schema subset. Where a real copy of the official validation
// schema is at hand, TestOSVOfficialSchema checks the same files against it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/embargo-tool/embargo/schema"
)

// osvEcosystems are the ecosystem names the specification defines ("Defined
// ecosystems"); a package's ecosystem is one of them, optionally followed by
// ":" and a suffix the ecosystem gives a meaning (a release, a repository).
var osvEcosystems = []string{
	"AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux", "BellSoft Hardened Containers",
	"Bioconductor", "Bitnami", "Chainguard", "CleanStart", "ConanCenter", "CRAN", "crates.io",
	"Debian", "Docker Hardened Images", "Echo", "FreeBSD", "GHC", "GitHub Actions", "Go", "Hackage",
	"Hex", "Julia", "Kubernetes", "Linux", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "opam",
	"openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat",
	"Rocky Linux", "Root", "RubyGems", "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi",
}

// osvSuffixRequired are the ecosystems whose text says the name must carry a
// release suffix, with the suffix's form.
var osvSuffixRequired = map[string]*regexp.Regexp{
	"Alpine":    regexp.MustCompile(`^v[0-9]`), // a release branch, "v" and its number
	"Mageia":    regexp.MustCompile(`^[0-9]`),
	"Photon OS": regexp.MustCompile(`^[0-9]`),
	"Ubuntu":    regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}`), // YY.MM, then :LTS where it is one
}

// The enumerations of the specification.
var (
	osvTopFields      = []string{"schema_version", "id", "modified", "published", "withdrawn", "aliases", "related", "upstream", "summary", "details", "severity", "affected", "references", "credits", "database_specific"}
	osvAffectedFields = []string{"package", "severity", "ranges", "versions", "ecosystem_specific", "database_specific"}
	osvRangeTypes     = []string{"GIT", "SEMVER", "ECOSYSTEM"}
	osvEventKinds     = []string{"introduced", "fixed", "last_affected", "limit"}
	osvSeverityTypes  = []string{"CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"}
	osvReferenceTypes = []string{"ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"}
	osvCreditTypes    = []string{"FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER"}
)

var (
	// A local database's id: "x_", then <DB>-<ENTRYID> (the only form open
	// to a database without a registered prefix).
	osvLocalID = regexp.MustCompile(`^x_[A-Za-z0-9]+-[A-Za-z0-9._:-]+$`)
	// SemVer 2.0.0, written from semver.org's grammar: numbers without
	// leading zeros, dot-separated pre-release identifiers, build metadata.
	osvSemver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
		`(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?` +
		`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	osvCommit = regexp.MustCompile(`^(0|[0-9a-f]{40}|[0-9a-f]{64})$`) // "0" or a full commit id
	osvCVE    = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)
)

// osvProblems lists how one OSV document breaks the specification.
func osvProblems(data []byte) []string {
	var p []string
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return []string{"not a JSON object: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		bad("data after the object")
	}
	for k := range doc {
		if !slices.Contains(osvTopFields, k) {
			bad("unknown field %q", k)
		}
	}
	str := func(where string, v any) (string, bool) {
		s, ok := v.(string)
		if !ok {
			bad("%s is not a string", where)
		}
		return s, ok
	}
	list := func(where string, v any) []any {
		if v == nil {
			return nil
		}
		a, ok := v.([]any)
		if !ok {
			bad("%s is not an array", where)
		}
		return a
	}
	object := func(where string, v any) map[string]any {
		o, ok := v.(map[string]any)
		if !ok {
			bad("%s is not an object", where)
		}
		return o
	}
	// Required: id and modified.
	if id, ok := str("id", doc["id"]); ok && !osvLocalID.MatchString(id) {
		bad("id %q is not x_<DB>-<ENTRYID>", id)
	}
	if _, ok := doc["modified"]; !ok {
		bad("no modified")
	}
	// Times: RFC 3339 in UTC, ending in Z.
	for _, k := range []string{"modified", "published", "withdrawn"} {
		if v, ok := doc[k]; ok {
			if s, ok := str(k, v); ok {
				if _, err := time.Parse(time.RFC3339Nano, s); err != nil || !strings.HasSuffix(s, "Z") {
					bad("%s %q is not an RFC 3339 time in UTC", k, s)
				}
			}
		}
	}
	if v, ok := doc["schema_version"]; ok {
		if s, ok := str("schema_version", v); ok && !osvSemver.MatchString(s) {
			bad("schema_version %q is not a semantic version without a v", s)
		}
	}
	for _, k := range []string{"aliases", "related", "upstream"} {
		for i, v := range list(k, doc[k]) {
			if s, ok := str(fmt.Sprintf("%s[%d]", k, i), v); ok && s == "" {
				bad("%s[%d] is empty", k, i)
			}
		}
	}
	for i, v := range list("aliases", doc["aliases"]) {
		if s, _ := v.(string); strings.HasPrefix(s, "CVE-") && !osvCVE.MatchString(s) {
			bad("aliases[%d] %q is not a CVE id", i, s)
		}
	}
	if v, ok := doc["summary"]; ok {
		if s, ok := str("summary", v); ok && strings.ContainsAny(s, "\r\n") {
			bad("summary is not one line")
		}
	}
	if v, ok := doc["details"]; ok {
		str("details", v)
	}
	severity := func(where string, v any) {
		for i, s := range list(where, v) {
			o := object(fmt.Sprintf("%s[%d]", where, i), s)
			if t, _ := o["type"].(string); !slices.Contains(osvSeverityTypes, t) {
				bad("%s[%d].type %q is not a severity type", where, i, o["type"])
			}
			str(fmt.Sprintf("%s[%d].score", where, i), o["score"])
		}
	}
	severity("severity", doc["severity"])
	for i, a := range list("affected", doc["affected"]) {
		where := fmt.Sprintf("affected[%d]", i)
		o := object(where, a)
		for k := range o {
			if !slices.Contains(osvAffectedFields, k) {
				bad("%s: unknown field %q", where, k)
			}
		}
		if _, ok := o["severity"]; ok {
			if _, top := doc["severity"]; top {
				bad("%s.severity beside a top-level severity", where)
			}
			severity(where+".severity", o["severity"])
		}
		pkg, hasPackage := o["package"]
		ecosystem := ""
		if hasPackage {
			pk := object(where+".package", pkg)
			eco, _ := str(where+".package.ecosystem", pk["ecosystem"])
			name, _ := str(where+".package.name", pk["name"])
			base, suffix, hasSuffix := strings.Cut(eco, ":")
			ecosystem = base
			switch {
			case !slices.Contains(osvEcosystems, base):
				bad("%s.package.ecosystem %q is not a defined ecosystem", where, eco)
			case hasSuffix && suffix == "":
				bad("%s.package.ecosystem %q has an empty suffix", where, eco)
			case osvSuffixRequired[base] != nil && !osvSuffixRequired[base].MatchString(suffix):
				bad("%s.package.ecosystem %q lacks the release suffix %s requires", where, eco, base)
			}
			if name == "" {
				bad("%s.package.name is empty", where)
			}
			if base == "Linux" && name != "Kernel" {
				bad("%s.package.name of Linux is %q, not Kernel", where, name)
			}
			if v, ok := pk["purl"]; ok {
				if s, ok := str(where+".package.purl", v); ok && (!strings.HasPrefix(s, "pkg:") || strings.Contains(s, "@")) {
					bad("%s.package.purl %q is not a package URL without a version", where, s)
				}
			}
			for k := range pk {
				if !slices.Contains([]string{"ecosystem", "name", "purl"}, k) {
					bad("%s.package: unknown field %q", where, k)
				}
			}
		}
		for j, v := range list(where+".versions", o["versions"]) {
			str(fmt.Sprintf("%s.versions[%d]", where, j), v)
		}
		for j, r := range list(where+".ranges", o["ranges"]) {
			rw := fmt.Sprintf("%s.ranges[%d]", where, j)
			ro := object(rw, r)
			typ, _ := ro["type"].(string)
			if !slices.Contains(osvRangeTypes, typ) {
				bad("%s.type %q is not GIT, SEMVER or ECOSYSTEM", rw, ro["type"])
			}
			if typ != "GIT" && !hasPackage {
				bad("%s: a %s range needs a package to give its versions a meaning", rw, typ)
			}
			if typ == "SEMVER" && hasPackage && !slices.Contains([]string{"crates.io", "Go", "npm", "Hex", "Pub", "SwiftURL"}, ecosystem) {
				bad("%s: SEMVER range in %s, whose versions are not required to be semantic versions (use ECOSYSTEM)", rw, ecosystem)
			}
			if repo, ok := ro["repo"]; ok {
				if s, ok := str(rw+".repo", repo); ok {
					if u, err := url.Parse(s); err != nil || u.Scheme == "" {
						bad("%s.repo %q is not a URL git clones", rw, s)
					}
				}
			} else if typ == "GIT" {
				bad("%s: a GIT range without repo", rw)
			}
			events := list(rw+".events", ro["events"])
			if len(events) == 0 {
				bad("%s has no events", rw)
			}
			kinds := map[string]int{}
			for k, e := range events {
				ew := fmt.Sprintf("%s.events[%d]", rw, k)
				eo := object(ew, e)
				if len(eo) != 1 {
					bad("%s has %d fields; an event is exactly one of introduced, fixed, last_affected, limit", ew, len(eo))
				}
				for kind, v := range eo {
					if !slices.Contains(osvEventKinds, kind) {
						bad("%s: unknown event %q", ew, kind)
						continue
					}
					kinds[kind]++
					s, ok := str(ew+"."+kind, v)
					switch {
					case !ok:
					case s == "":
						bad("%s.%s is empty", ew, kind)
					case s == "0" && kind != "introduced":
						bad("%s.%s is 0, which only introduced may be", ew, kind)
					case typ == "GIT" && !osvCommit.MatchString(s) && !(kind == "limit" && s == "*"):
						bad("%s.%s %q is not a full commit id", ew, kind, s)
					case typ == "SEMVER" && s != "0" && !(kind == "limit" && s == "*") && !osvSemver.MatchString(s):
						bad("%s.%s %q is not a semantic version", ew, kind, s)
					}
				}
			}
			if kinds["introduced"] == 0 {
				bad("%s has no introduced event", rw)
			}
			if kinds["fixed"] > 0 && kinds["last_affected"] > 0 {
				bad("%s has both fixed and last_affected events", rw)
			}
		}
		for _, k := range []string{"ecosystem_specific", "database_specific"} {
			if v, ok := o[k]; ok {
				object(where+"."+k, v)
			}
		}
	}
	for i, r := range list("references", doc["references"]) {
		where := fmt.Sprintf("references[%d]", i)
		o := object(where, r)
		if t, _ := o["type"].(string); !slices.Contains(osvReferenceTypes, t) {
			bad("%s.type %q is not a reference type", where, o["type"])
		}
		if s, ok := str(where+".url", o["url"]); ok {
			if u, err := url.Parse(s); err != nil || !u.IsAbs() {
				bad("%s.url %q is not an absolute URL", where, s)
			}
		}
	}
	for i, c := range list("credits", doc["credits"]) {
		where := fmt.Sprintf("credits[%d]", i)
		o := object(where, c)
		if s, ok := str(where+".name", o["name"]); ok && s == "" {
			bad("%s.name is empty", where)
		}
		if t, ok := o["type"]; ok && !slices.Contains(osvCreditTypes, fmt.Sprint(t)) {
			bad("%s.type %q is not a credit type", where, t)
		}
		for j, v := range list(where+".contact", o["contact"]) {
			str(fmt.Sprintf("%s.contact[%d]", where, j), v)
		}
	}
	if v, ok := doc["database_specific"]; ok {
		object("database_specific", v)
	}
	return p
}

// osvFiles publishes every scenario and returns its OSV files by scenario
// and name.
func osvFiles(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, sc := range scenarios {
		for name, data := range readTree(t, publish(t, sc)) {
			if strings.HasPrefix(name, "osv/") {
				out[sc.name+"/"+name] = data
			}
		}
	}
	return out
}

// TestOSVFilesFollowTheSpec holds every OSV file the timeline writes to the
// specification: required fields, the id of a local database and the file
// named after it, ecosystems, range types and their events, references,
// credits. The example names packages and commits, so every range type is
// written.
func TestOSVFilesFollowTheSpec(t *testing.T) {
	files := osvFiles(t)
	if len(files) == 0 {
		t.Fatal("no OSV files written")
	}
	ranges := map[string]int{}
	packages := 0
	for name, data := range files {
		for _, p := range osvProblems(data) {
			t.Errorf("%s: %s", name, p)
		}
		var doc struct {
			ID       string `json:"id"`
			Affected []struct {
				Package *struct{ Ecosystem string }
				Ranges  []struct{ Type string }
			}
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if want := doc.ID + ".json"; path.Base(name) != want {
			t.Errorf("%s holds %s: the file is not named by its id", name, doc.ID)
		}
		for _, a := range doc.Affected {
			if a.Package != nil {
				packages++
			}
			for _, r := range a.Ranges {
				ranges[r.Type]++
			}
		}
	}
	if packages == 0 || ranges["SEMVER"] == 0 || ranges["ECOSYSTEM"] == 0 || ranges["GIT"] == 0 {
		t.Errorf("the files name %d packages and ranges %v; the example should show each range type", packages, ranges)
	}
}

// TestOSVSpecRefuses: the checker is not vacuous; each document breaks one
// rule of the specification.
func TestOSVSpecRefuses(t *testing.T) {
	const ok = `{"schema_version":"1.7.5","id":"x_EMB-2026-0001","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"crates.io","name":"tarn"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}]}`
	if p := osvProblems([]byte(ok)); len(p) != 0 {
		t.Fatalf("the valid document is refused: %v", p)
	}
	for name, doc := range map[string]string{
		"registered-looking id":   strings.Replace(ok, `"x_EMB-2026-0001"`, `"EMB-2026-0001"`, 1),
		"no modified":             strings.Replace(ok, `"modified":"2026-01-01T00:00:00Z",`, ``, 1),
		"local time":              strings.Replace(ok, `00:00:00Z"`, `00:00:00+01:00"`, 1),
		"unknown field":           strings.Replace(ok, `{"schema_version"`, `{"notes":"x","schema_version"`, 1),
		"unknown ecosystem":       strings.Replace(ok, `crates.io`, `Cargo`, 1),
		"empty suffix":            strings.Replace(ok, `crates.io`, `Debian:`, 1),
		"alpine without release":  strings.Replace(ok, `crates.io`, `Alpine`, 1),
		"linux package name":      strings.Replace(ok, `"ecosystem":"crates.io","name":"tarn"`, `"ecosystem":"Linux","name":"linux"`, 1),
		"purl with a version":     strings.Replace(ok, `"name":"tarn"}`, `"name":"tarn","purl":"pkg:cargo/tarn@1.0.0"}`, 1),
		"range type":              strings.Replace(ok, `"SEMVER"`, `"RANGE"`, 1),
		"semver in pypi":          strings.Replace(ok, `crates.io`, `PyPI`, 1),
		"not a semantic version":  strings.Replace(ok, `"1.2.3"`, `"1.2"`, 1),
		"no introduced":           strings.Replace(ok, `{"introduced":"0"},`, ``, 1),
		"two kinds in one event":  strings.Replace(ok, `{"introduced":"0"}`, `{"introduced":"0","fixed":"1.0.0"}`, 1),
		"fixed and last_affected": strings.Replace(ok, `{"fixed":"1.2.3"}`, `{"fixed":"1.2.3"},{"last_affected":"1.2.2"}`, 1),
		"git without repo":        strings.Replace(ok, `"package":{"ecosystem":"crates.io","name":"tarn"},"ranges":[{"type":"SEMVER"`, `"ranges":[{"type":"GIT"`, 1),
		"short commit":            strings.Replace(ok, `"package":{"ecosystem":"crates.io","name":"tarn"},"ranges":[{"type":"SEMVER"`, `"ranges":[{"type":"GIT","repo":"https://git.example.org/x.git"`, 1),
		"ecosystem range alone":   strings.Replace(ok, `"package":{"ecosystem":"crates.io","name":"tarn"},"ranges":[{"type":"SEMVER"`, `"ranges":[{"type":"ECOSYSTEM"`, 1),
		"reference type":          strings.Replace(ok, `"affected"`, `"references":[{"type":"POSTING","url":"https://x.example/"}],"affected"`, 1),
		"relative url":            strings.Replace(ok, `"affected"`, `"references":[{"type":"WEB","url":"/x"}],"affected"`, 1),
		"credit type":             strings.Replace(ok, `"affected"`, `"credits":[{"name":"A","type":"AUTHOR"}],"affected"`, 1),
		"two-line summary":        strings.Replace(ok, `"affected"`, `"summary":"a\nb","affected"`, 1),
		"severity type":           strings.Replace(ok, `"affected"`, `"severity":[{"type":"high","score":"7"}],"affected"`, 1),
	} {
		if p := osvProblems([]byte(doc)); len(p) == 0 {
			t.Errorf("%s: accepted: %s", name, doc)
		}
	}
}

// OSVSchemaEnv names a copy of the official OSV validation schema
// (validation/schema.json of github.com/ossf/osv-schema). The repository
// does not ship it; where it is given, TestOSVOfficialSchema checks every
// OSV file against it too.
const OSVSchemaEnv = "EMBARGO_OSV_SCHEMA"

// TestOSVOfficialSchema validates every written OSV file against the official
// schema at $EMBARGO_OSV_SCHEMA (draft 2020-12, formats asserted).
func TestOSVOfficialSchema(t *testing.T) {
	file := os.Getenv(OSVSchemaEnv)
	if file == "" {
		t.Skipf("set %s to a copy of the official OSV schema (validation/schema.json) to check the files against it", OSVSchemaEnv)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("%s: no network in tests", u) }
	if err := c.AddResource("osv.json", bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("osv.json")
	if err != nil {
		t.Fatal(err)
	}
	files := osvFiles(t)
	for name, data := range files {
		if err := s.Validate(decodeJSON(t, data)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Not vacuous: the old form of the id fails the official schema.
	if err := s.Validate(decodeJSON(t, []byte(`{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00Z"}`))); err == nil {
		t.Errorf("the schema at %s accepts an id without a known prefix", file)
	}
	t.Logf("%d OSV files valid against %s", len(files), file)
}

// TestIssueSchemaEcosystemsAreOSVs: a record's package.ecosystem, which the
// issue schema checks, takes exactly the ecosystems the specification
// defines, with or without a suffix.
func TestIssueSchemaEcosystemsAreOSVs(t *testing.T) {
	data, err := schema.Files.ReadFile("issue.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties struct {
			Affected struct {
				Items struct {
					Properties struct {
						Package struct {
							Properties struct {
								Ecosystem struct{ Pattern string }
							}
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(s.Properties.Affected.Items.Properties.Package.Properties.Ecosystem.Pattern)
	for _, e := range osvEcosystems {
		for _, v := range []string{e, e + ":1", e + ":openSUSE Leap 15.6"} {
			if !re.MatchString(v) {
				t.Errorf("the issue schema refuses the OSV ecosystem %q", v)
			}
		}
		for _, v := range []string{strings.ToUpper(e) + "X", e + ":", "x" + e} {
			if re.MatchString(v) && !slices.Contains(osvEcosystems, strings.Split(v, ":")[0]) {
				t.Errorf("the issue schema takes %q, which is no OSV ecosystem", v)
			}
		}
	}
	for _, v := range []string{"Cargo", "cratesXio", "GIT", "debian", ""} {
		if re.MatchString(v) {
			t.Errorf("the issue schema takes %q", v)
		}
	}
}
