package timeline_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/embargo-tool/embargo/schema"
)

// compileSchema compiles one embedded schema the way tools/internal/schemas does:
// draft 2020-12, formats asserted, every schema of the folder loaded, no network.
func compileSchema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) { return nil, fmt.Errorf("%s is not embedded", u) }
	names, err := fs.Glob(schema.Files, "*.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		f, err := schema.Files.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		err = c.AddResource(schema.BaseURL+n, f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	s, err := c.Compile(schema.BaseURL + name)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return s
}

func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemasValidateOutputs(t *testing.T) {
	tl, osv := compileSchema(t, "timeline.schema.json"), compileSchema(t, "osv.schema.json")
	for _, sc := range scenarios {
		files := readTree(t, publish(t, sc))
		if err := tl.Validate(decodeJSON(t, files["timeline.json"])); err != nil {
			t.Errorf("%s: timeline.json: %v", sc.name, err)
		}
		n := 0
		for name, data := range files {
			if strings.HasPrefix(name, "osv/") {
				n++
				if err := osv.Validate(decodeJSON(t, data)); err != nil {
					t.Errorf("%s: %s: %v", sc.name, name, err)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no OSV records", sc.name)
		}
	}
}

// TestSchemasReject makes sure the schemas are not vacuous.
func TestSchemasReject(t *testing.T) {
	tl, osv := compileSchema(t, "timeline.schema.json"), compileSchema(t, "osv.schema.json")
	cases := []struct {
		s    *jsonschema.Schema
		name string
		doc  string
	}{
		{tl, "unknown top-level key", `{"version":1,"generated":"2026-11-20T12:00:00Z","group":"g","title":"t","issues":[],"notes":"x"}`},
		{tl, "private field on an issue", `{"version":1,"generated":"2026-11-20T12:00:00Z","group":"g","title":"t","issues":[{"id":"EMB-2026-0001","list":"distros","status":"disclosed","severity":"high","cves":[],"affected":[],"dates":{"disclosed":"2026-01-01T00:00:00Z"},"extensions":0,"url":"#EMB-2026-0001","reporter":{"name":"x"}}]}`},
		{tl, "embargoed status", `{"version":1,"generated":"2026-11-20T12:00:00Z","group":"g","title":"t","issues":[{"id":"EMB-2026-0001","list":"distros","status":"embargoed","severity":"high","cves":[],"affected":[],"dates":{"disclosed":"2026-01-01T00:00:00Z"},"extensions":0,"url":"#EMB-2026-0001"}]}`},
		{tl, "timestamp with offset", `{"version":1,"generated":"2026-11-20T12:00:00+01:00","group":"g","title":"t","issues":[]}`},
		{tl, "withdrawn with a title", `{"version":1,"generated":"2026-11-20T12:00:00Z","group":"g","title":"t","issues":[],"withdrawn":[{"id":"EMB-2026-0001","list":"distros","status":"withdrawn","title":"x"}]}`},
		{osv, "missing modified", `{"id":"EMB-2026-0001"}`},
		{osv, "unknown key", `{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00Z","notes":"x"}`},
		{osv, "bad reference type", `{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00Z","references":[{"type":"POSTING","url":"https://x.example/"}]}`},
		{osv, "package without ecosystem", `{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"name":"x"}}]}`},
		{osv, "git range without repo", `{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00Z","affected":[{"ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]}]}`},
		{osv, "local time", `{"id":"EMB-2026-0001","modified":"2026-01-01T00:00:00+02:00"}`},
	}
	for _, c := range cases {
		if err := c.s.Validate(decodeJSON(t, []byte(c.doc))); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// atom is the part of RFC 4287 a reader needs.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Link    []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func TestAtomFeed(t *testing.T) {
	for _, sc := range scenarios {
		files := readTree(t, publish(t, sc))
		data := files["feed.atom"]
		// Well-formed: the tokenizer reads to the end without error.
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: feed.atom is not well-formed: %v", sc.name, err)
			}
		}
		var f atom
		if err := xml.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		var tl struct {
			Issues []struct{ ID string }
		}
		if err := json.Unmarshal(files["timeline.json"], &tl); err != nil {
			t.Fatal(err)
		}
		// The feed is as new as its newest entry, not as the clock.
		if f.ID == "" || f.Title == "" || f.Author.Name == "" || !isUTC(f.Updated) || len(f.Entries) == 0 || f.Updated != f.Entries[0].Updated {
			t.Errorf("%s: feed lacks id, title, author or updated = its newest entry's: %+v", sc.name, f)
		}
		if len(f.Entries) != len(tl.Issues) {
			t.Fatalf("%s: %d entries for %d issues", sc.name, len(f.Entries), len(tl.Issues))
		}
		seen := map[string]bool{}
		for i, e := range f.Entries {
			want := tl.Issues[len(tl.Issues)-1-i].ID // newest first
			if e.ID == "" || seen[e.ID] || e.Title == "" || !isUTC(e.Updated) || !strings.HasSuffix(e.ID, "#"+want) {
				t.Errorf("%s: entry %d (%s): bad id, title or updated: %+v", sc.name, i, want, e)
			}
			seen[e.ID] = true
			if len(e.Link) == 0 || e.Link[0].Href != "https://security.example.org/embargo/#"+want {
				t.Errorf("%s: entry %s links to %+v", sc.name, want, e.Link)
			}
		}
	}
}

func isUTC(s string) bool {
	t, err := time.Parse(time.RFC3339, s)
	return err == nil && strings.HasSuffix(s, "Z") && t.Location() == time.UTC
}

// TestSums checks SHA256SUMS against the files, with sha256sum -c when it exists.
func TestSums(t *testing.T) {
	dir := publish(t, scenarios[0])
	files := readTree(t, dir)
	lines := strings.Split(strings.TrimSuffix(string(files["SHA256SUMS"]), "\n"), "\n")
	if len(lines) != len(files)-1 {
		t.Errorf("SHA256SUMS has %d lines for %d other files", len(lines), len(files)-1)
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum not installed")
	}
	cmd := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
	cmd.Dir = filepath.Clean(dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v\n%s", err, out)
	}
}
