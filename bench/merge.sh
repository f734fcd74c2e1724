#!/usr/bin/env bash
# flakelog merge of N daily partials (issue #15: seconds for ten years of days). Each "day" is
# one log of a realistic generated archive under its own name (hard links, cycling over the
# archive's logs), made into a partial with `stats --partial`; then `merge` of 1,000 and of
# all N is timed, best of 3, with its peak memory.
#   bench/merge.sh [N]      (default 3650)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3650}
cargo build --release --quiet --examples
bin=$PWD/target/release/flakelog
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_corpus --out "$dir/archive" --size 256MiB --realistic --no-plain --seed 3 >&2
mkdir "$dir/days" "$dir/parts"
mapfile -t logs < <(find "$dir/archive" -name '*.log.gz' | sort)
for ((i = 0; i < n; i++)); do
  ln "${logs[i % ${#logs[@]}]}" "$dir/days/$(printf 'day%05d' "$i").log.gz"
done
start=$(date +%s.%N)
find "$dir/days" -name '*.log.gz' | xargs -P "$(nproc)" -n 1 sh -c \
  '"$0" stats --partial -q -o "$1/parts/$(basename "$2" .log.gz).flk" "$2"' "$bin" "$dir"
echo "made $n partials in $(echo "$(date +%s.%N) - $start" | bc) s ($(du -sh "$dir/parts" | cut -f1))"
merge() {
  local best=
  for _ in 1 2 3; do
    local out
    out=$( { /usr/bin/time -f '%e %M' "$bin" merge -q --format csv "$@" >/dev/null; } 2>&1 | tail -1)
    if [ -z "$best" ] || [ "$(echo "${out% *} < ${best% *}" | bc)" = 1 ]; then best=$out; fi
  done
  echo "${best% *} s, peak ${best#* } KB"
}
mapfile -t parts < <(find "$dir/parts" -name '*.flk' | sort)
echo "merge of 1000 partials: $(merge "${parts[@]:0:1000}")"
echo "merge of $n partials: $(merge "$dir/parts")"
