#!/usr/bin/env bash
# Verifying a range of signed commits: embargo verify against git's own GnuPG
# verification (`git log --format=%G?`), on the same generated repository.
# Usage: tools/bench/verify-vs-gpg.sh [COMMITS]   (default 10000)
set -euo pipefail
commits=${1:-10000}
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/embargo" ./tools/cmd/embargo
go build -o "$work/synth" ./tools/cmd/embargo-synth
echo "generating $commits signed commits (50 members, 1000 issues, every 10th key RSA-3072)..."
"$work/synth" --dir "$work/repo" --members 50 --issues 1000 --commits "$commits" --rsa-every 10 > "$work/synth.out"
root=$(sed -n 's/^root=//p' "$work/synth.out")
git -C "$work/repo" repack -a -d -q    # a clone arrives packed; so does this repository

# git verifies with gpg, one process per commit; give it the members' public keys.
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$work/repo"/members/keys/*.asc 2>/dev/null
for fpr in $(ls "$work/repo/members/keys" | sed 's/\.asc$//'); do echo "$fpr:6:"; done | gpg --batch --quiet --import-ownertrust 2>/dev/null

now=2026-11-20T12:00:00Z
t0=$(date +%s%N)
"$work/embargo" verify --repo "$work/repo" --base "$root" --head main --now "$now" > "$work/embargo.out"
t1=$(date +%s%N)
git -C "$work/repo" log --format=%G? "$root..main" > "$work/git.out"
t2=$(date +%s%N)

good=$(grep -c '^G$' "$work/git.out" || true)
awk -v e="$((t1 - t0))" -v g="$((t2 - t1))" -v n="$commits" -v good="$good" -v res="$(tail -1 "$work/embargo.out")" 'BEGIN {
  printf "%-42s %10s\n", "verifying " n " signed commits", "seconds"
  printf "%-42s %10.2f   (%s)\n", "embargo verify --base ROOT --head main", e / 1e9, res
  printf "%-42s %10.2f   (%d of %d commits G)\n", "git log --format=%G? (GnuPG)", g / 1e9, good, n
  printf "%-42s %9.1fx\n", "embargo is faster by", g / e
}'
