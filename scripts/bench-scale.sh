#!/usr/bin/env bash
# Build synthetic catalogues of growing size and measure the build against the floor the
# filesystem sets (`cp -r` of the same output tree on the same disk).
#
#   scripts/bench-scale.sh [WORKDIR] [SIZES...]      sizes in tools, default 10000 100000 515000
#
# Prints, per size: wall, user and system time, peak resident memory, output files and
# bytes, the `cp -r` time and the ratio. Servers are sized like the bundled corpus (about
# 16 tools each on average).
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-target/bench-scale}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 515000)
cargo build --release --quiet --bin toolcat --example synth
mkdir -p "$work"
printf '%-8s %8s %8s %8s %10s %9s %12s %8s %6s\n' tools wall_s user_s sys_s peak_MiB files bytes cp_s ratio
for n in "${sizes[@]}"; do
  servers=$(( n / 16 )); [ "$servers" -lt 1 ] && servers=1
  cat="$work/catalog-$n"; out="$work/site-$n"; copy="$work/copy-$n"
  rm -rf "$cat" "$out" "$copy"
  target/release/examples/synth --servers "$servers" --tools "$n" --seed 1 --out "$cat" 2>/dev/null
  /usr/bin/time -v -o "$work/time-$n.txt" target/release/toolcat build --catalog "$cat" --out "$out" >/dev/null 2>&1
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$n.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time-$n.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time-$n.txt")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$work/time-$n.txt")
  files=$(find "$out" -type f | wc -l)
  bytes=$(du -sb "$out" | cut -f1)
  sync
  start=$(date +%s.%N); cp -r "$out" "$copy"; sync; end=$(date +%s.%N)
  cp_s=$(echo "$end - $start" | bc)
  ratio=$(echo "scale=2; $wall / $cp_s" | bc)
  printf '%-8s %8s %8s %8s %10s %9s %12s %8.2f %6s\n' "$n" "$wall" "$user" "$sys" "$rss" "$files" "$bytes" "$cp_s" "$ratio"
  rm -rf "$copy"
done
