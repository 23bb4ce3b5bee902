package timeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/embargo-tool/embargo/tools/internal/records"
	"github.com/embargo-tool/embargo/tools/internal/state"
)

// ErrLeak is wrapped by every error of the leak guard: a private string was found in
// what would be published.
var ErrLeak = errors.New("leak guard: private text in the public output")

// Guard limits: shorter strings are not searched for; multi-line texts are also
// searched line by line, for lines at least this long.
const (
	MinSecretLen = 4
	MinLineLen   = 12
)

// Leak is one private field found in one output file. It names where the value
// comes from, never the value.
type Leak struct {
	Record string // the issue file, e.g. issues/2026/EMB-2026-0004.yaml
	Field  string // e.g. "title of an embargoed issue"
	Output string // the output file, relative to the output folder
}

// LeakError lists every leak found; it wraps ErrLeak.
type LeakError struct {
	Leaks []Leak
}

func (e *LeakError) Error() string {
	var parts []string
	for i := 0; i < len(e.Leaks); {
		l, outs := e.Leaks[i], []string{}
		for ; i < len(e.Leaks) && e.Leaks[i].Record == l.Record && e.Leaks[i].Field == l.Field; i++ {
			outs = append(outs, e.Leaks[i].Output)
		}
		parts = append(parts, fmt.Sprintf("%s: %s (in %s)", l.Record, l.Field, strings.Join(outs, ", ")))
	}
	return ErrLeak.Error() + ", nothing published: " + strings.Join(parts, "; ")
}

func (e *LeakError) Unwrap() error { return ErrLeak }

// needle is one private string, normalized.
type needle struct {
	text   string
	record string
	field  string
	ident  bool // an id: must not continue with a digit
	off    int  // where its index window starts
}

// guard holds the private strings of a state. Needles of keyLen bytes or more are
// indexed by one window of keyLen bytes, chosen among a few as the least shared so
// far (ids, URLs and e-mail addresses share beginnings and endings); shorter ones
// by their first MinSecretLen bytes.
type guard struct {
	needles []needle
	long    map[string][]int
	short   map[string][]int
}

const keyLen = 8

