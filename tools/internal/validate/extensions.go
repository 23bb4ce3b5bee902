package validate

import (
	"fmt"
	"slices"
)

// Who may approve an extension (policy.yaml extensions.approvers).
const (
	ApproversNotRequester = "not-requester" // the default
	ApproversCoordinators = "coordinators"
	ApproversAny          = "any"
)

// extensionApprovers checks each extension's approvers against the policy
// (rule extension.approver): by default, and under "coordinators", the person
// who asked for an extension cannot approve it alone — a handler may not
// extend their own embargo on their own word.
func (c *checker) extensionApprovers() {
	if c.st.Policy == nil {
		return
	}
	mode := c.st.Policy.Extensions.Approvers
	if mode == "" {
		mode = ApproversNotRequester
	}
	if mode == ApproversAny {
		return
	}
	var coordinators []string
	if c.st.Coordinators != nil {
		coordinators = c.st.Coordinators.Coordinators
	}
	for _, isf := range c.st.Issues {
		is := isf.Issue
		if is == nil {
			continue
		}
		for i, e := range is.Extensions {
			if len(e.ApprovedBy) == 0 {
				continue // extension.reason reports a missing approver
			}
			counts := func(p string) bool {
				return p != e.RequestedBy && (mode != ApproversCoordinators || slices.Contains(coordinators, p))
			}
			if slices.ContainsFunc(e.ApprovedBy, counts) {
				continue
			}
			ptr := fmt.Sprintf("/extensions/%d/approved_by", i)
			if mode == ApproversCoordinators {
				c.errorf(&isf.File, ptr, "extension.approver", "extension %d is approved by no coordinator other than the person who asked for it; policy.yaml extensions.approvers is coordinators: have a coordinator approve it and add them to approved_by", i+1)
			} else {
				c.errorf(&isf.File, ptr, "extension.approver", "extension %d is approved only by the person who asked for it (%s); someone else must approve it (policy.yaml extensions.approvers: not-requester)", i+1, e.RequestedBy)
			}
		}
	}
}
