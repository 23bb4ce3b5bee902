// Command embargo-synth generates a synthetic policy repository for benchmarks:
// members, issues over the years and a long signed history.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/embargo-tool/embargo/tools/internal/synth"
)

func main() {
	var cfg synth.Config
	dir := flag.String("dir", "", "the new folder to create the repository in (required)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of everything but the key material")
	flag.IntVar(&cfg.Members, "members", 50, "member organisations")
	flag.IntVar(&cfg.Issues, "issues", 1000, "issue records")
	flag.IntVar(&cfg.Commits, "commits", 1000, "signed commits on main after the root commit")
	flag.IntVar(&cfg.PRCommits, "pr-commits", 0, "signed commits on branch pr on top of main")
	flag.IntVar(&cfg.RSAEvery, "rsa-every", 10, "every n-th person gets an RSA-3072 key (0: none)")
	now := flag.String("now", "2026-11-20T12:00:00Z", "the clock the data is consistent at")
	flag.Parse()
	t, err := time.Parse(time.RFC3339, *now)
	if err != nil || *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "embargo-synth: error: usage: embargo-synth --dir NEW_DIR [--members N] [--issues N] [--commits N] [--pr-commits N] [--seed N] [--now TIME]")
		os.Exit(2)
	}
	cfg.Now = t
	res, err := synth.Generate(*dir, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "embargo-synth: error:", err)
		os.Exit(1)
	}
	fmt.Printf("dir=%s\nroot=%s\nmain=%s\npr=%s\ntrust=%s\n", res.Dir, res.Root, res.Main, res.PR, strings.Join(res.Coordinators, ","))
}