// newGuard collects the private strings of st at now. Strings equal to a value a
// published record may publish, and strings inside the fixed text of the output
// (skeleton: the files rendered with no issue) are skipped: finding them proves
// nothing. The id, CVEs and title of a record that is not published are never
// skipped: whatever a published record shows, they must not appear (a published
// record that shows them is refused, not excused). The guard decides on its own
// which records are public and what they may show, from the records, so that a
// bug in the projection cannot excuse itself.
func newGuard(st *state.State, now time.Time, skeleton map[string][]byte, unsealed map[string]*records.Issue) *guard {
	listMode := st.Policy.Publication.Withdrawn == WithdrawnList
	published := map[*state.IssueFile]bool{}
	listed := map[*state.IssueFile]bool{} // withdrawn records whose id is listed
	allowed := map[string]bool{}
	for _, f := range st.Issues {
		switch {
		case f.Issue == nil:
		case isPublic(f.Issue, now):
			published[f] = true
			for _, v := range publishedValues(f.Issue, now) {
				allowed[normalize(v)] = true
			}
		case listMode && f.Issue.Status == records.StatusWithdrawn && f.Issue.Sealed == "":
			listed[f] = true
			allowed[normalize(f.Issue.ID)] = true
		}
	}
	var fixed []string
	for _, name := range sortedKeys(skeleton) {
		fixed = append(fixed, views(name, skeleton[name])...)
	}
	for name := range st.Policy.Lists {
		fixed = append(fixed, normalize(name))
	}
	fixedText := strings.Join(fixed, "\x00")
	members := map[string]bool{}
	for id := range st.MembersByID {
		members[id] = true
	}

	g := &guard{long: map[string][]int{}, short: map[string][]int{}}
	// add guards text; a strict needle is never skipped for being public elsewhere.
	add := func(record, field, text string, ident, strict bool) {
		n := normalize(text)
		if utf8.RuneCountInString(n) < MinSecretLen || !strict && (allowed[n] || strings.Contains(fixedText, n)) {
			return
		}
		nd := needle{text: n, record: record, field: field, ident: ident}
		if len(n) >= keyLen {
			nd.off = g.window(n)
			g.long[n[nd.off:nd.off+keyLen]] = append(g.long[n[nd.off:nd.off+keyLen]], len(g.needles))
		} else {
			g.short[n[:MinSecretLen]] = append(g.short[n[:MinSecretLen]], len(g.needles))
		}
		g.needles = append(g.needles, nd)
	}
	addText := func(record, field, what, text string, strict bool) {
		add(record, field+" of "+what, text, false, strict)
		if !strings.Contains(strings.TrimSpace(text), "\n") {
			return
		}
		for i, line := range strings.Split(text, "\n") {
			if utf8.RuneCountInString(normalize(line)) >= MinLineLen {
				add(record, fmt.Sprintf("%s (line %d) of %s", field, i+1, what), line, false, strict)
			}
		}
	}
	for _, f := range st.Issues {
		is, what := f.Issue, describe(f, published[f])
		if is == nil {
			is = lenientIssue(f)
		}
		if u := unsealed[f.Path]; u != nil && is != nil && is.Sealed != "" {
			is = u // a sealed record, opened by whoever runs --unseal: never published
		}
		if is == nil {
			continue
		}
		of := func(field string) string { return field + " of " + what }
		priv := func(field, text string) { addText(f.Path, field, what, text, false) }

		// Private everywhere: what only the list may know.
		priv("notes", is.Notes)
		priv("deployment.restrictions", is.Deployment.Restrictions)
		for i, inf := range is.Informed {
			if !members[inf.Who] {
				priv(fmt.Sprintf("informed[%d].who", i), inf.Who)
			}
		}
		for i, l := range is.Leaks {
			priv(fmt.Sprintf("leaks[%d].what", i), l.What)
			priv(fmt.Sprintf("leaks[%d].to_whom", i), l.ToWhom)
			priv(fmt.Sprintf("leaks[%d].steps", i), l.Steps)
		}
		for i, e := range is.Extensions {
			priv(fmt.Sprintf("extensions[%d].reason", i), e.Reason)
		}

		if published[f] {
			// Published: the reporter only as consented credit.
			credit := ""
			if is.Reporter.CreditConsent {
				credit = normalize(is.Public.Credit)
			}
			if credit == "" || !strings.Contains(credit, normalize(is.Reporter.Name)) {
				priv("reporter.name", is.Reporter.Name)
			}
			if credit == "" || !strings.Contains(credit, normalize(is.Reporter.Email)) {
				priv("reporter.email", is.Reporter.Email)
			}
			if !exploitPublic(is, now) {
				priv("exploits.posting", is.Exploits.Posting)
			}
			continue
		}
		// Not published: nothing of it may appear, not even its public block; its
		// id, CVEs and title not even where a published record shows them.
		if !listed[f] {
			add(f.Path, of("id"), is.ID, true, true)
		}
		addText(f.Path, "title", what, is.Title, true)
		priv("summary", is.Summary)
		priv("reporter.name", is.Reporter.Name)
		priv("reporter.email", is.Reporter.Email)
		for i, c := range is.CVEs {
			add(f.Path, of(fmt.Sprintf("cves[%d]", i)), c, true, true)
		}
		for i, a := range is.Affected {
			priv(fmt.Sprintf("affected[%d].product", i), a.Product)
			if a.Package != nil {
				priv(fmt.Sprintf("affected[%d].package.name", i), a.Package.Name)
				priv(fmt.Sprintf("affected[%d].package.purl", i), a.Package.Purl)
			}
			if a.Git != nil {
				priv(fmt.Sprintf("affected[%d].git.repo", i), a.Git.Repo)
				priv(fmt.Sprintf("affected[%d].git.introduced", i), a.Git.Introduced)
				priv(fmt.Sprintf("affected[%d].git.fixed", i), a.Git.Fixed)
				priv(fmt.Sprintf("affected[%d].git.last_affected", i), a.Git.LastAffected)
			}
		}
		priv("public.title", is.Public.Title)
		priv("public.summary", is.Public.Summary)
		priv("public.credit", is.Public.Credit)
		priv("public_posting", is.PublicPosting)
		priv("exploits.posting", is.Exploits.Posting)
	}
	return g
}

