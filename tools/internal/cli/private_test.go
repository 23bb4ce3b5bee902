package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"
	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/report"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/status"
)

// The record whose every private field holds a marker: "zqx" in any case, and
// the digits of its CVE. Nothing the tool prints may contain either.
const (
	markedIssue = "issues/2026/EMB-2026-0004.yaml"
	markedCVE   = "73913579"
	markedText  = `# ZQX-comment: a comment is private too
id: EMB-2026-0004
list: linux-distros
status: embargoed
title: ZQX-title
summary: |
  ZQX-summary
severity: high
tlp: TLP:AMBER+STRICT
reporter:
  name: ZQX-reporter-name
  email: zqx-reporter@zqx.example
  credit_consent: true
handler: dana-debian
response_team: [dana-debian, rui-redhat, ines-amazon]
dates:
  reported: 2026-11-14T08:30:00Z
  notified: 2026-11-16T10:00:00Z
  proposed: 2026-11-22T14:00:00Z
  disclosure: 2026-11-23T14:00:00Z
extensions:
  - at: 2026-11-20T09:00:00Z
    from: 2026-11-22T14:00:00Z
    to: 2026-11-23T14:00:00Z
    reason: ZQX-extension-reason
    reason_kind: technical
    requested_by: ZQX-requested-by
    approved_by: [dana-debian]
exploits:
  shared: false
cves: [CVE-2026-73913579]
affected:
  - product: ZQX-product
    versions: ZQX-versions
informed:
  - who: ZQX-informed-who
    at: 2026-11-14T12:00:00Z
    by: dana-debian
leaks:
  - detected: 2026-11-19T10:00:00Z
    what: ZQX-leak-what
    to_whom: ZQX-leak-to-whom
    steps: ZQX-leak-steps
deployment:
  permitted: false
  restrictions: ZQX-restrictions
public:
  title: ZQX-public-title
  summary: ZQX-public-summary
  credit: ZQX-credit
notes: ZQX-notes # ZQX-line-comment
`
)

// markerBreak breaks one field of the marked record: old (a whole line, or
// the start of one) becomes new.
type markerBreak struct{ name, old, new string }

