package timeline_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

const (
	publishedFile  = "issues/2025/EMB-2025-0001.yaml"
	noConsentFile  = "issues/2025/EMB-2025-0002.yaml"
	embargoedTitle = "Use-after-free in the ferrule HTTP/3 proxy QPACK decoder"
)

// secrets0004 are private values of the embargoed EMB-2026-0004 that no error
// message may repeat.
var secrets0004 = []string{embargoedTitle, "ferrule", "QPACK", "Priya", "raman.example", "CVE-2026-91234", "Reproducer shared"}

// quoteInPublicSummary puts text in front of the public summary of EMB-2025-0001,
// as a careless editor would.
func quoteInPublicSummary(t testing.TB, dir, text string) {
	t.Helper()
	const first = "    libquill before 1.9.4 writes past a heap buffer"
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		b.WriteString("    " + line + "\n")
	}
	replaceIn(t, dir, publishedFile, first, b.String()+first)
}

// loadAny reads a state whatever its findings.
func loadAny(t testing.TB, dir string) *state.State {
	t.Helper()
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// wantLeak publishes dir's state and expects the guard to refuse with field, and no
// output and no secret in the message.
func wantLeak(t *testing.T, st *state.State, record, field string, secrets ...string) *timeline.LeakError {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	files, err := timeline.Publish(st, demoNow, out)
	if !errors.Is(err, timeline.ErrLeak) {
		t.Fatalf("Publish = %v, %v; want ErrLeak", files, err)
	}
	var le *timeline.LeakError
	if !errors.As(err, &le) {
		t.Fatalf("%T is not a *LeakError", err)
	}
	found := false
	for _, l := range le.Leaks {
		found = found || l.Record == record && l.Field == field
	}
	if !found {
		t.Errorf("no leak of %s: %s in %v", record, field, le.Leaks)
	}
	if !strings.Contains(err.Error(), record+": "+field) {
		t.Errorf("message does not name %s: %s: %v", record, field, err)
	}
	for _, s := range secrets {
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
			t.Errorf("message repeats the private value %q: %v", s, err)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("output folder left behind: %v", readTree(t, out))
	}
	return le
}

func TestLeakGuardQuotedTitle(t *testing.T) {
	dir := copyExample(t)
	quoteInPublicSummary(t, dir, "Like the "+embargoedTitle+", this")
	le := wantLeak(t, load(t, dir), embargoedFile, "title of an embargoed issue", secrets0004...)
	var outs []string
	for _, l := range le.Leaks {
		if l.Field == "title of an embargoed issue" {
			outs = append(outs, l.Output)
		}
	}
	if got := strings.Join(outs, " "); got != "feed.atom index.html osv/x_EMB-2025-0001.json timeline.json" {
		t.Errorf("title found in %s", got)
	}

	// An empty folder that existed stays, empty.
	out := t.TempDir()
	if _, err := timeline.Publish(load(t, dir), demoNow, out); !errors.Is(err, timeline.ErrLeak) {
		t.Fatalf("Publish = %v", err)
	}
	if left := readTree(t, out); len(left) > 0 {
		t.Errorf("files left behind: %v", keys(left))
	}
}

func TestLeakGuardReflowedSummary(t *testing.T) {
	summary := "ferrule frees a dynamic-table entry on a QPACK Insert With Name Reference that evicts the\n" +
		"referenced entry, then copies the name from the freed memory. A remote client can crash\n" +
		"the proxy and possibly run code as the proxy user. Reproducer shared; no exploit."
	words := strings.Fields(strings.ToUpper(summary))
	var reflowed []string
	for i := 0; i < len(words); i += 7 {
		reflowed = append(reflowed, strings.Join(words[i:min(i+7, len(words))], "  "))
	}
	dir := copyExample(t)
	quoteInPublicSummary(t, dir, strings.Join(reflowed, "\n"))
	wantLeak(t, load(t, dir), embargoedFile, "summary of an embargoed issue", secrets0004...)

	// One line alone still trips.
	dir = copyExample(t)
	quoteInPublicSummary(t, dir, "the proxy and possibly run code as the proxy user. Reproducer shared; no exploit.")
	wantLeak(t, load(t, dir), embargoedFile, "summary (line 3) of an embargoed issue", secrets0004...)
}

// Escaped forms (HTML and XML entities, JSON escapes) are decoded before matching.
func TestLeakGuardEscapes(t *testing.T) {
	title := `Zorbified <tables> & "mangles" it's late`
	dir := copyExample(t)
	replaceIn(t, dir, embargoedFile, "title: "+embargoedTitle, "title: '"+strings.ReplaceAll(title, "'", "''")+"'")
	quoteInPublicSummary(t, dir, title)
	le := wantLeak(t, load(t, dir), embargoedFile, "title of an embargoed issue", title, "Zorbified")
	n := 0
	for _, l := range le.Leaks {
		if l.Field == "title of an embargoed issue" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("the escaped title was found in %d files, want 4: %v", n, le.Leaks)
	}
}

// A disclosed record cannot make an embargoed record's id, CVE or title public by
// publishing it, not even in a look-alike spelling: the guard refuses, naming the
// embargoed record and field, never the value.
func TestLeakGuardEmbargoedStringsPublishedElsewhere(t *testing.T) {
	cases := []struct {
		name, old, new, field string
	}{
		{"the embargoed id as the public title",
			"  title: Heap overflow in libquill PNG text chunk parsing\n", "  title: EMB-2026-0004\n", "id of an embargoed issue"},
		{"the embargoed id with a zero-width space",
			"  title: Heap overflow in libquill PNG text chunk parsing\n", "  title: \"EMB-2026-\\u200B0004\"\n", "id of an embargoed issue"},
		{"the embargoed id in full-width letters",
			"  title: Heap overflow in libquill PNG text chunk parsing\n", "  title: ＥＭＢ－２０２６－０００４\n", "id of an embargoed issue"},
		{"the embargoed CVE also listed",
			"cves: [CVE-2025-90011]\n", "cves: [CVE-2025-90011, CVE-2026-91234]\n", "cves[0] of an embargoed issue"},
		{"the embargoed title as the public title, other case",
			"  title: Heap overflow in libquill PNG text chunk parsing\n", "  title: " + strings.ToUpper(embargoedTitle) + "\n", "title of an embargoed issue"},
		{"the embargoed title with a soft hyphen",
			"  title: Heap overflow in libquill PNG text chunk parsing\n", "  title: \"Use-after-free in the fer\\u00ADrule HTTP/3 proxy QPACK decoder\"\n", "title of an embargoed issue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyExample(t)
			replaceIn(t, dir, publishedFile, c.old, c.new)
			wantLeak(t, loadAny(t, dir), embargoedFile, c.field, secrets0004...)
		})
	}
}

