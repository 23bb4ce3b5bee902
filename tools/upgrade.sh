#!/usr/bin/env bash
# Upgrade a group's repository to a newer embargo: take every file of the tool
# (tools/, schema/, docs, workflows, examples/, Makefile, go.mod, ...) from the
# template revision REV, and keep the group's records (policy.yaml, roles/,
# members/, issues/, .github/CODEOWNERS) as they are. The template never holds
# a group's records, so nothing can conflict; the result is one change for a
# coordinator to sign (docs/guides/upgrade.md):
#
#   git fetch template && make upgrade TEMPLATE=template/main && git commit -S -m "Upgrade embargo"
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: make upgrade TEMPLATE=template/main   (or: bash tools/upgrade.sh template/main)" >&2
	echo "  TEMPLATE is the template revision to take the tool's files from; git fetch template first (docs/guides/upgrade.md)" >&2
	exit 2
fi
rev=$1
cd "$(git rev-parse --show-toplevel)"
group=(policy.yaml roles members issues .github/CODEOWNERS)

git rev-parse --verify --quiet "$rev^{commit}" >/dev/null || { echo "upgrade: $rev is not a commit; git fetch the template first" >&2; exit 2; }
if ! git diff --quiet || ! git diff --cached --quiet; then
	echo "upgrade: commit or stash your changes first" >&2
	exit 2
fi
for p in "${group[@]}"; do
	if git cat-file -e "$rev:$p" 2>/dev/null; then
		echo "upgrade: $rev holds $p, a group's record; it is not the embargo template" >&2
		exit 2
	fi
done
exclude=()
for p in "${group[@]}"; do exclude+=(":(exclude)$p"); done
# The tool's files go (those the template dropped stay gone), then come back
# as the template has them.
git ls-files -z -- . "${exclude[@]}" | xargs -0 --no-run-if-empty git rm -q --
git checkout "$rev" -- .
git status --short
echo "upgrade: the tool's files are now those of $(git rev-parse --short "$rev^{commit}"); review, run make test, and commit signed" >&2
