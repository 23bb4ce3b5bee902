#!/usr/bin/env bash
# The pull-request gate's steps (.github/workflows/pull-request.yml) run
# locally, cold and warm, on a generated policy repository with a 10-commit pull
# request. Cold: no cached checker, empty Go build and module caches (what a
# runner without a cache hit does: modules come from the Go module proxy).
# Warm: the checker restored from the cache (a tar archive, as actions/cache
# keeps it), no Go at all. The runner's own start, the checkout action's and the
# cache service's round trips are not measured: they are GitHub's.
#   GATE_HISTORY (10000): commits of history before the pull request
#   GATE_RUNS (3): runs of each step; the table gives the fastest
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
history=${GATE_HISTORY:-10000}
runs=${GATE_RUNS:-3}
now=2026-11-20T12:00:00Z
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "== a policy repository with $history commits and a 10-commit pull request"
go build -o "$work/synth" ./tools/cmd/embargo-synth
"$work/synth" --dir "$work/origin" --members 50 --issues 1000 --commits "$history" --pr-commits 10 --rsa-every 10 > /dev/null
git -C "$work/origin" repack -a -d -q
base=$(git -C "$work/origin" rev-parse main)
head=$(git -C "$work/origin" rev-parse pr)

# step NAME CMD...: the fastest wall time of $runs runs, each from a clean
# state made by `reset` (a function the caller defines before each step).
declare -A best
order=()
step() {
  local name=$1; shift
  local t0 t1 secs b=""
  for ((i = 0; i < runs; i++)); do
    reset
    t0=$(date +%s.%N)
    "$@" > "$work/out" 2>&1 || { echo "gate: step '$name' failed:"; cat "$work/out"; exit 1; }
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    if [ -z "$b" ] || awk -v a="$secs" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$secs; fi
  done
  best[$name]=$b
  order+=("$name")
  printf '%-62s %7s s\n' "$name" "$b"
}

# The steps, as the workflow runs them.
checkout() { git clone --quiet --no-local --no-checkout --single-branch --branch main "file://$work/origin" "$work/base" && git -C "$work/base" checkout --quiet --detach "$base"; }
key() { git -C "$root" rev-parse HEAD:tools HEAD:schema HEAD:go.mod HEAD:go.sum | sha256sum > /dev/null; }
build() { (cd "$root" && go build -trimpath -o "$work/checker/embargo" ./tools/cmd/embargo); }
restore() { mkdir -p "$work/checker" && tar -xf "$work/cache.tar" -C "$work/checker"; }
fetch_head() { git -C "$work/base" fetch --quiet --no-tags --no-recurse-submodules "file://$work/origin" "+$head:refs/embargo/head"; }
check() { "$work/checker/embargo" check --repo "$work/base" --base "$base" --head "$head" --now "$now" --format text; }

echo "== steps (fastest of $runs)"
reset() { rm -rf "$work/base"; }
step "check out the base, full history" checkout
reset() { :; }
step "cache key: tree ids of tools/ schema/ go.mod go.sum" key
reset() { chmod -R u+w "$work/gocache" "$work/gomod" 2>/dev/null || true; rm -rf "$work/gocache" "$work/gomod" "$work/checker"; }
step "build the checker, cold (empty build and module caches)" env GOCACHE="$work/gocache" GOMODCACHE="$work/gomod" GOFLAGS=-modcacherw bash -c "$(declare -f build); root=$root work=$work build"
reset() { rm -rf "$work/gocache" "$work/checker"; }
step "build the checker, modules already downloaded" env GOCACHE="$work/gocache" bash -c "$(declare -f build); root=$root work=$work build"
tar -cf "$work/cache.tar" -C "$work/checker" embargo
reset() { rm -rf "$work/checker"; }
step "restore the checker from the cache (warm)" restore
reset() { git -C "$work/base" update-ref -d refs/embargo/head 2>/dev/null || true; git -C "$work/base" gc --quiet --prune=now 2>/dev/null || true; }
step "fetch the head as objects" fetch_head
reset() { :; }
step "embargo check (10 commits)" check

cold=$(awk -v a="${best["check out the base, full history"]}" -v b="${best["cache key: tree ids of tools/ schema/ go.mod go.sum"]}" \
  -v c="${best["build the checker, cold (empty build and module caches)"]}" -v d="${best["fetch the head as objects"]}" \
  -v e="${best["embargo check (10 commits)"]}" 'BEGIN { printf "%.2f", a + b + c + d + e }')
warm=$(awk -v a="${best["check out the base, full history"]}" -v b="${best["cache key: tree ids of tools/ schema/ go.mod go.sum"]}" \
  -v c="${best["restore the checker from the cache (warm)"]}" -v d="${best["fetch the head as objects"]}" \
  -v e="${best["embargo check (10 commits)"]}" 'BEGIN { printf "%.2f", a + b + c + d + e }')
echo "== the gate's steps in all: cold $cold s, warm $warm s (history $history commits)"
