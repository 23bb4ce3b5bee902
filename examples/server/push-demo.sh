#!/usr/bin/env bash
# The server hook in two minutes: a bare repository with `embargo pre-receive` installed as
# docs/guides/server-hook.md says, the demo's signed history pushed into it, then one push
# the hook refuses and one it accepts — with real `git push`, on this machine, no ssh.
#   make demo-server     (or: bash examples/server/push-demo.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
work=$(mktemp -d /tmp/embargo-server-demo.XXXXXX)
now=2026-11-20T12:00:00Z
founder=E3FF104586BC655B5C275DD20BAA8B33A8912437 # mara-openwall, the example's founding coordinator

go build -o "$work/embargo" ./tools/cmd/embargo
"$work/embargo" demo --repo . --dir "$work/demo" --now "$now" --out "$work/public" >/dev/null
git init -q --bare "$work/server.git"
hook() {
  printf '#!/bin/sh\nexec %s pre-receive --protect refs/heads/main --now %s %s\n' "$work/embargo" "$now" "$1" > "$work/server.git/hooks/pre-receive"
  chmod 0755 "$work/server.git/hooks/pre-receive"
}
push() { # branch: push it as main, show what the pusher sees
  echo "\$ git push server $1:main"
  git -C "$work/demo" push server "$1:refs/heads/main" 2>&1 | sed 's/^/    /' || true
}
git -C "$work/demo" remote add server "$work/server.git"

echo "== the first push of main: the whole history audited from the founder's key (--trust)"
hook "--trust $founder"
push main
hook ""

echo
echo "== greta-suse, a member, stretches an embargo and makes herself coordinator"
push pr/stretch-embargo
echo
echo "== dana-debian, the issue's handler, records who was told"
push pr/update-informed
echo
echo "main on the server is now $(git -C "$work/server.git" rev-parse --short main) (pr/update-informed: $(git -C "$work/demo" rev-parse --short pr/update-informed))"
echo "Explore it: git -C $work/server.git log --oneline; cat $work/server.git/hooks/pre-receive"
