#!/usr/bin/env bash
# flakelog report against flakelog stats on the same archive (issue #14: under 1.2x the time,
# under 5 MB): a realistic generated archive of SIZE (default 1GiB, gzip), best of 3 each.
#   bench/report.sh [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GiB}
cargo build --release --quiet --examples
bin=target/release/flakelog
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_corpus --out "$dir/archive" --size "$size" --realistic --no-plain --seed 3 >&2
best() {
  local best=
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
stats=$(best "$bin" stats -q --format csv "$dir/archive")
report=$(best "$bin" report -q -o "$dir/report.html" "$dir/archive")
echo "stats ${stats}s, report ${report}s, report/stats $(echo "scale=3; $report / $stats" | bc), page $(stat -c %s "$dir/report.html") bytes"
