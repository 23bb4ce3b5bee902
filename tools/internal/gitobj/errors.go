package gitobj

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them (test with errors.Is), except storage errors passed through by
// ReadCommit.
var (
	// ErrDuplicateHeader: a header that may appear once appears twice, a
	// parent is listed twice, or both gpgsig and gpgsig-sha256 are present.
	ErrDuplicateHeader = errors.New("gitobj: duplicate header")
	// ErrNonCanonical: well-formed but not as git writes it (unknown or
	// misordered header, CR in headers, misplaced continuation line, ...).
	ErrNonCanonical = errors.New("gitobj: non-canonical commit")
	// ErrMultipleSignatures: the gpgsig value holds more than one armored block.
	ErrMultipleSignatures = errors.New("gitobj: multiple signatures")
	// ErrHashMismatch: the object does not hash to the expected id, or a
	// SHA-1 collision attack was detected while hashing it.
	ErrHashMismatch = errors.New("gitobj: hash mismatch")
	// ErrTooLarge: the object exceeds MaxCommitSize (MaxTreeSize for a tree).
	ErrTooLarge = errors.New("gitobj: commit object too large")
	// ErrMalformed: the object is not a parseable commit (bad syntax, missing
	// header, wrong object type).
	ErrMalformed = errors.New("gitobj: malformed commit")
	// ErrMalformedTree: a tree object git's fsck --strict would refuse (see
	// ParseTree).
	ErrMalformedTree = errors.New("gitobj: malformed tree")
	// ErrTooDeep: folders nested deeper than MaxDepth.
	ErrTooDeep = errors.New("gitobj: folders nested too deep")
)

// errAt wraps sentinel with a message naming the 1-based header line.
func errAt(sentinel error, line int, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", sentinel, line, fmt.Sprintf(format, args...))
}

// errf wraps sentinel with a message.
func errf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}

// quote renders untrusted bytes for an error message: quoted and truncated.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}