// isPublic is the guard's own reading of the package doc's rule: status
// disclosed, not sealed, and the disclosure time (dates.disclosed, else dates.disclosure; RFC 3339 with
// seconds and an offset within ±23:59) at or before now.
func isPublic(is *records.Issue, now time.Time) bool {
	at := is.Dates.Disclosed
	if at == "" {
		at = is.Dates.Disclosure
	}
	t, err := records.ParseInstant(at)
	return is.Status == records.StatusDisclosed && is.Sealed == "" && err == nil && !t.After(now)
}

// window picks the start of n's index window: of up to eight evenly spaced
// windows, the one shared by the fewest needles so far.
func (g *guard) window(n string) int {
	steps := min(8, len(n)-keyLen+1)
	best, bestN := 0, -1
	for s := range steps {
		off := 0
		if steps > 1 {
			off = s * (len(n) - keyLen) / (steps - 1)
		}
		if c := len(g.long[n[off:off+keyLen]]); bestN < 0 || c < bestN {
			best, bestN = off, c
		}
	}
	return best
}

// exploitPublic says whether an exploit's publication time has come.
func exploitPublic(is *records.Issue, now time.Time) bool {
	t, err := records.ParseInstant(is.Exploits.Published)
	return err == nil && !t.After(now)
}

// publishedValues are the allowlisted values of a published record at now.
func publishedValues(is *records.Issue, now time.Time) []string {
	v := []string{is.ID, is.List, is.Severity, is.PublicPosting, is.Public.Title, is.Public.Summary}
	if is.Reporter.CreditConsent {
		v = append(v, is.Public.Credit)
	}
	if exploitPublic(is, now) {
		v = append(v, is.Exploits.Posting)
	}
	v = append(v, is.CVEs...)
	for _, a := range is.Affected {
		v = append(v, a.Product, a.Versions)
		if a.Package != nil {
			v = append(v, a.Package.Ecosystem, a.Package.Name, a.Package.Purl)
		}
		if a.Git != nil {
			v = append(v, a.Git.Repo, a.Git.Introduced, a.Git.Fixed, a.Git.LastAffected)
		}
	}
	return v
}

// describe says what kind of record a needle comes from, for messages.
func describe(f *state.IssueFile, published bool) string {
	switch {
	case published:
		return "a published issue"
	case f.Issue == nil:
		return "a record that failed its schema"
	}
	switch f.Issue.Status {
	case records.StatusEmbargoed:
		return "an embargoed issue"
	case records.StatusDraft:
		return "a draft issue"
	case records.StatusWithdrawn:
		return "a withdrawn issue"
	}
	return "an issue not yet disclosed"
}

// lenientIssue decodes what it can of a record that failed its schema, so its
// strings are guarded too.
func lenientIssue(f *state.IssueFile) *records.Issue {
	doc := f.Doc()
	if doc == nil || doc.Root == nil {
		return nil
	}
	is := new(records.Issue)
	_ = doc.Root.Decode(is) // a type error still fills the fields it could
	return is
}

