package cli

import (
	"fmt"

	"github.com/embargo-tool/embargo/tools/internal/rules"
)

func runRules(e *env, args []string) error {
	fs := newFlags(e, "rules")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	for _, r := range rules.All {
		fmt.Fprintf(e.stdout, "%-20s %-8s %s [%s]\n", r.ID, r.Severity, r.Doc, r.Source)
	}
	return nil
}
