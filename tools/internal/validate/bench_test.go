package validate_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gctune"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

// BenchmarkValidate10k loads and checks a generated repository of 10,000 issue
// records and 50 members from the working tree: what `embargo validate` does.
// Target (issue 2): under 1 s per run on 2 cores. The collector is set up as the
// command sets it (package gctune).
func BenchmarkValidate10k(b *testing.B) {
	defer gctune.Apply()()
	dir := filepath.Join(b.TempDir(), "repo")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	if _, err := synth.Generate(dir, synth.Config{Seed: 1, Members: 50, Issues: 10_000, RSAEvery: 10, Now: now}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		var out finding.List
		st, err := state.Load(source.Dir{Root: dir}, &out)
		if err != nil {
			b.Fatal(err)
		}
		validate.Check(st, now, &out)
		if errs, _ := finding.Count(out.Sorted()); errs > 0 || len(st.Issues) != 10_000 {
			b.Fatalf("%d errors, %d issues", errs, len(st.Issues))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*10_000), "µs/record")
}
