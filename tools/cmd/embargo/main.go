// Command embargo checks a coordinated-disclosure group's policy repository:
// schemas, date limits and signatures, and publishes the public timeline.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/embargo-tool/embargo/tools/internal/cli"
)

func main() {
	tuneGC()
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC trades memory the tool has to spare for less collection work: a check
// allocates many short-lived objects (parsed records, commits, trees). The soft
// limit keeps the process within its 256 MiB budget (BENCHMARKS.md). GOGC and
// GOMEMLIMIT in the environment still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(224 << 20)
	}
}
