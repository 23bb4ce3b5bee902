package gitobj

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// MaxTreeSize is the largest raw tree object ParseTree accepts (8 MiB, about
// 200,000 entries): far more than a policy repository's largest folder.
const MaxTreeSize = 8 << 20

// TreeEntry is one entry of a strictly parsed tree.
type TreeEntry struct {
	Name string
	Mode filemode.FileMode
	Hash plumbing.Hash
}

// IsDir reports whether the entry is a folder (a subtree).
func (e TreeEntry) IsDir() bool { return e.Mode == filemode.Dir }

// Tree is a strictly parsed tree object: its entries in git's order, each name
// once. Names are substrings of one string, so a tree costs a few allocations.
type Tree struct {
	Entries []TreeEntry
	Size    int // bytes of the raw object

	indexOnce sync.Once
	index     map[string]int // name -> entry, built on first use for large trees
	foldOnce  sync.Once
	folded    map[string][2]int32 // lower-case name -> its first two entries (-1: none)
}

// ParseTree parses raw, a tree object without its "tree <len>\x00" prefix, and
// refuses anything `git fsck --strict` reports about a tree: a truncated entry,
// a mode other than git's five (040000 zero-padded, 100664 and the like
// included), a null object id, an empty name, ".", "..", a name holding "/",
// ".git" in any case or in its NTFS or HFS+ disguises (".git.", "git~1",
// ".g\u200cit"), entries out of git's order, and a name listed twice (also a
// file and a folder of one name, which git's order can keep apart). If want
// is not zero the object must hash to it. Errors wrap ErrMalformedTree,
// ErrHashMismatch or ErrTooLarge.
func ParseTree(raw []byte, want plumbing.Hash) (*Tree, error) {
	if len(raw) > MaxTreeSize {
		return nil, errf(ErrTooLarge, "tree of %d bytes, limit %d", len(raw), MaxTreeSize)
	}
	if !want.IsZero() {
		id, collision := hashObject("tree", raw)
		if collision {
			return nil, errf(ErrHashMismatch, "sha-1 collision attack detected in tree %s", id)
		}
		if id != want {
			return nil, errf(ErrHashMismatch, "tree hashes to %s, want %s", id, want)
		}
	}
	data := string(raw) // one copy; every name is a substring of it
	t := &Tree{Entries: make([]TreeEntry, 0, strings.Count(data, "\x00")), Size: len(raw)}
	for i := 0; i < len(data); {
		sp := strings.IndexByte(data[i:], ' ')
		if sp < 0 {
			return nil, treeErr("", "truncated entry at byte %d", i)
		}
		modeText := data[i : i+sp]
		nameStart := i + sp + 1
		nul := strings.IndexByte(data[nameStart:], 0)
		if nul < 0 || nameStart+nul+1+len(plumbing.ZeroHash) > len(data) {
			return nil, treeErr("", "truncated entry at byte %d", i)
		}
		e := TreeEntry{Name: data[nameStart : nameStart+nul]}
		mode, ok := treeModes[modeText]
		if !ok {
			return nil, treeErr(e.Name, "mode %q is not one git writes (100644, 100755, 120000, 40000, 160000)", modeText)
		}
		e.Mode = mode
		copy(e.Hash[:], data[nameStart+nul+1:])
		i = nameStart + nul + 1 + len(plumbing.ZeroHash)
		if e.Hash.IsZero() {
			return nil, treeErr(e.Name, "null object id")
		}
		if why := BadTreeName(e.Name); why != "" {
			return nil, treeErr(e.Name, "%s", why)
		}
		if n := len(t.Entries); n > 0 {
			prev := t.Entries[n-1]
			switch c := CompareTreeOrder(prev, e); {
			case prev.Name == e.Name:
				return nil, treeErr(e.Name, "name listed twice")
			case c > 0:
				return nil, treeErr(e.Name, "entries out of git's order")
			}
			// A file "x" and a folder "x" sort apart when a name like "x.y"
			// lies between them ("x" < "x.y" < "x/"): look for the file.
			if e.IsDir() && t.sortedFileBefore(e.Name) {
				return nil, treeErr(e.Name, "name listed twice (as a file and as a folder)")
			}
		}
		t.Entries = append(t.Entries, e)
	}
	return t, nil
}

// treeModes are the modes git writes, spelled as git spells them.
var treeModes = map[string]filemode.FileMode{
	"100644": filemode.Regular,
	"100755": filemode.Executable,
	"120000": filemode.Symlink,
	"40000":  filemode.Dir,
	"160000": filemode.Submodule,
}

