package cli

import "fmt"

// warnf writes `embargo: warning: ...` to stderr (lower-case, no trailing period).
func (e *env) warnf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "embargo: warning: "+format+"\n", args...)
}

// hintf writes `embargo: hint: ...` to stderr.
func (e *env) hintf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "embargo: hint: "+format+"\n", args...)
}
