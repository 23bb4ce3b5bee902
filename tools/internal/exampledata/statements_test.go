package exampledata_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/pgp"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/statement"
)

var resign = flag.Bool("resign", false, "sign the example's statements that do not verify again, with the TEST keys of examples/testkeys")

// signedAt is when the example's statements were signed; demoNow is the
// clock of the bundled example (Makefile DEMO_NOW).
var (
	signedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	demoNow  = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

// TestExampleStatements checks that every acceptance and vouch of the bundled
// example (members that are not removed) is a signature over the current
// statement text, version 2, by the right TEST key. When the policy's group
// or terms, or a member's lists or people, change, the statements stop
// verifying; then
//
//	go test ./tools/internal/exampledata -run TestExampleStatements -resign
//
// signs them again with examples/testkeys/<FPR>.key and rewrites the
// armored blocks in members/*.yaml, leaving every other byte as it was.
func TestExampleStatements(t *testing.T) {
	root := exampledata.Dir(t)
	var out finding.List
	st, err := state.Load(source.Dir{Root: root}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Policy == nil || st.PolicyDoc == nil || st.PolicyDoc.Doc() == nil {
		t.Fatalf("the example's policy.yaml does not load: %v", out.Sorted())
	}
	policy := st.PolicyDoc.Doc().Value()
	type stmt struct {
		what, file, fpr, text, sig string
	}
	var all []stmt
	for _, mf := range st.Members {
		m := mf.Member
		if m == nil || m.Status == "removed" {
			continue
		}
		if m.Vouch != nil && m.Vouch.Signature != "" {
			voucher, ok := st.People[m.Vouch.By]
			if !ok || len(voucher.Person().Keys) == 0 {
				t.Fatalf("%s: voucher %s is unknown or has no key", mf.Path, m.Vouch.By)
			}
			var people []string
			for _, p := range m.People {
				people = append(people, p.ID)
			}
			text := statement.Vouch{Member: m.ID, Lists: m.Lists, People: people, Voucher: m.Vouch.By}.ForPolicy(policy).Text()
			all = append(all, stmt{"vouch for " + m.ID, mf.Path, voucher.Person().Keys[0], text, m.Vouch.Signature})
		}
		for _, p := range m.People {
			if p.Acceptance == "" || len(p.Keys) == 0 {
				continue
			}
			text := statement.Acceptance{Person: p.ID, Member: m.ID, Key: p.Keys[0], Lists: m.Lists}.ForPolicy(policy).Text()
			all = append(all, stmt{"acceptance of " + p.ID, mf.Path, p.Keys[0], text, p.Acceptance})
		}
	}
	if len(all) < 20 {
		t.Fatalf("only %d statements found in the example", len(all))
	}
	stale := 0
	for _, s := range all {
		kf := st.Keys[s.fpr]
		if kf == nil || kf.Key == nil {
			t.Fatalf("%s: no key file for %s", s.what, s.fpr)
		}
		if _, err := pgp.VerifyDetached([]*pgp.Key{kf.Key}, []byte(s.text), []byte(s.sig), demoNow); err == nil {
			continue
		} else if !*resign {
			t.Errorf("%s (%s) does not verify: %v", s.what, s.file, err)
			stale++
			continue
		}
		replaceBlock(t, filepath.Join(root, s.file), s.sig, sign(t, root, s.fpr, s.text))
		t.Logf("signed again: %s (%s)", s.what, s.file)
	}
	if stale > 0 {
		t.Errorf("%d statements are stale; sign them again with: go test ./tools/internal/exampledata -run TestExampleStatements -resign", stale)
	}
}

// sign signs text with the TEST private key of fpr at signedAt.
func sign(t *testing.T, root, fpr, text string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(exampledata.Root(t), "examples", "testkeys", fpr+".key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgp.ReadSigner(data)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.SignDetached([]byte(text), signedAt)
	if err != nil {
		t.Fatal(err)
	}
	return string(sig)
}

// replaceBlock replaces the YAML literal block holding old (as its value
// reads) by one holding new, at the same indentation; it fails unless the
// block occurs exactly once.
func replaceBlock(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for indent := 2; indent <= 12; indent += 2 {
		from := indentBlock(old, indent)
		if n := strings.Count(text, from); n == 1 {
			text = strings.Replace(text, from, indentBlock(new, indent), 1)
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		} else if n > 1 {
			t.Fatalf("%s holds the block %d times", file, n)
		}
	}
	t.Fatal(fmt.Sprintf("%s: block not found", file))
}

// indentBlock indents every non-empty line of a block value by n spaces.
func indentBlock(v string, n int) string {
	lines := strings.SplitAfter(v, "\n")
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(strings.Repeat(" ", n))
		}
		b.WriteString(l)
	}
	return b.String()
}
