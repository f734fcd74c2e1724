#!/usr/bin/env bash
# flakelog benchmark: one run, one table. Every figure is measured in this run, on the same
# generated files, and shown as MB/s of decompressed text and as a ratio to a baseline
# measured alongside it.
#
#   bench/run.sh [--size 1GiB] [--dir DIR] [--python]
#
# Two corpora, each generated once (deterministic: --seed 1) and reused: the test-runner
# corpus in DIR (default target/bench-corpus) and the realistic one in DIR-realistic (build
# steps of ~70% of the lines, mixed dressings, gzip -6: logs as buildbots store them). Every
# measurement is made on both. `--python` adds the Python regex baseline (slow: about 13 s
# per GiB).
set -euo pipefail
cd "$(dirname "$0")/.."

size=1GiB
dir=target/bench-corpus
python=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --python) python=1; shift ;;
    *) echo "usage: bench/run.sh [--size 1GiB] [--dir DIR] [--python]" >&2; exit 2 ;;
  esac
done

cargo build --release --quiet --bin flakelog --examples
bin=target/release/flakelog
ex=target/release/examples

# measure CMD…: "wall user+sys-user sys maxrss_kib" of CMD, the run with the best wall of 3.
# Wall time from the nanosecond clock, CPU and peak RSS from /usr/bin/time.
stats_file=$(mktemp)
trap 'rm -f "$stats_file"' EXIT
measure() {
  local best="" line t0 t1
  for _ in 1 2 3; do
    t0=$(date +%s.%N)
    /usr/bin/time -o "$stats_file" -f "%U %S %M" "$@" > /dev/null 2>/dev/null
    t1=$(date +%s.%N)
    line="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(tail -1 "$stats_file")"
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  echo "$best"
}
# the same for a shell pipeline given as one string
measure_sh() { measure bash -c "$1"; }
wall() { echo "${1%% *}"; }
cpu() { echo "$1" | awk '{ printf "%.3f", $2 + $3 }'; }
rss_mb() { echo "$1" | awk '{ printf "%.1f", $4 / 1024 }'; }
rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }   # speed ratio: time b / time a

rows=()
row() { rows+=("$(printf '%-44s %10s %10s %8s  %s' "$1" "$2" "$3" "$4" "$5")"); }

