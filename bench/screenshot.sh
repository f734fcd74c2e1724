#!/usr/bin/env bash
# The picture of `flakelog report` in README.md: the report of a generated archive
# (deterministic: 16 MiB, --seed 14), rendered by headless Chromium in a 1000 px wide window,
# the overview only (its first 1300 px: totals, runs per month, the start of the heatmap),
# written to docs/report.png.
#
#   bench/screenshot.sh            # Chromium: $CHROMIUM, else chromium or chromium-browser
#
# pngquant or optipng make the file smaller when they are installed; without them it is
# small enough as it is (about 100 KB), the window's height being the crop.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "screenshot.sh: no chromium (set CHROMIUM or put chromium on PATH)" >&2
  exit 1
fi

cargo build --release --quiet --bin flakelog --example gen_corpus
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run inside $tmp so that the page says "From archive.", not a temporary path
(
  cd "$tmp"
  "$repo/target/release/examples/gen_corpus" --out archive --size 16MiB --seed 14 --no-gz >/dev/null
  "$repo/target/release/flakelog" report -q archive -o report.html
)

# --no-sandbox: Chromium's sandbox refuses to run as root; the page is our own
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --force-device-scale-factor=1 --no-first-run --user-data-dir="$tmp/profile" \
  --window-size=1000,1300 --virtual-time-budget=2000 \
  --screenshot="$tmp/report.png" "file://$tmp/report.html" 2>/dev/null

if command -v pngquant >/dev/null 2>&1; then
  pngquant --force --skip-if-larger --output "$tmp/report.png" 64 "$tmp/report.png" || true
fi
if command -v optipng >/dev/null 2>&1; then
  optipng -quiet -o2 "$tmp/report.png"
fi
mkdir -p docs
cp "$tmp/report.png" docs/report.png
echo "docs/report.png: $(wc -c <docs/report.png) bytes"
