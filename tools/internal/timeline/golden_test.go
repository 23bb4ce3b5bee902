package timeline_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

// scenario is one state of the bundled example at one clock.
type scenario struct {
	name  string
	now   time.Time
	setup func(t testing.TB) string // returns the repository folder
}

var scenarios = []scenario{
	{"demo-2026-11-20", demoNow, func(t testing.TB) string { return repoRoot(t) }},
	{"disclosed-2026-11-24", laterNow, func(t testing.TB) string {
		dir := copyExample(t)
		discloseEmbargoed(t, dir)
		return dir
	}},
}

// publish runs Publish for sc into a fresh folder and returns the folder.
func publish(t testing.TB, sc scenario) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	files, err := timeline.Publish(load(t, sc.setup(t)), sc.now, out)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(readTree(t, out)); !slices.Equal(got, files) {
		t.Fatalf("Publish returned %v, the folder holds %v", files, got)
	}
	if !slices.IsSorted(files) {
		t.Errorf("files not sorted: %v", files)
	}
	return out
}

func TestGoldenExample(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got := readTree(t, publish(t, sc))
			golden := filepath.Join("testdata", "golden", sc.name)
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				for name, data := range got {
					p := filepath.Join(golden, filepath.FromSlash(name))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := readTree(t, golden)
			if !slices.Equal(keys(got), keys(want)) {
				t.Fatalf("files %v, golden %v (run go test -update to accept)", keys(got), keys(want))
			}
			for _, name := range keys(want) {
				if !bytes.Equal(got[name], want[name]) {
					t.Errorf("%s differs from the golden file, %s (run go test -update to accept)", name, firstDiff(got[name], want[name]))
				}
			}
		})
	}
}

// TestEmbargoedAbsent checks the demo clock's outputs for the embargoed and draft
// records by hand, independent of the guard; after disclosure the issue appears.
func TestEmbargoedAbsent(t *testing.T) {
	secrets := []string{"EMB-2026-0004", "ferrule", "Ferrule", "QPACK", "CVE-2026-91234", "Priya", "raman.example",
		"EMB-2026-0005", "hearth", "Adeyemi", "EMB-2025-0003", "cronix", "Marco Ferri",
		"Rashida", "okoye", "asked not to be named", "pkgsrc security team", "packaging mirror", "Cloud providers may deploy",
		"EMB-2026-0006", "corvid", "CVE-2026-91301", "Tarik", "Deploy the fixed build", "EMB-2026-0007", "fleetd", "CVE-2026-91377", "Sorensen",
		"greta-suse"} // an expert of a published record (experts is private)
	demo := readTree(t, publish(t, scenarios[0]))
	for name, data := range demo {
		for _, s := range secrets {
			if bytes.Contains(bytes.ToLower(data), []byte(strings.ToLower(s))) {
				t.Errorf("%s contains %q", name, s)
			}
		}
	}
	later := readTree(t, publish(t, scenarios[1]))
	if _, ok := later["osv/x_EMB-2026-0004.json"]; !ok {
		t.Errorf("after disclosure there is no osv/x_EMB-2026-0004.json")
	}
	for _, name := range []string{"timeline.json", "index.html", "feed.atom"} {
		if !bytes.Contains(later[name], []byte("EMB-2026-0004")) || !bytes.Contains(later[name], []byte("ferrule QPACK")) {
			t.Errorf("after disclosure %s does not show EMB-2026-0004", name)
		}
	}
	// Its private fields stay private; the reporter consented, so the credit shows.
	for name, data := range later {
		for _, s := range []string{"priya@", "private advisory branch", "HTTP/3 proxy QPACK decoder", "ferrule upstream maintainers", "eli-debian", "Reproducer shared"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains private %q of the disclosed issue", name, s)
			}
		}
	}
	if !bytes.Contains(later["timeline.json"], []byte(`"credit": "Priya Raman"`)) {
		t.Errorf("the consented credit of EMB-2026-0004 is missing")
	}
}

func TestDeterministic(t *testing.T) {
	for _, sc := range scenarios {
		a, b := readTree(t, publish(t, sc)), readTree(t, publish(t, sc))
		for _, name := range keys(a) {
			if !bytes.Equal(a[name], b[name]) {
				t.Errorf("%s: two runs differ, %s", sc.name, firstDiff(a[name], b[name]))
			}
		}
	}
}

// TestOutputDatedByRecords: the outputs carry the time their content last
// changed, not the clock: a run a month later writes the same bytes.
func TestOutputDatedByRecords(t *testing.T) {
	st := load(t, repoRoot(t))
	a, err := timeline.Render(st, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := timeline.Render(st, demoNow.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if string(a[name]) != string(b[name]) {
			t.Errorf("%s changed with the clock alone", name)
		}
	}
	if !strings.Contains(string(a["timeline.json"]), `"generated": "2026-06-12T14:00:00Z"`) {
		t.Errorf("timeline.json is not dated by its newest disclosure (EMB-2026-0003, 2026-06-12T14:00:00Z):\n%.300s", a["timeline.json"])
	}
}
