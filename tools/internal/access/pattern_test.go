package access

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pat, path string
		want      bool
	}{
		{"policy.yaml", "policy.yaml", true},
		{"policy.yaml", "Policy.yaml", false}, // case-sensitive
		{"policy.yaml", "x/policy.yaml", false},
		{"members/*.yaml", "members/debian.yaml", true},
		{"members/*.yaml", "members/keys/A.asc", false},
		{"members/*.yaml", "members/sub/debian.yaml", false}, // '*' stays in one segment
		{"members/*.yaml", "members/.yaml", true},
		{"members/keys/*.asc", "members/keys/ABC.asc", true},
		{"issues/**", "issues/2026/EMB-2026-0001.yaml", true},
		{"issues/**", "issues/x", true},
		{"issues/**", "issues", true}, // "**" matches no segment too
		{"issues/**", "issuesx/y", false},
		{"**", "a/b/c", true},
		{"**/x.yaml", "x.yaml", true},
		{"**/x.yaml", "a/b/x.yaml", true},
		{"**/x.yaml", "a/b/y.yaml", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"*.md", "README.md", true},
		{"*.md", "docs/README.md", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false},
		{"ab*b", "ab", false},
		{"**/**/**/**/**/**/**/**/**/**/z", strings.Repeat("a/", 60) + "y", false}, // no blow-up
	}
	for _, c := range cases {
		if got := Match(c.pat, c.path); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pat, c.path, got, c.want)
		}
	}
}

func TestCheckPattern(t *testing.T) {
	good := []string{"policy.yaml", "roles/**", "members/*.yaml", "**", "a/**/b", "*.md"}
	bad := []string{"", "/abs", "dir/", "a//b", "./x", "a/../b", ".git/config", "a**", "x[ab]", "{a,b}", "a?c", `a\b`}
	for _, p := range good {
		if err := CheckPattern(p); err != nil {
			t.Errorf("CheckPattern(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range bad {
		if err := CheckPattern(p); err == nil {
			t.Errorf("CheckPattern(%q) = nil, want an error", p)
		}
	}
}

func TestCovers(t *testing.T) {
	cases := []struct {
		scope, pat string
		want       bool
	}{
		{"members/**", "members/*.yaml", true},
		{"members/**", "members/keys/*.asc", true},
		{"members/*.yaml", "members/debian.yaml", true},
		{"members/*.yaml", "members/deb*.yaml", true},
		{"members/*.yaml", "members/*.asc", false},
		{"members/*.yaml", "members/**", false},
		{"issues/**", "members/x.yaml", false},
		{"policy.yaml", "policy.yaml", true},
	}
	for _, c := range cases {
		if got := Covers(c.scope, c.pat); got != c.want {
			t.Errorf("Covers(%q, %q) = %v, want %v", c.scope, c.pat, got, c.want)
		}
	}
}

// matchByDefinition is the definition of Match, written as plainly as
// possible (and exponential in the number of "**"): the reference the fuzz
// target holds Match to.
func matchByDefinition(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchByDefinition(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	return len(segs) > 0 && globSegment(pat[0], segs[0]) && matchByDefinition(pat[1:], segs[1:])
}

// globSegment matches one segment with '*' by trying every split.
func globSegment(pat, s string) bool {
	if pat == "" {
		return s == ""
	}
	if pat[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if globSegment(pat[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && s[0] == pat[0] && globSegment(pat[1:], s[1:])
}

func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"issues/**", "issues/2026/x.yaml"}, {"a/**/b", "a/x/b"}, {"*a*b", "xaab"}, {"**/**", "a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, p string) {
		if len(pat) > 40 || len(p) > 40 || strings.Count(pat, "*") > 4 {
			t.Skip() // keep the exponential reference fast
		}
		got := Match(pat, p)
		want := matchByDefinition(strings.Split(pat, "/"), strings.Split(p, "/"))
		if got != want {
			t.Fatalf("Match(%q, %q) = %v, by definition %v", pat, p, got, want)
		}
	})
}