# bench_corpus LABEL DIR [GEN_FLAGS…]: generate DIR if needed, then every measurement on it
bench_corpus() {
  local label=$1 dir=$2
  shift 2
  if [ ! -f "$dir/truth.json" ] || [ "$(cat "$dir/.size" 2>/dev/null)" != "$size" ]; then
    rm -rf "$dir"
    "$ex/gen_corpus" --out "$dir" --size "$size" --seed 1 "$@" >&2
    echo "$size" > "$dir/.size"
  fi
  mapfile -t plain < <(find "$dir" -name '*.log' | sort)
  mapfile -t gz < <(find "$dir" -name '*.log.gz' | sort)
  local one="$dir.one-stream.log.gz" big="$dir.one-stream.log"
  [ -f "$one" ] || cat "${gz[@]}" > "$one"
  [ -f "$big" ] || cat "${plain[@]}" > "$big"
  bytes=$(cat "${plain[@]}" | wc -c)
  local gzbytes
  gzbytes=$(cat "${gz[@]}" | wc -c)
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
  rows+=("")
  rows+=("== $label: $dir, ${#plain[@]} logs, $mb MB of text, gzip ratio $(awk -v a="$bytes" -v b="$gzbytes" 'BEGIN { printf "%.1f", a / b }')x")

# 1. plain text, one thread
f_plain=$(measure "$bin" stats -j1 --format csv "${plain[@]}")
b_memchr=$(measure "$ex/line_count" "${plain[@]}")
b_wc=$(measure wc -l "${plain[@]}")
row "plain, 1 thread: flakelog stats" "$(rate "$(wall "$f_plain")")" "" "" ""
row "  vs memchr line count" "$(rate "$(wall "$b_memchr")")" "$(ratio "$(wall "$f_plain")" "$(wall "$b_memchr")")" ">=0.40" "flakelog/baseline"
row "  vs wc -l" "$(rate "$(wall "$b_wc")")" "$(ratio "$(wall "$f_plain")" "$(wall "$b_wc")")" "" ""
if [ "$python" = 1 ]; then
  b_py=$(measure python3 bench/baseline.py "${plain[@]}")
  row "  vs Python regex pass" "$(rate "$(wall "$b_py")")" "$(ratio "$(wall "$f_plain")" "$(wall "$b_py")")" ">=25" ""
fi

# 2. one gzip stream (all members of the corpus in one file), one thread
f_one=$(measure "$bin" stats -j1 --format csv "$one")
b_inflate=$(measure "$ex/inflate" "$one")
b_zcat=$(measure_sh "zcat '$one' > /dev/null")
row "one .gz stream, 1 thread: flakelog stats" "$(rate "$(wall "$f_one")")" "" "" ""
row "  vs MultiGzDecoder inflate" "$(rate "$(wall "$b_inflate")")" "$(ratio "$(wall "$f_one")" "$(wall "$b_inflate")")" ">=0.90" ""
row "  vs zcat > /dev/null" "$(rate "$(wall "$b_zcat")")" "$(ratio "$(wall "$f_one")" "$(wall "$b_zcat")")" ">=2.50" ""

# 3. many gzip files: two threads against one
f_j1=$(measure "$bin" stats -j1 --format csv "${gz[@]}")
f_j2=$(measure "$bin" stats -j2 --format csv "${gz[@]}")
row "many .gz files: flakelog stats -j1" "$(rate "$(wall "$f_j1")")" "" "" ""
row "  -j2 (ratio: speed-up over -j1)" "$(rate "$(wall "$f_j2")")" "$(ratio "$(wall "$f_j2")" "$(wall "$f_j1")")" ">=1.80" ""

# 4. zcat | flakelog: flakelog's CPU time against zcat's
z_only=$(measure_sh "zcat ${gz[*]} > /dev/null")
z_pipe_line=$(
  t0=$(date +%s.%N)
  zcat "${gz[@]}" | /usr/bin/time -o "$stats_file" -f "%U %S %M" "$bin" stats --format csv > /dev/null
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(tail -1 "$stats_file")"
)
row "zcat | flakelog stats (wall)" "$(rate "$(wall "$z_pipe_line")")" "" "" ""
row "  flakelog CPU / zcat CPU" "" "$(awk -v a="$(cpu "$z_pipe_line")" -v b="$(cpu "$z_only")" 'BEGIN { printf "%.2f", a / b }')" "<=0.25" "CPU s: $(cpu "$z_pipe_line") vs $(cpu "$z_only")"

# 5. peak memory at 1x and 4x the corpus (the same files named four times)
r1=$(measure "$bin" stats -j2 --format csv "$dir")
r4=$(measure "$bin" stats -j2 --format csv "$dir" "$dir" "$dir" "$dir")
row "peak RSS, stats -j2, ${size} (plain+gz)" "" "$(rss_mb "$r1") MB" "<=64 MB" ""
row "peak RSS, stats -j2, 4 x ${size}" "" "$(rss_mb "$r4") MB" "<=64 MB" ""

# 6. the output closed early: `events BIG | head -1` against the whole `events BIG`
f_events=$(measure "$bin" events --format jsonl "$big")
f_head=$(measure_sh "'$bin' events --format jsonl '$big' | head -1")
row "events BIG (one plain file, all rows)" "$(rate "$(wall "$f_events")")" "" "" ""
row "  events BIG | head -1 (time / full time)" "" "$(awk -v a="$(wall "$f_head")" -v b="$(wall "$f_events")" 'BEGIN { printf "%.3f", a / b }')" "<=0.05" "$(wall "$f_head") s"
}

bench_corpus "test-runner output only" "$dir"
bench_corpus "realistic (build steps, dressings, gzip -6)" "$dir-realistic" --realistic

echo
echo "flakelog benchmark — $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "best of 3 runs each; MB/s of decompressed text; ratio: flakelog's speed over the baseline's"
echo
printf '%-44s %10s %10s %8s  %s\n' "measurement" "MB/s" "ratio" "target" ""
printf '%s\n' "${rows[@]}"
