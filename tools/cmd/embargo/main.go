// Command embargo checks a coordinated-disclosure group's policy repository:
// schemas, date limits and signatures, and publishes the public timeline.
package main

import (
	"context"
	"os"

	"github.com/embargo-tool/embargo/tools/internal/cli"
	"github.com/embargo-tool/embargo/tools/internal/gctune"
)

func main() {
	gctune.Apply()
	os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
