package validate_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/embargo-tool/embargo/tools/internal/finding"
)

// timestampFields are timestamp fields of the example, each in a record where a
// rule reads it.
var timestampFields = []struct{ file, field string }{
	{embargoed, "dates.reported"},
	{embargoed, "dates.notified"},
	{embargoed, "dates.proposed"},
	{embargoed, "dates.disclosure"},
	{"issues/2026/EMB-2026-0003.yaml", "informed.0.at"}, // EMB-2026-0004 keeps its informed sealed
	{exploited, "dates.disclosed"},
	{exploited, "exploits.published"},
	{extended, "extensions.0.at"},
	{extended, "extensions.0.from"},
	{extended, "extensions.0.to"},
}

// A timestamp that is there but wrong is one finding, at that field: never also
// reported as missing (dates.required, embargo.proposed, exploits.deadline).
func TestBadTimestampIsOneFinding(t *testing.T) {
	bad := []string{
		"2026-11-23T14:00:00+24:00", // offsets stop at +23:59
		"2026-11-23T14:00:00-24:00",
		"2026-11-23T14:00:00+23:60",
		"2026-11-31T14:00:00Z",   // no such day
		"2026-11-23T14:00+01:00", // no seconds
		"2026-11-23T4:00:00Z",    // one-digit hour
	}
	base := exampleFindings(t)
	for _, tf := range timestampFields {
		for _, v := range bad {
			t.Run(tf.field+"="+v, func(t *testing.T) {
				dir := copyExample(t)
				set(tf.file, tf.field, `"`+v+`"`)(t, dir)
				added := subtractMoved(check(t, dir, demoNow), base)
				ptr := "/" + strings.ReplaceAll(tf.field, ".", "/") + ": " // the schema's own wording
				if len(added) != 1 || added[0].Rule != "schema" || added[0].File != tf.file ||
					!strings.Contains(added[0].Message, tf.field+": ") && !strings.Contains(added[0].Message, ptr) {
					t.Errorf("want one schema finding at %s, got:\n%s", tf.field, render(added))
				}
			})
		}
	}
}

var proposal = regexp.MustCompile(`write (\S+?)[,;]? `)

// The fix a message proposes for a time without seconds or without an offset is
// accepted: written back into the record, it leaves no finding that the example
// does not have. Each case writes a field's own time (UTC) in a short form, so the
// fix is the same instant and no other rule may fire.
func TestTimestampHintIsAccepted(t *testing.T) {
	base := exampleFindings(t)
	for _, tf := range timestampFields {
		orig := getYAML(t, filepath.Join(repoRoot(t), tf.file), tf.field)
		if !strings.HasSuffix(orig, ":00Z") {
			t.Fatalf("%s %s = %q: the short forms below assume whole minutes in UTC", tf.file, tf.field, orig)
		}
		minutes := strings.TrimSuffix(orig, ":00Z") // 2025-07-25T15:03
		for _, v := range []string{minutes, minutes + "Z", minutes + "+00:00", minutes + ":00"} {
			t.Run(tf.field+"="+v, func(t *testing.T) {
				dir := copyExample(t)
				set(tf.file, tf.field, `"`+v+`"`)(t, dir)
				added := subtractMoved(check(t, dir, demoNow), base)
				if len(added) != 1 || !proposal.MatchString(added[0].Message+" ") {
					t.Fatalf("want one finding that proposes a value, got:\n%s", render(added))
				}
				fix := proposal.FindStringSubmatch(added[0].Message + " ")[1]
				set(tf.file, tf.field, `"`+fix+`"`)(t, dir)
				if left := subtractMoved(check(t, dir, demoNow), base); len(left) > 0 {
					t.Errorf("the proposed %s is refused:\n%s", fix, render(left))
				}
			})
		}
	}
}

// getYAML returns the scalar at a dotted path of a YAML file.
func getYAML(t testing.TB, file, path string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	n := doc.Content[0]
	for _, part := range strings.Split(path, ".") {
		n = childNode(t, n, part)
	}
	return n.Value
}

// subtractMoved is subtract ignoring line and column: set rewrites the whole file,
// which moves the findings of the unmodified example.
func subtractMoved(got, base []finding.Finding) []finding.Finding {
	type key struct{ file, rule, msg string }
	seen := map[key]int{}
	for _, f := range base {
		seen[key{f.File, f.Rule, f.Message}]++
	}
	var out []finding.Finding
	for _, f := range got {
		if k := (key{f.File, f.Rule, f.Message}); seen[k] > 0 {
			seen[k]--
			continue
		}
		out = append(out, f)
	}
	return out
}
