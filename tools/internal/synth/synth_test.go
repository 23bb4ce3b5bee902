package synth_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/synth"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// TestPullRequestOf10000Commits: a pull request of 10,000 signed commits is
// verified in full — every commit, no truncation — and a single bad commit
// deep inside it is found.
func TestPullRequestOf10000Commits(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 10,000-commit range")
	}
	res, err := synth.Generate("", synth.Config{Seed: 7, Members: 8, Issues: 200, Commits: 1, PRCommits: 10_000, UnsignedPR: 7_531, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := verify.Range(res.Repo, res.Main, res.PR, verify.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Rule != "sig.missing" || fs[0].Commit != res.UnsignedCommit.String() {
		t.Fatalf("want exactly one sig.missing on %s, got %d findings: %+v", res.UnsignedCommit, len(fs), fs)
	}
}

func TestGenerateIsValidAndVerifies(t *testing.T) {
	res, err := synth.Generate("", synth.Config{Seed: 1, Members: 5, Issues: 50, Commits: 30, PRCommits: 3, RSAEvery: 4, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := verify.Audit(res.Repo, res.PR, res.Coordinators, verify.Options{Now: now})
	if err != nil || len(fs) != 0 {
		t.Fatalf("audit: %v %+v", err, fs)
	}
}

// TestSecondHandleGivesSameFindings: reading changes on a second repository
// handle (the CLI's fast path) finds exactly what the single handle finds.
func TestSecondHandleGivesSameFindings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	res, err := synth.Generate(dir, synth.Config{Seed: 3, Members: 4, Issues: 40, Commits: 2, PRCommits: 300, UnsignedPR: 150, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := source.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	one, err := verify.Range(repo, res.Main, res.PR, verify.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	two, err := verify.Range(repo, res.Main, res.PR, verify.Options{Now: now, Reopen: func() (*git.Repository, error) { return source.OpenRepo(dir) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 || !reflect.DeepEqual(one, two) {
		t.Fatalf("single handle: %+v\nsecond handle: %+v", one, two)
	}
}
