package gitpack

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound means no pack holds the object; it may still be a loose object.
	ErrNotFound = errors.New("object not in any pack")
	// ErrCorrupt means a pack or index contradicts itself or the object asked for.
	ErrCorrupt = errors.New("corrupt pack")
	// ErrUnsupported means a pack format this reader does not handle (an index
	// of version 3, say); the caller must say so, never treat it as missing.
	ErrUnsupported = errors.New("unsupported pack format")
	// ErrTooLarge means the object is over the size this reader keeps in memory.
	ErrTooLarge = errors.New("object too large for the pack reader")
)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

func errUnsupported(what string) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, what)
}
