#!/usr/bin/env bash
# Screenshot a published timeline's index.html with headless Chromium.
# Usage: tools/timeline-screenshot.sh DIR OUT.png
# DIR is the folder written by `embargo timeline --out DIR`. Needs chromium (Debian:
# apt-get install chromium) or set CHROMIUM to the browser binary.
set -euo pipefail

usage() { echo "usage: $0 DIR OUT.png" >&2; exit 2; }
[ $# -eq 2 ] || usage
dir=$1 out=$2
[ -f "$dir/index.html" ] || { echo "timeline-screenshot: error: $dir/index.html not found; run embargo timeline --out $dir first" >&2; exit 2; }

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	for b in chromium chromium-browser google-chrome; do
		if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
	done
fi
[ -n "$browser" ] || { echo "timeline-screenshot: error: chromium not found; install it (apt-get install chromium) or set CHROMIUM" >&2; exit 2; }

page=$(cd "$dir" && pwd)/index.html
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
	--user-data-dir="$profile" --window-size=1200,900 --screenshot="$out" \
	"file://$page" >/dev/null 2>&1
[ -s "$out" ] || { echo "timeline-screenshot: error: $browser wrote no screenshot" >&2; exit 1; }
echo "$out"
