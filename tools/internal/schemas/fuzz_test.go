package schemas

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// FuzzValidateIssue: whatever parses as YAML is validated without a panic, and
// every violation points at a real position in the file.
func FuzzValidateIssue(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/group/issues/*/*.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("id: 1\nlist: [x]\n"))
	set, err := Compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := yamldoc.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, fd := range set.Validate(Issue, doc, doc.Value()) {
			if fd.Rule != "schema" || fd.Line < 0 || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}

// exampleKinds maps the bundled example's files (globs) to their kinds.
var exampleKinds = map[string]string{
	"../../../examples/group/issues/*/*.yaml":         Issue,
	"../../../examples/group/members/*.yaml":          Member,
	"../../../examples/group/policy.yaml":             Policy,
	"../../../examples/group/roles/coordinators.yaml": Coordinators,
	"../../../examples/group/roles/tasks.yaml":        Tasks,
	"../../../examples/group/roles/ambassadors.yaml":  Ambassadors,
}

func TestEveryExampleFileMatchesItsSchema(t *testing.T) {
	set, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for glob, kind := range exampleKinds {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			n++
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := yamldoc.Parse(p, data)
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range set.Validate(kind, doc, doc.Value()) {
				t.Errorf("%s:%d: %s", p, fd.Line, fd.Message)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d example files found", n)
	}
}
