package synth_test

import (
	"path/filepath"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

// TestStatementsValidate: the generated acceptances and vouches are the
// statements validate checks, so benchmarks measure good records.
func TestStatementsValidate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	if _, err := synth.Generate(dir, synth.Config{Seed: 5, Members: 4, Issues: 5, Commits: 1, Now: now}); err != nil {
		t.Fatal(err)
	}
	var out finding.List
	st, err := state.Load(source.Dir{Root: dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	validate.Check(st, now, &out)
	n := 0
	for _, f := range out.Sorted() {
		if f.Rule == "member.acceptance" || f.Rule == "member.vouch" {
			t.Errorf("%s:%d: %s: %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
	for _, mf := range st.Members {
		n += len(mf.Member.People)
	}
	if n < 4 {
		t.Fatalf("only %d people generated", n)
	}
}
