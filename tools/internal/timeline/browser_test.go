package timeline_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrowserDOM loads index.html in headless Chromium (Debian's chromium package)
// and checks the rendered DOM: one row per published issue, the chart, no script.
// Without chromium on PATH it skips, unless EMBARGO_REQUIRE_CHROMIUM=1.
func TestBrowserDOM(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("EMBARGO_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("chromium is not on PATH and EMBARGO_REQUIRE_CHROMIUM=1; install it: apt-get install chromium")
		}
		t.Skip("chromium is not on PATH; install it (apt-get install chromium) to check index.html in a browser, or set EMBARGO_REQUIRE_CHROMIUM=1 to make this a failure")
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			dir := publish(t, sc)
			var tl struct{ Issues []struct{ ID string } }
			data, err := os.ReadFile(filepath.Join(dir, "timeline.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &tl); err != nil {
				t.Fatal(err)
			}
			dom := dumpDOM(t, bin, filepath.Join(dir, "index.html"))
			table := between(dom, `<table id="issues">`, `</table>`)
			body := between(table, "<tbody>", "</tbody>")
			if rows := strings.Count(body, "<tr>") + strings.Count(body, "<tr "); rows != len(tl.Issues) {
				t.Errorf("the issues table has %d rows in its tbody, timeline.json %d issues", rows, len(tl.Issues))
			}
			for _, is := range tl.Issues {
				if !strings.Contains(body, ">"+is.ID+"</a></th>") {
					t.Errorf("no row for %s", is.ID)
				}
			}
			for _, want := range []string{`<html lang="en">`, "<svg", `<title id="chart-title">`, `<desc id="chart-desc">`, "<caption>", `scope="col"`, "@media print"} {
				if !strings.Contains(dom, want) {
					t.Errorf("the DOM lacks %s", want)
				}
			}
			if strings.Contains(dom, "<script") {
				t.Errorf("the page has a script")
			}
		})
	}
}

// dumpDOM returns the DOM Chromium builds for page.
func dumpDOM(t *testing.T, bin, page string) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "embargo-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+profile, "--dump-dom", "file://"+page)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s --dump-dom: %v\n%s", bin, err, stderr.String())
	}
	if len(out) == 0 {
		t.Fatalf("%s --dump-dom printed nothing\n%s", bin, stderr.String())
	}
	return string(out)
}

// between returns the text from the first start to the following end, or "".
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return ""
}
