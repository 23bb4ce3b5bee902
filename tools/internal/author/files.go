package author

import (
	"sort"
	"strings"

	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// RepositoryYAML lists the record files of the repository at root that fmt
// formats by default: policy.yaml, roles/, members/ and issues/ YAML files,
// as slash-separated paths relative to root, sorted. Hidden files are skipped.
func RepositoryYAML(root string) ([]string, error) {
	entries, err := source.Dir{Root: root}.List(state.PolicyFile, "roles", "members", "issues")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.Regular || !strings.HasSuffix(e.Path, ".yaml") || (source.IsHidden(e.Path) && e.Path != state.PolicyFile) {
			continue
		}
		out = append(out, e.Path)
	}
	sort.Strings(out)
	return out, nil
}
