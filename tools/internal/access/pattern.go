// Package access decides who may change which path, deny by default (docs/signatures.md, "Where trust comes from").
// Patterns are slash-separated: `*` matches within one segment, `**` matches any
// number of whole segments, everything else is literal and case-sensitive.
package access

import (
	"errors"
	"fmt"
	"strings"
)

// CheckPattern says why a pattern can never match a repository path, or nil.
func CheckPattern(p string) error {
	switch {
	case p == "":
		return errors.New("empty pattern")
	case strings.HasPrefix(p, "/"):
		return errors.New("pattern is absolute; write it relative to the repository root, e.g. members/*.yaml")
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("pattern ends with '/'; write %s** to match a folder", p)
	case strings.ContainsAny(p, "\\[]{}?"):
		return errors.New("pattern uses characters other than literal text, '*' and '**'; character classes and alternatives are not supported")
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "":
			return errors.New("pattern has an empty segment ('//')")
		case seg == "." || seg == "..":
			return errors.New("pattern has a '.' or '..' segment, which no repository path has")
		case seg == ".git":
			return errors.New("pattern points into .git, which is never part of a commit")
		case strings.Contains(seg, "**") && seg != "**":
			return errors.New("'**' must stand alone as a whole segment, e.g. issues/**")
		}
	}
	return nil
}

// Match reports whether path p matches pattern pat.
func Match(pat, p string) bool {
	return matchSegs(strings.Split(pat, "/"), strings.Split(p, "/"))
}

// matchSegs matches pattern segments against path segments by dynamic
// programming over (pattern position, path position): time in proportion to
// their product, however many "**" the pattern holds.
func matchSegs(pat, segs []string) bool {
	// next[j]: pat[i+1:] matches segs[j:]; cur is the same for pat[i:].
	next := make([]bool, len(segs)+1)
	cur := make([]bool, len(segs)+1)
	next[len(segs)] = true
	for i := len(pat) - 1; i >= 0; i-- {
		if pat[i] == "**" {
			acc := false
			for j := len(segs); j >= 0; j-- {
				acc = acc || next[j] // "**" takes segs[j:k] for some k
				cur[j] = acc
			}
		} else {
			cur[len(segs)] = false
			for j := range segs {
				cur[j] = next[j+1] && matchSeg(pat[i], segs[j])
			}
		}
		next, cur = cur, next
	}
	return next[0]
}

// matchSeg matches one segment with '*' wildcards (no '/' inside).
func matchSeg(pat, s string) bool {
	parts := strings.Split(pat, "*")
	if len(parts) == 1 {
		return pat == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// Covers reports whether every path pat can match is also matched by scope,
// checked on the shape of the patterns (segment by segment).
func Covers(scope, pat string) bool {
	s, p := strings.Split(scope, "/"), strings.Split(pat, "/")
	if len(s) > 0 && s[len(s)-1] == "**" {
		prefix := s[:len(s)-1]
		if len(p) < len(prefix) {
			return false
		}
		for i := range prefix {
			if !segCovers(prefix[i], p[i]) {
				return false
			}
		}
		return true
	}
	if len(s) != len(p) {
		return false
	}
	for i := range s {
		if !segCovers(s[i], p[i]) {
			return false
		}
	}
	return true
}

func segCovers(scope, pat string) bool {
	if pat == "**" {
		return false
	}
	if !strings.Contains(pat, "*") {
		return matchSeg(scope, pat)
	}
	// A wildcard segment is covered by a scope segment that is itself "*" with
	// the same literal suffix ("*.yaml" covers "*.yaml" and "deb*.yaml").
	if scope == pat {
		return true
	}
	parts := strings.Split(scope, "*")
	return len(parts) == 2 && parts[0] == "" && strings.HasSuffix(pat, parts[1])
}
