package timeline_test

import (
	"path/filepath"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gctune"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

// BenchmarkRender10k renders and guards the timeline of a generated repository of
// 10,000 issue records: the leak guard scans every output byte (about 66 MB in
// 10,000 OSV files and the pages) against every private string, so its cost must
// stay linear in the output.
func BenchmarkRender10k(b *testing.B) {
	defer gctune.Apply()()
	dir := filepath.Join(b.TempDir(), "repo")
	if _, err := synth.Generate(dir, synth.Config{Seed: 1, Members: 50, Issues: 10_000, Now: demoNow}); err != nil {
		b.Fatal(err)
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		files, err := timeline.Render(st, demoNow)
		if err != nil {
			b.Fatal(err)
		}
		if len(files) < 10_000 {
			b.Fatalf("%d files", len(files))
		}
	}
}
