// Package demo builds a throwaway clone of the bundled example with a signed
// history and three pull requests — one a member may make, one that must be
// refused, and one unrelated to a record that a later clock finds overdue — so
// a newcomer sees the checker's outcomes. It signs with the
// example's published TEST keys (examples/testkeys), never with real ones.
package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
)

// The people who act in the demo, by their example test keys.
const (
	coordinatorKey = "E3FF104586BC655B5C275DD20BAA8B33A8912437" // mara-openwall
	secondCoordKey = "59E836661B35D313BF2EA12F4813675A72C482A5" // tomas-openwall
	handlerKey     = "F34780682F10345BC720C9114288E35D0F0140B0" // dana-debian
	outsiderKey    = "34B7BBC4B6B1CD29CDC7FAD29CD0BC2C5BB0E317" // greta-suse
	embargoedIssue = "issues/2026/EMB-2026-0004.yaml"
	disclosedIssue = "issues/2026/EMB-2026-0003.yaml" // greta-suse is on its response team
)

// Later is how long after the demo's clock the late checks run: by then
// EMB-2026-0004 is past its disclosure date and grace, so it is overdue.
const Later = 7 * 24 * time.Hour

// PullRequest is one check of the demo with what it is meant to show: a branch,
// the clock to check it at, and whether the check must accept it.
type PullRequest struct {
	Branch, Title string
	Base, Head    plumbing.Hash
	Now           time.Time
	Accept        bool
}

// Result says where the demo repository is and which pull requests it holds.
type Result struct {
	Dir  string
	Main plumbing.Hash
	PRs  []PullRequest
}

// ExampleFolder is where the example group lives in the embargo repository:
// under examples/, which a group's own repository never edits, so the demo
// works the same in the tool's repository and in every group's fork.
const ExampleFolder = "examples/group"