func TestLeakGuardProducts(t *testing.T) {
	// Equal to a product a published issue names: skipped, publication goes on.
	dir := copyExample(t)
	replaceIn(t, dir, embargoedFile, "  - product: ferrule\n", "  - product: libquill\n")
	if _, err := timeline.Publish(load(t, dir), demoNow, filepath.Join(t.TempDir(), "out")); err != nil {
		t.Fatalf("a product shared with a published issue: %v", err)
	}
	// Merely contained in a published product name: the guard refuses (conservative).
	dir = copyExample(t)
	replaceIn(t, dir, embargoedFile, "  - product: ferrule\n", "  - product: quill\n")
	wantLeak(t, load(t, dir), embargoedFile, "affected[0].product of an embargoed issue")
}

// TestLeakGuardPackages: an embargoed record's package name, package URL
// and repository are private like its product; a published record that
// quotes one stops publication, and the message names the field only.
func TestLeakGuardPackages(t *testing.T) {
	const name, repo = "ferrule-qpack-core", "https://git.example.org/ferrule-private.git"
	for _, tc := range []struct{ field, quote string }{
		{"affected[0].package.name", name},
		{"affected[0].package.purl", "pkg:cargo/" + name},
		{"affected[0].git.repo", repo},
	} {
		t.Run(tc.field, func(t *testing.T) {
			dir := copyExample(t)
			replaceIn(t, dir, embargoedFile, "    versions: \">= 2.1.0, < 2.3.5\"\n",
				"    versions: \">= 2.1.0, < 2.3.5\"\n    package: {ecosystem: crates.io, name: "+name+", purl: pkg:cargo/"+name+"}\n    git: {repo: "+repo+"}\n")
			if _, err := timeline.Publish(load(t, dir), demoNow, filepath.Join(t.TempDir(), "out")); err != nil {
				t.Fatalf("unquoted: %v", err)
			}
			quoteInPublicSummary(t, dir, "Unlike "+tc.quote+", this")
			wantLeak(t, load(t, dir), embargoedFile, tc.field+" of an embargoed issue", name, repo)
		})
	}
}

