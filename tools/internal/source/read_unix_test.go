//go:build unix

package source

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDirReadRefusesWhatIsNotARegularFile checks the fast read path: it must
// read regular files whole and refuse everything else without blocking.
func TestDirReadRefusesWhatIsNotARegularFile(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plain.yaml", "id: x\n")
	write("empty.yaml", "")
	write("big.yaml", strings.Repeat("#", MaxFileSize+1))
	write("limit.yaml", strings.Repeat("#", MaxFileSize))
	if err := os.Symlink("plain.yaml", filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A FIFO would block a plain open until a writer comes: it must be refused at once.
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Dir{Root: root}
	for _, tc := range []struct {
		name    string
		wantLen int
		wantErr error
	}{
		{"plain.yaml", 6, nil},
		{"empty.yaml", 0, nil},
		{"limit.yaml", MaxFileSize, nil},
		{"big.yaml", 0, ErrTooLarge},
		{"link.yaml", 0, fs.ErrNotExist},
		{"dir.yaml", 0, fs.ErrNotExist},
		{"fifo.yaml", 0, fs.ErrNotExist},
		{"missing.yaml", 0, fs.ErrNotExist},
	} {
		data, err := d.Read(tc.name)
		if tc.wantErr == nil && (err != nil || len(data) != tc.wantLen) {
			t.Errorf("%s: got %d bytes, %v; want %d bytes", tc.name, len(data), err, tc.wantLen)
		}
		if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error %q does not name the file", tc.name, err)
		}
	}
}
