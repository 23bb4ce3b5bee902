#!/usr/bin/env bash
# make bench: the scale targets of BENCHMARKS.md, measured side by side on the
# same generated data in one run. Prints a table; takes about ten minutes.
#   BENCH_COMMITS (10000)  BENCH_ISSUES (10000)  BENCH_HISTORY (50000)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
commits=${BENCH_COMMITS:-10000}
issues=${BENCH_ISSUES:-10000}
history=${BENCH_HISTORY:-50000}
now=2026-11-20T12:00:00Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in gpg git node npm /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install gnupg git nodejs npm time)" >&2; exit 2; }
done

go build -o "$work/embargo" ./tools/cmd/embargo
go build -o "$work/synth" ./tools/cmd/embargo-synth
go build -o "$work/yaml2json" ./tools/bench/yaml2json

rows=()
# measure RUNS NAME CMD...: the fastest wall time and the largest peak RSS of
# RUNS runs (the first run of a command may pay for cold caches).
measure() {
  local runs=$1 name=$2; shift 2
  local best="" peak=0 secs kib
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err" || true
    read -r secs kib < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  rows+=("$(printf '%-58s %8.2f s %8d MiB' "$name" "$best" $((peak / 1024)))")
  printf '%s\n' "${rows[-1]}"
}

echo "== generating: $issues issue records; $commits signed commits; $history commits + a 10-commit pull request"
"$work/synth" --dir "$work/records" --members 50 --issues "$issues" --commits 0 --rsa-every 10 > /dev/null
"$work/synth" --dir "$work/history" --members 50 --issues 1000 --commits "$commits" --rsa-every 10 > "$work/history.out"
"$work/synth" --dir "$work/long" --members 50 --issues 1000 --commits "$history" --pr-commits 10 --rsa-every 10 > /dev/null
for r in history long; do git -C "$work/$r" repack -a -d -q; done
vroot=$(sed -n 's/^root=//p' "$work/history.out")

echo "== validating $issues records"
measure 3 "embargo validate ($issues issues, 50 members)" "$work/embargo" validate --repo "$work/records" --now "$now"
"$work/yaml2json" "$work/json" "$work"/records/issues/*/*.yaml
(cd /tmp && mkdir -p embargo-bench-ajv && cd embargo-bench-ajv && [ -x node_modules/.bin/ajv ] || npm install --silent --no-audit --no-fund ajv-cli@5 ajv-formats@2 >/dev/null)
ajv=/tmp/embargo-bench-ajv/node_modules/.bin/ajv
measure 3 "ajv-cli: JSON Schema only, same records as JSON" "$ajv" validate --spec=draft2020 -c ajv-formats --strict=false \
  -s schema/issue.schema.json -r schema/defs.schema.json -d "$work/json/*.json"
grep -c " valid" "$work/out" > /dev/null || { echo "bench: ajv did not validate the records:"; head -5 "$work/out" "$work/err"; }

echo "== verifying $commits signed commits"
measure 3 "embargo verify ($commits commits)" "$work/embargo" verify --repo "$work/history" --base "$vroot" --head main --now "$now"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$work"/history/members/keys/*.asc 2> /dev/null
for k in "$work"/history/members/keys/*.asc; do echo "$(basename "$k" .asc):6:"; done | gpg --batch --quiet --import-ownertrust 2> /dev/null
measure 1 "git log --format=%G? (GnuPG)" git -C "$work/history" log --format=%G? "$vroot..main"
[ "$(grep -c '^G$' "$work/out")" = "$commits" ] || echo "bench: git did not find every signature good"
git -C "$work/history" rev-list "$vroot..main" > "$work/revs"
measure 1 "git verify-commit (GnuPG)" xargs -a "$work/revs" git -C "$work/history" verify-commit

echo "== checking a 10-commit pull request on $commits and on $history commits of history"
tip10=$(git -C "$work/history" rev-parse main~10)
measure 3 "embargo check, 10 commits on $commits commits" "$work/embargo" check --repo "$work/history" --base "$tip10" --head main --now "$now"
measure 3 "embargo verify, 10 commits on $commits commits" "$work/embargo" verify --repo "$work/history" --base "$tip10" --head main --now "$now"
measure 3 "embargo check --base main --head pr ($history commits)" "$work/embargo" check --repo "$work/long" --base main --head pr --now "$now"
measure 3 "embargo verify --base main --head pr ($history commits)" "$work/embargo" verify --repo "$work/long" --base main --head pr --now "$now"

echo
echo "== summary"
printf '%s\n' "${rows[@]}"
