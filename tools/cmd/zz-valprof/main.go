package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/finding"
	"github.com/embargo-tool/embargo/tools/internal/source"
	"github.com/embargo-tool/embargo/tools/internal/state"
	"github.com/embargo-tool/embargo/tools/internal/validate"
)

func main() {
	f, _ := os.Create("/tmp/val.prof")
	pprof.StartCPUProfile(f)
	t := time.Now()
	var out finding.List
	st, _ := state.Load(source.Dir{Root: os.Args[1]}, &out)
	t1 := time.Since(t)
	validate.Check(st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), &out)
	pprof.StopCPUProfile()
	fmt.Println("load", t1, "total", time.Since(t), len(out.Sorted()))
}