// sortedFileBefore reports whether a non-folder entry called name is among the
// entries so far, which are in git's order: a file's sort key is its name.
func (t *Tree) sortedFileBefore(name string) bool {
	lo, hi := 0, len(t.Entries)
	for lo < hi {
		mid := (lo + hi) / 2
		if CompareTreeOrder(t.Entries[mid], TreeEntry{Name: name, Mode: filemode.Regular}) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo < len(t.Entries) && t.Entries[lo].Name == name && !t.Entries[lo].IsDir()
}

// treeErr is a malformed-tree error naming the entry.
func treeErr(name, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if name != "" {
		msg = fmt.Sprintf("entry %s: %s", quote([]byte(name)), msg)
	}
	return fmt.Errorf("%w: %s", ErrMalformedTree, msg)
}

// BadTreeName says why git's fsck refuses name as a tree entry, or "".
func BadTreeName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case name == "." || name == "..":
		return "name " + name + " is not allowed"
	case strings.IndexByte(name, '/') >= 0:
		return "name holds \"/\""
	case isDotGit(name):
		return "name is .git or a variant file systems read as .git"
	}
	return ""
}

// isDotGit reports whether a file system could read name as ".git": in any
// letter case, with NTFS's trailing dots and spaces or alternate stream
// (".git. ", ".git::$INDEX_ALLOCATION"), its short name ("GIT~1"), or with the
// code points HFS+ ignores (".g\u200dit").
func isDotGit(name string) bool {
	return isNTFSDotGit(name) || isHFSDotGit(name)
}

func isNTFSDotGit(name string) bool {
	var rest string
	switch {
	case len(name) >= 4 && name[0] == '.' && strings.EqualFold(name[1:4], "git"):
		rest = name[4:]
	case len(name) >= 5 && strings.EqualFold(name[:3], "git") && name[3:5] == "~1":
		rest = name[5:]
	default:
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '.', ' ':
			continue
		case ':', '\\':
			return true
		}
		return false
	}
	return true
}

func isHFSDotGit(name string) bool {
	want := ".git"
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			// git reads malformed UTF-8 as the end of the name here, so
			// ".git\xf5" is ".git" to it.
			return want == ""
		}
		if hfsIgnored(r) {
			continue
		}
		if want == "" {
			return false // more than ".git"
		}
		if r >= utf8.RuneSelf || lower(byte(r)) != want[0] {
			return false
		}
		want = want[1:]
	}
	return want == ""
}

// hfsIgnored lists the code points HFS+ drops when it compares names (git's
// next_hfs_char).
func hfsIgnored(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// CompareTreeOrder is git's tree order: folders compare as if their name
// ended in '/'. Its sign is that of comparing those names.
func CompareTreeOrder(a, b TreeEntry) int {
	n := min(len(a.Name), len(b.Name))
	if c := strings.Compare(a.Name[:n], b.Name[:n]); c != 0 {
		return c
	}
	la, lb := treeKeyLen(a), treeKeyLen(b)
	for k := n; k < la && k < lb; k++ {
		if ca, cb := treeKeyByte(a, k), treeKeyByte(b, k); ca != cb {
			return int(ca) - int(cb)
		}
	}
	return la - lb
}

func treeKeyLen(e TreeEntry) int {
	if e.IsDir() {
		return len(e.Name) + 1
	}
	return len(e.Name)
}

func treeKeyByte(e TreeEntry, k int) byte {
	if k < len(e.Name) {
		return e.Name[k]
	}
	return '/'
}

// smallTree is the size up to which Find scans instead of building an index.
const smallTree = 32

// Find returns the entry called name.
func (t *Tree) Find(name string) (TreeEntry, bool) {
	if len(t.Entries) <= smallTree {
		for _, e := range t.Entries {
			if e.Name == name {
				return e, true
			}
		}
		return TreeEntry{}, false
	}
	t.indexOnce.Do(func() {
		t.index = make(map[string]int, len(t.Entries))
		for i, e := range t.Entries {
			t.index[e.Name] = i
		}
	})
	i, ok := t.index[name]
	if !ok {
		return TreeEntry{}, false
	}
	return t.Entries[i], true
}

// CaseTwin returns the name of another entry that differs from name only in
// letter case (they collide on case-insensitive file systems), or "".
func (t *Tree) CaseTwin(name string) string {
	t.foldOnce.Do(func() {
		t.folded = make(map[string][2]int32, len(t.Entries))
		for i, e := range t.Entries {
			k := strings.ToLower(e.Name)
			if f, ok := t.folded[k]; !ok {
				t.folded[k] = [2]int32{int32(i), -1}
			} else if f[1] < 0 {
				t.folded[k] = [2]int32{f[0], int32(i)}
			}
		}
	})
	f, ok := t.folded[strings.ToLower(name)]
	if !ok || f[1] < 0 {
		return ""
	}
	if other := t.Entries[f[0]].Name; other != name {
		return other
	}
	return t.Entries[f[1]].Name
}

// EncodeTree writes entries as a tree object, in the order given (tests and
// tools build trees with it; ParseTree judges the result).
func EncodeTree(entries []TreeEntry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		mode := fmt.Sprintf("%o", uint32(e.Mode))
		b.WriteString(mode + " " + e.Name + "\x00")
		b.Write(e.Hash[:])
	}
	return b.Bytes()
}
