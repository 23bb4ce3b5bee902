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

// tuneGC collects garbage only when the heap reaches the memory budget. A check
// allocates much (parsed records, commits, trees) but keeps little: validating
// 10,000 records allocates about 500 MB and keeps about 20 MB. Under a heap
// target proportional to the live heap (GOGC) the collector ran 27 times for that
// and took a third of the CPU; with GOGC off and a 200 MiB soft limit it runs
// two or three times. The limit keeps the process within its 256 MiB budget
// (BENCHMARKS.md). GOGC and GOMEMLIMIT in the environment still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(200 << 20)
	}
}
