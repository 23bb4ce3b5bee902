package verify_test

import (
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/gctune"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

// BenchmarkRange1000 verifies a 1,000-commit range of an in-memory repository
// (signatures, path authorization, the walk): the hot path of `embargo check`.
// tools/bench/bench.sh measures the 10,000-commit target end to end.
func BenchmarkRange1000(b *testing.B) {
	defer gctune.Apply()()
	res, err := synth.Generate("", synth.Config{Seed: 1, Members: 20, Issues: 500, Commits: 1, PRCommits: 1000, RSAEvery: 10, Now: t0})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		fs, err := verify.Range(res.Repo, res.Main, res.PR, verify.Options{Now: t0})
		if err != nil || len(fs) != 0 {
			b.Fatalf("%v %v", err, fs)
		}
	}
}
