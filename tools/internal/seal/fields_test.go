package seal

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// exampleIssues returns the example's plain issue records by path.
func exampleIssues(t *testing.T) map[string][]byte {
	t.Helper()
	root := exampledata.Dir(t)
	paths, err := filepath.Glob(filepath.Join(root, "issues", "*", "*.yaml"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("example issues: %v, %d", err, len(paths))
	}
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "\nsealed: |") {
			continue
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = data
	}
	return out
}

// TestSplitMergeRoundTrip: splitting a record and merging its parts gives
// back the same bytes, comments and layout included, for every example
// record; the plain part holds no private field and the private part nothing
// else.
func TestSplitMergeRoundTrip(t *testing.T) {
	issues := exampleIssues(t)
	issues[embargoed] = nil // the plaintext of the sealed example record, below
	for p, data := range issues {
		if data == nil {
			continue
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			plain, private, err := Split(p, data)
			if err != nil {
				t.Fatal(err)
			}
			pv := mapOf(t, plain)
			if got := PlainFieldsValue(pv); len(got) > 0 {
				t.Errorf("plain part still holds %v", got)
			}
			for k := range mapOf(t, private) {
				if k != "id" && k != "extensions" && !slices.Contains(PrivateFields, k) {
					t.Errorf("private part holds %q", k)
				}
			}
			sealed, err := WithSealed(p, plain, []byte("-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n"))
			if err != nil {
				t.Fatal(err)
			}
			back, err := Merge(p, sealed, private)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != string(data) {
				t.Errorf("round trip differs:\n--- got\n%s\n--- want\n%s", back, data)
			}
		})
	}
}

func mapOf(t *testing.T, data []byte) map[string]any {
	t.Helper()
	doc, err := yamldoc.Parse("x.yaml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	m, ok := doc.Value().(map[string]any)
	if !ok {
		t.Fatalf("not a mapping:\n%s", data)
	}
	return m
}

// TestPlainFieldsAgree: the typed and the raw reading name the same fields.
func TestPlainFieldsAgree(t *testing.T) {
	st := load(t, exampledata.Dir(t))
	n := 0
	for _, f := range st.Issues {
		if f.Issue == nil || f.Issue.Sealed != "" {
			continue
		}
		data := readFile(t, exampledata.Dir(t), f.Path)
		typed, raw := PlainFields(f.Issue), PlainFieldsValue(mapOf(t, data))
		if !slices.Equal(typed, raw) {
			t.Errorf("%s: PlainFields %v, PlainFieldsValue %v", f.Path, typed, raw)
		}
		if len(typed) == 0 {
			t.Errorf("%s: no private field found", f.Path)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d plain records", n)
	}
}

func TestMergeRefuses(t *testing.T) {
	data := readFile(t, exampledata.Dir(t), "issues/2025/EMB-2025-0004.yaml") // hardware, one extension
	plain, private, err := Split("x.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := WithSealed("x.yaml", plain, []byte("M\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, record, private string }{
		{"other-id", string(sealed), strings.Replace(string(private), "id: EMB-2025-0004", "id: EMB-2025-0001", 1)},
		{"not-private", string(sealed), string(private) + "severity: low\n"},
		{"not-a-mapping", string(sealed), "- title\n"},
		{"not-yaml", string(sealed), "title: [\n"},
		{"both-plain-and-sealed", strings.Replace(string(sealed), "severity:", "title: plain\nseverity:", 1), string(private)},
		{"extension-count", strings.Replace(string(sealed), "extensions:\n", "extensions:\n  - {at: 2025-06-01T00:00:00Z, from: 2025-06-01T00:00:00Z, to: 2025-06-02T00:00:00Z}\n", 1), string(private)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Merge("x.yaml", []byte(tc.record), []byte(tc.private)); !errors.Is(err, ErrPlaintext) {
				t.Fatalf("Merge = %v, want ErrPlaintext", err)
			}
		})
	}
	if _, _, err := Split("x.yaml", sealed); err == nil {
		t.Error("Split of a sealed record succeeded")
	}
}
