// Package gctune sets the garbage collector up the way the embargo command runs it,
// so that benchmarks measure what users get.
package gctune

import (
	"os"
	"runtime/debug"
)

// MemoryLimit is the soft heap limit: the process stays within its 256 MiB
// budget (BENCHMARKS.md) with room for what is not heap.
const MemoryLimit = 200 << 20

// Apply makes the collector run only when the heap reaches MemoryLimit. A check
// allocates much (parsed records, commits, trees) but keeps little: validating
// 10,000 records allocates about 500 MB and keeps about 20 MB. Under a heap
// target proportional to the live heap (GOGC=200) the collector ran 27 times for
// that and took a third of the CPU; with GOGC off and the limit it runs two or
// three times. GOGC and GOMEMLIMIT in the environment still win. The returned
// function restores the previous settings (for benchmarks).
func Apply() (restore func()) {
	limit := debug.SetMemoryLimit(-1) // a negative limit only reads it
	percent := debug.SetGCPercent(-1)
	if os.Getenv("GOGC") != "" {
		debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
