// Package quote makes any string safe to write into the formats the tool
// prints: plain text lines, Markdown table cells and URI references. File
// names and messages come from the repository, which anyone who can open a
// pull request controls: a newline in a file name must not forge a line of a
// report, a backtick must not close a code span, and `#` or `%` must not
// change what a URI points at. Each writer passes every string it did not
// write itself through one of these functions, so escaping holds by
// construction rather than by the care of each caller.
package quote

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unsafeRune reports whether r must not reach a terminal or a log as it is:
// control characters, line and paragraph separators, the bidirectional
// controls that reorder what a reader sees, and other invisible format
// characters.
func unsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r) // bidi controls, zero-width characters
}

// Line returns s for one line of plain text: every unsafe character (see
// above) and every byte that is not UTF-8 is written as a Go escape (\n,
// \x1b, \u202e), and so is a backslash, so that the escapes cannot be forged.
func Line(s string) string {
	if !needsEscape(s, false) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, path bool) bool {
	for i, r := range s {
		if unsafeRune(r) || r == '\\' || (path && r == '"') {
			return true
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		}
	}
	return false
}

// Path returns a file name for plain text: as it is when it holds only
// ordinary printable characters, else in double quotes with Go escapes (the
// way git quotes unusual paths), so a reader can always tell where it ends.
func Path(p string) string {
	if !needsEscape(p, true) {
		return p
	}
	return `"` + strings.ReplaceAll(Line(p), `"`, `\"`) + `"`
}

// Code returns s as a Markdown code span for a table cell: nothing in it is
// read as Markdown or HTML (no link, mention, emphasis or tag), it stays on
// one line, and a `|` does not end the cell. Unsafe characters are escaped as
// in Line. An empty s is a dash.
func Code(s string) string {
	s = strings.ReplaceAll(Line(s), "|", `\|`)
	if s == "" {
		return "—"
	}
	// The fence is one backtick longer than the longest run inside, and a
	// space pads a span that starts or ends with a backtick or a space
	// (CommonMark strips one space from each end when both are there, unless
	// the span is only spaces).
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	spaced := strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || spaced {
		s = " " + s + " "
	}
	return fence + s + fence
}

// URI returns a slash-separated relative path as a URI reference (RFC 3986)
// that names the same path: every byte but the unreserved characters and the
// slashes between segments is percent-encoded, so `#`, `?`, `%` and `:` are
// read as part of the name, not as a fragment, a query, an escape or a scheme,
// and a leading slash is encoded, so the reference stays relative.
func URI(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "/") {
		// A leading slash would make the path absolute, two an authority.
		out = "%2F" + out[1:]
	}
	return out
}
