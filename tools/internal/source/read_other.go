//go:build !unix

package source

import (
	"fmt"
	"io/fs"
	"os"
)

// readRegular reads the regular file at full (p names it in messages).
func readRegular(full, p string) ([]byte, error) {
	fi, err := os.Lstat(full)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file: %w", p, fs.ErrNotExist)
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes: %w", p, fi.Size(), ErrTooLarge)
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBounded(f, p)
}