// scan returns every needle found in files, sorted by record, field and output.
func (g *guard) scan(files map[string][]byte) []Leak {
	seen := map[Leak]bool{}
	var out []Leak
	hit := func(ni int, name string) {
		n := g.needles[ni]
		l := Leak{Record: n.record, Field: n.field, Output: name}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	// at reports whether v has needle n at start, not continued by a digit when n
	// is an id.
	at := func(v string, start int, n needle) bool {
		end := start + len(n.text)
		if start < 0 || end > len(v) || v[start:end] != n.text {
			return false
		}
		return !n.ident || end == len(v) || v[end] < '0' || v[end] > '9'
	}
	for _, name := range sortedKeys(files) {
		for _, v := range append(views(name, files[name]), normalize(name)) {
			for i := 0; i+MinSecretLen <= len(v); i++ {
				for _, ni := range g.short[v[i:i+MinSecretLen]] {
					if at(v, i, g.needles[ni]) {
						hit(ni, name)
					}
				}
				if i+keyLen <= len(v) {
					for _, ni := range g.long[v[i:i+keyLen]] {
						if at(v, i-g.needles[ni].off, g.needles[ni]) {
							hit(ni, name)
						}
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Leak) int {
		if c := strings.Compare(a.Record, b.Record); c != 0 {
			return c
		}
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		return strings.Compare(a.Output, b.Output)
	})
	return out
}

// views returns the normalized forms a reader could see in a file: its bytes, with
// character references decoded, percent-decoded, and a JSON file's strings.
func views(name string, data []byte) []string {
	raw := string(data)
	out := []string{normalize(raw)}
	unesc := raw
	if strings.Contains(raw, "&") {
		unesc = html.UnescapeString(raw)
		out = append(out, normalize(unesc))
	}
	if dec := percentDecode(unesc); dec != unesc {
		out = append(out, normalize(dec))
	}
	if strings.HasSuffix(name, ".json") {
		if s, ok := jsonStrings(data); ok {
			out = append(out, normalize(s))
		}
	}
	return out
}

// jsonStrings joins every key and string of a JSON document.
func jsonStrings(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v)
			b.WriteByte('\n')
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, k := range sortedKeys(v) {
				b.WriteString(k)
				b.WriteByte('\n')
				walk(v[k])
			}
		}
	}
	walk(v)
	return b.String(), true
}

// percentDecode decodes %XX escapes, leaving malformed ones as they are.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// normalize folds the ways one text can be written, so that a copy still matches:
// format characters that render as nothing are dropped (Unicode category Cf: zero-
// width space, soft hyphen, joiners; and variation selectors and the other default-
// ignorable code points), compatibility forms are unified (NFKC: full-width letters,
// ligatures, superscripts), case is folded (Unicode full case folding), and runs of
// white space become one space. The needles and every view of the output go
// through the same function.
//
// Its cost is linear: ASCII bytes take one pass, and only the stretches of other
// characters go through the Unicode steps (foldUnicode), each with the one ASCII
// character before it, which a combining mark may join. Cutting there changes
// nothing: no ASCII character joins the character before it, and dropping,
// folding and NFKC see no further context (FuzzNormalize holds this).
func normalize(s string) string {
	if !isASCII(s) {
		fold := cases.Fold()
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); {
			j := i
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			if j == len(s) {
				b.WriteString(s[i:])
				break
			}
			start := max(j-1, i) // the base a combining mark may join
			b.WriteString(s[i:start])
			k := j
			for k < len(s) && s[k] >= utf8.RuneSelf {
				k++
			}
			b.WriteString(foldUnicode(fold, s[start:k]))
			i = k
		}
		s = b.String()
	}
	buf := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || '\t' <= c && c <= '\r':
				space = true
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			if space && len(buf) > 0 {
				buf = append(buf, ' ')
			}
			space = false
			buf = append(buf, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case invisible(r):
			continue // NFKC and folding made one; rare, but it must not split a needle
		}
		if space && len(buf) > 0 {
			buf = append(buf, ' ')
		}
		space = false
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}

// foldUnicode drops invisible characters, applies NFKC, folds case and applies NFKC
// again (folding can undo it, e.g. for a decomposed ΐ).
func foldUnicode(fold cases.Caser, s string) string {
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFKC.String(fold.String(norm.NFKC.String(s)))
}

// invisible reports whether r renders as nothing: a format character (Cf), a
// variation selector or another default-ignorable code point.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
