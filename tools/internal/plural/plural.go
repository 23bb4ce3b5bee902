// Package plural writes a count with its noun, "1 issue" and "2 issues", for
// every message that counts something: "%d issues" and "issue(s)" read wrong
// for one. A test in this package holds the tree's format strings to it.
package plural

import "strconv"

// Of returns n and word, with an "s" added unless n is 1: Of(1, "file") is
// "1 file", Of(0, "file") "0 files".
func Of(n int, word string) string {
	return Words(n, word, word+"s")
}

// Words returns n and one when n is 1, else n and many, for nouns whose
// plural is not word+"s": Words(3, "person", "people") is "3 people".
func Words(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
