package validate

import (
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/rules"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

func missingFile(path, why string) finding.Finding {
	return finding.Finding{Rule: rules.Schema, Severity: finding.Error, File: path, Line: 1, Column: 1, Message: "file is missing: " + why}
}

func (c *checker) roles() {
	for _, p := range []string{state.CoordinatorsFile, state.TasksFile, state.AmbassadorsFile} {
		if c.st.RoleDocs[p] == nil {
			c.out.Add(missingFile(p, "roles/ needs coordinators.yaml, tasks.yaml and ambassadors.yaml"))
		}
	}
	if co := c.st.Coordinators; co != nil {
		f := c.st.RoleDocs[state.CoordinatorsFile]
		seen := map[string]bool{}
		for i, id := range co.Coordinators {
			ptr := fmt.Sprintf("/coordinators/%d", i)
			if seen[id] {
				c.errorf(f, ptr, rules.IDDuplicate, "coordinator %q is listed twice; keep one", id)
			}
			seen[id] = true
			c.activePerson(f, ptr, "coordinator", id)
		}
		if len(co.Coordinators) == 0 {
			c.errorf(f, "/coordinators", rules.RoleTask, "no coordinators: name at least one person who runs the group")
		}
	}
	if t := c.st.Tasks; t != nil {
		f := c.st.RoleDocs[state.TasksFile]
		seen := map[string]bool{}
		for i, task := range t.Tasks {
			ptr := fmt.Sprintf("/tasks/%d", i)
			if seen[task.ID] {
				c.errorf(f, ptr+"/id", rules.IDDuplicate, "task id %q is used twice; give each task its own id", task.ID)
			}
			seen[task.ID] = true
			switch task.Primary {
			case "", records.Vacant:
				c.addKey(f, ptr, rules.RoleTask, finding.Error, "task %s has no primary member; every task needs a member responsible for it", task.ID)
			default:
				c.activeMember(f, ptr+"/primary", "task "+task.ID+" primary", task.Primary)
			}
			switch task.Backup {
			case "", records.Vacant:
				c.warnf(f, ptr, rules.RoleTask, "task %s has a vacant backup; ask a member to volunteer as backup", task.ID)
			default:
				c.activeMember(f, ptr+"/backup", "task "+task.ID+" backup", task.Backup)
				if task.Backup == task.Primary {
					c.warnf(f, ptr+"/backup", rules.RoleTask, "task %s has the same member as primary and backup; a backup should be another member", task.ID)
				}
			}
		}
	}
	if a := c.st.Ambassadors; a != nil {
		f := c.st.RoleDocs[state.AmbassadorsFile]
		seen := map[string]bool{}
		for i, amb := range a.Ambassadors {
			ptr := fmt.Sprintf("/ambassadors/%d", i)
			if seen[amb.Member] {
				c.errorf(f, ptr+"/member", rules.IDDuplicate, "member %q has a second ambassador; at most one person per organisation", amb.Member)
			}
			seen[amb.Member] = true
			if !c.activeMember(f, ptr+"/member", "ambassador's member", amb.Member) {
				continue
			}
			if ref, ok := c.st.People[amb.Person]; !ok {
				c.errorf(f, ptr+"/person", rules.RefUnknown, "ambassador %q is not listed in any members/*.yaml", amb.Person)
			} else if ref.Member.Member.ID != amb.Member {
				c.errorf(f, ptr+"/person", rules.RefUnknown, "ambassador %q belongs to member %q, not %q", amb.Person, ref.Member.Member.ID, amb.Member)
			}
		}
	}
}

// activePerson reports unless id is a person of an active member.
func (c *checker) activePerson(f *state.File, ptr, what, id string) bool {
	ref, ok := c.st.People[id]
	if !ok {
		c.errorf(f, ptr, rules.RefUnknown, "%s %q is not a person listed in any members/*.yaml", what, id)
		return false
	}
	if s := ref.Member.Member.Status; s != "active" {
		c.errorf(f, ptr, rules.RefUnknown, "%s %q belongs to member %q, which is %s; name a person of an active member", what, id, ref.Member.Member.ID, s)
		return false
	}
	return true
}

// activeMember reports unless id is an active member.
func (c *checker) activeMember(f *state.File, ptr, what, id string) bool {
	m, ok := c.st.MembersByID[id]
	if !ok {
		c.errorf(f, ptr, rules.RefUnknown, "%s %q is not a member; expected the id of a members/<id>.yaml", what, id)
		return false
	}
	if m.Member.Status != "active" {
		c.errorf(f, ptr, rules.RefUnknown, "%s %q is %s; name an active member", what, id, m.Member.Status)
		return false
	}
	return true
}
