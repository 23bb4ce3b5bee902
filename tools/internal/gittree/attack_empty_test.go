package gittree

import (
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/embargo-tool/embargo/tools/internal/gitobj"
)

// A folder with nothing in it holds no file, so a diff that lists only files
// says a commit adding one changes nothing: no access rule judges it, and a
// member could add folders anywhere (tools/, .github/, roles/) without a
// finding. git never writes an empty folder; the diff must show it.
func TestAttackEmptyFolderIsAChange(t *testing.T) {
	s := memory.NewStorage()
	empty := store(t, s, plumbing.TreeObject, nil)
	tools := store(t, s, plumbing.TreeObject, gitobj.EncodeTree([]gitobj.TreeEntry{{Name: "evil", Mode: filemode.Dir, Hash: empty}}))
	root := store(t, s, plumbing.TreeObject, gitobj.EncodeTree([]gitobj.TreeEntry{{Name: "tools", Mode: filemode.Dir, Hash: tools}}))
	chs, err := New(s).Diff(plumbing.ZeroHash, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 1 || chs[0].Path != "tools/evil" || chs[0].To == nil || !chs[0].To.IsDir() {
		t.Fatalf("Diff = %+v; want one change: the empty folder tools/evil", chs)
	}
}
