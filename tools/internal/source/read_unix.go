//go:build unix

package source

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// readRegular reads the regular file at full (p names it in messages) in four
// system calls: open without following a final symlink and without blocking on a
// FIFO, fstat, read, close. validate reads thousands of small files, and os.Open
// would add six more calls per file to register each one with the poller.
func readRegular(full, p string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(full, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, syscall.ELOOP):
		return nil, fmt.Errorf("%s: a symlink, not a regular file: %w", p, fs.ErrNotExist)
	case err != nil:
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, fmt.Errorf("%s: not a regular file: %w", p, fs.ErrNotExist)
	}
	if st.Size > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes: %w", p, st.Size, ErrTooLarge)
	}
	// One byte more than the size, so a file that grew since fstat is noticed.
	buf := make([]byte, st.Size+1)
	n := 0
	for {
		m, err := syscall.Read(fd, buf[n:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if m == 0 {
			return buf[:n], nil
		}
		n += m
		if n > MaxFileSize {
			return nil, fmt.Errorf("%s: more than %d bytes: %w", p, MaxFileSize, ErrTooLarge)
		}
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
}
