package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/gitsign"
	"github.com/embargo-tool/embargo/tools/internal/gittree"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
)

// TestMain lets the test binary stand in for the embargo command, so git can
// run it as a hook: EMBARGO_TEST_AS_CLI=1 <test binary> pre-receive ...
func TestMain(m *testing.M) {
	if os.Getenv("EMBARGO_TEST_AS_CLI") == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// Example people, by their test keys (examples/testkeys).
const (
	maraKey  = "E3FF104586BC655B5C275DD20BAA8B33A8912437" // coordinator
	danaKey  = "F34780682F10345BC720C9114288E35D0F0140B0" // handler of EMB-2026-0004
	gretaKey = "34B7BBC4B6B1CD29CDC7FAD29CD0BC2C5BB0E317" // member, on no team
	issue4   = "issues/2026/EMB-2026-0004.yaml"
	hookNow  = "2026-11-20T12:00:00Z"
)

// pushClient is a clone of the server in which the test writes signed
// commits object by object and pushes them with the real git.
type pushClient struct {
	t       *testing.T
	dir     string
	server  string
	repo    *git.Repository
	signers map[string]*pgp.Signer
	clock   time.Time
}

func (c *pushClient) git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+c.dir, "LC_ALL=C",
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *pushClient) mustGit(args ...string) string {
	c.t.Helper()
	out, err := c.git(args...)
	if err != nil {
		c.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// serverRef is what the server's ref points at now ("" when it does not exist).
func (c *pushClient) serverRef(ref string) string {
	out, err := c.git("--git-dir", c.server, "rev-parse", "--verify", "--quiet", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func (c *pushClient) signer(fpr string) *pgp.Signer {
	c.t.Helper()
	if s, ok := c.signers[fpr]; ok {
		return s
	}
	data, err := os.ReadFile(filepath.Join(exampledata.Root(c.t), "examples", "testkeys", fpr+".key"))
	if err != nil {
		c.t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		c.t.Fatal(err)
	}
	c.signers[fpr] = s
	return s
}

// files returns every file of commit h.
func (c *pushClient) files(h plumbing.Hash) map[string][]byte {
	c.t.Helper()
	tree, err := source.CommitTree(gittree.New(c.repo.Storer), h)
	if err != nil {
		c.t.Fatal(err)
	}
	fs, err := tree.Trees.Files(tree.Root, "")
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range fs {
		if out[f.Path], err = tree.Read(f.Path); err != nil {
			c.t.Fatal(err)
		}
	}
	return out
}

// commit writes a commit on parent with edits applied (nil content deletes),
// signed by s (nil: unsigned).
func (c *pushClient) commit(parent plumbing.Hash, s *pgp.Signer, edits map[string]string, msg string) plumbing.Hash {
	c.t.Helper()
	fs := c.files(parent)
	for p, content := range edits {
		fs[p] = []byte(content)
	}
	tree, err := gitsign.WriteTree(c.repo.Storer, fs)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.write(tree, []plumbing.Hash{parent}, s, msg)
}

func (c *pushClient) write(tree plumbing.Hash, parents []plumbing.Hash, s *pgp.Signer, msg string) plumbing.Hash {
	c.t.Helper()
	c.clock = c.clock.Add(time.Minute)
	h, err := gitsign.Write(c.repo.Storer, gitsign.Commit{Tree: tree, Parents: parents, Name: "T", Email: "t@example.com", When: c.clock, Message: msg + "\n", Signer: s})
	if err != nil {
		c.t.Fatal(err)
	}
	return h
}

// merge writes the clean merge of two commits (git merge-tree), signed by s.
func (c *pushClient) merge(ours, theirs plumbing.Hash, s *pgp.Signer) plumbing.Hash {
	c.t.Helper()
	tree := c.mustGit("merge-tree", "--write-tree", ours.String(), theirs.String())
	return c.write(plumbing.NewHash(tree), []plumbing.Hash{ours, theirs}, s, "Merge")
}

// edit returns file p of commit h with old replaced by new.
func (c *pushClient) edit(h plumbing.Hash, p, old, new string) string {
	c.t.Helper()
	text := string(c.files(h)[p])
	if !strings.Contains(text, old) {
		c.t.Fatalf("%s lacks %q", p, old)
	}
	return strings.Replace(text, old, new, 1)
}

// push pushes refspec to the server and returns git's output and whether it
// was accepted.
func (c *pushClient) push(refspec string) (string, bool) {
	c.t.Helper()
	out, err := c.git("push", "origin", refspec)
	return out, err == nil
}

// newServer makes a bare repository holding the demo's signed main, with
// the pre-receive hook installed as a server administrator would, and a
// client clone of it.
func newServer(t *testing.T, hookArgs ...string) *pushClient {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	work := t.TempDir()
	code, stdout, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", filepath.Join(work, "demo"), "--now", hookNow, "--out", filepath.Join(work, "public"))
	if code != ExitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, stdout, stderr)
	}
	c := &pushClient{t: t, dir: filepath.Join(work, "client"), server: filepath.Join(work, "server.git"),
		signers: map[string]*pgp.Signer{}, clock: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	if out, err := exec.Command("git", "clone", "-q", "--bare", "--branch", "main", filepath.Join(work, "demo"), c.server).CombinedOutput(); err != nil {
		t.Fatalf("clone --bare: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	hook := fmt.Sprintf("#!/bin/sh\nEMBARGO_TEST_AS_CLI=1 exec '%s' pre-receive --now %s %s\n", self, hookNow, strings.Join(hookArgs, " "))
	if err := os.WriteFile(filepath.Join(c.server, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "clone", "-q", c.server, c.dir).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	if c.repo, err = git.PlainOpen(c.dir); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPreReceive pushes with the real git into a bare repository whose
// pre-receive hook is embargo: each refused push leaves the ref unchanged
// and shows the finding to the pusher.
func TestPreReceive(t *testing.T) {
	c := newServer(t)
	main := plumbing.NewHash(c.serverRef("refs/heads/main"))
	mara, dana, greta := c.signer(maraKey), c.signer(danaKey), c.signer(gretaKey)
	newKey, err := pgp.NewSigner(pgp.AlgoEd25519, "Dana TEST KEY 2", "dana2@example.org", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// addKey: mara adds dana's new key on parent.
	addKey := func(parent plumbing.Hash) plumbing.Hash {
		pub, err := newKey.PublicArmored()
		if err != nil {
			t.Fatal(err)
		}
		mf := c.edit(parent, "members/debian.yaml", danaKey, danaKey+", "+newKey.Fingerprint())
		return c.commit(parent, mara, map[string]string{"members/debian.yaml": mf, "members/keys/" + newKey.Fingerprint() + ".asc": string(pub)}, "Add a key of dana-debian")
	}
	note := func(parent plumbing.Hash, s *pgp.Signer, text string) plumbing.Hash {
		return c.commit(parent, s, map[string]string{issue4: string(c.files(parent)[issue4]) + "# " + text + "\n"}, "EMB-2026-0004: "+text)
	}

	refused := []struct {
		name, refspec, want string
		make                func() plumbing.Hash
	}{
		{"an unsigned commit", "%s:refs/heads/main", "sig.missing", func() plumbing.Hash { return note(main, nil, "unsigned") }},
		{"an unauthorized path", "%s:refs/heads/main", "sig.unauthorized", func() plumbing.Hash {
			return c.commit(main, greta, map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, greta-suse]\n"}, "coup")
		}},
		{"a key added and used in one push", "%s:refs/heads/main", "sig.unknown-key", func() plumbing.Hash { return note(addKey(main), newKey, "new key") }},
		{"the malformed-tree merge", "%s:refs/heads/main", "sig.noncanonical", func() plumbing.Hash {
			e := c.write(c.mustTree(main), []plumbing.Hash{main}, dana, "empty")
			return c.write(c.duplicateEntryTree(main, "policy.yaml"), []plumbing.Hash{e, main}, dana, "Merge")
		}},
		{"one coordinator alone changes roles/ (two-person rule)", "%s:refs/heads/main", "sig.threshold", func() plumbing.Hash {
			return c.commit(main, mara, map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, dana-debian]\n"}, "dana too")
		}},
		{"a new report of a sealed list in plain text", "%s:refs/heads/main", "sealed.required", func() plumbing.Hash {
			return c.commit(main, dana, map[string]string{"issues/2026/EMB-2026-0009.yaml": plainReport}, "EMB-2026-0009: new report")
		}},
		{"a branch of a member judged as a pull request", "%s:refs/heads/pr/greta", "sig.unauthorized", func() plumbing.Hash {
			return c.commit(main, greta, map[string]string{"policy.yaml": string(c.files(main)["policy.yaml"]) + "# greta\n"}, "policy")
		}},
	}
	for _, r := range refused {
		t.Run("refused: "+r.name, func(t *testing.T) {
			c.t = t
			before := c.serverRef("refs/heads/main")
			h := r.make()
			out, ok := c.push(fmt.Sprintf(r.refspec, h))
			if ok {
				t.Fatalf("push accepted:\n%s", out)
			}
			if !strings.Contains(out, "remote: ") || !strings.Contains(out, r.want) || !strings.Contains(out, "pre-receive hook declined") {
				t.Fatalf("the pusher does not see %s:\n%s", r.want, out)
			}
			if got := c.serverRef("refs/heads/main"); got != before {
				t.Fatalf("main moved from %s to %s", before, got)
			}
		})
	}

	t.Run("accepted: a signed authorized change", func(t *testing.T) {
		c.t = t
		h := note(main, dana, "told the packagers")
		if out, ok := c.push(h.String() + ":refs/heads/main"); !ok {
			t.Fatalf("push refused:\n%s", out)
		}
		if got := c.serverRef("refs/heads/main"); got != h.String() {
			t.Fatalf("main is %s, want %s", got, h)
		}
		main = h
	})
	t.Run("accepted: two merged pull requests, a key added and then used", func(t *testing.T) {
		c.t = t
		m1 := c.merge(main, addKey(main), mara)
		m2 := c.merge(m1, note(m1, newKey, "with the new key"), mara)
		if out, ok := c.push(m2.String() + ":refs/heads/main"); !ok {
			t.Fatalf("push refused:\n%s", out)
		}
		main = m2
	})
	t.Run("accepted: a roles change approved by a second coordinator", func(t *testing.T) {
		c.t = t
		change := c.commit(main, mara, map[string]string{"roles/coordinators.yaml": "coordinators: [mara-openwall, tomas-openwall, dana-debian]\n"}, "dana too")
		approval := c.write(c.mustTree(change), []plumbing.Hash{change}, c.signer("59E836661B35D313BF2EA12F4813675A72C482A5"), "Approve roles change")
		if out, ok := c.push(approval.String() + ":refs/heads/main"); !ok {
			t.Fatalf("push refused:\n%s", out)
		}
		main = approval
	})
	t.Run("accepted: a member's branch with a change the member may make", func(t *testing.T) {
		c.t = t
		h := note(main, dana, "branch")
		if out, ok := c.push(h.String() + ":refs/heads/pr/dana"); !ok {
			t.Fatalf("push refused:\n%s", out)
		}
	})
	t.Run("refused: a force push", func(t *testing.T) {
		c.t = t
		h := note(plumbing.NewHash(c.mustGit("rev-parse", main.String()+"^1")), dana, "rewrite")
		out, ok := c.push("+" + h.String() + ":refs/heads/main")
		if ok || !strings.Contains(out, "history was rewritten") {
			t.Fatalf("force push: accepted=%v\n%s", ok, out)
		}
		if got := c.serverRef("refs/heads/main"); got != main.String() {
			t.Fatalf("main moved to %s", got)
		}
	})
	t.Run("refused: deleting main", func(t *testing.T) {
		c.t = t
		out, ok := c.push(":refs/heads/main")
		if ok || !strings.Contains(out, "deleting a protected branch is refused") {
			t.Fatalf("deletion: accepted=%v\n%s", ok, out)
		}
		if got := c.serverRef("refs/heads/main"); got != main.String() {
			t.Fatalf("main is %q", got)
		}
	})
}

// mustTree is the tree of commit h.
func (c *pushClient) mustTree(h plumbing.Hash) plumbing.Hash {
	return plumbing.NewHash(c.mustGit("rev-parse", h.String()+"^{tree}"))
}

// duplicateEntryTree writes the root tree of h with entry name listed twice.
func (c *pushClient) duplicateEntryTree(h plumbing.Hash, name string) plumbing.Hash {
	c.t.Helper()
	raw := c.mustGit("cat-file", "-p", h.String()+"^{tree}")
	var b strings.Builder
	for _, line := range strings.Split(raw, "\n") {
		meta, entry, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		mode := strings.TrimLeft(f[0], "0")
		id := plumbing.NewHash(f[2])
		for range 1 + boolInt(entry == name) {
			b.WriteString(mode + " " + entry + "\x00" + string(id[:]))
		}
	}
	cmd := exec.Command("git", "hash-object", "-w", "-t", "tree", "--literally", "--stdin")
	cmd.Dir = c.dir
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("hash-object: %v\n%s", err, out)
	}
	return plumbing.NewHash(strings.TrimSpace(string(out)))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The hook fails closed on input it does not understand and on bad flags.
func TestPreReceiveUsage(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"garbage input", "hello\n", nil, "unexpected input line"},
		{"short id", "abc def refs/heads/main\n", nil, "unexpected input line"},
		{"ref outside refs/", strings.Repeat("0", 40) + " " + strings.Repeat("1", 40) + " HEAD\n", nil, "unexpected input line"},
		{"bad other-refs", "", []string{"--other-refs", "maybe"}, `unknown --other-refs "maybe"`},
		{"empty protect", "", []string{"--protect", ","}, "--protect is empty"},
		{"short protect", "", []string{"--protect", "main"}, "not a full ref name"},
		{"not a repository", strings.Repeat("0", 40) + " " + strings.Repeat("1", 40) + " refs/heads/main\n", []string{"--repo", t.TempDir()}, "refusing the push"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb strings.Builder
			code := RunWithInput(context.Background(), append([]string{"pre-receive"}, c.args...), strings.NewReader(c.stdin), &out, &errb)
			if code != ExitUsage || !strings.Contains(errb.String(), c.want) {
				t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
			}
		})
	}
}

// plainReport is a new embargoed record of the sealed list linux-distros,
// in plain text, by the handler it names.
const plainReport = `id: EMB-2026-0009
list: linux-distros
status: embargoed
title: Heap overflow in the tallow image library's TIFF strip decoder
severity: medium
tlp: TLP:AMBER+STRICT
reporter:
  name: Jo Falk
  email: jo@falk.example.net
  credit_consent: false
handler: dana-debian
response_team: [dana-debian]
dates:
  reported: 2026-11-19T08:15:00Z
  notified: 2026-11-19T15:00:00Z
  proposed: 2026-11-24T14:00:00Z
  disclosure: 2026-11-24T14:00:00Z
cves: [CVE-2026-91331]
`

// TestPreReceiveFirstPush: the first push into an empty server holds main and
// its tag; with the founders' --trust the history is audited and the tag is
// judged against the main the same push creates.
func TestPreReceiveFirstPush(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	work := t.TempDir()
	demoDir, server := filepath.Join(work, "demo"), filepath.Join(work, "server.git")
	if code, stdout, stderr := run("demo", "--repo", exampledata.Root(t), "--dir", demoDir, "--now", hookNow, "--out", filepath.Join(work, "public")); code != ExitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, stdout, stderr)
	}
	if out, err := exec.Command("git", "init", "-q", "--bare", server).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	hook := fmt.Sprintf("#!/bin/sh\nEMBARGO_TEST_AS_CLI=1 exec '%s' pre-receive --now %s --trust %s\n", self, hookNow, maraKey)
	if err := os.WriteFile(filepath.Join(server, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &pushClient{t: t, dir: demoDir}
	c.mustGit("tag", "embargo-verified", "main")
	c.mustGit("remote", "add", "server", server)
	if out, err := c.git("push", "server", "main", "embargo-verified"); err != nil {
		t.Fatalf("first push of main and its tag: %v\n%s", err, out)
	}
	if out, err := c.git("push", "server", "pr/stretch-embargo:refs/heads/main"); err == nil {
		t.Fatalf("an unauthorized push after the first: accepted\n%s", out)
	}
}
