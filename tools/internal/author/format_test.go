package author

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	return exampledata.Dir(t)
}

// exampleYAML lists every YAML file of the bundled example.
func exampleYAML(t testing.TB) []string {
	t.Helper()
	root := repoRoot(t)
	files, err := RepositoryYAML(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("only %d example files found", len(files))
	}
	for i, f := range files {
		files[i] = filepath.Join(root, filepath.FromSlash(f))
	}
	return files
}

// commentLines returns the lines of data that are only a comment, trimmed.
func commentLines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

// checkFormat asserts what Format promises for one input: idempotent, every
// comment line kept, the parsed value unchanged, every block scalar byte-exact.
func checkFormat(t *testing.T, name string, in []byte) []byte {
	t.Helper()
	once, err := Format(name, in)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	twice, err := Format(name, once)
	if err != nil {
		t.Fatalf("%s, second pass: %v", name, err)
	}
	if !bytes.Equal(once, twice) {
		t.Errorf("%s: formatting is not idempotent:\n--- once\n%s\n--- twice\n%s", name, once, twice)
	}
	// Comment lines of the input are lines of the output (inputs here have no
	// '#' lines inside block scalars, so a plain line scan is exact).
	have := map[string]int{}
	for _, c := range commentLines(once) {
		have[c]++
	}
	for _, c := range commentLines(in) {
		if have[c] == 0 {
			t.Errorf("%s: comment %q is lost", name, c)
		}
		have[c]--
	}
	a, err := yamldoc.Parse(name, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := yamldoc.Parse(name, once)
	if err != nil {
		t.Fatalf("%s: output does not parse: %v", name, err)
	}
	if !reflect.DeepEqual(a.Value(), b.Value()) {
		t.Errorf("%s: the parsed value changed", name)
	}
	return once
}

// TestFormatExampleFiles: on every example file fmt is idempotent, keeps every
// comment and the value, and is a no-op: the example is fmt-clean.
func TestFormatExampleFiles(t *testing.T) {
	for _, path := range exampleYAML(t) {
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot(t), path)
		out := checkFormat(t, rel, in)
		if !bytes.Equal(in, out) {
			t.Errorf("%s is not fmt-clean; embargo fmt would rewrite it to:\n%s", rel, out)
		}
	}
}

// TestFormatKeepsSignatures: armored signatures in literal blocks are signed
// data; their lines must survive byte for byte, even from a messy input.
func TestFormatKeepsSignatures(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "members", "ubuntu.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Add trailing spaces and extra spaces after colons.
	messy := strings.ReplaceAll(string(data), "\npeople:\n", "\npeople:   \n")
	messy = strings.Replace(messy, "status: active\n", "status:    active   \n", 1)
	out := checkFormat(t, "ubuntu.yaml", []byte(messy))
	if !bytes.Equal(out, data) {
		t.Errorf("messy ubuntu.yaml did not format back to the original:\n%s", out)
	}
	a, _ := yamldoc.Parse("a", data)
	b, _ := yamldoc.Parse("b", out)
	for _, ptr := range []string{"/vouch/signature", "/people/0/acceptance"} {
		if a.Lookup(ptr).Value != b.Lookup(ptr).Value || !strings.Contains(a.Lookup(ptr).Value, "-----BEGIN PGP SIGNATURE-----\n\n") {
			t.Errorf("%s changed", ptr)
		}
	}
}

