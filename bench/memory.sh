#!/usr/bin/env bash
# flakelog memory and time check on hostile inputs (issue #10): peak RSS must stay under
# 64 MB whatever the input, the thread count and the command, and time must grow linearly.
# A check, not a timed test: it prints a table; it fails (exit 1) only when a peak RSS goes
# over the limit.
#
#   bench/memory.sh [--quick]
#
# Inputs (examples/gen_pathological.rs), each at N and 2N so that the time ratio shows
# linearity (2.0 = linear):
#   runs      N tiny complete runs                 (1M runs: about 6 MB as .gz)
#   warnings  one run of N warning lines           (10M lines: about 21 MB as .gz)
#   reruns    one run re-running N failed tests    (every test is state the run keeps)
#   dict      one `modified` warning, N-key dicts  (100k keys: a 3.5 MB line)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
limit_kb=$((64 * 1024))

cargo build --release --quiet --bin flakelog --example gen_pathological
bin=target/release/flakelog
gen=target/release/examples/gen_pathological
dir=target/memory-check
mkdir -p "$dir"

if [ $quick = 1 ]; then
  sizes="runs:100000 warnings:1000000 reruns:5000 dict:20000"
else
  sizes="runs:1000000 warnings:10000000 reruns:20000 dict:100000"
fi

make_input() { # kind n -> path
  local kind=$1 n=$2 path
  if [ "$kind" = dict ]; then path="$dir/$kind-$n.log"; else path="$dir/$kind-$n.log.gz"; fi
  if [ ! -f "$path" ]; then
    if [ "$kind" = dict ]; then "$gen" "$kind" "$n" > "$path"
    else "$gen" "$kind" "$n" | gzip -6 > "$path"; fi
  fi
  echo "$path"
}

stats_file=$(mktemp)
trap 'rm -f "$stats_file"' EXIT
measure() { # -> "seconds maxrss_kb"
  /usr/bin/time -o "$stats_file" -f "%e %M" "$@" > /dev/null 2>/dev/null || true
  cat "$stats_file"
}

over=0
printf '%-9s %10s %-6s %4s  %9s %9s  %10s\n' input N command -j "time (s)" "RSS (MB)" "time 2N/N"
for entry in $sizes; do
  kind=${entry%%:*}; n=${entry##*:}
  small=$(make_input "$kind" "$n")
  large=$(make_input "$kind" $((n * 2)))
  for cmd in events runs stats; do
    for j in 1 8; do
      read -r t1 rss1 <<< "$(measure "$bin" "$cmd" -q -j "$j" "$small")"
      read -r t2 rss2 <<< "$(measure "$bin" "$cmd" -q -j "$j" "$large")"
      rss=$(( rss1 > rss2 ? rss1 : rss2 ))
      ratio=$(awk -v a="$t1" -v b="$t2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "n/a" }')
      flag=""
      if [ "$rss" -gt "$limit_kb" ]; then flag="  OVER 64 MB"; over=1; fi
      printf '%-9s %10s %-6s %4s  %9s %9.1f  %10s%s\n' "$kind" "$n" "$cmd" "$j" "$t1/$t2" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$ratio" "$flag"
    done
  done
done
exit $over