func markerBreaks() []markerBreak {
	var out []markerBreak
	// Free text: the wrong type, a mapping (a value written as a key), a
	// number, an anchor, a custom tag, an unknown alias; two of these per
	// field, in turn, so that each form meets several fields.
	forms := []func(key, value string) (string, string){
		func(k, v string) (string, string) { return "list", k + ": [" + v + "]" },
		func(k, v string) (string, string) { return "mapping", k + ": {" + v + ": " + v + "}" },
		func(k, v string) (string, string) { return "number", k + ": 1" + markedCVE },
		func(k, v string) (string, string) { return "anchor", k + ": &zqxanchor " + v },
		func(k, v string) (string, string) { return "tag", k + ": !zqxtag " + v },
		func(k, v string) (string, string) { return "alias", k + ": *zqxalias" },
	}
	for i, line := range []string{
		"title: ZQX-title", "  name: ZQX-reporter-name", "    reason: ZQX-extension-reason",
		"    requested_by: ZQX-requested-by", "  - product: ZQX-product", "    versions: ZQX-versions",
		"  - who: ZQX-informed-who", "    what: ZQX-leak-what", "    to_whom: ZQX-leak-to-whom",
		"    steps: ZQX-leak-steps", "  restrictions: ZQX-restrictions", "  title: ZQX-public-title",
		"  summary: ZQX-public-summary", "  credit: ZQX-credit", "notes: ZQX-notes",
	} {
		key, value, _ := strings.Cut(line, ": ")
		name := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(key), "- "))
		for _, form := range []int{(2 * i) % len(forms), (2*i + 1) % len(forms)} {
			kind, broken := forms[form](key, value)
			out = append(out, markerBreak{name + "-" + kind, line, broken})
		}
	}
	return append(out,
		markerBreak{"title-empty", "title: ZQX-title", `title: ""`},
		markerBreak{"title-twice", "title: ZQX-title", "title: ZQX-title\ntitle: ZQX-title-again"},
		markerBreak{"title-unterminated", "title: ZQX-title", `title: "ZQX-title`},
		markerBreak{"title-tab", "title: ZQX-title", "title:\n\tZQX-title"},
		markerBreak{"title-invalid-utf8", "title: ZQX-title", "title: ZQX-title\xff"},
		markerBreak{"summary-block-unindented", "  ZQX-summary", "ZQX-summary"},
		markerBreak{"email-format", "  email: zqx-reporter@zqx.example", "  email: zqx-reporter-at-zqx.example"},
		markerBreak{"email-list", "  email: zqx-reporter@zqx.example", "  email: [zqx-reporter@zqx.example]"},
		markerBreak{"reporter-flow-value-as-key", "reporter:", "reporter: {name: ZQX-reporter-name, zqx@zqx.example}\nzqx-was-reporter:"},
		markerBreak{"reporter-unknown-key", "  credit_consent: true", "  credit_consent: true\n  zqx-key: ZQX-value"},
		markerBreak{"top-unknown-key", "notes: ZQX-notes", "notes: ZQX-notes\nzqx@zqx.example: ZQX-value"},
		markerBreak{"consent-type", "  credit_consent: true", "  credit_consent: zqx-yes"},
		markerBreak{"handler-unknown", "handler: dana-debian", "handler: zqx-handler"},
		markerBreak{"handler-pattern", "handler: dana-debian", "handler: ZQX handler"},
		markerBreak{"team-unknown", "response_team: [dana-debian, rui-redhat, ines-amazon]", "response_team: [dana-debian, zqx-team]"},
		markerBreak{"team-pattern", "response_team: [dana-debian, rui-redhat, ines-amazon]", "response_team: [ZQX TEAM]"},
		markerBreak{"team-twice", "response_team: [dana-debian, rui-redhat, ines-amazon]", "response_team: [zqx-team, zqx-team]"},
		markerBreak{"approver-unknown", "    approved_by: [dana-debian]", "    approved_by: [zqx-approver]"},
		markerBreak{"informed-by-unknown", "    by: dana-debian", "    by: zqx-informer"},
		markerBreak{"cve-pattern", "cves: [CVE-2026-73913579]", "cves: [ZQX-CVE]"},
		markerBreak{"cve-twice", "cves: [CVE-2026-73913579]", "cves: [CVE-2026-73913579, CVE-2026-73913579]"},
		markerBreak{"posting-format", "exploits:", "public_posting: zqx://zqx\nexploits:"},
		markerBreak{"exploit-posting-format", "  shared: false", "  shared: false\n  posting: zqx-not-a-url"},
		markerBreak{"date-pattern", "  reported: 2026-11-14T08:30:00Z", "  reported: zqx-date"},
		markerBreak{"date-no-zone", "  disclosure: 2026-11-23T14:00:00Z", "  disclosure: 2026-11-23T14:00:00"},
		markerBreak{"leak-date", "  - detected: 2026-11-19T10:00:00Z", "  - detected: 2026-13-45T10:00:00Z"},
		markerBreak{"list-unknown", "list: linux-distros", "list: zqx-list"},
		markerBreak{"list-pattern", "list: linux-distros", "list: ZQX LIST"},
		markerBreak{"status-enum", "status: embargoed", "status: zqx-status"},
		markerBreak{"tlp-enum", "tlp: TLP:AMBER+STRICT", "tlp: ZQX"},
		markerBreak{"severity-enum", "severity: high", "severity: zqx"},
		markerBreak{"id-pattern", "id: EMB-2026-0004", "id: ZQX-0004"},
		markerBreak{"reason-kind", "    reason_kind: technical", "    reason_kind: zqx-kind"},
		markerBreak{"deployment-type", "  permitted: false", "  permitted: zqx-no"},
		markerBreak{"not-a-mapping", "id: EMB-2026-0004", "- ZQX-first-item\nid: EMB-2026-0004"},
	)
}

