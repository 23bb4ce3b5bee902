package gitpack

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildHistory makes a repository whose files change a little in each of
// many commits, so that git packs most trees and blobs as deltas.
func buildHistory(t *testing.T, commits int) string {
	needGit(t)
	dir := t.TempDir()
	git(t, dir, "", "init", "-q", "-b", "main")
	var lines []string
	for i := 0; i < commits; i++ {
		lines = append(lines, fmt.Sprintf("line %d of a file that grows by one line per commit", i))
		body := strings.Join(lines, "\n") + "\n"
		for _, name := range []string{"a/grow.txt", fmt.Sprintf("b/file%02d.txt", i%7)} {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		git(t, dir, "", "add", "-A")
		git(t, dir, "", "commit", "-q", "-m", fmt.Sprintf("commit %d", i))
	}
	return dir
}

// catAll returns every object in the repository as git reads it.
func catAll(t *testing.T, dir string) map[[hashLen]byte]struct {
	typ  string
	data []byte
} {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	all := map[[hashLen]byte]struct {
		typ  string
		data []byte
	}{}
	r := bufio.NewReader(out)
	for {
		var idHex, typ string
		var size int
		if _, err := fmt.Fscanf(r, "%s %s %d\n", &idHex, &typ, &size); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, size+1) // and its newline
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatal(err)
		}
		var id [hashLen]byte
		hex.Decode(id[:], []byte(idHex))
		all[id] = struct {
			typ  string
			data []byte
		}{typ, data[:size]}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestReadsWhatGitReads reads every object of real repositories, packed by
// git in each layout this reader must handle, and compares it with git's.
func TestReadsWhatGitReads(t *testing.T) {
	layouts := []struct {
		name      string
		repack    [][]string
		deltaType byte
		packs     int
	}{
		{"offset deltas", [][]string{{"repack", "-a", "-d", "-f", "--depth=50", "--window=50"}}, typeOfsDelta, 1},
		{"ref deltas", [][]string{{"-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f"}}, typeRefDelta, 1},
		{"two packs", [][]string{{"repack", "-a", "-d"}, {"commit", "-q", "--allow-empty", "-m", "later"}, {"repack", "-d"}}, typeOfsDelta, 2},
		{"index version 1", [][]string{{"-c", "pack.indexVersion=1", "repack", "-a", "-d", "-f"}}, typeOfsDelta, 1},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			dir := buildHistory(t, 60)
			for _, args := range l.repack {
				git(t, dir, "", args...)
			}
			want := catAll(t, dir)
			s := openStore(t, filepath.Join(dir, ".git", "objects"))
			if strings.Contains(l.name, "version 1") && s.packs[0].idx.idStride != v1RecordLen {
				t.Fatal("git wrote a version 2 index: the test reads no version 1 index")
			}
			deltas := 0
			for id, w := range want {
				typ, data, err := s.Read(id)
				if err != nil {
					t.Fatalf("%x: %v", id, err)
				}
				if typ.String() != w.typ || string(data) != string(w.data) {
					t.Fatalf("%x: read %s of %d bytes, git reads %s of %d bytes", id, typ, len(data), w.typ, len(w.data))
				}
			}
			for _, p := range s.packs {
				for i := 0; i < p.idx.count; i++ {
					off, _ := p.idx.offset(i)
					if e, _ := p.entryAt(off); e.typ == l.deltaType {
						deltas++
					}
				}
			}
			if deltas == 0 {
				t.Fatalf("git packed no delta of type %d: the test reads no such chain", l.deltaType)
			}
			if len(s.packs) != l.packs {
				t.Fatalf("%d packs, want %d", len(s.packs), l.packs)
			}
		})
	}
}

func TestLooseAndMissingObjectsAreNotFound(t *testing.T) {
	dir := buildHistory(t, 2) // loose objects only
	s := openStore(t, filepath.Join(dir, ".git", "objects"))
	if len(s.packs) != 0 {
		t.Fatalf("%d packs in a repository that has none", len(s.packs))
	}
	for id := range catAll(t, dir) {
		if _, _, err := s.Read(id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("loose object %x: %v, want ErrNotFound", id, err)
		}
	}
	git(t, dir, "", "repack", "-a", "-d")
	s = openStore(t, filepath.Join(dir, ".git", "objects"))
	if _, _, err := s.Read([hashLen]byte{1, 2, 3}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing object: %v, want ErrNotFound", err)
	}
}

// BenchmarkRead reads every object of a repository packed by git, as
// verify does: trees and blobs mostly as deltas, through the object cache.
func BenchmarkRead(b *testing.B) {
	needGit(b)
	dir := b.TempDir()
	git(b, dir, "", "init", "-q", "-b", "main")
	for i := 0; i < 200; i++ {
		p := filepath.Join(dir, fmt.Sprintf("f%d.txt", i%10))
		if err := os.WriteFile(p, []byte(strings.Repeat(fmt.Sprintf("line %d\n", i), 50+i)), 0o644); err != nil {
			b.Fatal(err)
		}
		git(b, dir, "", "add", "-A")
		git(b, dir, "", "commit", "-q", "-m", fmt.Sprint(i))
	}
	git(b, dir, "", "repack", "-a", "-d", "-f", "--depth=50")
	var ids [][hashLen]byte
	for _, l := range strings.Fields(git(b, dir, "", "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")) {
		var id [hashLen]byte
		hex.Decode(id[:], []byte(l))
		ids = append(ids, id)
	}
	b.ResetTimer()
	for range b.N {
		s, err := Open(filepath.Join(dir, ".git", "objects"))
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ids {
			if _, _, err := s.Read(id); err != nil {
				b.Fatal(err)
			}
		}
		s.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids))/1000, "µs/object")
}

// TestConcurrentReads reads every object from several goroutines at once,
// as verify's walk, signature pool and diff worker do (run with -race).
func TestConcurrentReads(t *testing.T) {
	dir := buildHistory(t, 30)
	git(t, dir, "", "repack", "-a", "-d", "-f")
	want := catAll(t, dir)
	s := openStore(t, filepath.Join(dir, ".git", "objects"))
	s.cache = newObjectCache(64 << 10) // small, so goroutines evict each other's entries
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for id, w := range want {
				if _, data, err := s.Read(id); err != nil || string(data) != string(w.data) {
					errs <- fmt.Errorf("%x: %v", id, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
