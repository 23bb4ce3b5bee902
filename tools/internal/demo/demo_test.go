package demo

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/seal"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

var demoNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// TestDemoHistoryHoldsNoSealedText is row 32 of docs/threat-model.md on the
// demo: every object of the demo repository — every commit, tree and blob of
// every branch, the refused pull requests included — is read by git itself,
// and none holds a private string of the sealed record, in any version the
// demo commits. The strings come from the record's plaintext, decrypted with
// its handler's TEST key: the values of its sealed fields that no other file
// of the repository shows.
func TestDemoHistoryHoldsNoSealedText(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root := exampledata.Root(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if _, err := Build(root, dir, demoNow); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gitBin, append([]string{"-C", dir}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, stderr.Bytes())
		}
		return out
	}
	key, err := os.ReadFile(filepath.Join(root, "examples", "testkeys", handlerKey+".key"))
	if err != nil {
		t.Fatal(err)
	}
	dana, err := pgp.ReadSigner(key)
	if err != nil {
		t.Fatal(err)
	}

	// The public text: every file of main but the sealed record, and the
	// plain part of every version of it.
	var public bytes.Buffer
	for _, p := range strings.Fields(string(git("ls-tree", "-r", "--name-only", "main"))) {
		if p != SealedIssue {
			public.Write(git("show", "main:"+p))
		}
	}
	var candidates []string
	versions := 0
	for _, tip := range strings.Fields(string(git("for-each-ref", "--format=%(objectname)", "refs/heads"))) {
		record := git("show", tip+":"+SealedIssue)
		if !bytes.Contains(record, []byte("\nsealed: |")) {
			t.Fatalf("branch tip %s holds %s in plain text", tip, SealedIssue)
		}
		plain, err := seal.Open(SealedIssue, record, testKey{dana, demoNow})
		if err != nil {
			t.Fatal(err)
		}
		plainPart, private, err := seal.Split(SealedIssue, plain)
		if err != nil {
			t.Fatal(err)
		}
		public.Write(plainPart)
		doc, err := yamldoc.Parse(SealedIssue, private)
		if err != nil {
			t.Fatal(err)
		}
		candidates = append(candidates, leaves(doc.Value())...)
		versions++
	}
	var secrets []string
	for _, c := range candidates {
		if len(c) >= 6 && !bytes.Contains(public.Bytes(), []byte(c)) {
			secrets = append(secrets, c)
		}
	}
	if versions < 2 || len(secrets) < 10 {
		t.Fatalf("%d versions, %d private strings: the test would prove little (%q)", versions, len(secrets), secrets)
	}

	all := git("cat-file", "--batch-all-objects", "--batch")
	if n := bytes.Count(all, []byte(" blob ")); n < 50 {
		t.Fatalf("only %d blobs read", n)
	}
	for _, s := range secrets {
		if bytes.Contains(all, []byte(s)) {
			t.Errorf("an object of the demo repository holds %q of the sealed record", s)
		}
	}
	// The working tree too, and the plain text of the refused pull request
	// is there, in history, as the demo says.
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && !strings.Contains(p, string(filepath.Separator)+".git"+string(filepath.Separator)) {
			data, _ := os.ReadFile(p)
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s holds %q of the sealed record", p, s)
				}
			}
		}
		return nil
	})
	if !bytes.Contains(all, []byte("title: Heap overflow in the tallow image library")) {
		t.Error("the refused pull request's plain text is not in the repository: the scan would not see it")
	}
}

// leaves returns every string of a YAML value, and each line of the
// multi-line ones.
func leaves(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, strings.TrimSpace(x))
		for _, line := range strings.Split(x, "\n") {
			out = append(out, strings.TrimSpace(line))
		}
	case []any:
		for _, e := range x {
			out = append(out, leaves(e)...)
		}
	case map[string]any:
		for _, e := range x {
			out = append(out, leaves(e)...)
		}
	}
	return out
}