// TestNoPrivateValueInMessages fills every private field of an embargoed
// record with a marker, breaks each field in turn and runs every command and
// format that reports on records: no marker may appear in anything printed.
func TestNoPrivateValueInMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a signed repository and runs every command on about 130 records")
	}
	dir := plainExample(t)
	files := markedState(t, dir)
	handler := testSigner(t, "F34780682F10345BC720C9114288E35D0F0140B0") // dana-debian, the record's handler at the base
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	// The base: the example as it is, committed by a coordinator on main.
	tree, err := gitsign.WriteTree(repo.Storer, files)
	if err != nil {
		t.Fatal(err)
	}
	mainCommit, err := gitsign.Write(repo.Storer, gitsign.Commit{Tree: tree, Name: "Mara Lindqvist", Email: "mara@openwall.example.org",
		When: time.Date(2026, 11, 19, 12, 0, 0, 0, time.UTC), Message: "Import the example\n", Signer: testSigner(t, "E3FF104586BC655B5C275DD20BAA8B33A8912437")})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), mainCommit)); err != nil {
		t.Fatal(err)
	}
	// commit writes the record as the handler would propose it; check reads it
	// from git, validate and status from the working tree.
	commit := func(text string) string {
		files[markedIssue] = []byte(text)
		tree, err := gitsign.WriteTree(repo.Storer, files)
		if err != nil {
			t.Fatal(err)
		}
		h, err := gitsign.Write(repo.Storer, gitsign.Commit{Tree: tree, Parents: []plumbing.Hash{mainCommit}, Name: "Dana Whitfield",
			Email: "dana@debian.example.org", When: time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC), Message: "EMB-2026-0004: update\n", Signer: handler})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(markedIssue)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return h.String()
	}

	// The baseline: every marker in place, the record valid, so every field
	// was read; status reports the record (its disclosure is due in the window).
	base := commit(markedText)
	// (The acceptances no longer match the unsealed lists' terms: their
	// findings name no private value and are not this test's.)
	if _, stdout, _ := run("validate", "--repo", dir, demoNow); errorsIn(stdout, markedIssue) {
		t.Fatalf("the marked record itself has errors:\n%s", stdout)
	}
	if _, stdout, _ := run("status", "--repo", dir, demoNow, "--within", "96h"); !strings.Contains(stdout, "EMB-2026-0004") {
		t.Fatalf("status does not report the marked record:\n%s", stdout)
	}
	assertNoMarker(t, "baseline", dir, base)

	for _, b := range markerBreaks() {
		if !strings.Contains(markedText, b.old) {
			t.Fatalf("%s: the marked record has no %q", b.name, b.old)
		}
		text := strings.Replace(markedText, b.old, b.new, 1)
		head := commit(text)
		// The break took effect: validate reports an error in the record.
		if code, stdout, _ := run("validate", "--repo", dir, demoNow); code != ExitFindings || !errorsIn(stdout, markedIssue) {
			t.Errorf("%s: no error about the broken record (exit %d):\n%s", b.name, code, stdout)
		}
		assertNoMarker(t, b.name, dir, head)
	}
}

// assertNoMarker runs validate, status, check, timeline and fmt in every
// format and fails on any marker in what they print.
func assertNoMarker(t *testing.T, name, dir, head string) {
	t.Helper()
	var runs [][]string
	for _, f := range report.Formats {
		runs = append(runs,
			[]string{"validate", "--repo", dir, demoNow, "--format", f},
			[]string{"check", "--repo", dir, "--base", "main", "--head", head, demoNow, "--format", f})
	}
	for _, f := range status.Formats {
		runs = append(runs, []string{"status", "--repo", dir, demoNow, "--within", "96h", "--format", f})
	}
	runs = append(runs,
		[]string{"timeline", "--repo", dir, demoNow, "--out", filepath.Join(t.TempDir(), "public")},
		[]string{"fmt", "--check", filepath.Join(dir, filepath.FromSlash(markedIssue))})
	ical := filepath.Join(t.TempDir(), "disclosures.ics")
	runs = append(runs, []string{"status", "--repo", dir, demoNow, "--ical", ical})
	for _, args := range runs {
		code, stdout, stderr := run(args...)
		if code == ExitUsage && args[0] != "fmt" {
			t.Errorf("%s: %s could not run:\n%s", name, args[0], stderr)
		}
		for _, out := range []string{stdout, stderr} {
			if i := markerAt(out); i >= 0 {
				t.Errorf("%s: %s %s prints a private value: ...%s...", name, args[0], args[len(args)-1], out[max(i-80, 0):min(i+40, len(out))])
			}
		}
	}
	// The calendar, its folded lines joined.
	data, err := os.ReadFile(ical)
	if err != nil {
		t.Fatalf("%s: status --ical wrote no calendar: %v", name, err)
	}
	if out := strings.ReplaceAll(string(data), "\r\n ", ""); markerAt(out) >= 0 {
		t.Errorf("%s: the calendar holds a private value:\n%s", name, out)
	}
}

// errorsIn reports whether the text report out has an error about file.
func errorsIn(out, file string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, file+":") && strings.Contains(l, ": error: ") {
			return true
		}
	}
	return false
}

func markerAt(s string) int {
	if i := strings.Index(strings.ToLower(s), "zqx"); i >= 0 {
		return i
	}
	return strings.Index(s, markedCVE)
}

// markedState reads the demo's files at main.
func markedState(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	src := source.Dir{Root: dir}
	entries, err := src.List("policy.yaml", "roles", "members", "issues")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if files[e.Path], err = src.Read(e.Path); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// plainExample copies the example with every sealed record opened and
// sealing switched off: this test is about what messages say of plain
// private fields (a sealed one never reaches a message: the seal package
// tests that).
func plainExample(t *testing.T) string {
	t.Helper()
	dir := unsealed.Copy(t)
	policy := filepath.Join(dir, "policy.yaml")
	data, err := os.ReadFile(policy)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(policy, []byte(strings.ReplaceAll(string(data), "sealed: true", "sealed: false")), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// testSigner reads one of the example's published test keys.
func testSigner(t *testing.T, fpr string) *pgp.Signer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
