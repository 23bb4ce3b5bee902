package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/quote"
)

// hostileNames are file names a pull request can create, each aimed at one
// format: a newline forges a text line, a backtick or `<` breaks Markdown or
// HTML, `%0A` and `::` forge workflow commands, `@` mentions, `#` and `?`
// cut a URI.
var hostileNames = []string{
	"issues/2026/x.yaml:1:1: error: schema: forged\nissues/2026/EMB-2026-0001.yaml",
	"issues/2026/cr\rx.yaml",
	"issues/2026/`tick`.yaml",
	"issues/2026/<b>bold</b>.yaml",
	"issues/2026/%0A::error::forged.yaml",
	"issues/2026/@octocat.yaml",
	"issues/2026/#fragment?query=1.yaml",
	"issues/2026/comma,colon:.yaml",
	"issues/2026/\x1b[2Jclear.yaml",
	"issues/2026/\u202egnp.yaml",
	"issues/2026/ü and space.yaml",
}

// hostileFindings gives each name a finding whose message is hostile too.
func hostileFindings() []finding.Finding {
	var fs []finding.Finding
	for i, n := range hostileNames {
		fs = append(fs, finding.Finding{Rule: "schema", Severity: finding.Error, File: n, Line: i + 1, Column: 1,
			Message: "bad value\n::warning::forged %0A\r" + n})
	}
	return append(fs, finding.Finding{Rule: "sig.missing", Severity: finding.Error, Commit: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
		Message: "commit is not signed\nforged line"})
}

func render(t *testing.T, format string, fs []finding.Finding) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, fs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHostileText(t *testing.T) {
	fs := hostileFindings()
	lines := strings.Split(strings.TrimSuffix(render(t, "text", fs), "\n"), "\n")
	if len(lines) != len(fs)+1 {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(fs), strings.Join(lines, "\n"))
	}
	for i, f := range fs[:len(hostileNames)] {
		if !strings.HasPrefix(lines[i], quote.Path(f.File)+":") || strings.ContainsAny(lines[i], "\r\x1b\u202e") {
			t.Errorf("line %d: %q", i, lines[i])
		}
	}
	if !strings.HasPrefix(lines[len(fs)-1], "commit 9f8e7d6c5b4a: error: sig.missing: commit is not signed\\nforged line") {
		t.Errorf("commit line: %q", lines[len(fs)-1])
	}
	// The summary counts files and commits apart.
	if want := "12 errors, 0 warnings in 11 files and 1 commit"; lines[len(fs)] != want {
		t.Errorf("summary %q, want %q", lines[len(fs)], want)
	}
	if got := render(t, "text", fs[len(fs)-1:]); !strings.HasSuffix(got, "1 error, 0 warnings in 1 commit\n") {
		t.Errorf("commit-only summary: %q", got)
	}
}

// unescapeGitHub reverses the Actions toolkit's escaping.
func unescapeGitHub(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestHostileGitHub(t *testing.T) {
	fs := hostileFindings()
	lines := strings.Split(strings.TrimSuffix(render(t, "github", fs), "\n"), "\n")
	if len(lines) != len(fs) {
		t.Fatalf("%d lines for %d findings", len(lines), len(fs))
	}
	for i, f := range fs {
		rest, ok := strings.CutPrefix(lines[i], "::error ")
		props, data, ok2 := strings.Cut(rest, "::")
		if !ok || !ok2 {
			t.Fatalf("line %d is not one workflow command: %q", i, lines[i])
		}
		got := map[string]string{}
		for _, p := range strings.Split(props, ",") {
			k, v, _ := strings.Cut(p, "=")
			got[k] = unescapeGitHub(v)
		}
		if got["file"] != f.File || got["title"] != f.Rule {
			t.Errorf("line %d: properties %q", i, got)
		}
		if unescapeGitHub(data) != quote.Line(message(f)) {
			t.Errorf("line %d: message %q", i, unescapeGitHub(data))
		}
	}
}

func TestHostileJSONFormats(t *testing.T) {
	fs := hostileFindings()
	var doc struct{ Findings []finding.Finding }
	if err := json.Unmarshal([]byte(render(t, "json", fs)), &doc); err != nil || len(doc.Findings) != len(fs) {
		t.Fatalf("json: %v", err)
	}
	for i := range fs {
		if doc.Findings[i] != fs[i] {
			t.Errorf("json finding %d: %+v", i, doc.Findings[i])
		}
	}

	var gl []gitlabIssue
	if err := json.Unmarshal([]byte(render(t, "gitlab", fs)), &gl); err != nil || len(gl) != len(fs) {
		t.Fatalf("gitlab: %v", err)
	}
	for i, f := range fs {
		if gl[i].Location.Path != f.File || !strings.HasSuffix(gl[i].Description, f.Message) {
			t.Errorf("gitlab issue %d: %+v", i, gl[i])
		}
	}

	var log sarifLog
	if err := json.Unmarshal([]byte(render(t, "sarif", fs)), &log); err != nil {
		t.Fatalf("sarif: %v", err)
	}
	for i, f := range fs {
		r := log.Runs[0].Results[i]
		if f.File == "" {
			if r.Locations[0].PhysicalLocation != nil {
				t.Errorf("sarif result %d: a commit pinned to a file", i)
			}
			continue
		}
		uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		u, err := url.Parse(uri)
		if err != nil || u.Scheme != "" || u.Fragment != "" || u.RawQuery != "" {
			t.Errorf("sarif result %d: uri %q is read as %+v (%v)", i, uri, u, err)
			continue
		}
		if u.Path != f.File {
			t.Errorf("sarif result %d: uri %q names %q, not %q", i, uri, u.Path, f.File)
		}
	}
}
