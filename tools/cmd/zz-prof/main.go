package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/verify"
)

func main() {
	repo, _ := source.OpenRepo(os.Args[1])
	head, _ := repo.ResolveRevision("main")
	f, _ := os.Create("/tmp/cpu.prof")
	pprof.StartCPUProfile(f)
	t := time.Now()
	var fs any
	var err error
	if os.Args[2] == "all" {
		fs, err = verify.Audit(repo, *head, strings.Split(os.Args[3], ","), verify.Options{Now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)})
	} else {
		b := plumbing.NewHash(os.Args[2])
		base := &b
		fs, err = verify.Range(repo, *base, *head, verify.Options{Now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)})
	}
	pprof.StopCPUProfile()
	hf, _ := os.Create("/tmp/heap.prof")
	pprof.Lookup("heap").WriteTo(hf, 0)
	hf.Close()
	fmt.Println(time.Since(t), err, fmt.Sprint(fs)[:min(200, len(fmt.Sprint(fs)))])
}
