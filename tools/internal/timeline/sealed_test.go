package timeline_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/exampledata"
	"github.com/embargo-tool/embargo/tools/internal/exampledata/unsealed"
	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/schemas"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/timeline"
)

// afterDisclosure is a day after the sealed record's disclosure date.
var afterDisclosure = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// sealedDisclosed is the example as shipped (its embargoed record sealed),
// with that record marked disclosed in its plain fields but not unsealed.
func sealedDisclosed(t *testing.T) string {
	t.Helper()
	dir := exampledata.Copy(t)
	if !bytes.Contains(readFile(t, dir, embargoedFile), []byte("\nsealed: |")) {
		t.Fatalf("the example's %s is not sealed", embargoedFile)
	}
	discloseEmbargoed(t, dir)
	return dir
}

func readFile(t *testing.T, dir, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSealedRecordNeverPublished: a sealed record is not published, even
// once disclosed, until its handler unseals it; then it is, as any other.
func TestSealedRecordNeverPublished(t *testing.T) {
	dir := sealedDisclosed(t)
	files, err := timeline.Render(load(t, dir), afterDisclosure)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if bytes.Contains(data, []byte("EMB-2026-0004")) {
			t.Errorf("%s shows the sealed record", name)
		}
	}
	if _, ok := files["osv/x_EMB-2026-0004.json"]; ok {
		t.Error("an OSV record for the sealed record")
	}
	if timeline.Publishes(load(t, dir), afterDisclosure)[embargoedFile] {
		t.Error("Publishes counts the sealed record")
	}
	// Unsealed, the same record is published.
	unsealed.Open(t, dir)
	files, err = timeline.Render(load(t, dir), afterDisclosure)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := files["osv/x_EMB-2026-0004.json"]; !ok {
		t.Error("the unsealed, disclosed record is not published")
	}
}

// TestTimelineNeverReadsSealed: the outputs do not depend on what the sealed
// field holds.
func TestTimelineNeverReadsSealed(t *testing.T) {
	dir := sealedDisclosed(t)
	before, err := timeline.Render(load(t, dir), afterDisclosure)
	if err != nil {
		t.Fatal(err)
	}
	data := readFile(t, dir, embargoedFile)
	i := bytes.Index(data, []byte("sealed: |"))
	other := append(bytes.Clone(data[:i]), "sealed: |\n  -----BEGIN PGP MESSAGE-----\n\n  anything at all\n  -----END PGP MESSAGE-----\n"...)
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(embargoedFile)), other, 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := timeline.Render(load(t, dir), afterDisclosure)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != len(after) {
		t.Fatalf("%d files, then %d", len(before), len(after))
	}
	for name := range before {
		if !bytes.Equal(before[name], after[name]) {
			t.Errorf("%s changed with the sealed field", name)
		}
	}
}

// TestUnsealedStringsGuarded: a published record quoting a sealed record's
// title passes the guard that cannot read the sealed record (it knows only
// its id), and is refused when someone who can read it passes its plain text
// in (timeline --unseal). The refusal names the record and field, not the value.
func TestUnsealedStringsGuarded(t *testing.T) {
	dir := exampledata.Copy(t)
	quoteInPublicSummary(t, dir, "Like the "+embargoedTitle+", this")
	st := load(t, dir)
	if _, err := timeline.Render(st, demoNow); err != nil {
		t.Fatalf("without the plain text, the guard has nothing to find: %v", err)
	}
	plainDir := unsealed.Copy(t)
	rec, err := state.Decode(schemas.Issue, embargoedFile, readFile(t, plainDir, embargoedFile))
	if err != nil {
		t.Fatal(err)
	}
	opt := timeline.Options{Unsealed: map[string]*records.Issue{embargoedFile: rec.(*records.Issue)}}
	out := filepath.Join(t.TempDir(), "public")
	_, err = timeline.PublishWith(st, demoNow, out, opt)
	var le *timeline.LeakError
	if !errors.As(err, &le) {
		t.Fatalf("PublishWith = %v; want a leak", err)
	}
	found := false
	for _, l := range le.Leaks {
		found = found || l.Record == embargoedFile && l.Field == "title of an embargoed issue"
	}
	if !found {
		t.Errorf("leaks %+v do not name the sealed record's title", le.Leaks)
	}
	for _, s := range secrets0004 {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the error quotes %q", s)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("files left behind")
	}
	// On the clean example, the sealed record's plain text is nowhere in the output.
	if _, err := timeline.PublishWith(load(t, exampledata.Copy(t)), demoNow, filepath.Join(t.TempDir(), "p"), opt); err != nil {
		t.Errorf("PublishWith of the clean example: %v", err)
	}
}
