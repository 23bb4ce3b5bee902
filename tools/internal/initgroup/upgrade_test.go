package initgroup_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/cli"
	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

const (
	fprMara  = "E3FF104586BC655B5C275DD20BAA8B33A8912437"
	fprTomas = "59E836661B35D313BF2EA12F4813675A72C482A5"
	now      = "--now=2026-11-20T12:00:00Z"
)

// git runs git in dir with a fixed identity and clock, and fails the test on error.
func git(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Mara Lindqvist", "GIT_AUTHOR_EMAIL=mara@openwall.example.org",
		"GIT_COMMITTER_NAME=Mara Lindqvist", "GIT_COMMITTER_EMAIL=mara@openwall.example.org",
		"GIT_AUTHOR_DATE=2026-11-20T10:00:00Z", "GIT_COMMITTER_DATE=2026-11-20T10:00:00Z", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func embargo(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, &out, &errb)
	return code, out.String() + errb.String()
}

// copyTool copies the files git tracks in the module (the template as it is
// now) into dst.
func copyTool(t *testing.T, dst string) {
	t.Helper()
	root := exampledata.Root(t)
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("the module is not a git checkout: %v", err)
	}
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if groupRecord(rel) {
			continue // in a group's own repository: its records are not the tool's
		}
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			continue // deleted in the working tree
		}
		fi, _ := os.Stat(filepath.Join(root, rel))
		p := filepath.Join(dst, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// groupRecord reports whether rel is one of a group's own records at the top
// of its repository (what init writes), which a template never holds.
func groupRecord(rel string) bool {
	switch {
	case rel == "policy.yaml", rel == ".github/CODEOWNERS":
		return true
	case strings.HasPrefix(rel, "roles/"), strings.HasPrefix(rel, "members/"), strings.HasPrefix(rel, "issues/"):
		return true
	}
	return false
}

// gpgHome makes a throwaway GnuPG home with the founders' TEST keys, for
// git commit -S; it skips when gpg is missing (unless EMBARGO_REQUIRE_GPG=1).
func gpgHome(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		if os.Getenv("EMBARGO_REQUIRE_GPG") == "1" {
			t.Fatal("gpg is required (EMBARGO_REQUIRE_GPG=1) but not installed")
		}
		t.Skip("gpg not installed")
	}
	home, err := os.MkdirTemp("", "gpg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run()
		os.RemoveAll(home)
	})
	for _, fpr := range []string{fprMara, fprTomas} {
		cmd := exec.Command("gpg", "--batch", "--quiet", "--import", filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gpg import: %v\n%s", err, out)
		}
	}
	return []string{"GNUPGHOME=" + home}
}

