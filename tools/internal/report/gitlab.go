package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// gitlabIssue is one entry of a GitLab Code Quality report (a subset of the
// Code Climate issue format that GitLab reads).
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// GitLab writes a GitLab Code Quality report: a JSON array with one issue per
// finding. Errors are "major", warnings "minor". The fingerprint is a stable hash
// of rule, file, line, commit and message, so GitLab can tell new findings from
// old ones between pipelines. Findings about a whole commit have no file:
// their path is empty (never a file they are not about) and the description
// names the commit.
func GitLab(w io.Writer, fs []finding.Finding) error {
	out := make([]gitlabIssue, 0, len(fs))
	for _, f := range fs {
		sev := "major"
		if f.Severity == finding.Warning {
			sev = "minor"
		}
		path, line, desc := f.File, f.Line, f.Rule+": "+message(f)
		out = append(out, gitlabIssue{
			Description: desc,
			CheckName:   f.Rule,
			Fingerprint: gitlabFingerprint(f),
			Severity:    sev,
			Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: max(line, 1)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func gitlabFingerprint(f finding.Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, f.File, strconv.Itoa(f.Line), f.Commit, f.Message} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
