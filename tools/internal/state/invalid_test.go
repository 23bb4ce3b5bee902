package state_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// A member file that fails its schema keeps its ids in Invalid, for the rules'
// reference checks, and gains no trust: its member, people and keys are nowhere
// the verifier looks (MembersByID, People, a non-nil Member).
func TestInvalidMemberGainsNoTrust(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		unread         bool
	}{
		{"schema", "joined: 2011-04-03", "joined: 2026-02-30", false},
		{"syntax", "kind: ", "kind: [", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := exampledata.Copy(t)
			p := filepath.Join(dir, "members", "openwall.yaml") // the coordinators' member
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tc.old) {
				t.Fatalf("openwall.yaml has no %q", tc.old)
			}
			if err := os.WriteFile(p, []byte(strings.Replace(string(data), tc.old, tc.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			var out finding.List
			st, err := state.Load(source.Dir{Root: dir}, &out)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Sorted()) != 1 {
				t.Errorf("load findings: %v", out.Sorted())
			}
			if _, ok := st.MembersByID["openwall"]; ok {
				t.Error("the failed member is in MembersByID")
			}
			for _, id := range []string{"mara-openwall", "tomas-openwall"} {
				if _, ok := st.People[id]; ok {
					t.Errorf("%s of the failed member is in People", id)
				}
			}
			for _, m := range st.Members {
				if m.Path == "members/openwall.yaml" && m.Member != nil {
					t.Error("the failed member has a typed record")
				}
			}
			inv := st.Invalid
			if inv.Members["openwall"] != "members/openwall.yaml" || !inv.Declares("openwall") {
				t.Errorf("Invalid.Members = %v", inv.Members)
			}
			if tc.unread {
				if len(inv.Unread) != 1 || !inv.Declares("anyone") {
					t.Errorf("Invalid.Unread = %v", inv.Unread)
				}
				return
			}
			if inv.People["mara-openwall"] != "members/openwall.yaml" || !inv.Declares("tomas-openwall") || inv.Declares("dana-debian") {
				t.Errorf("Invalid.People = %v", inv.People)
			}
			if len(inv.Keys) == 0 || inv.ListsKey("F34780682F10345BC720C9114288E35D0F0140B0") {
				t.Errorf("Invalid.Keys = %v", inv.Keys)
			}
		})
	}
}