// TestUpgradeWithoutConflicts: template v1 → a fork → embargo init → the
// group adds records → template v2 (new tool, schema, docs, workflow and
// example files, one file dropped). A plain git merge of v2 has no conflict
// and leaves the group's records alone; tools/upgrade.sh gives the same tree
// as one signed change, which `embargo check` accepts under the group's own
// policy; the tool's files are then exactly v2's, so the tests, which read
// nothing else, run as they do in the template; the demo runs in the fork.
func TestUpgradeWithoutConflicts(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the repository and runs git")
	}
	gpg := gpgHome(t)
	work := t.TempDir()
	tmpl, group := filepath.Join(work, "template"), filepath.Join(work, "group")
	os.MkdirAll(tmpl, 0o755)
	copyTool(t, tmpl)
	for _, p := range []string{"policy.yaml", "roles", "members", "issues", ".github/CODEOWNERS"} {
		if _, err := os.Stat(filepath.Join(tmpl, p)); err == nil {
			t.Fatalf("the template holds %s, a group's record: forks would conflict on upgrade", p)
		}
	}
	git(t, tmpl, nil, "init", "-q", "-b", "main")
	git(t, tmpl, nil, "add", "-A")
	git(t, tmpl, nil, "commit", "-q", "-m", "template v1")
	git(t, work, nil, "clone", "-q", "-o", "template", tmpl, group)

	// The group starts: init, the founders' acceptances, a signed first commit.
	keys := filepath.Join(exampledata.Dir(t), "members", "keys")
	if code, out := embargo(t, "init", "--dir", group, "--group", "fork.example.org", "--name", "Fork lists", "--list", "linux-distros",
		"--member", "openwall", "--member-name", "Openwall", "--kind", "distro", "--contact", "security@openwall.example.org",
		"--founder", "mara-openwall="+filepath.Join(keys, fprMara+".asc"), "--founder", "tomas-openwall="+filepath.Join(keys, fprTomas+".asc"), now); code != 0 {
		t.Fatalf("init: %d\n%s", code, out)
	}
	for person, fpr := range map[string]string{"mara-openwall": fprMara, "tomas-openwall": fprTomas} {
		_, text := embargo(t, "statement", "acceptance", "--repo", group, "--person", person)
		data, _ := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
		s, err := pgp.ReadSigner(data)
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := s.SignDetached([]byte(text), time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
		file := filepath.Join(work, person+".asc")
		os.WriteFile(file, sig, 0o644)
		if code, out := embargo(t, "sign", "acceptance", "--repo", group, "--person", person, "--attach", file, now); code != 0 {
			t.Fatalf("sign: %d\n%s", code, out)
		}
	}
	sign := append([]string{}, gpg...)
	git(t, group, sign, "add", "-A")
	git(t, group, sign, "-c", "user.signingkey="+fprMara, "commit", "-q", "-S", "-m", "Found fork.example.org")
	founding := strings.TrimSpace(git(t, group, nil, "rev-parse", "HEAD"))

	// The group adds a record.
	if code, out := embargo(t, "new", "issue", "--repo", group, "--list", "linux-distros", "--title", "Heap overflow in frob", "--handler", "mara-openwall", now); code != 0 {
		t.Fatalf("new issue: %d\n%s", code, out)
	}
	git(t, group, sign, "add", "-A")
	git(t, group, sign, "-c", "user.signingkey="+fprMara, "commit", "-q", "-S", "-m", "EMB-2026-0001: new report")

	// Template v2 changes the tool's files of every kind, adds one and drops one.
	edit := func(rel, add string) {
		p := filepath.Join(tmpl, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p, append(data, add...), 0o644)
	}
	edit("tools/internal/finding/finding.go", "\n// v2 of the template\n")
	edit("schema/defs.schema.json", "\n")
	edit("docs/formats.md", "\nA line of template v2.\n")
	edit(".github/workflows/main.yml", "# v2\n")
	edit("examples/group/issues/2026/EMB-2026-0001.yaml", "# v2\n")
	os.WriteFile(filepath.Join(tmpl, "docs", "guides", "new-in-v2.md"), []byte("# New in v2\n"), 0o644)
	git(t, tmpl, nil, "rm", "-q", "BENCHMARKS.md")
	git(t, tmpl, nil, "add", "-A")
	git(t, tmpl, nil, "commit", "-q", "-m", "template v2")
	git(t, group, nil, "fetch", "-q", "template")
	v2 := strings.TrimSpace(git(t, group, nil, "rev-parse", "template/main"))

	// A plain merge has no conflict, and the group's records are untouched.
	git(t, group, nil, "checkout", "-q", "-b", "merged")
	git(t, group, nil, "merge", "-q", "--no-edit", "template/main")
	sameAsTemplate(t, group, "merged", v2)

	// The signed upgrade: one change by a coordinator, the same tree.
	git(t, group, nil, "checkout", "-q", "main")
	cmd := exec.Command("bash", filepath.Join(group, "tools", "upgrade.sh"), "template/main")
	cmd.Dir = group
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tools/upgrade.sh: %v\n%s", err, out)
	}
	git(t, group, sign, "-c", "user.signingkey="+fprMara, "commit", "-q", "-S", "-m", "Upgrade embargo to template v2")
	sameAsTemplate(t, group, "main", v2)
	// The tool's files are under the two-person rule init writes: the other
	// founder approves the upgrade.
	git(t, group, sign, "-c", "user.signingkey="+fprTomas, "commit", "-q", "-S", "--allow-empty", "-m", "Approve the upgrade to template v2")
	if a, b := git(t, group, nil, "rev-parse", "main^{tree}"), git(t, group, nil, "rev-parse", "merged^{tree}"); a != b {
		t.Errorf("upgrade.sh and git merge give different trees: %s vs %s", a, b)
	}
	// gpg signs at the wall clock, so the commits are checked at it too.
	if code, out := embargo(t, "check", "--repo", group, "--base", founding, "--head", "main"); code != 0 {
		t.Errorf("check of the group's changes and the upgrade: exit %d\n%s", code, out)
	}
	if code, out := embargo(t, "validate", "--repo", group, "--rev", "main"); code != 0 {
		t.Errorf("validate after the upgrade: exit %d\n%s", code, out)
	}
	if code, out := embargo(t, "demo", "--repo", group, "--dir", filepath.Join(work, "demo"), now, "--out", filepath.Join(work, "public")); code != 0 {
		t.Errorf("demo in the upgraded fork: exit %d\n%s", code, out)
	}
}