func TestLeakGuardReporter(t *testing.T) {
	// No consent: the projection drops the credit...
	dir := copyExample(t)
	replaceIn(t, dir, noConsentFile, "    directory. Fixed in tarn 3.2.7.\n", "    directory. Fixed in tarn 3.2.7.\n  credit: Rashida Okoye\n")
	files, err := timeline.Render(load(t, dir), demoNow)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if bytes.Contains(data, []byte("Rashida")) {
			t.Errorf("%s credits a reporter who did not consent", name)
		}
	}
	// ...and the guard catches the name elsewhere.
	replaceIn(t, dir, noConsentFile, "    tarn before 3.2.7 follows", "    Reported by Rashida Okoye: tarn before 3.2.7 follows")
	wantLeak(t, load(t, dir), noConsentFile, "reporter.name of a published issue", "Rashida")

	// Consent and a credit line that contains the name: fine.
	dir = copyExample(t)
	replaceIn(t, dir, publishedFile, "  credit: Aiko Tanaka\n", "  credit: Aiko Tanaka (Example Research)\n")
	if _, err := timeline.Render(load(t, dir), demoNow); err != nil {
		t.Errorf("a consented credit containing the name: %v", err)
	}

	// Consent, but a credit other than the name: the name stays private.
	dir = copyExample(t)
	replaceIn(t, dir, publishedFile, "  credit: Aiko Tanaka\n", "  credit: the Quill Audit team\n")
	quoteInPublicSummary(t, dir, "Found by Aiko Tanaka.")
	wantLeak(t, load(t, dir), publishedFile, "reporter.name of a published issue", "Aiko")
}

// A record that failed its schema is never published and its strings are guarded.
func TestLeakGuardBrokenRecord(t *testing.T) {
	dir := copyExample(t)
	const draft = "issues/2026/EMB-2026-0005.yaml"
	replaceIn(t, dir, draft, "severity: low\n", "severity: low\nunknown_key: 1\n")
	quoteInPublicSummary(t, dir, "Log injection in the hearth web administration panel")
	st := loadAny(t, dir)
	for _, f := range st.Issues {
		if f.Path == draft && f.Issue != nil {
			t.Fatal("the broken record passed its schema")
		}
	}
	wantLeak(t, st, draft, "title of a record that failed its schema", "hearth")
}

func TestWithdrawnList(t *testing.T) {
	dir := copyExample(t)
	replaceIn(t, dir, "policy.yaml", "withdrawn: omit", "withdrawn: list")
	files, err := timeline.Render(load(t, dir), demoNow)
	if err != nil {
		t.Fatal(err)
	}
	want := `"withdrawn": [
    {
      "id": "EMB-2025-0003",
      "list": "linux-distros",
      "status": "withdrawn"
    }
  ]`
	if !bytes.Contains(files["timeline.json"], []byte(want)) {
		t.Errorf("timeline.json does not list the withdrawn issue:\n%s", files["timeline.json"])
	}
	if !bytes.Contains(files["index.html"], []byte("<li>EMB-2025-0003 (linux-distros)</li>")) {
		t.Errorf("index.html does not list the withdrawn issue")
	}
	if err := compileSchema(t, "timeline.schema.json").Validate(decodeJSON(t, files["timeline.json"])); err != nil {
		t.Error(err)
	}
	for name, data := range files {
		for _, s := range []string{"cronix", "Marco Ferri", "not a security issue"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q of the withdrawn issue", name, s)
			}
		}
		if name != "timeline.json" && name != "index.html" && name != "SHA256SUMS" && bytes.Contains(data, []byte("EMB-2025-0003")) {
			t.Errorf("%s mentions the withdrawn issue", name)
		}
	}
}

func TestPublishFolder(t *testing.T) {
	st := load(t, repoRoot(t))
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := timeline.Publish(st, demoNow, out); !errors.Is(err, timeline.ErrNotEmpty) {
		t.Errorf("non-empty folder: %v", err)
	}
	if got := keys(readTree(t, out)); strings.Join(got, ",") != "keep" {
		t.Errorf("folder now holds %v", got)
	}
	file := filepath.Join(out, "keep")
	if _, err := timeline.Publish(st, demoNow, file); err == nil {
		t.Errorf("a file as output folder was accepted")
	}
	if _, err := timeline.Publish(&state.State{}, demoNow, filepath.Join(out, "new")); err == nil {
		t.Errorf("a state without policy was accepted")
	}
	if _, err := os.Stat(filepath.Join(out, "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed Publish left its new folder behind")
	}
}
