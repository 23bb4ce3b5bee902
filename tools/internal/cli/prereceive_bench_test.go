package cli

import (
	"bytes"
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
	"github.com/embargo-tool/embargo/tools/internal/pgp"
)

// benchHistory is the length of the history the hook benchmark pushes onto.
const benchHistory = 50_000

// BenchmarkPreReceive measures the hook's own time for a 10-commit push to a
// repository with 50,000 commits of history, and beside it, in the same run,
// git receive-pack taking the same push without the hook.
func BenchmarkPreReceive(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git not on PATH")
	}
	s := newBenchServer(b)
	b.Run("hook", func(b *testing.B) {
		stdin := s.old.String() + " " + s.new.String() + " refs/heads/main\n"
		for b.Loop() {
			var out, errb bytes.Buffer
			code := RunWithInput(context.Background(), []string{"pre-receive", "--repo", s.server, "--now", hookNow}, strings.NewReader(stdin), &out, &errb)
			if code != ExitOK {
				b.Fatalf("hook refused the push: %d\n%s%s", code, out.String(), errb.String())
			}
		}
	})
	b.Run("receive-pack-without-hook", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s.git(b, s.plain, "update-ref", "refs/heads/main", s.old.String())
			b.StartTimer()
			s.git(b, s.client, "push", "-q", s.plain, s.new.String()+":refs/heads/main")
		}
	})
}

type benchServer struct {
	server, plain, client string // bare with the objects, bare to push to, the pushing clone
	old, new              plumbing.Hash
}

func (s *benchServer) git(b *testing.B, dir string, args ...string) string {
	b.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// newBenchServer writes the example group's signed root commit, then
// benchHistory unsigned commits of history (git fast-import: the history
// before the base is not judged), then ten commits by the handler of
// EMB-2026-0004 on top, each signed.
func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	work := b.TempDir()
	s := &benchServer{client: filepath.Join(work, "client"), server: filepath.Join(work, "server.git"), plain: filepath.Join(work, "plain.git")}
	code, stdout, stderr := run("demo", "--repo", exampledata.Root(b), "--dir", s.client, "--now", hookNow, "--out", filepath.Join(work, "public"))
	if code != ExitOK {
		b.Fatalf("demo: %d\n%s%s", code, stdout, stderr)
	}
	root := s.git(b, s.client, "rev-parse", "main")
	var stream bytes.Buffer
	for i := 1; i <= benchHistory; i++ {
		from := fmt.Sprintf(":%d", i-1)
		if i == 1 {
			from = root
		}
		fmt.Fprintf(&stream, "commit refs/heads/main\nmark :%d\ncommitter H <h@example.org> %d +0000\ndata 0\nfrom %s\nM 100644 inline docs/history.txt\ndata %d\n%d\n\n",
			i, 1700000000+i, from, len(fmt.Sprint(i))+1, i)
	}
	cmd := exec.Command("git", "fast-import", "--quiet", "--force")
	cmd.Dir = s.client
	cmd.Stdin = &stream
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("fast-import: %v\n%s", err, out)
	}
	s.old = plumbing.NewHash(s.git(b, s.client, "rev-parse", "main"))

	repo, err := git.PlainOpen(s.client)
	if err != nil {
		b.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(exampledata.Root(b), "examples", "testkeys", danaKey+".key"))
	if err != nil {
		b.Fatal(err)
	}
	dana, err := pgp.ReadSigner(key)
	if err != nil {
		b.Fatal(err)
	}
	issue := s.git(b, s.client, "show", "main:"+issue4) + "\n"
	tip := s.old
	for i := range 10 {
		tree := s.git(b, s.client, "rev-parse", tip.String()+"^{tree}")
		blob, err := gitsignBlob(repo, issue+fmt.Sprintf("# note %d\n", i))
		if err != nil {
			b.Fatal(err)
		}
		newTree := s.replaceInTree(b, tree, issue4, blob)
		tip, err = gitsign.Write(repo.Storer, gitsign.Commit{Tree: newTree, Parents: []plumbing.Hash{tip}, Name: "Dana", Email: "dana@example.org",
			When: time.Date(2026, 11, 20, 10, i, 0, 0, time.UTC), Message: "note\n", Signer: dana})
		if err != nil {
			b.Fatal(err)
		}
	}
	s.new = tip
	s.git(b, s.client, "update-ref", "refs/heads/bench-push", s.new.String())
	// The server holds everything in one pack, as a served repository does;
	// the plain one gets main only, and each iteration pushes the ten commits.
	s.git(b, work, "clone", "-q", "--bare", "--no-local", s.client, s.server)
	s.git(b, s.server, "repack", "-a", "-d", "-q")
	s.git(b, work, "clone", "-q", "--bare", "--no-local", "--branch", "main", s.client, s.plain)
	return s
}

// replaceInTree writes tree with the file at p set to blob, using git mktree
// folder by folder.
func (s *benchServer) replaceInTree(b *testing.B, tree, p string, blob plumbing.Hash) plumbing.Hash {
	b.Helper()
	first, rest, nested := strings.Cut(p, "/")
	var lines []string
	for _, l := range strings.Split(s.git(b, s.client, "ls-tree", tree), "\n") {
		meta, name, _ := strings.Cut(l, "\t")
		if name == first {
			f := strings.Fields(meta)
			if nested {
				f[2] = s.replaceInTree(b, f[2], rest, blob).String()
			} else {
				f[2] = blob.String()
			}
			meta = strings.Join(f, " ")
		}
		lines = append(lines, meta+"\t"+name)
	}
	cmd := exec.Command("git", "mktree")
	cmd.Dir = s.client
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("mktree: %v\n%s", err, out)
	}
	return plumbing.NewHash(strings.TrimSpace(string(out)))
}

func gitsignBlob(repo *git.Repository, content string) (plumbing.Hash, error) {
	obj := repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.Storer.SetEncodedObject(obj)
}
