package state

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/yamldoc"
)

// FuzzDecodeIssue: every input that passes the issue schema decodes, and the fast
// decoder (from the checked value) gives the same record as yaml.v3's Node.Decode.
func FuzzDecodeIssue(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/group/issues/*/*.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	set, err := schemas.Compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := yamldoc.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		value := doc.Value()
		if len(set.Validate(schemas.Issue, doc, value)) > 0 {
			return
		}
		fast, slow := newRecord(schemas.Issue), newRecord(schemas.Issue)
		if err := yamldoc.DecodeValue(value, fast); err != nil {
			t.Fatalf("a record that passed its schema does not decode: %v", err)
		}
		if err := doc.Root.Decode(slow); err != nil {
			t.Fatalf("yaml.v3 refuses a record that passed its schema: %v", err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("decoders differ\nfast: %+v\nyaml: %+v", fast, slow)
		}
	})
}

// FuzzDecodeMember: the same for member records, whose application takes two
// shapes (a URL or the structured record) and decodes itself through the
// interface both decoders honour (yamldoc.Unmarshaler).
func FuzzDecodeMember(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/group/members/*.yaml")
	for _, p := range seeds {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("id: x\nname: X\nkind: vendor\nlists: [l]\nstatus: active\njoined: 2026-01-01\napplication: {url: 'https://x.example/a', all_products: true, domains: [x.example]}\npeople: [{id: p, name: P, email: p@x.example, keys: [" + "0123456789ABCDEF0123456789ABCDEF01234567]}]\n"))
	set, err := schemas.Compiled()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := yamldoc.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		value := doc.Value()
		if len(set.Validate(schemas.Member, doc, value)) > 0 {
			return
		}
		fast, slow := newRecord(schemas.Member), newRecord(schemas.Member)
		if err := yamldoc.DecodeValue(value, fast); err != nil {
			t.Fatalf("a record that passed its schema does not decode: %v", err)
		}
		if err := doc.Root.Decode(slow); err != nil {
			t.Fatalf("yaml.v3 refuses a record that passed its schema: %v", err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("decoders differ\nfast: %+v\nyaml: %+v", fast, slow)
		}
	})
}
