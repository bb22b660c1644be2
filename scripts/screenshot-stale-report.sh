#!/usr/bin/env bash
# Renders `docsteward stale --format html` for a repository in headless Chromium and saves a
# screenshot, to look at the report as a maintainer would. Needs Debian's `chromium`.
# Usage: scripts/screenshot-stale-report.sh REPO [OUT.png] [extra docsteward stale args...]
set -euo pipefail
repo=${1:?usage: $0 REPO [OUT.png] [args...]}
out=${2:-stale-report.png}
shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${DOCSTEWARD:-$here/target/release/docsteward}
[ -x "$bin" ] || cargo build --release --locked --manifest-path "$here/Cargo.toml"
command -v chromium >/dev/null || { echo "install Debian's chromium first: apt-get install chromium" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" -C "$repo" stale --format html --output "$work/report.html" "$@"
# The flags keep Chromium from reaching for the network, which this report never needs.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --window-size=1100,900 \
  --screenshot="$(realpath -m "$out")" "file://$work/report.html" 2>/dev/null
echo "wrote $out"
