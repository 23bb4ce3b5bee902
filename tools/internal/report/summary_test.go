package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// TestSummaryLine: the closing line says what the run did before what it found.
func TestSummaryLine(t *testing.T) {
	warn := []finding.Finding{sample[1]}
	cases := []struct {
		name string
		fs   []finding.Finding
		s    *Summary
		want string
	}{
		{"nothing", nil, nil, "0 errors, 0 warnings"},
		{"validated", warn, &Summary{Validated: &Validated{Files: 7, Policy: 1, Roles: 1, Members: 2, Keys: 3}},
			"validated 7 files (policy.yaml, 1 role file, 2 members, 3 keys); 0 errors, 1 warning in 1 file"},
		{"empty repository", nil, &Summary{Validated: &Validated{}}, "validated 0 files; 0 errors, 0 warnings"},
		{"verified", nil, &Summary{Verified: &Verified{Commits: 6, Signers: []string{"dana-debian", "rui-redhat"}}},
			"verified 6 commits by dana-debian, rui-redhat; 0 errors, 0 warnings"},
		{"verified by the anchor only", nil, &Summary{Verified: &Verified{Commits: 1}}, "verified 1 commit; 0 errors, 0 warnings"},
		{"refused", sample[3:], &Summary{Verified: &Verified{Commits: 2, Signers: []string{"dana-debian"}}},
			"checked 2 commits, accepted the signatures of dana-debian; 1 error, 0 warnings in 1 commit"},
		{"refused, none accepted", sample[3:], &Summary{Verified: &Verified{Commits: 1}},
			"checked 1 commit, accepted no signature; 1 error, 0 warnings in 1 commit"},
		{"an error of another rule", sample[:1], &Summary{Verified: &Verified{Commits: 1, Signers: []string{"dana-debian"}}},
			"verified 1 commit by dana-debian; 1 error, 0 warnings in 1 file"},
		{"both", sample, &Summary{Validated: &Validated{Files: 1, Issues: 1}, Verified: &Verified{Commits: 3, Signers: []string{"greta-suse"}}},
			"validated 1 file (1 issue); checked 3 commits, accepted the signatures of greta-suse; 3 errors, 1 warning in 3 files and 1 commit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSummary(&b, "text", tc.fs, tc.s); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if got := lines[len(lines)-1]; got != tc.want {
				t.Errorf("closing line\n got %q\nwant %q", got, tc.want)
			}
			b.Reset()
			if err := WriteSummary(&b, "json", tc.fs, tc.s); err != nil {
				t.Fatal(err)
			}
			if has := strings.Contains(b.String(), `"summary"`); has != (tc.s != nil) {
				t.Errorf("JSON has a summary: %v, want %v:\n%s", has, tc.s != nil, b.String())
			}
		})
	}
}