// sameAsTemplate: at rev, every path but the group's records is exactly
// the template's v2, and the group's records are there.
func sameAsTemplate(t *testing.T, group, rev, v2 string) {
	t.Helper()
	diff := git(t, group, nil, "diff", "--name-status", v2, rev, "--", ".",
		":(exclude)policy.yaml", ":(exclude)roles", ":(exclude)members", ":(exclude)issues", ":(exclude).github/CODEOWNERS")
	if strings.TrimSpace(diff) != "" {
		t.Errorf("%s: the tool's files differ from template v2:\n%s", rev, diff)
	}
	for _, p := range []string{"policy.yaml", "members/openwall.yaml", "issues/2026/EMB-2026-0001.yaml", ".github/CODEOWNERS"} {
		git(t, group, nil, "cat-file", "-e", rev+":"+p)
	}
	if _, err := exec.Command("git", "-C", group, "cat-file", "-e", rev+":BENCHMARKS.md").Output(); err == nil {
		t.Errorf("%s: BENCHMARKS.md, dropped by v2, is still there", rev)
	}
}

// TestPreCommitHookReusesBuild: in a group's fork the pre-commit hook builds
// the checker once; a later commit that changes only records reuses it (the
// issue's budget is half a second a commit; the time is logged, the reuse is
// what the test holds), and a change to the tool's source builds it again.
func TestPreCommitHookReusesBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the repository and builds the checker")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	dir := filepath.Join(t.TempDir(), "group")
	os.MkdirAll(dir, 0o755)
	copyTool(t, dir)
	git(t, dir, nil, "init", "-q", "-b", "main")
	git(t, dir, nil, "config", "core.hooksPath", "tools/hooks")
	keys := filepath.Join(exampledata.Dir(t), "members", "keys")
	if code, out := embargo(t, "init", "--dir", dir, "--group", "fork.example.org", "--name", "Fork lists", "--list", "linux-distros",
		"--member", "openwall", "--member-name", "Openwall", "--kind", "distro", "--contact", "security@openwall.example.org",
		"--founder", "mara-openwall="+filepath.Join(keys, fprMara+".asc"), now); code != 0 {
		t.Fatalf("init: %d\n%s", code, out)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "GOFLAGS=" + os.Getenv("GOFLAGS"), "GOCACHE=" + goEnv(t, "GOCACHE"), "GOMODCACHE=" + goEnv(t, "GOMODCACHE"), "GOPATH=" + goEnv(t, "GOPATH")}
	cache := filepath.Join(dir, ".git", "embargo-hook")
	commit := func(msg string) time.Duration {
		git(t, dir, env, "add", "-A")
		start := time.Now()
		// The founder has not signed yet, so validate fails and the hook
		// refuses the commit: what is measured is the hook's run.
		cmd := exec.Command("git", "commit", "-q", "-m", msg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "HOME="+dir, "GIT_AUTHOR_NAME=M", "GIT_AUTHOR_EMAIL=m@example.org", "GIT_COMMITTER_NAME=M", "GIT_COMMITTER_EMAIL=m@example.org")...)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "member.acceptance") {
			t.Errorf("the hook did not run validate:\n%s", out)
		}
		return time.Since(start)
	}
	builds := func() []string {
		m, _ := filepath.Glob(filepath.Join(cache, "embargo-*"))
		return m
	}
	first := commit("first")
	b1 := builds()
	if len(b1) != 1 {
		t.Fatalf("after the first commit the hook keeps %d builds, want 1", len(b1))
	}
	fi1, _ := os.Stat(b1[0])
	os.WriteFile(filepath.Join(dir, "roles", "tasks.yaml"), []byte("# tasks\ntasks: []\n"), 0o644)
	second := commit("records only")
	b2 := builds()
	if len(b2) != 1 || b2[0] != b1[0] {
		t.Fatalf("a records-only commit rebuilt the checker: %v then %v", b1, b2)
	}
	if fi2, _ := os.Stat(b2[0]); !fi2.ModTime().Equal(fi1.ModTime()) {
		t.Error("the cached checker was rewritten")
	}
	t.Logf("pre-commit hook: first commit %v (builds), records-only commit %v (reuses)", first, second)
	p := filepath.Join(dir, "tools", "internal", "finding", "finding.go")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, append(data, "\n// changed\n"...), 0o644)
	commit("tool change")
	if b3 := builds(); len(b3) != 1 || b3[0] == b1[0] {
		t.Errorf("a change to the tool's source did not build again: %v", b3)
	}
}

func goEnv(t *testing.T, name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Skipf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
