package seal_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/gctune"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

var benchNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// BenchmarkValidateSealed10k is `embargo validate` over the generated
// repository of 10,000 issue records (as BenchmarkValidate10k in
// tools/internal/validate), once as generated ("plain") and once with every
// other record sealed to its team ("half-sealed"), which adds reading each
// sealed message's packets and judging its recipients. Target
// (BENCHMARKS.md): half-sealed within 1.5 times plain.
func BenchmarkValidateSealed10k(b *testing.B) {
	defer gctune.Apply()()
	plain := filepath.Join(b.TempDir(), "plain")
	if _, err := synth.Generate(plain, synth.Config{Seed: 1, Members: 50, Issues: 10_000, RSAEvery: 10, Now: benchNow}); err != nil {
		b.Fatal(err)
	}
	half := filepath.Join(b.TempDir(), "half")
	if err := os.CopyFS(half, os.DirFS(plain)); err != nil {
		b.Fatal(err)
	}
	var ignored finding.List
	st, err := state.Load(source.Dir{Root: half}, &ignored)
	if err != nil {
		b.Fatal(err)
	}
	sealed := 0
	for i, f := range st.Issues {
		if i%2 != 0 {
			continue
		}
		p := filepath.Join(half, filepath.FromSlash(f.Path))
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out, _, err := seal.Record(st, f.Path, data, benchNow)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			b.Fatal(err)
		}
		sealed++
	}
	// The two runs alternate, so that both see the same load of a shared
	// machine: the ratio is the figure to read.
	run := func(dir string, want int) time.Duration {
		start := time.Now()
		var out finding.List
		st, err := state.Load(source.Dir{Root: dir}, &out)
		if err != nil {
			b.Fatal(err)
		}
		validate.Check(st, benchNow, &out)
		took := time.Since(start)
		n := 0
		for _, f := range st.Issues {
			if f.Issue != nil && f.Issue.Sealed != "" {
				n++
			}
		}
		if fs := out.Sorted(); len(st.Issues) != 10_000 || n != want || hasError(fs) {
			b.Fatalf("%d issues, %d sealed, findings %v", len(st.Issues), n, fs[:min(3, len(fs))])
		}
		return took
	}
	b.ResetTimer()
	var plainT, halfT time.Duration
	for range b.N {
		plainT += run(plain, 0)
		halfT += run(half, sealed)
	}
	b.ReportMetric(plainT.Seconds()/float64(b.N), "plain-s/op")
	b.ReportMetric(halfT.Seconds()/float64(b.N), "half-sealed-s/op")
	b.ReportMetric(float64(halfT)/float64(plainT), "ratio")
}

func hasError(fs []finding.Finding) bool {
	errs, _ := finding.Count(fs)
	return errs > 0
}

// BenchmarkSeal seals the example's embargoed record to its team of five
// (one RSA-3072 key, four Curve25519): split, encrypt, read back and judge
// the message, write the record. Target (BENCHMARKS.md): under 50 ms.
func BenchmarkSeal(b *testing.B) {
	dir := unsealed.Copy(b)
	const path = "issues/2026/EMB-2026-0004.yaml"
	data, err := os.ReadFile(filepath.Join(dir, path))
	if err != nil {
		b.Fatal(err)
	}
	var ignored finding.List
	st, err := state.Load(source.Dir{Root: dir}, &ignored)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		out, team, err := seal.Record(st, path, data, benchNow)
		if err != nil || len(team.People) != 5 || !strings.Contains(string(out), "\nsealed: |") {
			b.Fatalf("%v, %v", team.People, err)
		}
	}
}
