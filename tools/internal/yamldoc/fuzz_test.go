package yamldoc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any input either parses into a tree whose every node has a
// position and converts to JSON, or fails with a *SyntaxError — never a panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/group/issues/*/*.yaml")
	more, _ := filepath.Glob("../../../examples/group/members/*.yaml")
	for _, p := range append(seeds, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"a: &x [1]\nb: *x\n", "a: 1\na: 2\n", "---\na: 1\n---\nb: 2\n", "\xff\xfe", "a: !!binary aGk=\n", "[[[[[[[[[[]]]]]]]]]]", "a:\n\t- b\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 || se.Msg == "" {
				t.Fatalf("error without a position or message: %#v", err)
			}
			return
		}
		if _, err := json.Marshal(doc.Value()); err != nil {
			t.Fatalf("parsed document does not convert to JSON: %v", err)
		}
		if line, col := doc.Pos("/a/b/0"); line < 0 || col < 0 {
			t.Fatalf("bad position %d:%d", line, col)
		}
	})
}

func TestParseRefusals(t *testing.T) {
	cases := map[string]string{
		"alias":      "a: &x 1\nb: *x\n",
		"duplicate":  "a: 1\na: 2\n",
		"two docs":   "a: 1\n---\nb: 2\n",
		"nul":        "a: \x00\n",
		"bad utf8":   "a: \xff\n",
		"bom":        "\ufeffa: 1\n",
		"custom tag": "a: !foo 1\n",
		"deep":       string(repeat('[', 100)) + string(repeat(']', 100)),
		"empty":      "",
		"too large":  string(make([]byte, MaxFileSize+1)),
		"syntax":     "a: [\n",
	}
	for name, in := range cases {
		if _, err := Parse("x.yaml", []byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Parse("ok.yaml", []byte("a: 1\nb: [x, y]\n")); err != nil {
		t.Errorf("plain document refused: %v", err)
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}
