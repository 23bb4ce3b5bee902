package quote

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// hostile are the names the issue lists, and their friends.
var hostile = []string{
	"issues/2026/EMB-2026-0001.yaml",
	"issues/2026/a\nissues/2026/b.yaml:1:1: error: schema: forged.yaml",
	"issues/2026/a\r\nb.yaml",
	"issues/2026/`code` and ``two``.yaml",
	"issues/2026/<img src=x onerror=alert(1)>.yaml",
	"issues/2026/%0A%25.yaml",
	"issues/2026/@octocat please look.yaml",
	"issues/2026/#1 and ?q=1.yaml",
	"issues/2026/[link](https://evil.example).yaml",
	"issues/2026/https://evil.example/x.yaml",
	"issues/2026/a|b|c.yaml",
	"issues/2026/back\\slash\\|pipe.yaml",
	"issues/2026/\u202eLMTH.yaml",
	"issues/2026/\x1b[31mred.yaml",
	"issues/2026/bad\xffbyte.yaml",
	"issues/2026/quote\".yaml",
	"`", "``", " ` ", " ", "",
	"*emph* _emph_ ~~del~~",
	"line\u2028separator",
}

// unquote reads back what Line wrote (a Go string body whose double quotes
// are not escaped) or Path wrote (a quoted Go string, or the path itself).
func unquote(t testing.TB, s string, path bool) string {
	t.Helper()
	if path && strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			t.Fatalf("%s does not read back: %v", s, err)
		}
		return u
	}
	if path {
		return s
	}
	u, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`)
	if err != nil {
		t.Fatalf("%q does not read back: %v", s, err)
	}
	return u
}

func checkLine(t testing.TB, s string) {
	got := Line(s)
	for _, r := range got {
		if unsafeRune(r) {
			t.Fatalf("Line(%q) = %q keeps %U", s, got, r)
		}
	}
	if back := unquote(t, got, false); back != s {
		t.Fatalf("Line(%q) = %q reads back as %q", s, got, back)
	}
	p := Path(s)
	if strings.ContainsAny(p, "\n\r") || unquote(t, p, true) != s {
		t.Fatalf("Path(%q) = %q", s, p)
	}
	if p != s && !(strings.HasPrefix(p, `"`) && strings.HasSuffix(p, `"`)) {
		t.Fatalf("Path(%q) = %q: changed but not quoted", s, p)
	}
}

func TestLineAndPath(t *testing.T) {
	for _, s := range hostile {
		checkLine(t, s)
	}
	if Path("issues/2026/EMB-2026-0001.yaml") != "issues/2026/EMB-2026-0001.yaml" {
		t.Error("an ordinary path is quoted")
	}
	if got := Path("a\nb"); got != `"a\nb"` {
		t.Errorf("Path = %s", got)
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkLine(t, s) })
}

var (
	md      = goldmark.New(goldmark.WithExtensions(extension.GFM))
	cellsRe = regexp.MustCompile(`(?s)<tbody>\n<tr>\n<td>(.*?)</td>\n<td>(.*?)</td>\n</tr>\n</tbody>`)
)

// checkCode renders a GitHub-flavoured table row holding Code(s) and checks
// that the row keeps its two cells and the first holds one code span whose
// text is Line(s): nothing was read as Markdown or HTML.
func checkCode(t testing.TB, s string) {
	c := Code(s)
	if strings.ContainsAny(c, "\n\r") {
		t.Fatalf("Code(%q) = %q spans lines", s, c)
	}
	var out bytes.Buffer
	if err := md.Convert([]byte("| a | b |\n|---|---|\n| "+c+" | after |\n"), &out); err != nil {
		t.Fatal(err)
	}
	m := cellsRe.FindStringSubmatch(out.String())
	if m == nil || m[2] != "after" {
		t.Fatalf("Code(%q) = %q breaks the table row:\n%s", s, c, out.String())
	}
	inner, ok := strings.CutPrefix(m[1], "<code>")
	inner, ok2 := strings.CutSuffix(inner, "</code>")
	switch {
	case s == "" && m[1] == "—":
	case !ok || !ok2 || strings.Contains(inner, "<") || html.UnescapeString(inner) != Line(s):
		t.Fatalf("Code(%q) = %q renders as %s, want a code span of %q", s, c, m[1], Line(s))
	}
}

func TestCode(t *testing.T) {
	for _, s := range hostile {
		checkCode(t, s)
	}
}

func FuzzCode(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkCode(t, s) })
}

func checkURI(t testing.TB, p string) {
	u := URI(p)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("URI(%q) = %q does not parse: %v", p, u, err)
	}
	if parsed.Scheme != "" || parsed.Host != "" || parsed.RawQuery != "" || parsed.Fragment != "" || parsed.Opaque != "" {
		t.Fatalf("URI(%q) = %q is read as %#v", p, u, parsed)
	}
	if back, err := url.PathUnescape(u); err != nil || back != p {
		t.Fatalf("URI(%q) = %q reads back as %q (%v)", p, u, back, err)
	}
}

func TestURI(t *testing.T) {
	for _, p := range append(hostile, "c:/x.yaml", "a b/ü.yaml") {
		checkURI(t, p)
	}
	if got := URI("issues/2026/EMB-2026-0001.yaml"); got != "issues/2026/EMB-2026-0001.yaml" {
		t.Errorf("an ordinary path changed: %s", got)
	}
}

func FuzzURI(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) { checkURI(t, p) })
}