// Build creates the demo repository in dir (which must not exist or be empty)
// from the example group of the embargo repository at toolDir, with commits
// dated just before now.
func Build(toolDir, dir string, now time.Time) (*Result, error) {
	files, err := exampleFiles(filepath.Join(toolDir, filepath.FromSlash(ExampleFolder)))
	if err != nil {
		return nil, err
	}
	keys := map[string]*pgp.Signer{}
	for _, fpr := range []string{coordinatorKey, secondCoordKey, handlerKey, outsiderKey} {
		data, err := os.ReadFile(filepath.Join(toolDir, "examples", "testkeys", fpr+".key"))
		if err != nil {
			return nil, fmt.Errorf("read test key: %w", err)
		}
		if keys[fpr], err = pgp.ReadSigner(data); err != nil {
			return nil, fmt.Errorf("test key %s: %w", fpr, err)
		}
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		return nil, fmt.Errorf("create demo repository %s: %w", dir, err)
	}
	s := repo.Storer
	at := func(hoursBefore int) time.Time {
		return now.Add(-time.Duration(hoursBefore) * time.Hour).Truncate(time.Second)
	}
	commit := func(files map[string][]byte, parent plumbing.Hash, who, name, email, msg string, when time.Time) (plumbing.Hash, error) {
		tree, err := gitsign.WriteTree(s, files)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		var parents []plumbing.Hash
		if !parent.IsZero() {
			parents = []plumbing.Hash{parent}
		}
		return gitsign.Write(s, gitsign.Commit{Tree: tree, Parents: parents, Name: name, Email: email, When: when, Message: msg, Signer: keys[who]})
	}

	root, err := commit(files, plumbing.ZeroHash, coordinatorKey, "Mara Lindqvist", "mara@openwall.example.org",
		"Import the example distros-list group\n", at(48))
	if err != nil {
		return nil, err
	}

	// The record is sealed: dana-debian, its handler, opens it with her key,
	// adds a line and seals it again to its team.
	good, err := editSealed(files, embargoedIssue, keys[handlerKey], now, "leaks: []", "  - who: ferrule maintainers at Debian (packaging)\n    at: 2026-11-19T09:00:00Z\n    by: dana-debian\nleaks: []")
	if err != nil {
		return nil, err
	}
	goodHead, err := commit(good, root, handlerKey, "Dana Whitfield", "dana@debian.example.org",
		"EMB-2026-0004: record who else was told\n", at(20)) // a commit message is plain text: it names no sealed detail
	if err != nil {
		return nil, err
	}

	bad, err := edit(files, embargoedIssue, "  disclosure: 2026-11-23T14:00:00Z", "  disclosure: 2026-12-07T14:00:00Z")
	if err == nil {
		bad, err = edit(bad, "roles/coordinators.yaml", "coordinators: [", "coordinators: [greta-suse, ")
	}
	if err != nil {
		return nil, err
	}
	badHead, err := commit(bad, root, outsiderKey, "Greta Sommer", "greta@suse.example.org",
		"EMB-2026-0004: move disclosure to December; add myself as coordinator\n", at(10))
	if err != nil {
		return nil, err
	}

	// An unrelated change at a clock where another record is late: the late
	// record is not this change's to fix, so it must not block it.
	other, err := edit(files, disclosedIssue, "deployment:", "  - who: SUSE security team (yardmq maintenance)\n    at: 2026-06-06T15:00:00Z\n    by: greta-suse\ndeployment:")
	if err != nil {
		return nil, err
	}
	otherHead, err := commit(other, root, outsiderKey, "Greta Sommer", "greta@suse.example.org",
		"EMB-2026-0003: record that SUSE's yardmq maintainers were told\n", at(5))
	if err != nil {
		return nil, err
	}

	landed, err := buildLandings(s, files, root, keys, at)
	if err != nil {
		return nil, err
	}

	// A coordinator files a new report of a sealed list in plain text, then
	// seals it in a second commit: the plain text is in history already.
	plainHead, err := plainThenSealed(files, root, commit, now, at(3))
	if err != nil {
		return nil, err
	}

	// The two-person rule: one coordinator changes roles/ alone (refused); the
	// other coordinator signs an empty approval commit on top (accepted).
	roles, err := edit(files, "roles/coordinators.yaml", "coordinators: [", "coordinators: [dana-debian, ")
	if err == nil {
		// A coordinator's own record and keys take two signers too
		// (validate's access.rule checks the list against the coordinators).
		roles, err = edit(roles, "policy.yaml", "paths: [members/openwall.yaml, ", "paths: [members/openwall.yaml, members/debian.yaml, members/keys/"+handlerKey+".asc, ")
	}
	if err != nil {
		return nil, err
	}
	alone, err := commit(roles, root, coordinatorKey, "Mara Lindqvist", "mara@openwall.example.org",
		"Make dana-debian a coordinator, her record and key under the two-person rule\n", at(4))
	if err != nil {
		return nil, err
	}
	approved, err := commit(roles, alone, secondCoordKey, "Tomas Okafor", "tomas@openwall.example.org",
		"Approve roles/coordinators.yaml: dana-debian as coordinator\n", at(3))
	if err != nil {
		return nil, err
	}

	for name, h := range map[string]plumbing.Hash{"main": root, "pr/update-informed": goodHead, "pr/stretch-embargo": badHead, "pr/disclosed-informed": otherHead, LandedBranch: landed,
		"pr/new-coordinator": alone, "pr/new-coordinator-approved": approved, "pr/plain-then-sealed": plainHead} {
		if err := s.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(name), h)); err != nil {
			return nil, err
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("main"), Force: true}); err != nil {
		return nil, err
	}
	later := now.Add(Later)
	return &Result{Dir: dir, Main: root, PRs: []PullRequest{
		{Branch: "pr/update-informed", Title: "dana-debian, the issue's handler, records who was told (allowed)", Base: root, Head: goodHead, Now: now, Accept: true},
		{Branch: "pr/stretch-embargo", Title: "greta-suse stretches the embargo past 14 days and makes herself coordinator (refused)", Base: root, Head: badHead, Now: now},
		{Branch: "pr/disclosed-informed", Title: "a week later EMB-2026-0004 is overdue; greta-suse records who she told of the disclosed EMB-2026-0003 (allowed: the late record is not this change's)", Base: root, Head: otherHead, Now: later, Accept: true},
		{Branch: "pr/plain-then-sealed", Title: "mara-openwall files EMB-2026-0008 in plain text and seals it in a second commit (refused: the plain text is in history)", Base: root, Head: plainHead, Now: now},
		{Branch: "pr/update-informed", Title: "the same week later, a change to the overdue EMB-2026-0004 itself (refused until it is disclosed or extended)", Base: root, Head: goodHead, Now: later},
		{Branch: "pr/new-coordinator", Title: "mara-openwall alone makes dana-debian a coordinator (refused: roles/ needs two coordinators)", Base: root, Head: alone, Now: now},
		{Branch: "pr/new-coordinator-approved", Title: "the same, with tomas-openwall's signed approval commit on top (accepted)", Base: root, Head: approved, Now: now, Accept: true},
	}}, nil
}

// exampleFiles reads the example's data files (not the tool's source).
func exampleFiles(dir string) (map[string][]byte, error) {
	src := source.Dir{Root: dir}
	entries, err := src.List("policy.yaml", "roles", "members", "issues")
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s holds no example group (policy.yaml, roles/, members/, issues/); run the demo from the top of the embargo repository, or give --repo the folder of its clone", dir)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !e.Regular {
			continue
		}
		if files[e.Path], err = src.Read(e.Path); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// edit returns a copy of files with one text replacement in one file.
func edit(files map[string][]byte, file, old, new string) (map[string][]byte, error) {
	text := string(files[file])
	if !strings.Contains(text, old) {
		return nil, fmt.Errorf("demo: %s no longer contains %q; update tools/internal/demo", file, old)
	}
	out := make(map[string][]byte, len(files))
	for k, v := range files {
		out[k] = v
	}
	out[file] = []byte(strings.Replace(text, old, new, 1))
	return out, nil
}