func TestFormatCases(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"indent", "a:\n    b: 1\n    c:\n    - x\n    -   y\n", "a:\n  b: 1\n  c:\n    - x\n    - y\n"},
		{"trailing-space", "a: 1   \nb: 2\n", "a: 1\nb: 2\n"},
		{"blank-lines-kept-once", "a: 1\n\n\n# about b\nb: 2\n\nc:\n  - x\n\n  - y\n", "a: 1\n\n# about b\nb: 2\n\nc:\n  - x\n\n  - y\n"},
		{"comments", "# head\n\n# detached\na: 1 # line\n# foot of a\nb:\n  c: 2\n  # inner foot\n# end\n", "# head\n\n# detached\na: 1 # line\n# foot of a\nb:\n  c: 2\n  # inner foot\n# end\n"},
		{"styles-kept", "a: 'single'\nb: \"double\"\nc: [x, y]\nd: {k: v}\ne: |\n  line\n\n  # not a comment\n", "a: 'single'\nb: \"double\"\nc: [x, y]\nd: {k: v}\ne: |\n  line\n\n  # not a comment\n"},
		{"long-string", "a: " + strings.Repeat("word ", 40) + "end\n", "a: " + strings.Repeat("word ", 40) + "end\n"},
		// What fmt once changed: a timestamp in a flow mapping (quoted, so a
		// string), blocks with trailing spaces or an emoji (made one quoted
		// line), a folded block with a more-indented line (never settled), a
		// CRLF file (a blank line after each comment).
		{"flow-timestamp", "informed:\n  - {who: x, at: 2026-11-19T09:00:00Z, n: 1}\n", "informed:\n  - {who: x, at: 2026-11-19T09:00:00Z, n: 1}\n"},
		{"literal-trailing-spaces", "sig: |\n  line one  \n  two\n", "sig: |\n  line one  \n  two\n"},
		{"literal-emoji", "summary: |\n  emoji 😀\n  two\n", "summary: |\n  emoji 😀\n  two\n"},
		{"plain-emoji", "title: emoji 😀 ok\n", "title: emoji 😀 ok\n"},
		{"folded-more-indented", "s: >\n  folded\n    more indented\n  back\n", "s: >\n  folded\n    more indented\n  back\n"},
		{"crlf", "# c\r\na: 1\r\n# d\r\nb: |\r\n  x\r\n", "# c\r\na: 1\r\n# d\r\nb: |\r\n  x\r\n"},
		{"block-reindented", "a:\n    b: |-\n          x\n            y\n    c:\n    -   >\n         z\n", "a:\n  b: |-\n    x\n      y\n  c:\n    - >\n      z\n"},
		{"keep-chomping", "a: |+\n  x\n\n# end\n", "a: |+\n  x\n\n# end\n"},
		{"commented-out-fields", "dates:\n  reported: 2026-11-20T12:00:00Z\n  # notified: when\n# cves: []\nz: 1\n", "dates:\n  reported: 2026-11-20T12:00:00Z\n  # notified: when\n# cves: []\nz: 1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Format(tc.name, []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tc.want)
			}
			if tc.name != "styles-kept" { // its '#' line is block content, which commentLines cannot tell
				checkFormat(t, tc.name, []byte(tc.in))
			}
		})
	}
}

func TestFormatRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"syntax":     "a: [\n",
		"duplicate":  "a: 1\na: 2\n",
		"anchor":     "a: &x 1\nb: *x\n",
		"two-docs":   "a: 1\n---\nb: 2\n",
		"not-utf8":   "a: \xff\n",
		"empty-file": "",
	} {
		if _, err := Format(name, []byte(in)); err == nil {
			t.Errorf("%s: formatted, want a refusal", name)
		}
	}
}

func TestComments(t *testing.T) {
	in := "# top\na: 1 # trailing\nb: |\n  # content\n  x\n  # more content\n# after\nc: \"# not a comment\"\n"
	got := strings.Join(Comments([]byte(in)), "|")
	if got != "# top|# after|# trailing" {
		t.Errorf("Comments = %q", got)
	}
}

func FuzzFormat(f *testing.F) {
	f.Add([]byte("a: 1\n\n# c\nb: [x, y]\n"))
	f.Add([]byte("people:\n- id: a\n  acceptance: |\n    x\n\n    y\n"))
	f.Add([]byte("a: {at: 2026-01-01T00:00:00Z}\nb: |\n  trailing  \n  emoji 😀\nc: >\n  f\n    more\n  back\nd: |+\n  keep\n\n# end\n"))
	f.Add([]byte("# c\r\na: 1\r\n# d\r\nb: |2\r\n    x\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		once, err := Format("fuzz", in)
		if err != nil {
			return // refusals are fine; what is formatted must be stable
		}
		twice, err := Format("fuzz", once)
		if err != nil || !bytes.Equal(once, twice) {
			t.Errorf("not idempotent (%v):\n%q\n%q\n%q", err, in, once, twice)
		}
		// What another reader sees is unchanged: values, tags and styles.
		a, errA := yamldoc.Parse("in", in)
		b, errB := yamldoc.Parse("out", once)
		if errA != nil || errB != nil || !reflect.DeepEqual(a.Value(), b.Value()) {
			t.Fatalf("the value changed (%v, %v):\n%q\n%q", errA, errB, in, once)
		}
		var sa, sb []string
		shape(a.Root, "", &sa)
		shape(b.Root, "", &sb)
		if !slices.Equal(sa, sb) {
			t.Errorf("a tag or style changed:\n%q\n%q", in, once)
		}
	})
}
