package validate

import (
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/codeowners"
	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// codeOwners warns when the committed CODEOWNERS is not what the policy
// generates, so the forge's review rule does not drift from the access rules.
// A repository without the file is not told to have one: groups on forges
// that read another syntax do without (docs/guides/ci-admin.md).
func (c *checker) codeOwners() {
	f := c.st.CodeOwners
	if f == nil {
		return
	}
	want, _ := codeowners.Generate(c.st)
	if want == nil {
		return // policy.yaml did not load; its own findings say why
	}
	const fix = "; a coordinator runs `embargo codeowners` and commits the result"
	if f.Err != nil {
		c.out.Add(finding.Finding{Rule: "codeowners.stale", Severity: finding.Warning, File: f.Path, Line: 1, Column: 1,
			Message: "cannot read the file: " + f.Err.Error() + fix})
		return
	}
	line, w, h := codeowners.Diff(want, f.Data)
	if line == 0 {
		return
	}
	c.out.Add(finding.Finding{Rule: "codeowners.stale", Severity: finding.Warning, File: f.Path, Line: line, Column: 1,
		Message: quoteLines("the file is not what policy.yaml access and the coordinators' forge accounts give: line", line, h, w) + fix})
}

// quoteLines says "<what> N is "have", want "want"".
func quoteLines(what string, line int, have, want string) string {
	return fmt.Sprintf("%s %d is %q, want %q", what, line, have, want)
}
